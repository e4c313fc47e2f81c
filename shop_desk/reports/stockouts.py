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

Only the products with a run in the period are read further: their sales on the days they
closed out (ix_summary_stockouts), their first day and their units in the rate window (the
rollups for a long window, spans.py). The rows are computed with NumPy: a year lists tens of
thousands.

The reorder forecast (shop_desk/reorder) is not used yet: it did not exist when this was
written; swap the rate for it when it does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

import numpy as np
from sqlalchemy import String, and_, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from shop_desk.db.models import DailySummary, Product, StockoutRun
from shop_desk.i18n import tr
from shop_desk.money import mul_div_round
from shop_desk.reports.periods import Period
from shop_desk.reports.products import category_name, rollup_blocks
from shop_desk.reports.spans import summed
from shop_desk.reports.summary import INFO, STOCKOUT, in_range
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
    rows: list[StockOut]

    @property
    def lost_revenue_fen(self) -> int:
        return sum(r.lost_revenue_fen for r in self.rows)

    @property
    def lost_profit_fen(self) -> int:
        return sum(r.lost_profit_fen for r in self.rows)


_OPEN = 2**40  # the day number of a run still open
_EPOCH = date(1970, 1, 1)


def _number(day: date) -> int:
    return (day - _EPOCH).days


def _numbers(days) -> np.ndarray:
    """Day numbers (days since 1970) of dates as the driver returns them: ISO text on SQLite,
    dates on PostgreSQL, None for no day (_OPEN). NumPy parses them all in one go."""
    parsed = np.array(days, dtype="datetime64[D]")
    return np.where(np.isnat(parsed), _OPEN, parsed.astype(np.int64)).astype(np.int64)


def _columns(rows: list, count: int) -> list[tuple]:
    return list(zip(*rows, strict=True)) if rows else [()] * count


def _overlap(first: np.ndarray, end: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """Days of each run [first, end) within lo..hi."""
    return np.maximum(0, np.minimum(end, hi + 1) - np.maximum(first, lo))


@dataclass
class _Runs:
    ids: np.ndarray  # the products hit (days out in the period), ascending
    days_out: np.ndarray  # in the period
    days_out_window: np.ndarray  # in the rate window (rate_first..last)
    out_now: np.ndarray  # still out at the period's end


def _runs(session: Session, period: Period, rate_first: date) -> _Runs:
    """The runs overlapping the rate window, summed per product; the products with days out
    in the period kept."""
    lo, first, last = _number(rate_first), _number(period.first), _number(period.last)
    stmt = (
        select(R.product_id, type_coerce(R.first_day, String), type_coerce(R.end_day, String))
        .join(Product, Product.id == R.product_id)
        .where(
            R.first_day <= period.last,
            or_(R.end_day > rate_first, and_(R.end_day.is_(None), Product.active.is_(True))),
        )
    )
    pid, day, end = _columns(session.connection().execute(stmt).all(), 3)
    pid = np.array(pid, dtype=np.int64)
    day, end = _numbers(day), _numbers(end)
    ids, inv = np.unique(pid, return_inverse=True)

    def total(values) -> np.ndarray:
        return np.bincount(inv, weights=values, minlength=len(ids)).astype(np.int64)

    days_out = total(_overlap(day, end, first, last))
    hit = days_out > 0
    return _Runs(
        ids[hit],
        days_out[hit],
        total(_overlap(day, end, lo, last))[hit],
        (total((day <= last) & (last < end)) > 0)[hit],
    )


def _hit_ids(period: Period):
    """A subquery of the products with a run overlapping the period (a superset of the
    hits: the queries below keep their rows to them)."""
    return (
        select(R.product_id)
        .where(R.first_day <= period.last, or_(R.end_day > period.first, R.end_day.is_(None)))
        .scalar_subquery()
    )


def _sold_out(session: Session, period: Period, rate_first: date, ids: np.ndarray):
    """Sales on the days the hit products closed out (what sold before running out, or
    past zero), rate_first..last: (index into ids, day number, units)."""
    stmt = select(S.product_id, type_coerce(S.day, String), S.units_sold).where(
        S.day >= rate_first, S.day <= period.last, STOCKOUT, S.units_sold > 0
    )
    pid, day, units = _columns(session.connection().execute(stmt).all(), 3)
    pid = np.array(pid, dtype=np.int64)
    where = np.searchsorted(ids, pid)
    where = np.minimum(where, max(len(ids) - 1, 0))
    keep = (ids[where] == pid) if len(ids) else np.zeros(len(pid), dtype=bool)
    return where[keep], _numbers(day)[keep], np.array(units, dtype=np.int64)[keep]


def _window_units(session: Session, period: Period, window: Period) -> dict[int, int]:
    """Units sold in the rate window by the products with a run in the period: from the
    rollups for a long window (a row or two a product), else from the days."""
    only = _hit_ids(period)
    blocks = rollup_blocks(session, window)
    if blocks is not None:
        per = summed(blocks, uncosted=False, only=only).subquery()
        stmt = select(per.c.pid, per.c.units)
    else:
        stmt = (
            select(S.product_id, func.sum(S.units_sold))
            .where(in_range(window.first, window.last), S.product_id.in_(only))
            .group_by(S.product_id)
        )
    return {pid: int(units) for pid, units in session.connection().execute(stmt).all()}


def _infos(session: Session, period: Period, ids: np.ndarray) -> tuple[list, np.ndarray]:
    """Name, price and cost of the hit products in id order, and their first day on the
    books (a seek each in the summary's primary key)."""
    first = select(func.min(S.day)).where(S.product_id == Product.id).scalar_subquery()
    stmt = (
        select(*INFO, type_coerce(first, String))
        .where(Product.id.in_(_hit_ids(period)))
        .order_by(Product.id)
    )
    rows = session.connection().execute(stmt).all()
    found = np.array([row[0] for row in rows], dtype=np.int64)
    keep = np.isin(found, ids)
    rows = [row for row, k in zip(rows, keep.tolist(), strict=True) if k]
    return rows, _numbers([row[-1] for row in rows])


def stockouts(session: Session, period: Period) -> StockOuts:
    rate_first = min(period.first, period.last - timedelta(days=RATE_DAYS - 1))
    runs = _runs(session, period, rate_first)
    if not len(runs.ids):
        return StockOuts(period, rate_first, [])
    infos, first_days = _infos(session, period, runs.ids)
    units = _window_units(session, period, Period(rate_first, period.last))
    at, day, sold = _sold_out(session, period, rate_first, runs.ids)
    n = len(runs.ids)
    sold_out_window = np.bincount(at, weights=sold, minlength=n)
    last = _number(period.last)
    start = np.maximum(_number(rate_first), first_days)
    in_stock_days = (last - start + 1) - runs.days_out_window
    window_units = np.array([units.get(pid, 0) for pid in runs.ids.tolist()], dtype=np.float64)
    known = in_stock_days >= MIN_RATE_DAYS
    rate = np.where(
        known, np.maximum(window_units - sold_out_window, 0) / np.maximum(in_stock_days, 1), 0.0
    )
    # A day out loses a day's rate, less what sold on it (before running out, or past zero).
    in_period = day >= _number(period.first)
    sold_in_period = np.minimum(sold, rate[at])
    partial = np.bincount(at[in_period], weights=sold_in_period[in_period], minlength=n)
    lost = rate * runs.days_out - partial
    rows = _rows(infos, runs, np.where(known, rate, np.nan), lost)
    return StockOuts(period, rate_first, rows)


def _rows(infos: list, runs: _Runs, rate: np.ndarray, lost: np.ndarray) -> list[StockOut]:
    """The rows, most lost sales first (then most days out, then the product)."""
    price = np.array([info[4] for info in infos], dtype=np.float64)
    cost = np.array([_unit_cost(*info[5:8]) for info in infos], dtype=np.float64)
    revenue = np.round(lost * price).astype(np.int64)
    profit = np.round(lost * (price - cost)).astype(np.int64)
    order = np.lexsort((runs.ids, -runs.days_out, -revenue)).tolist()
    rates = [None if r != r else r for r in rate.tolist()]  # NaN: no rate
    columns = (
        runs.ids.tolist(),
        [info[1] for info in infos],
        [info[2] or "" for info in infos],
        runs.days_out.tolist(),
        runs.out_now.tolist(),
        rates,
        lost.tolist(),
        revenue.tolist(),
        profit.tolist(),
    )
    return [StockOut(*(column[i] for column in columns)) for i in order]


def _unit_cost(on_hand: int, stock_value_fen: int, last_cost_fen: int) -> int:
    if on_hand > 0:
        return mul_div_round(stock_value_fen, 1, on_hand)
    return last_cost_fen


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
    rows = [
        (
            r.name,
            category_name(r.category),
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
        tr("{n} products ran out", n=len(rows)),
        None,
        sum(r.days_out for r in found.rows),
        None,
        None,
        sum(r.lost_units for r in found.rows),
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
