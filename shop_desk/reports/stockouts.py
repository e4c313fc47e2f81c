"""Stock-outs in a period and the sales they probably lost.

A day that closes with nothing on hand is out of stock; the stretches of such days are kept
as stock-out runs by the ledger (stockout_runs, migration 0010: from the first day out to the
day it closed in stock again). A period reads the runs that overlap it, not every day out.
An archived product still out is not listed (it is no longer sold). What was lost is an
estimate, not a booking:

- rate: each product's in-stock daily sales rate over recent weeks, i.e. units sold on days
  that closed in stock divided by the number of such days, over the RATE_DAYS days up to the
  period's end (the whole period when it is longer), from the product's first day on the
  books. Fewer than MIN_RATE_DAYS such days: no estimate (a product that is nearly always
  empty has no rate to go by).
- lost units on a day out of stock: the rate less what was sold that day before running out
  (or past zero).
- lost sales at today's retail price; lost gross profit at today's price less the unit cost.

The products hit come from their runs grouped by product (their days are day numbers,
migration 0015), with the first day on the books each run keeps, the price and the cost
(_hits); their units in the rate window from every product's rollup rows for a long window
(spans.py) and the days at the ends, summed with NumPy (_units: a year's rows read whole
cost far less than looking each product up, or than SQL sorting them to group them); beside
it, what sold on days that closed out in the window (ix_summary_stockout_sales). A year
hits tens of thousands of products: everything comes back as NumPy columns of integers
(columns.py), the rates, losses, totals and order are worked out with NumPy, and names and
whether each is still out are read for the rows listed only (`limit`: the page lists the 500
that lost the most; the totals are of all).

The reorder forecast (shop_desk/reorder) is not used yet: it did not exist when this was
written; swap the rate for it when it does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

import numpy as np
from sqlalchemy import (
    ColumnElement,
    Integer,
    and_,
    case,
    func,
    literal,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session

from shop_desk.db.day_numbers import day_number
from shop_desk.db.models import DailySummary, Product, SalesRollup, StockoutRun
from shop_desk.i18n import tr
from shop_desk.reports.columns import find_sorted, int_columns
from shop_desk.reports.periods import Period
from shop_desk.reports.products import category_name, rollup_blocks
from shop_desk.reports.spans import Block
from shop_desk.reports.sql_days import greatest, least
from shop_desk.reports.summary import SALES, STOCKOUT_SALES, chunks, product_names
from shop_desk.reports.table import Kind, ReportColumn, ReportTable

RATE_DAYS = 28  # four weeks
MIN_RATE_DAYS = 7

S, R, U = DailySummary, StockoutRun, SalesRollup


class StockOut(NamedTuple):  # a tuple: a year lists tens of thousands
    product_id: int
    name: str
    category: str
    days_out: int  # in the period
    out_now: bool  # still out at the period's end
    rate: float | None  # units a day when in stock; None: too few in-stock days to tell
    lost_units: float
    lost_revenue_fen: int
    lost_profit_fen: int


@dataclass(frozen=True)
class StockOuts:
    period: Period
    rate_first: date
    rows: list[StockOut]  # most lost sales first; the first `limit` when one was given
    count: int = 0  # products that ran out (all of them)
    days_out: int = 0  # the totals of all of them
    lost_units: float = 0.0
    lost_revenue_fen: int = 0
    lost_profit_fen: int = 0


SCAN_RUNS_AFTER_DAYS = 180  # a longer window reads every run (see _run_rows)

# The runs' days are day numbers (migration 0015): compared and subtracted as integers.
run_first, run_end, run_since = (type_coerce(c, Integer) for c in (R.first_day, R.end_day, R.since))


def _run_rows(period: Period, rate_first: date, window: bool) -> list:
    """The runs overlapping the rate window, a row each: (pid, the product's first day on
    the books, days out in the period[, days out in the rate window when `window`]). An
    archived product's open run is left out (_overlapping).

    A short window reads its runs from ix_stockout_runs_end (those ended in it, and those
    still open); a long one holds most runs, read faster in the table's own order (SQLite's
    OR of two index ranges costs more than the whole table)."""
    after, last = day_number(period.last) + 1, day_number(period.last)

    def row(end) -> list:
        # Most runs lie inside: their stored length (an open one has none); the rest are
        # cut at the window's ends.
        def days_out(first: date):
            first = day_number(first)
            cut = least(end, after) - greatest(run_first, first)
            inside = (run_first >= first) & (run_end <= after)
            return case((inside, R.days), else_=greatest(cut, 0))

        days = [days_out(period.first)] + ([days_out(rate_first)] if window else [])
        return _labelled(R.product_id, run_since, *days)

    if period.last - rate_first > timedelta(days=SCAN_RUNS_AFTER_DAYS):
        return [select(*row(func.coalesce(run_end, after))).where(_overlapping(period, rate_first))]
    started, active = run_first <= last, _active()
    closed = select(*row(run_end)).where(started, run_end > day_number(rate_first))
    still = select(*row(literal(after))).where(started, run_end.is_(None), active)
    return [closed, still]


def _active():
    return select(Product.id).where(Product.id == R.product_id, Product.active.is_(True)).exists()


def _overlapping(period: Period, rate_first: date):
    """Runs overlapping the rate window, an archived product's open run left out (written
    without an OR of end_day ranges: SQLite would read two index ranges)."""
    end = func.coalesce(run_end, day_number(period.last) + 1)
    started = run_first <= day_number(period.last)
    return and_(started, end > day_number(rate_first), run_end.is_not(None) | _active())


def _labelled(*columns) -> list:
    names = ("pid", "since", "days_out", "days_window")
    return [c.label(n) for c, n in zip(columns, names, strict=False)]


def _unit_cost(product) -> ColumnElement:
    """The stock's average cost, rounded half away from zero (money.mul_div_round), or the
    last known cost when nothing is on hand."""
    value, on_hand = product.stock_value_fen, product.on_hand
    average = case(
        (value >= 0, (2 * value + on_hand) // (2 * on_hand)),
        else_=-((on_hand - 2 * value) // (2 * on_hand)),
    )
    return case((on_hand > 0, average), else_=product.last_cost_fen)


def _hits(period: Period, rate_first: date, window: bool):
    """One row a product out in the period, in product order: (id, price, unit cost, days
    out in the period, days out in the rate window when `window`, its first day on the books
    as a day number). A long window's runs are grouped as the table holds them (by product:
    no sort)."""
    arms = _run_rows(period, rate_first, window)
    rows = (arms[0] if len(arms) == 1 else union_all(*arms)).subquery("rows")
    days = [func.sum(rows.c.days_out)] + ([func.sum(rows.c.days_window)] if window else [])
    since = func.max(rows.c.since)  # a product's runs all have the same
    grouped = select(rows.c.pid, *days, since).group_by(rows.c.pid).having(days[0] > 0)
    hits = grouped.subquery("hits")
    pid, *days, on_books = hits.c
    columns = [pid, Product.retail_price_fen, _unit_cost(Product), *days, on_books]
    return select(*columns).join_from(hits, Product, Product.id == pid)


def _units(session: Session, window: Period, ids: np.ndarray) -> np.ndarray:
    """The units each product of ids (sorted) sold in the rate window: from the rollups and
    the days at the ends (spans.py), each block read as NumPy columns (columns.py) for
    every product and summed for these. A year's rows read whole cost far less than
    looking each product up, and far less than SQL's GROUP BY, which sorted them all."""
    blocks = rollup_blocks(session, window) or [Block("day", window.first, window.last, 1)]
    units = np.zeros(len(ids), dtype=np.int64)
    for b in blocks:
        if b.span == "day":
            where = [S.day >= b.first, S.day <= b.last, SALES]
            stmt = select(S.product_id, S.units_sold).where(*where)
        else:
            where = [U.span == b.span, U.first_day >= b.first, U.first_day <= b.last]
            stmt = select(U.product_id, U.units_sold).where(*where)
        pid, sold = int_columns(session, stmt)
        at, hit = find_sorted(ids, pid)
        np.add.at(units, at[hit], sold[hit] * b.sign)
    return units


def _out_now(session: Session, period: Period, ids: list[int]) -> set[int]:
    """Of these products, those still out at the period's end (a run open or ended after
    it); an archived product's open run does not count."""
    found: set[int] = set()
    last = day_number(period.last)
    for batch in chunks(ids):
        stmt = select(R.product_id).where(
            R.product_id.in_(batch),
            run_first <= last,
            func.coalesce(run_end, last + 1) > last,
            run_end.is_not(None) | _active(),
        )
        found.update(pid for (pid,) in _plain(session, stmt.distinct()))
    return found


def _out_sales(period: Period, rate_first: date):
    """What sold on days that closed out (before running out, or past zero), in the window:
    (pid, units), and whether the day is in the period when the window starts earlier."""
    columns = [S.product_id, S.units_sold]
    if rate_first < period.first:
        columns.append(case((S.day >= period.first, 1), else_=0))
    return select(*columns).where(S.day >= rate_first, S.day <= period.last, STOCKOUT_SALES)


def _plain(session: Session, stmt) -> list[tuple]:
    """The driver's rows as they come (tens of thousands: no result-row objects)."""
    return session.connection().execute(stmt).cursor.fetchall()


def stockouts(session: Session, period: Period, limit: int | None = None) -> StockOuts:
    """Every product that ran out in the period, most lost sales first: the `limit` first
    listed, the totals of all."""
    rate_first = min(period.first, period.last - timedelta(days=RATE_DAYS - 1))
    window = rate_first < period.first  # the rate's window starts before the period
    ids, price, cost, days_out, *rest = int_columns(session, _hits(period, rate_first, window))
    if not len(ids):
        return StockOuts(period, rate_first, [])
    order = np.argsort(ids)  # in product order already on SQLite; not promised elsewhere
    ids, price, cost, days_out, *rest = (a[order] for a in (ids, price, cost, days_out, *rest))
    days_window, on_books = rest if window else (days_out, *rest)
    units = _units(session, Period(rate_first, period.last), ids)
    # Days on the books in the rate window (from the product's first day, when it came in
    # the window) less days out.
    start = np.maximum(on_books, day_number(rate_first))
    in_stock = (day_number(period.last) + 1 - start) - days_window
    # Sales on the days out: taken from the rate's units, and each day's at most the rate
    # from what such a day loses (it sold that much before running out, or past zero).
    pid, sold, *flags = int_columns(session, _out_sales(period, rate_first))
    at, hit = find_sorted(ids, pid)
    at, sold = at[hit], sold[hit].astype(np.float64)
    in_period = flags[0][hit] == 1 if window else np.ones(len(at), dtype=bool)
    sold_out = np.bincount(at, weights=sold, minlength=len(ids))
    known = in_stock >= MIN_RATE_DAYS
    in_stock_sales = np.maximum(units.astype(np.float64) - sold_out, 0)
    rate = np.where(known, in_stock_sales / np.maximum(in_stock, 1), 0.0)
    partial = np.bincount(
        at[in_period], weights=np.minimum(sold, rate[at])[in_period], minlength=len(ids)
    )
    lost = rate * days_out - partial
    price = price.astype(np.float64)
    revenue = np.round(lost * price).astype(np.int64)
    profit = np.round(lost * (price - cost)).astype(np.int64)
    order = np.lexsort((ids, -days_out, -revenue))[:limit]
    figures = _Figures(ids, days_out, np.where(known, rate, np.nan), lost, revenue, profit)
    return StockOuts(
        period,
        rate_first,
        _rows(session, period, figures, order),
        len(ids),
        int(days_out.sum()),
        float(lost.sum()),
        int(revenue.sum()),
        int(profit.sum()),
    )


class _Figures(NamedTuple):
    ids: np.ndarray
    days_out: np.ndarray
    rate: np.ndarray  # NaN: no rate
    lost: np.ndarray
    revenue: np.ndarray
    profit: np.ndarray


def _rows(session: Session, period: Period, f: _Figures, order: np.ndarray) -> list[StockOut]:
    """The rows in `order`, with their names and whether they are still out (read for these
    products only)."""
    ids = f.ids[order].tolist()
    names = product_names(session, ids)
    out_now = _out_now(session, period, ids)
    rates = [None if r != r else r for r in f.rate[order].tolist()]  # NaN: no rate
    return list(
        map(
            StockOut._make,
            zip(
                ids,
                [names[p][0] for p in ids],
                [names[p][1] or "" for p in ids],
                f.days_out[order].tolist(),
                [p in out_now for p in ids],
                rates,
                f.lost[order].tolist(),
                f.revenue[order].tolist(),
                f.profit[order].tolist(),
                strict=True,
            ),
        )
    )


def stockouts_table(found: StockOuts) -> ReportTable:
    columns = [
        ReportColumn("product", tr("Product"), Kind.TEXT),
        ReportColumn("category", tr("Category"), Kind.TEXT),
        ReportColumn("days_out", tr("Days out of stock"), Kind.INT),
        ReportColumn("out_now", tr("Still out"), Kind.TEXT),
        ReportColumn("rate", tr("Sells a day in stock"), Kind.DECIMAL),
        ReportColumn("lost_units", tr("Lost units (est.)"), Kind.DECIMAL),
        ReportColumn("lost_revenue_fen", tr("Lost sales (est.)"), Kind.MONEY),
        ReportColumn("lost_profit_fen", tr("Lost gross profit (est.)"), Kind.MONEY),
    ]
    yes, no = tr("yes"), tr("no")
    names = {c: category_name(c) for c in {r.category for r in found.rows}}
    rows = [
        (
            r.name,
            names[r.category],
            r.days_out,
            yes if r.out_now else no,
            r.rate,
            r.lost_units,
            r.lost_revenue_fen,
            r.lost_profit_fen,
        )
        for r in found.rows
    ]
    totals = (
        tr("{n} products ran out", n=found.count),
        None,
        found.days_out,
        None,
        None,
        found.lost_units,
        found.lost_revenue_fen,
        found.lost_profit_fen,
    )
    notes = [
        tr(
            "Estimated: each product's sales per day on days it was in stock ({first} to "
            "{last}), times its days out of stock, less what it sold on those days; at "
            "today's prices and costs.",
            first=found.rate_first.isoformat(),
            last=found.period.last.isoformat(),
        )
    ]
    if len(rows) < found.count:
        notes.append(tr("{shown} of {count} shown.", shown=len(rows), count=found.count))
    return ReportTable(
        "stockouts",
        tr("Stock-outs and lost sales"),
        columns,
        rows,
        totals,
        notes,
        found.period.first,
        found.period.last,
    )
