"""Write the import fixtures in this folder as real programs write them.

Run from the repository root: python tests/data/import/make_fixtures.py
The files are committed; this script documents how they were made and can remake them.

- products_gbk.csv: what Excel on Chinese Windows saves as "CSV (逗号分隔)": GBK, CRLF, a
  title and an export-date row padded with commas, a blank row, ¥ and 元 in prices.
- products_bom.csv: Excel's "CSV UTF-8": UTF-8 with a BOM, English headers.
- products_utf16.txt: Excel's "Unicode text": UTF-16 LE with a BOM, tab-separated.
- products.xlsx: a title merged across the sheet, a blank row, barcodes stored as numbers
  (int and 6942404210026.0), prices as numbers and text, trailing styled empty cells.
- products_bad.xlsx: one problem per row (see tests/test_import_products.py).
- sales_gbk.csv: a per-transaction till report in GBK with mixed date formats, a case
  barcode and a totals row.
- sales.xlsx: Excel date cells, products by short code, no revenue column.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent

PRODUCTS_GBK = [
    ["便利店商品资料", "", "", "", "", "", "", "", "", "", ""],
    ["导出时间：2024-03-01 09:30", "", "", "", "", "", "", "", "", "", ""],
    [
        "商品条码",
        "商品名称",
        "规格",
        "单位",
        "分类",
        "零售价(元)",
        "进价(元)",
        "保质期",
        "箱码",
        "箱规",
        "自编码",
    ],
    [
        "6908512108211",
        "可口可乐",
        "1.25L",
        "瓶",
        "饮料",
        "8.00",
        "6.00",
        "12个月",
        "16908512108218",
        "12",
        "",
    ],
    ["6908512109218", "雪碧", "1.25L", "瓶", "饮料", "￥8.50", "6.50", "365天", "", "", ""],
    ["", "", "", "", "", "", "", "", "", "", ""],
    ["6920202888883", "A红牛维生素功能饮料", "250ml", "罐", "饮料", "6元", "4.2", "", "", "", ""],
    ["69021824", "A旺仔牛奶(纸盒)", "125ml", "盒", "乳品", "2.5", "", "", "", "", ""],
    ["6911011516883", "A午时金银花露饮料", "250ML", "罐", "饮料", "1,280.00", "", "", "", "", ""],
    ["", "散装花生米", "", "斤", "散装", "12.00", "8.00", "90", "", "", "hsm"],
]

PRODUCTS_BOM = [
    ["Barcode", "Name", "Retail Price", "Cost", "Category", "Unit"],
    ["6942404210019", "A百事可乐（听）355ml", "3.00", "2.10", "Drinks", "can"],
    ["6942404210026", "A百事可乐600ml", "3.50", "2.40", "Drinks", "bottle"],
]

PRODUCTS_UTF16 = [
    ["条形码", "品名", "售价"],
    ["6920927181818", "A酷儿橙汁1.5L", "9.90"],
    ["6920927181320", "A酷儿QOO橙汁饮料310ml", "4.00"],
]

SALES_GBK = [
    ["销售流水报表", "", "", "", ""],
    ["日期", "商品条码", "商品名称", "销售数量", "销售金额"],
    ["2024/1/30", "6908512108211", "可口可乐", "3", "24.00"],
    ["2024年1月30日", "6908512108211", "可口可乐", "2", "16.00"],
    ["2024-01-31 14:22:05", "6908512109218", "雪碧", "1", "8.50"],
    ["20240131", "", "散装花生米", "2", "24.00"],
    ["2024.1.31", "16908512108218", "可口可乐(箱)", "1", "90.00"],
    ["合计", "", "", "9", "162.50"],
]


def _csv(rows: list[list[str]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def write_products_xlsx(path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    ws = book.active
    ws.title = "商品"
    ws.append(["XX便利店 商品资料表"])
    ws.merge_cells("A1:H1")
    ws.append([])
    ws.append(["条码", "品名", "售价", "进价", "类别", "单位", "规格", "保质期(天)"])
    ws.append([6942404210019, "A百事可乐（听）355ml", 3.5, 2.1, "饮料", "听", "355ml", 365])
    ws.append([6942404210026.0, "A百事可乐600ml", 4, 2.8, "饮料", "瓶", "600ml", 365])
    ws.append([])
    ws.append(["6942404210033", "A百事可乐1.25L", "¥6.50", "4.60元", "饮料", "瓶", "1.25L", None])
    ws.append([6942404210057, "A百事可乐2.5L", 0.1 + 0.2, None, "饮料", "瓶", "2.5L", "18个月"])
    ws["Z5"].font = Font(bold=True)  # a styled empty cell far right: not a column
    book.create_sheet("说明").append(["本表由收银系统导出"])
    book.save(path)


def write_products_bad_xlsx(path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.append(["条码", "商品名称", "售价", "进价"])
    ws.append(["6908512108211", "可口可乐", 8, 6])  # line 2: fine
    ws.append(["6908512108212", "校验位错", 3, 2])  # line 3: wrong check digit
    ws.append(["6.90851E+12", "科学计数", 3, 2])  # line 4: digits lost by Excel
    ws.append(["6920202888883", "文字价格", "三块五", 2])  # line 5: text in a number column
    ws.append(["6911011516883", "负价格", -3, 2])  # line 6: negative price
    ws.append(["6920927181818", "离谱价格", 99999999, 2])  # line 7: absurd price
    ws.append(["6920927181320", None, 3, 2])  # line 8: empty name
    ws.append(["6908512108211", "重复条码", 3, 2])  # line 9: barcode also on line 2
    book.save(path)


def write_sales_xlsx(path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.append(["历史销售"])
    ws.merge_cells("A1:C1")
    ws.append(["销售日期", "自编码", "销量"])
    ws.append([datetime(2024, 2, 1), "HSM", 3])
    ws.append([datetime(2024, 2, 2, 18, 5), "HSM", 1.0])
    ws.append([datetime(2024, 2, 2), "HSM", 2])
    book.save(path)


def main() -> None:
    (HERE / "products_gbk.csv").write_bytes(_csv(PRODUCTS_GBK).encode("gbk"))
    (HERE / "products_bom.csv").write_bytes(_csv(PRODUCTS_BOM).encode("utf-8-sig"))
    (HERE / "products_utf16.txt").write_bytes(_csv(PRODUCTS_UTF16, "\t").encode("utf-16"))
    (HERE / "sales_gbk.csv").write_bytes(_csv(SALES_GBK).encode("gbk"))
    write_products_xlsx(HERE / "products.xlsx")
    write_products_bad_xlsx(HERE / "products_bad.xlsx")
    write_sales_xlsx(HERE / "sales.xlsx")


if __name__ == "__main__":
    main()
