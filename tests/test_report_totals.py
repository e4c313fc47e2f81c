"""The shop's daily totals (daily_totals) beside the daily summary: kept by the ledger and
the history import, recomputed and repaired by `shop-desk check`, read by sales by day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import delete, select, update

from shop_desk.db.models import DailySummary, DailyTotal
from shop_desk.inventory.check import check_database
from shop_desk.reports import Grain, Period
from shop_desk.reports.sales import sales_trend
from tests.report_shop import T, build

D = timedelta


@pytest.fixture
def shop(db, tmp_path):
    return build(db, tmp_path)


def _totals(session) -> dict[date, tuple[int, int, int, int]]:
    rows = session.execute(
        select(
            DailyTotal.day,
            DailyTotal.units_sold,
            DailyTotal.revenue_fen,
            DailyTotal.cost_fen,
            DailyTotal.uncosted_revenue_fen,
        )
    ).all()
    return {day: tuple(figures) for day, *figures in rows if any(figures)}


def test_totals_are_the_days_of_the_fixture_shop(shop):
    with shop.db.read() as s:
        totals = _totals(s)
        assert check_database(s).ok
    # by hand (tests/report_shop.py): sales, the return, and last year's imported history
    assert totals == {
        T - D(50): (1, 200, 100, 0),  # gum: 1 at 2.00, cost 4.00 / 4
        T - D(20): (1, 550, 300, 0),  # chips: cost 18.00 / 6
        T - D(10): (2, 600, 400, 0),  # cola: cost 40.00 / 20 each
        T - D(5): (8, 3650, 2100, 0),  # cola 3 (900, 600) + chips 5 (2750, 1500)
        T - D(4): (-1, -300, -200, 0),  # one cola back
        T - D(1): (1, 300, 200, 0),
        date(2025, 3, 9): (1, 300, 0, 300),  # imported: no cost, all uncosted
        date(2025, 3, 14): (4, 1200, 0, 1200),
    }


def test_totals_equal_the_summary_summed_by_day(shop):
    with shop.db.read() as s:
        totals = _totals(s)
        rows = s.execute(select(DailySummary)).scalars().all()
    by_day: dict[date, list[int]] = {}
    for r in rows:
        day = by_day.setdefault(r.day, [0, 0, 0, 0])
        day[0] += r.units_sold
        day[1] += r.revenue_fen
        day[2] += r.cost_fen
        day[3] += r.revenue_fen if r.imported else 0
    assert totals == {d: tuple(f) for d, f in by_day.items() if any(f)}


def test_check_finds_and_repairs_wrong_totals(shop):
    with shop.db.session() as s:
        s.execute(update(DailyTotal).where(DailyTotal.day == T - D(5)).values(units_sold=99))
        s.execute(delete(DailyTotal).where(DailyTotal.day == date(2025, 3, 14)))
        s.add(DailyTotal(day=date(2020, 1, 1), units_sold=1, revenue_fen=100, cost_fen=50))
    with shop.db.read() as s:
        before = _totals(s)
        report = check_database(s)
    assert len(report.problems) == 3, report.problems
    assert all(p.startswith("daily totals ") for p in report.problems)
    with shop.db.session() as s:
        check_database(s, repair=True)
    with shop.db.read() as s:
        assert check_database(s).ok
        after = _totals(s)
    assert before[T - D(5)] == (99, 3650, 2100, 0)
    assert after[T - D(5)] == (8, 3650, 2100, 0)
    assert after[date(2025, 3, 14)] == (4, 1200, 0, 1200)
    assert date(2020, 1, 1) not in after


def test_sales_by_day_read_the_totals(shop):
    """A day's figures come from daily_totals: a wrong total shows until check repairs it."""
    with shop.db.session() as s:
        s.execute(update(DailyTotal).where(DailyTotal.day == T - D(1)).values(revenue_fen=999))
    with shop.db.read() as s:
        trend = sales_trend(s, Period(T - D(1), T), Grain.DAY)
    assert trend.rows[0].figures.revenue_fen == 999
    with shop.db.session() as s:
        check_database(s, repair=True)
    with shop.db.read() as s:
        trend = sales_trend(s, Period(T - D(1), T), Grain.DAY)
    assert trend.rows[0].figures.revenue_fen == 300
