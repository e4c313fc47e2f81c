"""The generic reading layer: encodings, CSV/XLSX rows with line numbers, cells, columns."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from shop_desk.errors import InputError
from shop_desk.importing.cells import (
    cell_text,
    parse_barcodes,
    parse_date,
    parse_days,
    parse_int,
    parse_money,
)
from shop_desk.importing.columns import (
    apply_overrides,
    detect_columns,
    find_header,
    open_detected,
)
from shop_desk.importing.encoding import detect_encoding
from shop_desk.importing.products_import import PRODUCT_FIELDS
from shop_desk.importing.sales_import import SALES_FIELDS
from shop_desk.importing.tabular import Row, open_table, sheet_names

DATA = Path(__file__).resolve().parent / "data" / "import"
TEXT = "条码,商品名称,售价\r\n6908512108211,可口可乐,8.00\r\n"


def rows_of(path: Path, **kwargs) -> list[Row]:
    with open_table(path, **kwargs) as table:
        return list(table.rows)


# --- encodings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("gbk", "gb18030"),
        ("gb18030", "gb18030"),
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),
        ("utf-16-le", "utf-16-le"),
    ],
)
def test_encoding_detected_and_text_read_back(tmp_path, encoding, expected):
    path = tmp_path / "p.csv"
    path.write_bytes(TEXT.encode(encoding))
    assert detect_encoding(path) == expected
    rows = rows_of(path)
    assert rows[0].cells == ("条码", "商品名称", "售价")
    assert rows[1].cells == ("6908512108211", "可口可乐", "8.00")


def test_gbk_file_whose_start_is_ascii_is_still_gbk(tmp_path):
    # Strict UTF-8 is checked over the whole file, not only its first bytes.
    path = tmp_path / "p.csv"
    text = "barcode,name\n" + "6908512108211,cola\n" * 100_000 + "6908512109218,雪碧\n"
    path.write_bytes(text.encode("gbk"))
    assert detect_encoding(path) == "gb18030"
    assert rows_of(path)[-1].cells[1] == "雪碧"


def test_committed_fixtures_have_the_encodings_they_claim():
    assert detect_encoding(DATA / "products_gbk.csv") == "gb18030"
    assert detect_encoding(DATA / "products_bom.csv") == "utf-8-sig"
    assert detect_encoding(DATA / "products_utf16.txt") == "utf-16"
    assert (DATA / "products_gbk.csv").read_bytes().count(b"\r\n") >= 10


def test_latin1_falls_back_to_a_guess(tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes("name,price\nCafé crème,3.50\nThé glacé,2.00\n".encode("cp1252"))
    assert detect_encoding(path) not in ("utf-8", "gb18030")
    assert rows_of(path)[1].cells[0].startswith("Caf")


# --- CSV rows ----------------------------------------------------------------------------


def test_csv_lines_blank_rows_trailing_cells_and_multiline_cells(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(
        'title,,,\n\n,,,\nname,note,,\ncola,"two\nlines",,\nsprite,x,,\n', encoding="utf-8"
    )
    rows = rows_of(path)
    assert [r.line for r in rows] == [1, 4, 5, 7]
    assert rows[0].cells == ("title",)
    assert rows[2].cells == ("cola", "two\nlines")
    assert rows[3].get(5) is None


@pytest.mark.parametrize(("delimiter", "suffix"), [("\t", ".txt"), (";", ".csv"), ("\t", ".tsv")])
def test_csv_delimiter_sniffed(tmp_path, delimiter, suffix):
    path = tmp_path / f"p{suffix}"
    path.write_text(
        delimiter.join(["条码", "名称", "售价"]) + "\n" + delimiter.join(["1", "可乐,大", "3"]),
        encoding="utf-8",
    )
    assert rows_of(path)[1].cells == ("1", "可乐,大", "3")


def test_unclosed_quote_names_its_line(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text('a,b\n1,2\n3,"' + "x" * 200_000 + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="Line 3"):
        rows_of(path)


def test_too_large_and_too_many_rows_refused(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("a,b\n" + "1,2\n" * 50, encoding="utf-8")
    with pytest.raises(InputError, match="too large"):
        rows_of(path, max_bytes=100)
    with pytest.raises(InputError, match="more than 10 rows"):
        rows_of(path, max_rows=10)


def test_missing_file_and_old_formats_get_plain_messages(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        rows_of(tmp_path / "nope.csv")
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(InputError, match="Excel 97-2003"):
        rows_of(old)
    html = tmp_path / "web.xls"
    html.write_text("<html><table><tr><td>1</td></tr></table></html>", encoding="utf-8")
    with pytest.raises(InputError, match="another program"):
        rows_of(html)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 definitely not a zip")
    with pytest.raises(InputError, match="not a valid Excel"):
        rows_of(broken)


# --- XLSX rows ---------------------------------------------------------------------------


def test_xlsx_rows_keep_sheet_line_numbers_and_native_values():
    rows = rows_of(DATA / "products.xlsx")
    assert [r.line for r in rows] == [1, 3, 4, 5, 7, 8]
    assert rows[0].cells == ("XX便利店 商品资料表",)  # merged title: top-left only
    assert rows[2].cells[0] == 6942404210019
    assert rows[3].cells[0] == 6942404210026.0
    assert len(rows[3].cells) == 8  # the styled empty cell in column Z is not a column
    assert sheet_names(DATA / "products.xlsx") == ["商品", "说明"]


def test_xlsx_with_a_wrong_dimension_is_read_to_the_end(tmp_path):
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    for i in range(1, 21):
        book.active.append([i, f"p{i}"])
    good = tmp_path / "good.xlsx"
    book.save(good)
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'ref="A1:B20"', b'ref="A1:B2"')
                assert b'ref="A1:B2"' in data
            dst.writestr(item, data)
    assert [r.cells[0] for r in rows_of(bad)] == list(range(1, 21))


def test_xlsx_sheet_chosen_by_name_or_missing(tmp_path):
    assert rows_of(DATA / "products.xlsx", sheet="说明")[0].cells == ("本表由收银系统导出",)
    with pytest.raises(InputError, match="no worksheet"):
        rows_of(DATA / "products.xlsx", sheet="nope")


# --- cells -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "fen"),
    [
        (3.5, 350),
        (0.1 + 0.2, 30),
        (2.675, 268),  # as Excel shows it with two decimals, not float's 2.67499999
        (19.99, 1999),
        (4, 400),
        ("¥1,234.50", 123450),
        ("12元", 1200),
        ("￥8.50", 850),
        (" 6 ", 600),
    ],
)
def test_money_cells_are_exact(value, fen):
    assert parse_money(value) == fen


@pytest.mark.parametrize("value", ["三块五", "-3", -3.0, 1e12, "1.234", True, float("nan")])
def test_bad_money_cells(value):
    with pytest.raises(InputError):
        parse_money(value)


@pytest.mark.parametrize(
    ("value", "codes"),
    [
        (6908512108211, ["6908512108211"]),
        (6908512108211.0, ["6908512108211"]),
        ("6908512108211.0", ["6908512108211"]),
        ("6.908512108211E+12", ["6908512108211"]),
        ("'6908512108211", ["6908512108211"]),
        ('="6908512108211"', ["6908512108211"]),
        ("6908512108211, 6908512109218", ["6908512108211", "6908512109218"]),
        (12345678905, ["012345678905"]),  # UPC-A whose leading 0 a number column dropped
        ("69021824", ["69021824"]),
        ("ABC-12", ["ABC-12"]),  # an in-store code
        ("-", []),
        (None, []),
    ],
)
def test_barcode_cells(value, codes):
    assert parse_barcodes(value) == codes


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("6.90851E+12", "shortened by Excel"),
        ("6908512108212", "check digit"),
        (6908512108211.5, "Not a barcode"),
    ],
)
def test_bad_barcode_cells(value, message):
    with pytest.raises(InputError, match=message):
        parse_barcodes(value)


@pytest.mark.parametrize(
    "value",
    [
        "2024-01-31",
        "2024/1/31",
        "2024.1.31",
        "2024年1月31日",
        "2024年01月31日 08:15",
        "20240131",
        "2024-01-31 14:22:05",
        "2024-01-31T14:22:05",
        datetime(2024, 1, 31, 23, 59),
        date(2024, 1, 31),
        45322,
        45322.75,
        "45322",
    ],
)
def test_date_cells(value):
    assert parse_date(value) == date(2024, 1, 31)


@pytest.mark.parametrize("value", ["31/01/2024", "2024-02-30", "yesterday", 12])
def test_bad_date_cells(value):
    with pytest.raises(InputError, match="Not a date"):
        parse_date(value)


def test_whole_numbers_and_days():
    assert [parse_int(v) for v in (24, 24.0, "24", "1,200", "24瓶", "-2")] == [
        24,
        24,
        24,
        1200,
        24,
        -2,
    ]
    for bad in (1.5, "1.5kg", "many"):
        with pytest.raises(InputError, match="whole number"):
            parse_int(bad)
    assert [parse_days(v) for v in (365, "365天", "12个月", "1年", "180 days")] == [
        365,
        365,
        360,
        365,
        180,
    ]
    assert cell_text(6908512108211.0) == "6908512108211"
    assert cell_text(datetime(2024, 1, 31)) == "2024-01-31"


# --- columns -----------------------------------------------------------------------------


def test_columns_detected_from_chinese_and_english_headers():
    headers = [
        "序号",
        "商品条码",
        "品名",
        "规格",
        "零售价(元)",
        "进货价",
        "箱条码",
        "每箱数量",
        "品牌名称",
        "备注",
    ]
    assert detect_columns(headers, PRODUCT_FIELDS) == {
        "barcode": 1,
        "name": 2,
        "spec": 3,
        "retail_price": 4,
        "cost": 5,
        "case_barcode": 6,
        "case_units": 7,
    }
    english = ["Barcode", "Product Name", "Retail Price", "Cost Price", "Category", "UOM"]
    assert detect_columns(english, PRODUCT_FIELDS) == {
        "barcode": 0,
        "name": 1,
        "retail_price": 2,
        "cost": 3,
        "category": 4,
        "unit": 5,
    }


def test_contained_synonyms_prefer_the_head_noun_and_exact_names():
    assert detect_columns(["商品单位", "商品名称", "零售价格"], PRODUCT_FIELDS) == {
        "unit": 0,
        "name": 1,
        "retail_price": 2,
    }
    # An exact 售价 beats the contained one in 会员售价; the member price is a sink.
    assert detect_columns(["会员售价", "售价", "名称"], PRODUCT_FIELDS) == {
        "retail_price": 1,
        "name": 2,
    }
    # "商品" alone is a name only when it is the whole header.
    assert detect_columns(["商品", "商品编号X"], PRODUCT_FIELDS) == {"name": 0}


def test_header_found_below_titles_and_missing_columns_named():
    rows = iter(
        [
            Row(1, ("某某超市 商品资料",)),
            Row(2, ("导出日期：2024-01-01",)),
            Row(3, ("日期", "条码", "数量", "金额")),
            Row(4, ("2024-01-01", "6908512108211", "1", "3")),
        ]
    )
    header = find_header(rows, SALES_FIELDS, ("date", "units"))
    assert header.line == 3
    assert header.mapping == {"date": 0, "barcode": 1, "units": 2, "revenue": 3}
    assert next(rows).line == 4
    with pytest.raises(InputError, match=r"销量 \(units\)"):
        find_header(iter([Row(1, ("日期", "条码"))]), SALES_FIELDS, ("date", "units"))


def test_overrides_by_index_name_or_none():
    headers = ["编码", "货品", "零售"]
    mapping = detect_columns(headers, PRODUCT_FIELDS)
    assert mapping == {"short_code": 0}
    chosen = apply_overrides(
        headers, mapping, {"name": "货品", "retail_price": 2, "short_code": None}
    )
    assert chosen == {"name": 1, "retail_price": 2}
    with pytest.raises(InputError, match="no column named"):
        apply_overrides(headers, mapping, {"name": "nope"})


def test_a_price_list_can_bring_its_own_fields(tmp_path):
    """The catalog's price-list import reuses the layer with tier columns of its own."""
    fields = {
        "sku": ("货号", "sku"),
        "name": ("品名", "name"),
        "tier_1": ("1-9箱", "tier 1"),
        "tier_2": ("10箱以上", "tier 2"),
    }
    path = tmp_path / "list.xlsx"
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["批发价目表 2024"])
    book.active.append(["货号", "品名", "1-9箱", "10箱以上"])
    book.active.append(["A01", "可乐 24瓶", 54, 51])
    book.save(path)
    with open_detected(path, fields, ("sku", ("tier_1", "tier_2"))) as table:
        assert table.header.mapping == {"sku": 0, "name": 1, "tier_1": 2, "tier_2": 3}
        assert [r.cells for r in table.rows] == [("A01", "可乐 24瓶", 54, 51)]


def test_repeated_header_rows_are_skipped(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("条码,品名\n6908512108211,可乐\n条码,品名\n6908512109218,雪碧\n", "utf-8")
    with open_detected(path, PRODUCT_FIELDS, ("name",)) as table:
        assert [r.line for r in table.rows] == [2, 4]


def test_header_searched_on_other_sheets(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["说明：第二张表是商品"])
    book.create_sheet("商品").append(["条码", "品名"])
    path = tmp_path / "two.xlsx"
    book.save(path)
    with open_detected(path, PRODUCT_FIELDS, ("name",)) as table:
        assert table.info.sheet == "商品"


def test_every_importing_message_has_a_chinese_translation():
    import ast
    import json

    from shop_desk.i18n import placeholders

    root = Path(__file__).resolve().parents[1]
    catalog = {}
    for name in ("core.json", "importing.json"):
        path = root / "resources" / "translations" / "zh_CN" / name
        catalog.update(json.loads(path.read_text(encoding="utf-8")))
    sources = set()
    for path in (root / "shop_desk" / "importing").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "tr":
                assert isinstance(node.args[0], ast.Constant), f"{path.name}: literal strings only"
                sources.add(node.args[0].value)
    assert len(sources) > 50
    missing = sorted(s for s in sources if s not in catalog)
    assert not missing
    assert all(placeholders(catalog[s]) == placeholders(s) for s in sources)
