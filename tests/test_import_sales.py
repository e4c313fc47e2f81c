"""Sales history import: into DailySummary with imported=True, never the ledger."""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from shop_desk.clock import shop_day, utcnow
from shop_desk.db.models import DailySummary, Product, StockMove
from shop_desk.errors import InputError
from shop_desk.importing import apply_products, apply_sales, preview_products, preview_sales
from shop_desk.inventory.check import check_database
from shop_desk.inventory.ledger import MoveKind, lock_product, post_move
from shop_desk.inventory.products import lookup_code

DATA = Path(__file__).resolve().parent / "data" / "import"
COLA, SPRITE, COLA_CASE = "6908512108211", "6908512109218", "16908512108218"


@pytest.fixture
def shop(db):
    """The products of products_gbk.csv (cola with a case of 12, sprite, peanuts HSM...)."""
    with db.read() as s:
        preview = preview_products(DATA / "products_gbk.csv", session=s)
    with db.session() as s:
        apply_products(s, preview)
    return db


def pid(db, code: str) -> int:
    with db.read() as s:
        return lookup_code(s, code)[0].id


def summary(db) -> dict[tuple[int, date], tuple]:
    with db.read() as s:
        return {
            (r.product_id, r.day): (
                r.units_sold,
                r.revenue_fen,
                r.cost_fen,
                r.closing_on_hand,
                r.out_of_stock,
                r.imported,
            )
            for r in s.scalars(select(DailySummary))
        }


def import_sales(db, path: Path):
    with db.read() as s:
        preview = preview_sales(path, session=s)
    assert preview.ok, preview.errors
    with db.session() as s:
        return preview, apply_sales(s, preview)


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8") -> Path:
    with open(path, "w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def test_gbk_till_report_aggregated_per_product_and_day(shop):
    preview, result = import_sales(shop, DATA / "sales_gbk.csv")
    assert preview.encoding == "gb18030" and preview.header_line == 2
    assert (preview.row_count, preview.first_day, preview.last_day) == (
        5,
        date(2024, 1, 30),
        date(2024, 1, 31),
    )
    assert (result.created, result.updated) == (4, 0)
    cola, sprite, peanuts = pid(shop, COLA), pid(shop, SPRITE), pid(shop, "HSM")
    # units, revenue, cost (unknown: 0), closing on hand (unknown: 0), out of stock, imported
    assert summary(shop) == {
        (cola, date(2024, 1, 30)): (5, 4000, 0, 0, False, True),  # two rows added up
        (cola, date(2024, 1, 31)): (12, 9000, 0, 0, False, True),  # one case of 12
        (sprite, date(2024, 1, 31)): (1, 850, 0, 0, False, True),
        (peanuts, date(2024, 1, 31)): (2, 2400, 0, 0, False, True),  # found by name
    }
    with shop.read() as s:
        assert s.scalar(select(func.count()).select_from(StockMove)) == 0  # not the ledger
        assert s.scalar(select(func.sum(Product.on_hand))) == 0
    with shop.session() as s:
        report = check_database(s)
    assert report.ok, report.problems


def test_reimporting_the_same_file_replaces_and_never_double_counts(shop):
    import_sales(shop, DATA / "sales_gbk.csv")
    first = summary(shop)
    preview, result = import_sales(shop, DATA / "sales_gbk.csv")
    assert preview.replace_count == 4
    assert (result.created, result.updated) == (0, 4)
    assert summary(shop) == first


def test_replacing_keeps_other_imported_days(shop, tmp_path):
    import_sales(shop, DATA / "sales_gbk.csv")
    path = write_csv(tmp_path / "s.csv", [["日期", "条码", "销量"], ["2024-01-30", COLA, "7"]])
    import_sales(shop, path)
    rows = summary(shop)
    assert rows[(pid(shop, COLA), date(2024, 1, 30))][:2] == (7, 7 * 800)  # estimated revenue
    assert rows[(pid(shop, COLA), date(2024, 1, 31))][:2] == (12, 9000)


def test_xlsx_dates_short_codes_and_estimated_revenue(shop):
    preview, result = import_sales(shop, DATA / "sales.xlsx")
    peanuts = pid(shop, "HSM")
    assert result.created == 2
    assert summary(shop) == {
        (peanuts, date(2024, 2, 1)): (3, 3600, 0, 0, False, True),
        (peanuts, date(2024, 2, 2)): (3, 3600, 0, 0, False, True),  # 1.0 + 2 units
    }
    assert [(w.line, w.message) for w in preview.warnings] == [
        (
            3,
            "2 product-days have no revenue in the file: it is estimated from the products' "
            "current retail prices.",
        )
    ]


def test_unit_price_column_and_returns(shop, tmp_path):
    path = write_csv(
        tmp_path / "s.csv",
        [
            ["日期", "条码", "数量", "单价"],
            ["2024-03-01", SPRITE, "3", "8.00"],
            ["2024-03-01", SPRITE, "-1", "8.00"],
        ],
    )
    import_sales(shop, path)
    assert summary(shop)[(pid(shop, SPRITE), date(2024, 3, 1))][:2] == (2, 1600)


def test_a_day_with_ledger_sales_is_refused_and_nothing_written(shop, tmp_path):
    cola = pid(shop, COLA)
    at = datetime(2024, 1, 30, 12, 0)
    with shop.session() as s:
        post_move(s, lock_product(s, cola), MoveKind.SALE, -1, revenue_fen=800, at=at)
    day = shop_day(at).isoformat()
    path = write_csv(
        tmp_path / "s.csv",
        [["日期", "条码", "数量"], [day, SPRITE, "1"], [day, COLA, "4"], [day, COLA, "1"]],
    )
    before = summary(shop)
    assert [v[-1] for v in before.values()] == [False]  # the ledger's own row
    with shop.read() as s:
        preview = preview_sales(path, session=s)
    assert [(e.line, e.column) for e in preview.errors] == [(3, "日期")]
    assert f"already has sales recorded by this program on {day}" in preview.errors[0].message
    with pytest.raises(InputError), shop.session() as s:
        apply_sales(s, preview)
    assert summary(shop) == before


def test_unknown_products_listed_with_every_line(shop, tmp_path):
    path = write_csv(
        tmp_path / "s.csv",
        [
            ["日期", "条码", "品名", "数量"],
            ["2024-01-30", COLA, "可口可乐", "1"],
            ["2024-01-30", "6920927181818", "酷儿", "1"],
            ["2024-01-30", "6920927181818", "酷儿", "2"],
            ["2024-01-30", "", "没有的东西", "1"],
        ],
    )
    with shop.read() as s:
        preview = preview_sales(path, session=s)
    assert [(e.line, e.column) for e in preview.errors] == [(3, "条码"), (4, "条码"), (5, "品名")]
    assert preview.errors[0].message.startswith("Unknown product 6920927181818")
    with pytest.raises(InputError, match="Nothing was imported"), shop.session() as s:
        apply_sales(s, preview)
    assert summary(shop) == {}


def test_apply_checks_products_even_without_a_checked_preview(shop, tmp_path):
    path = write_csv(tmp_path / "s.csv", [["日期", "自编码", "数量"], ["2024-01-30", "NOPE", "1"]])
    preview = preview_sales(path)  # read only, no database
    assert preview.ok and not preview.checked
    with pytest.raises(InputError, match="Line 2: Unknown product NOPE"), shop.session() as s:
        apply_sales(s, preview)
    assert summary(shop) == {}


def test_today_and_future_refused(shop, tmp_path):
    today = shop_day(utcnow())
    path = write_csv(
        tmp_path / "s.csv",
        [
            ["日期", "条码", "数量"],
            [(today - timedelta(days=1)).isoformat(), COLA, "1"],
            [today.isoformat(), COLA, "1"],
            [(today + timedelta(days=3)).isoformat(), COLA, "1"],
        ],
    )
    with shop.read() as s:
        preview = preview_sales(path, session=s)
    assert [e.line for e in preview.errors] == [3, 4]
    assert "up to yesterday" in preview.errors[0].message


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        (["2024-02-30", COLA, "1"], "Not a date: 2024-02-30"),
        (["31/01/2024", COLA, "1"], "Write dates as 2024-01-31"),
        (["1990-01-01", COLA, "1"], "too far in the past"),
        (["2024-01-30", COLA, "1.5"], "Not a whole number: 1.5"),
        (["2024-01-30", COLA, "lots"], "Not a whole number"),
        (["2024-01-30", COLA, ""], "The quantity is empty."),
        (["", COLA, "1"], "The date is empty."),
        (["2024-01-30", "6908512108212", "1"], "wrong check digit"),
        (["2024-01-30", COLA, "-2"], "add up to less than zero"),
        (["2024-01-30", COLA, "5000000"], "too large"),
    ],
)
def test_bad_rows_name_their_line(shop, tmp_path, row, fragment):
    path = write_csv(tmp_path / "s.csv", [["日期", "条码", "数量"], row], "gbk")
    with shop.read() as s:
        preview = preview_sales(path, session=s)
    assert [e.line for e in preview.errors] == [2]
    assert fragment in preview.errors[0].message
    with pytest.raises(InputError), shop.session() as s:
        apply_sales(s, preview)
    assert summary(shop) == {}


def test_missing_columns_named(tmp_path):
    path = write_csv(tmp_path / "s.csv", [["日期", "条码"], ["2024-01-30", COLA]])
    with pytest.raises(InputError, match=r"销量 \(units\)"):
        preview_sales(path)
