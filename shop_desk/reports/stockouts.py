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

Two statements: each product hit with its figures (_facts: its runs summed, its first day
on the books as the runs hold it, its price and cost, its units in the rate window from the
rollups for a long window, spans.py), and what sold on days that closed out in the window
(ix_summary_stockout_sales). A year hits tens of thousands of products: the rates, losses,
totals and order are worked out with NumPy, and names are read for the rows listed only
(`limit`: the page lists the 500 that lost the most; the totals are of all).

The reorder forecast (shop_desk/reorder) is not used yet: it did not exist when this was
written; swap the rate for it when it does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import chain
from typing import NamedTuple

import numpy as np
from sqlalchemy import (
    ColumnElement,
    Date,
    case,
    func,
    literal,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from shop_desk.db.models import DailySummary, Product, StockoutRun
from shop_desk.i18n import tr
from shop_desk.reports.periods import Period
from shop_desk.reports.products import category_name, rollup_blocks
from shop_desk.reports.spans import Block, summed
from shop_desk.reports.sql_days import days_between, greatest, least
from shop_desk.reports.summary import STOCKOUT_SALES, chunks
from shop_desk.reports.table import Kind, ReportColumn, ReportTable

RATE_DAYS = 28  # four weeks
MIN_RATE_DAYS = 7

S, R = DailySummary, StockoutRun


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


# The columns of _facts.
FACTS = ("id", "price", "cost", "days_out", "in_stock", "out_now", "units")
SCAN_RUNS_AFTER_DAYS = 180  # a longer window reads every run (see _runs)
ZERO = literal_column("0")


def _runs(period: Period, rate_first: date):
    """Each product's days out in the period and in the rate window, whether it is out at
    the period's end and its first day on the books, from the runs overlapping the window;
    the products with days out in the period kept. An archived product's open run is left
    out.

    A short window reads its runs from ix_stockout_runs_end (those ended in it, and those
    still open); a long one holds most runs, read faster in the table's own order (SQLite's
    OR of two index ranges costs more than the whole table), grouped as they come."""
    after = period.last + timedelta(days=1)
    active = select(Product.id).where(Product.id == R.product_id, Product.active.is_(True)).exists()
    started = R.first_day <= period.last
    if period.last - rate_first > timedelta(days=SCAN_RUNS_AFTER_DAYS):
        end = func.coalesce(R.end_day, after)  # not an OR: SQLite would read two index ranges
        runs = select(R).where(started, end > rate_first, R.end_day.is_not(None) | active)
    else:
        closed = select(R).where(started, R.end_day > rate_first)
        still = select(R).where(started, R.end_day.is_(None), active)
        runs = union_all(closed, still)
    r = runs.subquery("overlapping").c
    end = func.coalesce(r.end_day, after)

    def days_out(first: date):
        # Most runs lie inside: their stored length (an open run has none: end_day NULL);
        # the rest are cut by day arithmetic.
        cut = greatest(days_between(least(end, after), greatest(r.first_day, first)), 0)
        inside = (r.first_day >= first) & (r.end_day <= after)
        return func.sum(case((inside, r.days), else_=cut))

    out = days_out(period.first)
    window = out if rate_first == period.first else days_out(rate_first)  # summed once
    return (
        select(
            r.product_id.label("pid"),
            out.label("days_out"),
            window.label("days_window"),
            func.max(case((r.end_day <= period.last, 0), else_=1)).label("out_now"),
            func.min(r.since).label("since"),
        )
        .group_by(r.product_id)
        .having(out > 0)
        .cte("runs")
    )


def _window_units(session: Session, window: Period, hits):
    """Units sold in the rate window by the products hit: summed from the rollups for a long
    window (a row or two a product; a key look-up per product cost more); a window read from
    its days alone looks up each product hit's days (ix_summary_product_sales)."""
    blocks = rollup_blocks(session, window) or [Block("day", window.first, window.last, 1)]
    return summed(blocks, uncosted=False, only=select(hits.c.pid), units_only=True).cte("units")


def _unit_cost(product) -> ColumnElement:
    """The stock's average cost, rounded half away from zero (money.mul_div_round), or the
    last known cost when nothing is on hand."""
    value, on_hand = product.stock_value_fen, product.on_hand
    average = case(
        (value >= 0, (2 * value + on_hand) // (2 * on_hand)),
        else_=-((on_hand - 2 * value) // (2 * on_hand)),
    )
    return case((on_hand > 0, average), else_=product.last_cost_fen)


def _facts(session: Session, period: Period, rate_first: date):
    """One row a product hit, FACTS, all integers (the unit cost and the days in stock
    worked out here: fewer values to hand over); names are read for the rows listed only
    (_names)."""
    hits = _runs(period, rate_first)
    units = _window_units(session, Period(rate_first, period.last), hits)
    # Days on the books in the rate window (from the product's first day) less days out.
    start = greatest(hits.c.since, literal(rate_first, Date))
    in_stock = days_between(literal(period.last + timedelta(days=1), Date), start)
    return (
        select(
            hits.c.pid,
            Product.retail_price_fen,
            _unit_cost(Product),
            hits.c.days_out,
            in_stock - hits.c.days_window,
            hits.c.out_now,
            func.coalesce(units.c.units, 0),
        )
        .select_from(hits)
        .join(Product, Product.id == hits.c.pid)
        .outerjoin(units, units.c.pid == hits.c.pid)
    )


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


def _ints(rows: list[tuple], count: int) -> list[np.ndarray]:
    """Rows of integers as NumPy columns, read in one pass (np.array on a list of tuples
    costs twice as much)."""
    flat = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=len(rows) * count)
    return list(flat.reshape(len(rows), count).T)


def stockouts(session: Session, period: Period, limit: int | None = None) -> StockOuts:
    """Every product that ran out in the period, most lost sales first: the `limit` first
    listed, the totals of all."""
    rate_first = min(period.first, period.last - timedelta(days=RATE_DAYS - 1))
    facts = _plain(session, _facts(session, period, rate_first))
    if not facts:
        return StockOuts(period, rate_first, [])
    facts.sort()  # by product id (the first column)
    ids, price, cost, days_out, in_stock, out_now, units = _ints(facts, len(FACTS))
    # Sales on the days out: taken from the rate's units, and each day's at most the rate
    # from what such a day loses (it sold that much before running out, or past zero).
    window = rate_first < period.first
    pid, sold, *flags = _ints(_plain(session, _out_sales(period, rate_first)), 3 if window else 2)
    at = np.searchsorted(ids, pid)
    hit = at < len(ids)
    hit[hit] = ids[at[hit]] == pid[hit]
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
        _rows(session, out_now, figures, order),
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


def _rows(session: Session, out_now: np.ndarray, f: _Figures, order: np.ndarray) -> list[StockOut]:
    """The rows in `order`, with their names (read for these products only)."""
    ids = f.ids[order].tolist()
    names = _names(session, ids)
    rates = [None if r != r else r for r in f.rate[order].tolist()]  # NaN: no rate
    return list(
        map(
            StockOut._make,
            zip(
                ids,
                [names[p][0] for p in ids],
                [names[p][1] or "" for p in ids],
                f.days_out[order].tolist(),
                [bool(o) for o in out_now[order].tolist()],
                rates,
                f.lost[order].tolist(),
                f.revenue[order].tolist(),
                f.profit[order].tolist(),
                strict=True,
            ),
        )
    )


def _names(session: Session, ids: list[int]) -> dict[int, tuple[str, str]]:
    found = {}
    for batch in chunks(ids):
        stmt = select(Product.id, Product.name, Product.category).where(Product.id.in_(batch))
        found.update((pid, (name, category)) for pid, name, category in _plain(session, stmt))
    return found


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
