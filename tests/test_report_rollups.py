"""Each product's sales by month and year (sales_rollups) and its stock-out runs
(stockout_runs), migration 0010: kept by the ledger and the history import, filled by the
migration from what a shop already has, recomputed and repaired by `shop-desk check`."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import delete, inspect, select, update

from shop_desk.db.models import DailySummary, SalesRollup, StockoutRun
from shop_desk.importing import apply_sales, preview_sales
from shop_desk.inventory.check import check_database
from shop_desk.inventory.counter import get_sale, return_items
from shop_desk.inventory.sales_rollups import span_start
from shop_desk.inventory.stock import adjust
from tests.factories import make_product
from tests.report_shop import T, build, noon, receive_on, sell_on

D = timedelta


@pytest.fixture
def shop(db, tmp_path):
    return build(db, tmp_path)


def _rollups(session) -> dict[tuple, tuple[int, int, int, int]]:
    rows = session.execute(
        select(
            SalesRollup.span,
            SalesRollup.first_day,
            SalesRollup.product_id,
            SalesRollup.units_sold,
            SalesRollup.revenue_fen,
            SalesRollup.cost_fen,
            SalesRollup.uncosted_revenue_fen,
        )
    ).all()
    return {(s, d, p): tuple(f) for s, d, p, *f in rows if any(f)}


def _runs(session, product_id: int | None = None, *, since: bool = False) -> list[tuple]:
    columns = [StockoutRun.product_id, StockoutRun.first_day, StockoutRun.end_day]
    stmt = select(*columns, *([StockoutRun.since] if since else []))
    if product_id is not None:
        stmt = stmt.where(StockoutRun.product_id == product_id)
    return [tuple(r) for r in session.execute(stmt.order_by(StockoutRun.product_id, "first_day"))]


def _summed_summary(session) -> dict[tuple, tuple[int, int, int, int]]:
    """The rollups as the daily summary says they should be."""
    want: dict[tuple, list[int]] = {}
    for r in session.execute(select(DailySummary)).scalars():
        if not (r.units_sold or r.revenue_fen or r.cost_fen):
            continue
        for span in ("month", "year"):
            sums = want.setdefault((span, span_start(span, r.day), r.product_id), [0, 0, 0, 0])
            sums[0] += r.units_sold
            sums[1] += r.revenue_fen
            sums[2] += r.cost_fen
            sums[3] += r.revenue_fen if r.imported else 0
    return {k: tuple(v) for k, v in want.items() if any(v)}


def test_rollups_of_the_fixture_shop(shop):
    with shop.db.read() as s:
        rollups = _rollups(s)
        assert rollups == _summed_summary(s)
        assert check_database(s).ok
    march = date(2026, 3, 1)
    # by hand (tests/report_shop.py): cola sold 2 (T-10, Mar 8), 3 (T-5), one back (T-4),
    # 1 (T-1), all in March 2026 at 3.00 with cost 2.00
    assert rollups[("month", march, shop.cola)] == (5, 1500, 1000, 0)
    assert rollups[("year", date(2026, 1, 1), shop.cola)] == (5, 1500, 1000, 0)
    # last year's imported history: no cost, all of it uncosted
    assert rollups[("month", date(2025, 3, 1), shop.cola)] == (5, 1500, 0, 1500)
    assert rollups[("year", date(2025, 1, 1), shop.cola)] == (5, 1500, 0, 1500)
    # chips: 1 on T-20 (February 26), 5 on T-5
    assert rollups[("month", date(2026, 2, 1), shop.chips)] == (1, 550, 300, 0)
    assert rollups[("month", march, shop.chips)] == (5, 2750, 1500, 0)
    assert rollups[("year", date(2026, 1, 1), shop.chips)] == (6, 3300, 1800, 0)
    assert not any(key[2] == shop.towel for key in rollups)  # never sold


def test_runs_of_the_fixture_shop(shop):
    with shop.db.read() as s:
        # chips ran out on T-5 and came back on T-2 (on the books since T-40); nothing else
        assert _runs(s, since=True) == [(shop.chips, T - D(5), T - D(2), T - D(40))]


def test_check_finds_and_repairs_wrong_rollups_and_runs(shop):
    with shop.db.session() as s:
        s.execute(
            update(SalesRollup)
            .where(SalesRollup.product_id == shop.cola, SalesRollup.span == "year")
            .values(units_sold=99)
        )
        s.execute(delete(SalesRollup).where(SalesRollup.product_id == shop.chips))
        stray = {"units_sold": 1, "revenue_fen": 100, "cost_fen": 50, "uncosted_revenue_fen": 0}
        s.add(SalesRollup(span="month", first_day=date(2020, 1, 1), product_id=shop.towel, **stray))
        s.execute(update(StockoutRun).values(end_day=None))
        s.add(
            StockoutRun(product_id=shop.gum, first_day=T - D(9), end_day=T - D(8), days=1, since=T)
        )
    with shop.db.read() as s:
        report = check_database(s)
    problems = report.problems
    # cola's two years, chips' February, March and 2026, the stray month; chips' and gum's runs
    assert sum(p.startswith("sales rollup ") for p in problems) == 2 + 3 + 1, problems
    assert sum(p.startswith("stock-out runs ") for p in problems) == 2, problems
    with shop.db.session() as s:
        check_database(s, repair=True)
    with shop.db.read() as s:
        assert check_database(s).ok
        assert _rollups(s) == _summed_summary(s)
        assert _runs(s) == [(shop.chips, T - D(5), T - D(2))]


def _adjust(db, product_id: int, qty: int, day: date) -> None:
    with db.session() as s:
        adjust(s, product_id, qty, note="test", at=noon(day))


def _clean_runs(db, product_id: int) -> list[tuple]:
    with db.read() as s:
        report = check_database(s)
        assert report.ok, report.problems
        return [(first, end) for _, first, end in _runs(s, product_id)]


def test_the_ledger_keeps_runs_when_stock_crosses_zero(db):
    """A sale or an adjustment that empties a product opens a run, a receipt or a return
    that refills it ends it, and refilled the same day it never was a day out."""
    with db.session() as s:
        pid = make_product(s, "康师傅红烧牛肉面", 450).id
    d = date(2026, 3, 1)
    receive_on(db, pid, 2, d)
    assert _clean_runs(db, pid) == []
    sale = sell_on(db, pid, 2, d + D(1))  # empties it
    assert _clean_runs(db, pid) == [(d + D(1), None)]
    sell_on(db, pid, 1, d + D(2))  # past zero: still the same run
    assert _clean_runs(db, pid) == [(d + D(1), None)]
    receive_on(db, pid, 5, d + D(4))  # 4 on hand again
    assert _clean_runs(db, pid) == [(d + D(1), d + D(4))]
    _adjust(db, pid, -4, d + D(6))  # a correction empties it
    assert _clean_runs(db, pid) == [(d + D(1), d + D(4)), (d + D(6), None)]
    with db.session() as s:  # a customer brings one back the same day: it closed in stock
        line = get_sale(s, sale).lines[0]
        return_items(s, sale, {line.id: 1}, at=noon(d + D(6)))
    assert _clean_runs(db, pid) == [(d + D(1), d + D(4))]
    sell_on(db, pid, 1, d + D(8))  # empty again, then refilled the next day
    receive_on(db, pid, 3, d + D(9))
    assert _clean_runs(db, pid) == [(d + D(1), d + D(4)), (d + D(8), d + D(9))]


def test_a_move_dated_back_rewrites_the_runs(db):
    """A sale entered for an earlier day, after later moves, closes that day at what is on
    hand after it (the ledger's rule): out of stock there, though it crossed no zero."""
    with db.session() as s:
        pid = make_product(s, "旺仔牛奶", 550).id
    d = date(2026, 3, 1)
    receive_on(db, pid, 1, d)
    receive_on(db, pid, 1, d + D(5))
    sell_on(db, pid, 3, d + D(7))  # -1
    assert _clean_runs(db, pid) == [(d + D(7), None)]
    sell_on(db, pid, 1, d + D(1))  # dated back: -1 to -2, the day d+1 closes out
    assert _clean_runs(db, pid) == [(d + D(1), d + D(5)), (d + D(7), None)]


def test_the_history_import_adds_to_the_rollups_not_the_runs(shop, tmp_path):
    """Imported days are in the rollups; they hold no stock, so the runs stay, but an
    earlier first day on the books moves where the product's sales rate may start."""
    path = tmp_path / "chips.csv"
    path.write_text(f"日期,条码,数量,销售额\n2025-06-01,{shop.codes['chips']},2,11.00\n", "utf-8")
    with shop.db.read() as s:
        preview = preview_sales(path, session=s)
    with shop.db.session() as s:
        apply_sales(s, preview)
    with shop.db.read() as s:
        rollups = _rollups(s)
        assert _runs(s, since=True) == [(shop.chips, T - D(5), T - D(2), date(2025, 6, 1))]
        assert check_database(s).ok
    assert rollups[("month", date(2025, 6, 1), shop.chips)] == (2, 1100, 0, 1100)
    assert rollups[("year", date(2025, 1, 1), shop.chips)] == (2, 1100, 0, 1100)
    assert rollups[("year", date(2025, 1, 1), shop.cola)][3] == 1500  # the fixture's import


def test_migration_fills_rollups_and_runs_from_existing_shops(shop):
    """A shop on 0009 has a summary but no rollups or runs: the migration fills them, and
    they are what the ledger and the import kept."""
    from alembic import command

    from shop_desk.db.migrate import alembic_config

    with shop.db.read() as s:
        kept_rollups, kept_runs = _rollups(s), _runs(s, since=True)
    with shop.db.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0009_report_totals")
    tables = inspect(shop.db.engine).get_table_names()
    assert "sales_rollups" not in tables and "stockout_runs" not in tables
    assert shop.db.migrate() is True
    with shop.db.read() as s:
        assert _rollups(s) == kept_rollups
        assert _runs(s, since=True) == kept_runs
        assert check_database(s).ok


def test_runs_days_become_day_numbers(shop):
    """Migration 0015 turns a shop's runs' days (dates until 0014) into day numbers, and
    back on a downgrade; the runs read through the model are the same days."""
    from alembic import command

    from shop_desk.db.day_numbers import day_number
    from shop_desk.db.migrate import alembic_config

    raw = "SELECT first_day, end_day, since FROM stockout_runs ORDER BY product_id, first_day"
    with shop.db.session() as s:  # a run still open besides the fixture's ended ones
        s.add(StockoutRun(product_id=shop.gum, first_day=T - D(2), days=None, since=T - D(60)))
    with shop.db.read() as s:
        kept = _runs(s, since=True)
    assert any(end is None for _, _, end, _ in kept) and any(end for _, _, end, _ in kept)
    numbers = [
        (day_number(first), end and day_number(end), day_number(since))
        for _, first, end, since in kept
    ]
    with shop.db.engine.begin() as conn:
        assert [tuple(r) for r in conn.exec_driver_sql(raw)] == numbers
        command.downgrade(alembic_config(conn), "0014_report_rollups")
        as_dates = [tuple(r) for r in conn.exec_driver_sql(raw)]
    # SQLite's driver gives the dates as ISO text, PostgreSQL's as dates.
    assert [tuple(d and str(d) for d in r) for r in as_dates] == [
        (str(first), end and str(end), str(since)) for _, first, end, since in kept
    ]
    assert shop.db.migrate() is True
    with shop.db.engine.connect() as conn:
        assert [tuple(r) for r in conn.exec_driver_sql(raw)] == numbers
    with shop.db.read() as s:
        assert _runs(s, since=True) == kept


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (T - D(364), T),  # a year up to today: this year's rows, last year's months and days
        (date(2025, 3, 10), date(2026, 3, 1)),  # across the imported days and a year start
        (date(2025, 1, 1), T - D(1)),  # whole years and a cut month
        (date(2026, 2, 26), date(2026, 3, 8)),  # short: its days
        (date(2025, 3, 14), date(2025, 3, 14)),  # one imported day
        (T - D(40), T + D(300)),  # into the future
    ],
)
def test_any_period_from_the_rollups_equals_its_days(shop, first, last):
    """The blocks of spans.decompose, added and taken away, give each product's figures
    over the period exactly as its days do."""
    from shop_desk.reports.spans import decompose, last_sale_day, summed

    with shop.db.read() as s:
        blocks = decompose(first, last, last_sale_day(s))  # days alone for a short one
        sums = summed(s, blocks)
        got = {pid: tuple(f) for pid, *f in zip(*(a.tolist() for a in sums), strict=True)}
        want: dict[int, list[int]] = {}
        for r in s.execute(
            select(DailySummary).where(DailySummary.day.between(first, last))
        ).scalars():
            sums = want.setdefault(r.product_id, [0, 0, 0, 0])
            for i, v in enumerate((r.units_sold, r.revenue_fen, r.cost_fen)):
                sums[i] += v
            sums[3] += r.revenue_fen if r.imported else 0
    assert got == {pid: tuple(v) for pid, v in want.items() if any(v[:3])}


def test_a_product_sold_before_any_stock_came_in_is_out_from_that_day(db):
    with db.session() as s:
        pid = make_product(s, "新品试卖", 300).id
    d = date(2026, 3, 1)
    sell_on(db, pid, 2, d)  # 0 to -2: no zero crossed, but its first day closes out
    assert _clean_runs(db, pid) == [(d, None)]
    receive_on(db, pid, 6, d + D(3))
    assert _clean_runs(db, pid) == [(d, d + D(3))]
