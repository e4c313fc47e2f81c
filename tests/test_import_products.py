"""Product import: real files, every bad-input case, update vs create, all or nothing."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from shop_desk import i18n
from shop_desk.db.models import Barcode, Product
from shop_desk.errors import InputError
from shop_desk.importing import apply_products, preview_products
from shop_desk.inventory.products import lookup_code
from shop_desk.text import gtin_with_check_digit, is_valid_gtin
from tests.factories import make_product

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "import"
CN_PRODUCTS = HERE / "data" / "cn-products.csv"


def count(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(Product))


def run_import(db, path: Path, **kwargs):
    with db.read() as s:
        preview = preview_products(path, session=s, **kwargs)
    assert preview.ok, preview.errors
    with db.session() as s:
        return preview, apply_products(s, preview)


def product(db, code: str) -> Product:
    with db.read() as s:
        found = lookup_code(s, code)
        assert found is not None, code
        p = found[0]
        _ = p.barcodes
        return p


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with open(path, "w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows(rows)
    return path


# --- real files --------------------------------------------------------------------------


def test_gbk_csv_as_excel_writes_it(db):
    preview, result = run_import(db, DATA / "products_gbk.csv")
    assert preview.encoding == "gb18030"
    assert preview.header_line == 3
    assert (result.created, result.updated) == (6, 0)
    cola = product(db, "6908512108211")
    assert (cola.name, cola.retail_price_fen, cola.last_cost_fen) == ("可口可乐", 800, 600)
    assert (cola.unit, cola.category, cola.spec, cola.shelf_life_days) == (
        "瓶",
        "饮料",
        "1.25L",
        360,
    )
    assert sorted((b.code, b.units) for b in cola.barcodes) == [
        ("16908512108218", 12),
        ("6908512108211", 1),
    ]
    assert cola.name_initials == "kkkl"
    assert product(db, "6908512109218").retail_price_fen == 850  # ￥8.50
    assert product(db, "6920202888883").retail_price_fen == 600  # 6元
    assert product(db, "6911011516883").retail_price_fen == 128000  # 1,280.00
    assert product(db, "69021824").name == "A旺仔牛奶(纸盒)"  # EAN-8
    peanuts = product(db, "hsm")
    assert (peanuts.name, peanuts.unit, peanuts.barcodes) == ("散装花生米", "斤", [])
    # The same file again: every row matched, nothing to change, nothing duplicated.
    preview, result = run_import(db, DATA / "products_gbk.csv")
    assert (preview.update_count, result.unchanged, result.updated, count(db)) == (6, 6, 0, 6)


def test_utf8_bom_and_utf16_tab_files(db):
    preview, result = run_import(db, DATA / "products_bom.csv")
    assert preview.encoding == "utf-8-sig" and result.created == 2
    assert product(db, "6942404210026").retail_price_fen == 350
    preview, result = run_import(db, DATA / "products_utf16.txt")
    assert preview.encoding == "utf-16" and result.created == 2
    assert product(db, "6920927181818").retail_price_fen == 990


def test_xlsx_with_merged_title_numbers_and_blank_rows(db):
    preview, result = run_import(db, DATA / "products.xlsx")
    assert (preview.sheet, preview.header_line, result.created) == ("商品", 3, 4)
    assert product(db, "6942404210019").retail_price_fen == 350  # 3.5 as a number cell
    assert product(db, "6942404210026").retail_price_fen == 400  # barcode 6.94e12 as float
    assert product(db, "6942404210033").last_cost_fen == 460  # "4.60元"
    big = product(db, "6942404210057")
    assert (big.retail_price_fen, big.shelf_life_days) == (30, 540)  # 0.1+0.2, 18个月


def test_cn_products_all_1460_import_with_missing_prices_flagged(db):
    with open(CN_PRODUCTS, encoding="utf-8") as f:
        source = list(csv.DictReader(f))
    assert len(source) == 1460
    assert all(is_valid_gtin(r["barcode"]) for r in source)
    assert sum(len(r["barcode"]) == 8 for r in source) == 11
    with db.read() as s:
        preview = preview_products(CN_PRODUCTS, session=s)
    assert preview.ok and len(preview.rows) == 1460 and preview.new_count == 1460
    # Prices are empty for all but two: created at 0 with one warning per product.
    assert preview.warning_count == 1458
    assert preview.warnings[0].message == "No retail price: the product is created at ¥0.00."
    assert preview.warnings[0].line == 4 and preview.warnings[0].column == "sale_price"
    assert {"goods_id", "ean13_checksum_ok", "modify_time"} == set(preview.unused_columns)
    with db.session() as s:
        result = apply_products(s, preview)
    assert result.created == 1460 and count(db) == 1460
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Barcode)) == 1460
        priced = s.scalar(select(func.count()).where(Product.retail_price_fen > 0))
        assert priced == 2
    assert product(db, "6908512108211").retail_price_fen == 800
    assert product(db, "69021824").retail_price_fen == 0
    # Importing the same file again updates, never duplicates, and keeps prices set since.
    with db.session() as s:
        cola = lookup_code(s, "6908512109423")[0]
        cola.retail_price_fen = 350
    preview, result = run_import(db, CN_PRODUCTS)
    assert (preview.new_count, preview.update_count, preview.warning_count) == (0, 1460, 0)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1460)
    assert count(db) == 1460
    assert product(db, "6908512109423").retail_price_fen == 350


# --- bad input: a message naming the line, nothing changed --------------------------------


BAD_XLSX_ERRORS = [
    (3, "条码", "wrong check digit"),
    (4, "条码", "shortened by Excel"),
    (5, "售价", "Not an amount of money: 三块五"),
    (6, "售价", "cannot be negative"),
    (7, "售价", "too large"),
    (8, "商品名称", "The product name is empty."),
    (9, "条码", "Barcode 6908512108211 is also on line 2."),
]


def test_bad_xlsx_lists_every_problem_by_line_and_imports_nothing(db):
    with db.session() as s:
        make_product(s, "已有商品")
    with db.read() as s:
        preview = preview_products(DATA / "products_bad.xlsx", session=s)
    found = [(e.line, e.column, e.message) for e in preview.errors]
    assert len(found) == len(BAD_XLSX_ERRORS)
    for (line, column, message), (want_line, want_column, fragment) in zip(
        found, BAD_XLSX_ERRORS, strict=True
    ):
        assert (line, column) == (want_line, want_column)
        assert fragment in message
    assert str(preview.errors[0]).startswith("Line 3, column 条码: Barcode 6908512108212")
    refused = pytest.raises(InputError, match="Nothing was imported: the file has 7 problems")
    with refused, db.session() as s:
        apply_products(s, preview)
    assert count(db) == 1


@pytest.mark.parametrize(
    ("row", "line", "fragment"),
    [
        (["6908512108212", "可乐", "3"], 3, "wrong check digit (expected 1)"),
        (["6908512108211", "可乐", "-1"], 3, "cannot be negative"),
        (["6908512108211", "可乐", "2000000"], 3, "too large"),
        (["6908512108211", "可乐", "3.456"], 3, "Not an amount of money"),
        (["6908512108211", "可乐", "3", "abc"], 3, "Not a shelf life"),
        (["6908512108211", "", "3"], 3, "The product name is empty."),
        (["6908512109218", "雪碧2", "3"], 3, "also on line 2"),
        (["6.90851E+12", "可乐", "3"], 3, "shortened by Excel"),
        (["6908512108211", "x" * 201, "3"], 3, "too long"),
    ],
)
@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
def test_each_bad_cell_names_its_line_and_changes_nothing(
    db, tmp_path, row, line, fragment, encoding
):
    path = write_csv(
        tmp_path / "bad.csv",
        [["条码", "品名", "售价", "保质期"], ["6908512109218", "雪碧", "3"], row],
        encoding,
    )
    before = count(db)
    with db.read() as s:
        preview = preview_products(path, session=s)
    assert any(e.line == line and fragment in e.message for e in preview.errors), preview.errors
    with pytest.raises(InputError), db.session() as s:
        apply_products(s, preview)
    assert count(db) == before


def test_messages_in_chinese(db, tmp_path):
    path = write_csv(tmp_path / "bad.csv", [["条码", "品名"], ["6908512108212", "可乐"]])
    i18n.set_language("zh_CN")
    preview = preview_products(path)
    assert str(preview.errors[0]).startswith("第 2 行，“条码”列：条码 6908512108212 的校验位不对")
    assert "读取 0 个商品" in preview.summary()


def test_no_header_row_is_explained(tmp_path):
    path = write_csv(tmp_path / "p.csv", [["a", "b"], ["1", "2"]])
    with pytest.raises(InputError, match=r"商品名称 \(name\).*first 10 rows"):
        preview_products(path)


def test_case_barcode_without_units_is_an_error(tmp_path):
    path = write_csv(
        tmp_path / "p.csv", [["条码", "品名", "箱码"], ["6908512108211", "可乐", "16908512108218"]]
    )
    assert "units per case" in preview_products(path).errors[0].message


# --- matching existing products ----------------------------------------------------------


def test_update_changes_only_given_cells_and_adds_barcodes(db, tmp_path):
    with db.session() as s:
        old = make_product(
            s,
            "可乐",
            price=300,
            category="饮料",
            unit="瓶",
            barcodes=[("6908512108211", 1), ("6908512108426", 1)],
        )
        pid = old.id
    path = write_csv(
        tmp_path / "p.csv",
        [
            ["条码", "品名", "售价", "分类", "箱码", "箱规"],
            ["6908512108211", "可口可乐", "", "", "16908512108218", "12"],
        ],
    )
    preview, result = run_import(db, path)
    assert (preview.update_count, result.updated, count(db)) == (1, 1, 1)
    p = product(db, "6908512108211")
    assert p.id == pid
    assert (p.name, p.retail_price_fen, p.category, p.unit) == ("可口可乐", 300, "饮料", "瓶")
    assert sorted((b.code, b.units) for b in p.barcodes) == [
        ("16908512108218", 12),
        ("6908512108211", 1),
        ("6908512108426", 1),
    ]
    assert not preview.warnings  # an existing product keeps its price: nothing to flag


def test_matching_by_case_barcode_short_code_and_name(db, tmp_path):
    with db.session() as s:
        a = make_product(s, "可乐", barcodes=[("16908512108218", 12)]).id
        b = make_product(s, "花生米", barcodes=[], short_code="HSM").id
        c = make_product(s, "散装瓜子", barcodes=[]).id
    path = write_csv(
        tmp_path / "p.csv",
        [
            ["条码", "品名", "自编码", "售价"],
            ["16908512108218", "可口可乐", "", "3"],
            ["", "五香花生米", "hsm", "12"],
            ["", "散装瓜子", "", "15"],
            ["", "散装糖果", "", "20"],
        ],
    )
    preview, result = run_import(db, path)
    assert [r.product_id for r in preview.rows] == [a, b, c, None]
    assert (result.created, result.updated, count(db)) == (1, 3, 4)
    assert product(db, "HSM").name == "五香花生米"


def test_codes_of_two_products_in_one_row_and_same_product_twice(db, tmp_path):
    with db.session() as s:
        make_product(s, "可乐", barcodes=[("6908512108211", 1)])
        make_product(s, "雪碧", barcodes=[("6908512109218", 1)], short_code="XB")
    path = write_csv(
        tmp_path / "p.csv",
        [
            ["条码", "品名", "自编码"],
            ["6908512108211", "可乐", "XB"],
            ["6908512109218", "雪碧", ""],
            ["6908512109423", "雪碧 again", "XB"],
        ],
    )
    with db.read() as s:
        preview = preview_products(path, session=s)
    messages = {e.line: e.message for e in preview.errors}
    assert "belong to different products: 可乐、雪碧" in messages[2]
    assert messages[4] == "Short code XB is also on line 2."
    with db.session() as s, pytest.raises(InputError):
        apply_products(s, preview)
    assert count(db) == 2


def test_ambiguous_name_without_codes_is_an_error(db, tmp_path):
    with db.session() as s:
        make_product(s, "散装瓜子", barcodes=[])
        make_product(s, "散装瓜子", barcodes=[])
    path = write_csv(tmp_path / "p.csv", [["品名", "售价"], ["散装瓜子", "15"]])
    with db.read() as s:
        preview = preview_products(path, session=s)
    assert "Several products are named 散装瓜子" in preview.errors[0].message


def test_apply_rechecks_the_database(db, tmp_path):
    path = write_csv(
        tmp_path / "p.csv", [["条码", "品名", "自编码"], ["6908512108211", "可乐", "K1"]]
    )
    preview = preview_products(path)  # no session: nothing known about the database
    with db.session() as s:
        make_product(s, "另一个", barcodes=[("6908512109218", 1)], short_code="K1")
        make_product(s, "可乐", barcodes=[("6908512108211", 1)])
    with pytest.raises(InputError, match="belong to different products"), db.session() as s:
        apply_products(s, preview)
    assert count(db) == 2


def test_failure_part_way_leaves_nothing(db, tmp_path):
    rows = [["条码", "品名", "售价"]]
    rows += [[gtin_with_check_digit(f"690851{i:06d}"), f"商品{i}", "1"] for i in range(20)]
    path = write_csv(tmp_path / "p.csv", rows)
    with db.read() as s:
        preview = preview_products(path, session=s)
    assert preview.ok
    preview.rows[15].data.name = ""  # row 16 fails inside create_product, after 15 were added
    failed = pytest.raises(InputError, match=r"Line 17: A product needs a name\.")
    with failed, db.session() as s:
        apply_products(s, preview)
    assert count(db) == 0


def test_column_mapping_chosen_by_hand(db, tmp_path):
    path = write_csv(
        tmp_path / "p.csv",
        [["货品", "号码", "零售", "X"], ["可乐", "6908512108211", "3.5", "ignored"]],
    )
    with pytest.raises(InputError, match="No header row"):
        preview_products(path)
    preview, _ = run_import(
        db, path, mapping={"name": "货品", "barcode": 1, "retail_price": "零售"}
    )
    assert preview.mapping == {"name": 0, "barcode": 1, "retail_price": 2}
    assert preview.unused_columns == ["X"]
    assert product(db, "6908512108211").retail_price_fen == 350


def test_totals_row_and_warnings(tmp_path):
    path = write_csv(
        tmp_path / "p.csv",
        [
            ["条码", "品名", "售价", "进价"],
            ["6908512108211", "可乐", "3", "4"],
            ["6908512109218", "礼盒", "20000", ""],
            ["合计", "", "20003", "4"],
        ],
    )
    preview = preview_products(path)
    assert len(preview.rows) == 2 and preview.ok
    assert [(w.line, w.message) for w in preview.warnings] == [
        (2, "The cost ¥4.00 is above the retail price ¥3.00."),
        (3, "A retail price of ¥20,000.00 is unusually high: check it."),
    ]


@pytest.mark.slow
def test_a_big_file_imports_and_reimports(sqlite_db, tmp_path):
    """3,000 rows: the bulk paths (matching, preloading, unchanged rows) at some scale.
    10,000-row timings are measured by hand and quoted in the notes, not asserted here."""
    rows = [["条码", "商品名称", "售价", "分类"]]
    rows += [
        [gtin_with_check_digit(f"692{i:09d}"), f"测试商品{i}号", f"{i % 500 + 1}.50", "饮料"]
        for i in range(3000)
    ]
    path = write_csv(tmp_path / "p.csv", rows)
    _, created = run_import(sqlite_db, path)
    assert created.created == 3000 and count(sqlite_db) == 3000
    started = time.perf_counter()
    _, again = run_import(sqlite_db, path)
    assert again.unchanged == 3000 and count(sqlite_db) == 3000
    assert time.perf_counter() - started < 60  # rows that change nothing are not rewritten


def test_new_products_start_with_the_settings_reorder_defaults(tmp_path):
    """`shop-desk products import`: new products take the Settings page's service level and
    review days (an import has no such columns); a matched product keeps its own."""
    from shop_desk.db.engine import open_database
    from shop_desk.settings import ShopSettings, save_settings
    from tests.test_cli import cli

    db = open_database(folder=tmp_path)
    with db.session() as s:
        save_settings(s, ShopSettings(default_service_level_bp=9500, default_review_days=14))
        make_product(s, "可乐", barcodes=[("6908512108211", 1)], service_level_bp=9900)
    db.dispose()
    path = write_csv(
        tmp_path / "p.csv",
        [
            ["条码", "品名", "售价"],
            ["6908512108211", "可口可乐", "3.50"],
            ["6921168509256", "农夫山泉", "2"],
        ],
    )
    done = cli(tmp_path, "products", "import", str(path))
    assert done.returncode == 0, done.stderr
    db = open_database(folder=tmp_path)
    try:
        with db.read() as s:
            rows = s.execute(
                select(Product.name, Product.service_level_bp, Product.review_days).order_by(
                    Product.id
                )
            ).all()
    finally:
        db.dispose()
    assert [tuple(r) for r in rows] == [("可口可乐", 9900, 7), ("农夫山泉", 9500, 14)]
