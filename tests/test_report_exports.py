"""Reports leave the program as Excel files and through the CLI: read back and compared."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook

from shop_desk import i18n
from shop_desk.commands.report import REPORT_NAMES
from shop_desk.db.engine import open_database
from shop_desk.errors import InputError
from shop_desk.reports import REPORTS, Period, ReportParams, run_report
from shop_desk.reports.xlsx import write_xlsx
from tests.helpers.cli import cli
from tests.pdf_check import read_pdf
from tests.report_shop import T, build

D = timedelta
MONTH = Period(T - D(29), T)


@pytest.fixture
def shop(db, tmp_path):
    return build(db, tmp_path)


def _cells(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_xlsx_round_trip_keeps_numbers_dates_and_totals(shop, tmp_path):
    with shop.db.read() as s:
        top = run_report(s, "top-sellers", ReportParams(period=MONTH, today=T))
        sales = run_report(s, "sales", ReportParams(period=Period(T - D(5), T - D(4)), today=T))
    path = write_xlsx(tmp_path / "r.xlsx", [top, sales])
    book = load_workbook(path)
    assert book.sheetnames == ["Top sellers", "Sales by day"]
    rows = _cells(book["Top sellers"])
    assert rows[0] == [c.title for c in top.columns]
    assert rows[1][:4] == [1, "乐事薯片 原味", "零食", 6]
    assert float(rows[1][4]) == 33.0 and float(rows[2][4]) == 15.0  # yuan, as numbers
    assert rows[1][7] == pytest.approx(3300 / 4800)  # a percentage cell
    assert book["Top sellers"]["E2"].number_format == "#,##0.00"
    assert book["Top sellers"]["H2"].number_format == "0.0%"
    totals = rows[3]
    assert float(totals[4]) == 48.0 and book["Top sellers"]["E4"].font.b
    assert any(str(r[0]).startswith("Period: 2026-02-17") for r in rows if r and r[0])
    day_rows = _cells(book["Sales by day"])
    assert day_rows[1][0] == datetime(2026, 3, 13)  # a date cell
    assert float(day_rows[1][2]) == 36.5 and day_rows[2][1] == -1  # the return day


def test_xlsx_headers_follow_the_language(shop, tmp_path):
    i18n.set_language("zh_CN")
    with shop.db.read() as s:
        table = run_report(s, "stock-value", ReportParams(today=T))
    path = write_xlsx(tmp_path / "库存.xlsx", [table])
    sheet = load_workbook(path).active
    assert sheet.title == "库存成本金额"
    assert [c.value for c in sheet[1]][:4] == ["分类", "有库存的商品", "库存数量", "成本金额"]
    assert "（未分类）" in [row[0] for row in _cells(sheet)]


def test_xlsx_refuses_other_suffixes_and_unwritable_places(shop, tmp_path):
    with shop.db.read() as s:
        table = run_report(s, "stock-value", ReportParams(today=T))
    with pytest.raises(InputError, match=r"\.xlsx"):
        write_xlsx(tmp_path / "r.csv", [table])
    with pytest.raises(InputError, match="Cannot write"):
        write_xlsx(tmp_path / "no" / "such" / "r.xlsx", [table])
    assert not list(tmp_path.glob("*.part"))


def test_cli_names_match_the_reports():
    assert set(REPORT_NAMES) == set(REPORTS)


# --- the CLI, as a user runs it -----------------------------------------------------------


@pytest.fixture
def home(tmp_path):
    db = open_database(folder=tmp_path / "home")
    shop = build(db, tmp_path)
    db.dispose()
    return tmp_path / "home", shop.codes


def test_cli_report_json_text_and_excel(home, tmp_path):
    home, _codes = home
    result = cli(
        home, "report", "top-sellers", "--from", "2026-02-17", "--to", "2026-03-18", "--json"
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [r["product"] for r in data["rows"]] == ["乐事薯片 原味", "可口可乐 500ml"]
    assert data["rows"][0]["revenue_fen"] == 3300 and data["totals"]["revenue_fen"] == 4800
    text = cli(home, "report", "sales", "--by", "week", "--from", "2026/3/8", "--to", "20260318")
    assert text.returncode == 0, text.stderr
    assert "Sales by week" in text.stdout and "¥33.50" in text.stdout and "¥3.00" in text.stdout
    book = tmp_path / "all.xlsx"
    saved = cli(
        home, "report", "all", "--from", "2026-02-17", "--to", "2026-03-18", "--xlsx", str(book)
    )
    assert saved.returncode == 0, saved.stderr
    assert len(load_workbook(book).sheetnames) == len(REPORTS)


def test_cli_report_refuses_bad_input_in_plain_words(home):
    home, _codes = home
    unknown = cli(home, "report", "profits")
    assert unknown.returncode == 1 and "no report called profits" in unknown.stderr
    backwards = cli(home, "report", "sales", "--from", "2026-03-18", "--to", "2026-03-01")
    assert backwards.returncode == 1 and "starts after it ends" in backwards.stderr
    bad_date = cli(home, "report", "sales", "--from", "soon")
    assert bad_date.returncode == 1 and "Not a date" in bad_date.stderr


def test_cli_labels_and_receipt_pdf(home, tmp_path):
    home, codes = home
    code = codes["cola"]
    labels = tmp_path / "labels.pdf"
    result = cli(
        home, "labels", code, "--category", "零食", "--template", "roll-50x30", "--out", str(labels)
    )
    assert result.returncode == 0, result.stderr
    pages = read_pdf(labels)
    assert len(pages) == 2 and pages[0].barcodes == [("EAN13", code)]
    receipt = tmp_path / "receipt.pdf"
    result = cli(home, "receipt", "--width", "80", "--out", str(receipt))
    assert result.returncode == 0, result.stderr
    (page,) = read_pdf(receipt)
    assert page.width_mm == pytest.approx(80, abs=0.3) and "可口可乐 500ml" in page.text
    missing = cli(home, "labels", "6900000000000", "--out", str(labels))
    assert missing.returncode == 1 and "6900000000000" in missing.stderr
    template = cli(home, "labels", code, "--template", "a5", "--out", str(labels))
    assert template.returncode == 1 and "a4-3x8" in template.stderr


def test_slow_movers_limit_and_count(shop):
    with shop.db.read() as s:
        table = run_report(s, "slow-movers", ReportParams(today=T, days=30, limit=1))
    assert len(table.rows) == 1 and table.totals[table.column("value_fen")] == 2100
    assert any("1 of 2 shown" in note for note in table.notes)
    assert date(2026, 3, 18) == T
