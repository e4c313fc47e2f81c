"""The stock table's query: filters, SQL sorting and paging, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from shop_desk.inventory.products import ProductData, create_product, set_active
from shop_desk.inventory.stock import receive_stock, write_off
from shop_desk.inventory.stock_list import (
    SortKey,
    StockFilter,
    categories,
    count_rows,
    fetch_page,
    fetch_rows,
    resolve,
)
from shop_desk.text import gtin_with_check_digit

TODAY = date(2025, 6, 1)

# name, category, price (fen), received qty, total cost (fen), min display, expiry offset (days)
CATALOG = [
    ("可口可乐", "饮料", 300, 24, 5100, 6, None),
    ("雪碧", "饮料", 300, 2, 400, 6, None),
    ("农夫山泉", "饮料", 200, 48, 4800, 0, 200),
    ("乐事薯片", "零食", 650, 0, 0, 2, None),
    ("奥利奥", "零食", 900, 10, 6500, 2, 3),
    ("蒙牛纯牛奶", "乳品", 350, 12, 3000, 4, -1),
    ("洗洁精", "", 1290, 5, 4500, 1, None),
]


def _code(i: int) -> str:
    return gtin_with_check_digit(f"690123{i:06d}")


@pytest.fixture
def shop(db):
    ids = {}
    with db.session() as s:
        for i, (name, category, price, qty, cost, min_qty, expiry) in enumerate(CATALOG):
            barcodes = [(_code(i), 1)]
            if name == "可口可乐":
                barcodes.append((_code(100), 24))
            product = create_product(
                s,
                ProductData(
                    name=name,
                    retail_price_fen=price,
                    category=category,
                    barcodes=barcodes,
                    min_display_qty=min_qty,
                ),
            )
            if qty:
                expiry_date = TODAY + timedelta(days=expiry) if expiry is not None else None
                receive_stock(s, product.id, qty, cost, expiry_date=expiry_date)
            ids[name] = product.id
    return ids


def _names(rows) -> list[str]:
    return [row.name for row in rows]


def _all(db, flt: StockFilter | None = None, **kw):
    with db.read() as s:
        return fetch_rows(s, flt or StockFilter(today=TODAY), limit=1000, **kw)


def test_default_order_is_by_pinyin_and_rows_carry_figures(db, shop):
    rows = _all(db)
    # aoliao, kekoukele, leshi..., mengniu..., nongfu..., xijiejing, xuebi
    expected = ["奥利奥", "可口可乐", "乐事薯片", "蒙牛纯牛奶", "农夫山泉", "洗洁精", "雪碧"]
    assert _names(rows) == expected
    cola = rows[1]
    assert cola.on_hand == 24
    assert cola.stock_value_fen == 5100
    assert cola.avg_cost_fen == 213  # 5100 / 24 = 212.5 -> rounds half away from zero
    assert cola.barcodes == f"{_code(0)}, {_code(100)}×24"
    assert cola.retail_price_fen == 300
    assert cola.category == "饮料"
    assert not cola.low and not cola.near_expiry and cola.nearest_expiry is None


def test_low_and_near_expiry_flags(db, shop):
    rows = {row.name: row for row in _all(db)}
    assert rows["雪碧"].low  # 2 on hand, minimum display 6
    assert rows["乐事薯片"].low  # none on hand
    assert not rows["农夫山泉"].low
    assert rows["奥利奥"].near_expiry and rows["奥利奥"].nearest_expiry == TODAY + timedelta(3)
    assert rows["蒙牛纯牛奶"].near_expiry  # already expired
    assert not rows["农夫山泉"].near_expiry
    assert rows["农夫山泉"].nearest_expiry == TODAY + timedelta(200)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        (SortKey.ON_HAND, lambda r: r.on_hand),
        (SortKey.RETAIL_PRICE, lambda r: r.retail_price_fen),
        (SortKey.AVG_COST, lambda r: r.avg_cost_fen),
        (SortKey.STOCK_VALUE, lambda r: r.stock_value_fen),
        (SortKey.CATEGORY, lambda r: r.category),
    ],
)
def test_sorting_happens_in_sql_both_ways(db, shop, key, value):
    up = _all(db, sort=key)
    down = _all(db, sort=key, descending=True)
    assert [value(r) for r in up] == sorted(value(r) for r in up)
    assert [value(r) for r in down] == sorted((value(r) for r in down), reverse=True)
    assert sorted(_names(up)) == sorted(_names(down)) and len(up) == len(CATALOG)


def test_pages_do_not_overlap_and_cover_everything(db, shop):
    flt = StockFilter(today=TODAY)
    with db.read() as s:
        for key in SortKey:
            seen = []
            for offset in range(0, 10, 3):
                seen += fetch_rows(s, flt, sort=key, descending=True, offset=offset, limit=3)
            everything = fetch_rows(s, flt, sort=key, descending=True, limit=100)
            assert [r.id for r in seen] == [r.id for r in everything]
        page = fetch_page(s, flt, offset=5, limit=5)
    assert page.total == len(CATALOG)
    assert _names(page.rows) == ["洗洁精", "雪碧"]


def test_filters(db, shop):
    def names(**kw) -> set[str]:
        flt = StockFilter(today=TODAY, **kw)
        rows = _all(db, flt)
        with db.read() as s:
            assert count_rows(s, flt) == len(rows)
        return set(_names(rows))

    assert names(category="饮料") == {"可口可乐", "雪碧", "农夫山泉"}
    assert names(category="") == {"洗洁精"}
    assert names(low_only=True) == {"雪碧", "乐事薯片"}
    assert names(near_expiry_only=True) == {"奥利奥", "蒙牛纯牛奶"}
    within_a_year = names(near_expiry_only=True, near_expiry_days=365)
    assert within_a_year == {"奥利奥", "蒙牛纯牛奶", "农夫山泉"}
    assert names(text="kkkl") == {"可口可乐"}
    assert names(text="薯片") == {"乐事薯片"}
    assert names(text=_code(100)) == {"可口可乐"}  # a case barcode finds its product
    assert names(text="zzzz") == set()
    assert names(low_only=True, category="零食") == {"乐事薯片"}


def test_archived_hidden_unless_asked(db, shop):
    with db.session() as s:
        set_active(s, shop["洗洁精"], False)
    assert "洗洁精" not in _names(_all(db))
    rows = {r.name: r for r in _all(db, StockFilter(show_archived=True, today=TODAY))}
    assert not rows["洗洁精"].active
    assert not rows["洗洁精"].low  # archived goods are never "low"


def test_written_off_lot_is_no_longer_near_expiry(db, shop):
    with db.session() as s:
        write_off(s, shop["奥利奥"], 10, "expired")
    rows = {r.name: r for r in _all(db)}
    assert not rows["奥利奥"].near_expiry and rows["奥利奥"].nearest_expiry is None


def test_resolved_search_is_reused(db, shop):
    with db.read() as s:
        flt = resolve(s, StockFilter(text="kkkl", today=TODAY))
        assert flt.ids == (shop["可口可乐"],)
        assert _names(fetch_rows(s, flt)) == ["可口可乐"]
        assert categories(s) == sorted(["饮料", "零食", "乳品"])


def test_open_lots_in_the_order_sales_take_them(db, shop):
    from shop_desk.inventory.stock_list import open_lots

    with db.session() as s:
        receive_stock(s, shop["奥利奥"], 5, 3000, expiry_date=TODAY + timedelta(days=1))
        receive_stock(s, shop["奥利奥"], 4, 2400)
    with db.read() as s:
        lots = open_lots(s, shop["奥利奥"])
    assert [(lot.expiry_date, lot.qty_left) for lot in lots] == [
        (TODAY + timedelta(days=1), 5),
        (TODAY + timedelta(days=3), 10),
        (None, 4),
    ]
