"""The Reports page over the hand-worked shop of tests/report_shop.py, offscreen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt

from shop_desk.gui.pages.reports import ReportsPage
from shop_desk.reports import REPORTS
from tests.report_shop import T, build


@pytest.fixture
def shop(ctx, tmp_path):
    return build(ctx.db, tmp_path)


@pytest.fixture
def page(ctx, shop, qtbot):
    widget = ReportsPage(ctx, today=lambda: T)
    qtbot.addWidget(widget)
    widget.resize(1300, 850)
    widget.show()
    qtbot.waitUntil(lambda: not widget.loading and "sales" in widget.tables, timeout=20_000)
    return widget


def wait_loaded(qtbot, page: ReportsPage, name: str) -> None:
    qtbot.waitUntil(lambda: name in page.tables and not page.loading, timeout=20_000)


def test_figures_on_top_read_against_last_year(page):
    assert page.period().first == T - timedelta(days=29) and page.period().last == T
    assert page.sales_tile.value.text() == "¥48.00"
    assert page.sales_tile.detail.text() == "+220.0% against last year"  # 15.00 imported
    assert page.profit_tile.value.text() == "¥20.00"  # 48.00 sold, 28.00 cost
    assert page.profit_tile.detail.text() == "margin 41.7%"
    assert page.stock_tile.value.text() == "¥81.00"
    assert page.slow_tile.value.text() == "¥21.00"
    assert page.lost_tile.detail.text() == "1 products ran out"


def test_sales_chart_bars_this_period_and_last_year_line(page):
    chart = page.sales_chart
    assert len(chart.labels) == 30 and chart.labels[-1] == "03-18"
    sales, last_year = chart.series
    assert (sales.kind, last_year.kind, last_year.dashed) == ("bar", "line", True)
    day = chart.labels.index("03-13")
    assert sales.values[day] == 3650 and last_year.values[day] == 1200
    assert "Sales: ¥36.50" in chart.tooltip_text(day)
    image = chart.grab().toImage()  # something was painted in the bar colour
    assert image.width() > 300
    assert page.sales_model.rowCount() == 31  # 30 days and the totals row


def test_tabs_load_when_opened_and_tables_sort_with_totals_last(page, qtbot):
    page.tabs.setCurrentIndex(page.tab_keys.index("top"))
    wait_loaded(qtbot, page, "top-sellers")
    assert [i.label for i in page.top_chart.items] == ["乐事薯片 原味", "可口可乐 500ml"]
    model = page.top_model
    assert model.rowCount() == 3 and model.is_totals(2)
    units = next(i for i, c in enumerate(model.table.columns) if c.key == "units")
    page.top_view.sortByColumn(units, Qt.SortOrder.AscendingOrder)
    assert model.index(0, 1).data() == "可口可乐 500ml"  # 5 units before 6
    assert model.is_totals(2) and model.index(2, units).data() == "11"
    page.rank.setCurrentIndex(page.rank.findData("units"))
    wait_loaded(qtbot, page, "top-sellers")
    page.tabs.setCurrentIndex(page.tab_keys.index("margins"))
    wait_loaded(qtbot, page, "margin-products")
    assert [i.label for i in page.margin_chart.items] == ["零食", "饮料"]
    assert page.margin_chart.items[0].note == "45.5%"  # 15.00 of 33.00
    page.tabs.setCurrentIndex(page.tab_keys.index("stockouts"))
    assert page.stockout_model.rowCount() == 2  # chips and the totals


def test_presets_grain_and_slow_mover_days(page, qtbot):
    page.preset.setCurrentIndex(page.preset.findData("12m"))
    wait_loaded(qtbot, page, "sales")
    assert page.grain.currentData() == "month" and len(page.sales_chart.labels) == 12
    assert page.sales_chart.labels[-1] == "2026-03"
    page.slow_days.setValue(60)
    page.tabs.setCurrentIndex(page.tab_keys.index("slow"))
    qtbot.waitUntil(
        lambda: "slow-movers" in page.tables and "60 days" in page.slow_tile.detail.text(),
        timeout=20_000,
    )
    assert [i.label for i in page.slow_chart.items] == ["洁柔毛巾"]


def test_export_writes_every_report_of_the_period(page, qtbot, tmp_path):
    target = tmp_path / "报表.xlsx"
    page.ask_xlsx_path = lambda: str(target)
    page.export_button.click()
    qtbot.waitUntil(lambda: page.export_button.isEnabled() and target.exists(), timeout=30_000)
    book = load_workbook(target)
    assert len(book.sheetnames) == len(REPORTS)
    assert "Saved" in page.status.text()


def test_a_sale_refreshes_the_open_page(page, qtbot, ctx, shop):
    from tests.report_shop import _sell  # a sale today: T is "today" for the page

    before = page.sales_tile.value.text()
    page._refresh_timer.setInterval(10)
    _sell(ctx.db, {"cola": shop.cola}, [("cola", 2)], T)
    ctx.events.stock_changed.emit()
    qtbot.waitUntil(lambda: page.sales_tile.value.text() == "¥54.00", timeout=20_000)
    assert before == "¥48.00"


def test_purchases_tab_bars_the_four_biggest_suppliers(page, qtbot):
    from datetime import date

    from shop_desk.reports import Period
    from shop_desk.reports.purchases import MonthPurchases, purchases_table

    page.tabs.setCurrentIndex(page.tab_keys.index("purchases"))
    wait_loaded(qtbot, page, "purchases")
    assert page.purchase_model.rowCount() == 1  # no orders: the totals row alone
    rows = [
        MonthPurchases(date(2026, month, 1), n, f"供应商{n}", 1, 1000 * n * month)
        for month in (1, 2)
        for n in range(1, 7)
    ]
    page._show_purchases(purchases_table(rows, Period(date(2026, 1, 1), date(2026, 2, 28))))
    chart = page.purchase_chart
    assert chart.labels == ["2026-01", "2026-02"]
    assert [s.name for s in chart.series] == ["供应商6", "供应商5", "供应商4", "供应商3", "Others"]
    assert chart.series[0].values == [6000.0, 12000.0]
    assert chart.series[-1].values == [3000.0, 6000.0]  # suppliers 1 and 2 together
