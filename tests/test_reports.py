"""Each report's figures against the hand-worked history of tests/report_shop.py."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from shop_desk.errors import InputError
from shop_desk.reports import Grain, Period, Rank, ReportParams, run_report
from shop_desk.reports.periods import buckets, default_period, parse_day
from shop_desk.reports.products import margin_by_category, top_sellers
from shop_desk.reports.sales import sales_trend
from shop_desk.reports.stock import slow_movers, stock_value_by_category
from shop_desk.reports.stockouts import stockouts
from tests.report_shop import T, build

D = timedelta


@pytest.fixture
def shop(db, tmp_path):
    return build(db, tmp_path)


def test_sales_by_day_with_last_year_from_imported_history(shop):
    with shop.db.read() as s:
        trend = sales_trend(s, Period(T - D(9), T), Grain.DAY)
    by_day = {r.bucket.first: r for r in trend.rows}
    assert len(trend.rows) == 10
    t5 = by_day[T - D(5)]
    assert (t5.figures.units, t5.figures.revenue_fen, t5.figures.cost_fen) == (8, 3650, 2100)
    # last year = 364 days earlier (the same weekday): 2025-03-14, imported, no cost known
    assert t5.bucket.ly_first == date(2025, 3, 14)
    assert (t5.last_year.units, t5.last_year.revenue_fen) == (4, 1200)
    assert t5.last_year.uncosted_revenue_fen == 1200 and t5.last_year.margin is None
    t4 = by_day[T - D(4)]  # the return: units and money go back
    assert (t4.figures.units, t4.figures.revenue_fen, t4.figures.cost_fen) == (-1, -300, -200)
    totals = trend.totals
    assert (totals.units, totals.revenue_fen, totals.cost_fen) == (8, 3650, 2100)
    assert totals.gross_profit_fen == 1550
    assert totals.margin == pytest.approx(1550 / 3650)
    # last year runs 2025-03-10..03-19: the sale imported for 2025-03-09 is not in it
    assert trend.last_year_totals.revenue_fen == 1200


def test_sales_by_month_compares_the_same_dates_last_year(shop):
    with shop.db.read() as s:
        trend = sales_trend(s, Period(date(2026, 2, 1), T), Grain.MONTH)
    feb, mar = trend.rows
    assert (feb.bucket.first, feb.bucket.last) == (date(2026, 2, 1), date(2026, 2, 28))
    assert (feb.figures.units, feb.figures.revenue_fen, feb.figures.cost_fen) == (1, 550, 300)
    assert (mar.bucket.first, mar.bucket.last) == (date(2026, 3, 1), T)
    assert (mar.bucket.ly_first, mar.bucket.ly_last) == (date(2025, 3, 1), date(2025, 3, 18))
    assert (mar.figures.units, mar.figures.revenue_fen, mar.figures.cost_fen) == (10, 4250, 2500)
    assert (mar.last_year.units, mar.last_year.revenue_fen) == (5, 1500)
    assert feb.last_year.units == 0


def test_sales_by_week_buckets_start_on_monday(shop):
    with shop.db.read() as s:
        trend = sales_trend(s, Period(T - D(10), T), Grain.WEEK)
    # T is a Wednesday: the 11 days are Sun 03-08, the week of Mon 03-09, Mon 03-16..Wed 03-18
    assert [(r.bucket.first, r.bucket.last) for r in trend.rows] == [
        (date(2026, 3, 8), date(2026, 3, 8)),
        (date(2026, 3, 9), date(2026, 3, 15)),
        (date(2026, 3, 16), T),
    ]
    assert [r.figures.revenue_fen for r in trend.rows] == [600, 3350, 300]
    assert [r.last_year.revenue_fen for r in trend.rows] == [300, 1200, 0]


def test_top_sellers_by_sales_units_and_profit(shop):
    month = Period(T - D(29), T)
    with shop.db.read() as s:
        by_sales = top_sellers(s, month)
        by_units = top_sellers(s, month, rank=Rank.UNITS, limit=1)
    chips, cola = by_sales.rows
    assert (chips.name, chips.figures.units, chips.figures.revenue_fen) == (
        "乐事薯片 原味",
        6,
        3300,
    )
    assert (chips.figures.cost_fen, chips.figures.gross_profit_fen) == (1800, 1500)
    assert (cola.figures.units, cola.figures.revenue_fen, cola.figures.cost_fen) == (5, 1500, 1000)
    assert by_sales.shop.revenue_fen == 4800 and by_sales.products_sold == 2
    assert [p.name for p in by_units.rows] == ["乐事薯片 原味"]
    with shop.db.read() as s:
        table = run_report(s, "top-sellers", ReportParams(period=month, today=T))
    assert table.values("share") == pytest.approx([3300 / 4800, 1500 / 4800])
    assert table.values("margin") == pytest.approx([1500 / 3300, 500 / 1500])


def test_margin_by_category_and_product(shop):
    month = Period(T - D(29), T)
    with shop.db.read() as s:
        categories = margin_by_category(s, month)
        products = run_report(s, "margin-products", ReportParams(period=month, today=T))
        table = run_report(s, "margin-categories", ReportParams(period=month, today=T))
    assert [(c.category, c.figures.revenue_fen, c.figures.cost_fen) for c in categories] == [
        ("零食", 3300, 1800),
        ("饮料", 1500, 1000),
    ]
    assert table.totals[table.column("gross_profit_fen")] == 2000
    assert table.values("share") == pytest.approx([0.75, 0.25])
    assert products.values("product") == ["乐事薯片 原味", "可口可乐 500ml"]
    assert products.values("gross_profit_fen") == [1500, 500]


def test_margin_leaves_imported_history_out(shop):
    last_year = Period(date(2025, 3, 1), date(2025, 3, 31))
    with shop.db.read() as s:
        table = run_report(s, "margin-products", ReportParams(period=last_year, today=T))
    assert table.values("revenue_fen") == [1500]
    assert table.values("gross_profit_fen") == [0]
    assert table.values("margin") == [None]
    assert any("another till" in note for note in table.notes)


def test_stock_value_at_cost_by_category(shop):
    with shop.db.read() as s:
        rows = stock_value_by_category(s)
        table = run_report(s, "stock-value", ReportParams(today=T))
    assert [(r.category, r.products, r.units, r.value_fen, r.retail_value_fen) for r in rows] == [
        ("零食", 1, 10, 3000, 5500),
        ("饮料", 1, 15, 3000, 4500),
        ("日化", 1, 3, 1800, 3000),
        ("", 1, 3, 300, 600),
    ]
    assert table.totals[table.column("value_fen")] == 8100
    assert table.values("category")[-1] == "(no category)"


def test_slow_movers_hold_cash_and_say_when_they_last_sold(shop):
    with shop.db.read() as s:
        slow = slow_movers(s, 30, T)
        table = run_report(s, "slow-movers", ReportParams(today=T, days=30))
        recent = slow_movers(s, 60, T)  # gum sold 50 days ago: not slow over 60 days
    assert [(r.name, r.on_hand, r.value_fen, r.last_sold) for r in slow.rows] == [
        ("洁柔毛巾", 3, 1800, None),
        ("绿箭口香糖", 3, 300, T - D(50)),
    ]
    assert (slow.count, slow.value_fen) == (2, 2100)
    assert table.values("days_since") == [None, 50]
    # a product on the books for less than 60 days (cola, chips arrived at T-40) is not judged
    assert [r.name for r in recent.rows] == ["洁柔毛巾"]


def test_stockouts_and_lost_sales_estimate(shop):
    with shop.db.read() as s:
        found = stockouts(s, Period(T - D(9), T))
    (chips,) = found.rows
    assert chips.product_id == shop.chips
    assert (chips.days_out, chips.out_now) == (3, False)  # T-5, T-4, T-3; restocked T-2
    # the rate's four weeks T-27..T, in stock but T-5..T-3: 25 days with 1 unit sold on them
    # (the 5 sold the day it ran out do not count: that day's demand is censored)
    assert chips.rate == pytest.approx(1 / 25)
    assert chips.lost_units == pytest.approx(2 / 25)  # two empty days; the third sold 5
    assert chips.lost_revenue_fen == round(2 / 25 * 550) == 44
    assert chips.lost_profit_fen == round(2 / 25 * (550 - 300)) == 20


def test_stockouts_rate_starts_on_the_first_day_on_the_books(shop):
    """A rate window from before a product came in counts its days from its first day:
    chips, on the books since T-40, over T-44..T (a period longer than four weeks is its own
    window)."""
    with shop.db.read() as s:
        (chips,) = stockouts(s, Period(T - D(44), T)).rows
    # T-40..T is 41 days, 3 of them out: 38 in stock; 6 sold in the window, 5 of them the
    # day it ran out (censored)
    assert chips.rate == pytest.approx(1 / 38)
    # three days out less what the day it ran out sold, at most the rate
    assert chips.lost_units == pytest.approx(3 / 38 - 1 / 38)
    assert chips.lost_revenue_fen == round(2 / 38 * 550) == 29
    assert chips.lost_profit_fen == round(2 / 38 * (550 - 300)) == 13


def test_stockout_still_open_and_before_the_period(shop):
    with shop.db.read() as s:
        inside = stockouts(s, Period(T - D(4), T - D(3)))  # began the day before the period
        none = stockouts(s, Period(T - D(2), T))
    assert [(r.days_out, r.out_now) for r in inside.rows] == [(2, True)]
    assert none.rows == []


def test_reports_run_by_name_and_refuse_unknown_names(shop):
    with shop.db.read() as s:
        for name in ("sales", "top-sellers", "slow-movers", "stock-value", "stockouts"):
            table = run_report(s, name, ReportParams(period=Period(T - D(29), T), today=T))
            assert table.as_json()["rows"] is not None
        with pytest.raises(InputError, match="no report called"):
            run_report(s, "nonsense", ReportParams(today=T))


def test_periods_buckets_and_last_year():
    assert default_period(Grain.DAY, T) == Period(T - D(29), T)
    assert default_period(Grain.WEEK, T).first == date(2025, 12, 29)  # a Monday, 12 weeks
    assert default_period(Grain.MONTH, T).first == date(2025, 4, 1)
    (feb,) = buckets(Period(date(2024, 2, 1), date(2024, 2, 29)), Grain.MONTH)
    assert (feb.ly_first, feb.ly_last) == (date(2023, 2, 1), date(2023, 2, 28))
    (leap,) = buckets(Period(date(2025, 2, 1), date(2025, 2, 28)), Grain.MONTH)
    assert (leap.ly_first, leap.ly_last) == (date(2024, 2, 1), date(2024, 2, 29))
    assert parse_day("2026/3/8") == date(2026, 3, 8) == parse_day("20260308")
    with pytest.raises(InputError):
        parse_day("tomorrow")
    with pytest.raises(InputError):
        Period(T, T - D(1))


def test_stockouts_listed_up_to_a_limit_with_totals_of_all(shop):
    """The page lists the products that lost the most; the totals and the count are of all."""
    with shop.db.read() as s:
        cut = stockouts(s, Period(T - D(9), T), limit=0)
        table = run_report(s, "stockouts", ReportParams(period=Period(T - D(9), T), limit=0))
    assert cut.rows == [] and cut.count == 1
    assert (cut.days_out, cut.lost_revenue_fen, cut.lost_profit_fen) == (3, 44, 20)
    assert cut.lost_units == pytest.approx(2 / 25)
    assert table.rows == [] and table.totals[table.column("lost_revenue_fen")] == 44
    assert "0 of 1 shown." in table.notes
