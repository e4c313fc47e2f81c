"""Stock-outs in a period and the sales they probably lost.

A day that closes with nothing on hand is out of stock; days without a summary row carry the
last known state forward (docs/DESIGN.md). What was lost is an estimate, not a booking:

- rate: each product's in-stock daily sales rate over recent weeks, i.e. units sold on days
  that closed in stock divided by the number of such days, over the RATE_DAYS days up to the
  period's end (the whole period when it is longer), from the product's first day on the
  books. Fewer than MIN_RATE_DAYS such days: no estimate (a product that is nearly always
  empty has no rate to go by).
- state at the start: a stock-out row up to CARRY_DAYS before the rate window carries into
  it; a product empty now and untouched for longer is out all along. (A product that was out
  for longer than that, then restocked after the period, is missed: rare, and said here.)
- lost units on a day out of stock: the rate less what was sold that day before running out.
- lost sales at today's retail price; lost gross profit at today's price less the unit cost.

The reorder forecast (shop_desk/reorder) is not used yet: it did not exist when this was
written; swap `in_stock_rate` for it when it does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

import numpy as np
from sqlalchemy import String, func, select, type_coerce
from sqlalchemy.orm import Session, aliased

from shop_desk.db.models import DailySummary, Product
from shop_desk.i18n import tr
from shop_desk.money import mul_div_round
from shop_desk.reports.periods import Period
from shop_desk.reports.products import category_name
from shop_desk.reports.summary import INFO, STOCKOUT, ProductInfo, chunks, in_range
from shop_desk.reports.table import Kind, ReportColumn, ReportTable

RATE_DAYS = 28  # four weeks
MIN_RATE_DAYS = 7
CARRY_DAYS = 14  # how far before the rate window a stock-out is looked for

S = DailySummary


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


_OPEN = 2**40  # the day number of a stock-out with no row after it
_EPOCH = date(1970, 1, 1)


def _number(day: date) -> int:
    return (day - _EPOCH).days


def _numbers(days) -> np.ndarray:
    """Day numbers (days since 1970) of dates as the driver returns them: ISO text on SQLite,
    dates on PostgreSQL, None for no day (_OPEN). NumPy parses them all in one go."""
    parsed = np.array(days, dtype="datetime64[D]")
    return np.where(np.isnat(parsed), _OPEN, parsed.astype(np.int64))


@dataclass(frozen=True, slots=True)
class _Days:
    first: int  # the period (day numbers: _number)
    last: int
    rate_first: int


class _Episodes:
    """Stock-out rows as arrays, one element a row (NumPy: a year has tens of thousands).

    A stock-out row runs until the product's next row (`end`): rows of one product never
    overlap, so the days out in a range are the sum of each row's overlap with it."""

    def __init__(self, pid: np.ndarray, day: np.ndarray, sold: np.ndarray, end: np.ndarray):
        self.pid, self.day, self.end = pid, day, end
        self.sold = np.maximum(sold, 0)  # sold before running out

    def add_open(self, ids: list[int], day: int) -> None:
        """Stock-outs from `day` on with no row after them (products out all along)."""
        n = len(ids)
        self.pid = np.concatenate([self.pid, np.array(ids, dtype=np.int64)])
        self.day = np.concatenate([self.day, np.full(n, day, dtype=np.int64)])
        self.sold = np.concatenate([self.sold, np.zeros(n, dtype=np.int64)])
        self.end = np.concatenate([self.end, np.full(n, _OPEN, dtype=np.int64)])

    def per_product(self, days: _Days) -> _PerProduct:
        ids, inv = np.unique(self.pid, return_inverse=True)
        stop = np.minimum(self.end, days.last + 1)
        in_window = (self.day >= days.rate_first) & (self.day <= days.last)
        in_period = (self.day >= days.first) & (self.day <= days.last)

        def total(values) -> np.ndarray:
            return np.bincount(inv, weights=values, minlength=len(ids)).astype(np.int64)

        return _PerProduct(
            ids=ids,
            inv=inv,
            in_period=in_period,
            sold=self.sold,
            days_out=total(np.maximum(0, stop - np.maximum(self.day, days.first))),
            days_out_window=total(np.maximum(0, stop - np.maximum(self.day, days.rate_first))),
            sold_out_window=total(np.where(in_window, self.sold, 0)),
            rows_in_period=total(in_period),
            out_now=total((self.day <= days.last) & (days.last < self.end)) > 0,
        )


@dataclass
class _PerProduct:
    ids: np.ndarray  # product ids, ascending
    inv: np.ndarray  # each row's index in ids
    in_period: np.ndarray  # each row: in the period
    sold: np.ndarray  # each row: sold that day before running out
    days_out: np.ndarray  # in the period
    days_out_window: np.ndarray  # in the rate window (rate_first..last)
    sold_out_window: np.ndarray  # sold on stock-out days of the window
    rows_in_period: np.ndarray  # stock-out rows in the period
    out_now: np.ndarray  # still out at the period's end


def _episodes(session: Session, first: date, last: date) -> _Episodes:
    """Stock-out rows first..last, each with the day of the product's next row (which ends
    the stock-out unless it closes out of stock too): one index seek per row. Days come as
    the driver gives them (no date objects made one by one)."""
    n = aliased(S)
    next_day = (
        select(func.min(n.day)).where(n.product_id == S.product_id, n.day > S.day).scalar_subquery()
    )
    stmt = select(
        S.product_id, type_coerce(S.day, String), S.units_sold, type_coerce(next_day, String)
    ).where(S.day >= first, S.day <= last, STOCKOUT)
    rows = session.connection().execute(stmt).all()
    pid, day, sold, end = zip(*rows, strict=True) if rows else ((), (), (), ())
    return _Episodes(
        np.array(pid, dtype=np.int64),
        _numbers(day).astype(np.int64),
        np.array(sold, dtype=np.int64),
        _numbers(end).astype(np.int64),
    )


def _out_all_along(session: Session, carry_first: date, seen: set[int]) -> list[int]:
    """Active products empty now whose last row is older than carry_first: out all along."""
    last_row = select(func.max(S.day)).where(S.product_id == Product.id).scalar_subquery()
    stmt = select(Product.id, last_row).where(Product.on_hand <= 0, Product.active.is_(True))
    return [
        pid
        for pid, last_day in session.connection().execute(stmt).all()
        if pid not in seen and (last_day is None or last_day < carry_first)
    ]


class _Found(NamedTuple):
    infos: dict[int, ProductInfo]
    first_days: dict[int, int]  # the product's first row on the books (a day number)
    window_units: dict[int, int]  # sold in the rate window


def _products(session: Session, hits: list[int], window: tuple[date, date]) -> _Found:
    """Name, price and cost of the products hit, their first day on the books and their
    units sold in the rate window (a seek each in ix_summary_product_sales: a pass over
    every sale of a long window cost seconds)."""
    first = select(func.min(S.day)).where(S.product_id == Product.id).scalar_subquery()
    units = (
        select(func.sum(S.units_sold))
        .where(S.product_id == Product.id, in_range(*window))
        .scalar_subquery()
    )
    columns = (*INFO, type_coerce(first, String), units)
    rows = []
    for batch in chunks(hits):
        rows += session.connection().execute(select(*columns).where(Product.id.in_(batch))).all()
    firsts = _numbers([row[-2] for row in rows]).tolist()
    return _Found(
        {row[0]: ProductInfo(*row[:-2]) for row in rows},
        {row[0]: f for row, f in zip(rows, firsts, strict=True) if f != _OPEN},
        {row[0]: int(row[-1] or 0) for row in rows},
    )


def stockouts(session: Session, period: Period) -> StockOuts:
    rate_first = min(period.first, period.last - timedelta(days=RATE_DAYS - 1))
    carry_first = rate_first - timedelta(days=CARRY_DAYS)
    days = _Days(_number(period.first), _number(period.last), _number(rate_first))
    episodes = _episodes(session, carry_first, period.last)
    extra = _out_all_along(session, carry_first, set(episodes.pid.tolist()))
    episodes.add_open(extra, days.rate_first)  # out from the start of the rate window
    found = episodes.per_product(days)
    hits = np.flatnonzero(found.days_out > 0).tolist()
    hit_ids = found.ids[hits].tolist()
    info = _products(session, hit_ids, (rate_first, period.last))
    infos = info.infos
    rates = _rates(found, hits, days, info.window_units, info.first_days)
    lost = _lost(found, rates)
    days_out, out_now = found.days_out.tolist(), found.out_now.tolist()
    rows = [
        _stockout(infos[p], days_out[i], out_now[i], rates[i], lost[i])
        for i, p in zip(hits, hit_ids, strict=True)
    ]
    rows.sort(key=lambda r: (-r.lost_revenue_fen, -r.days_out, r.product_id))
    return StockOuts(period, rate_first, rows)


def _rates(found: _PerProduct, hits: list[int], days: _Days, window: dict, first_days: dict):
    """Units a day on the days in stock of the rate window (from the product's first row);
    None with fewer than MIN_RATE_DAYS such days (and for the products not hit)."""
    rates: list[float | None] = [None] * len(found.ids)
    ids, out_window = found.ids.tolist(), found.days_out_window.tolist()
    sold_out = found.sold_out_window.tolist()
    for i in hits:
        pid = ids[i]
        first_day = first_days.get(pid)
        start = max(days.rate_first, first_day) if first_day is not None else days.last + 1
        in_stock_days = (days.last - start + 1) - out_window[i]
        if in_stock_days >= MIN_RATE_DAYS:
            rates[i] = max(window.get(pid, 0) - sold_out[i], 0) / in_stock_days
    return rates


def _lost(found: _PerProduct, rates: list) -> list[float]:
    """Lost units: a full day's rate on empty days, less what sold before running out on
    the days of a stock-out row."""
    rate = np.array([r or 0.0 for r in rates], dtype=np.float64)
    row_rate = rate[found.inv]
    short = np.where(found.in_period, np.maximum(row_rate - found.sold, 0.0), 0.0)
    partial = np.bincount(found.inv, weights=short, minlength=len(rate))
    whole = rate * (found.days_out - found.rows_in_period)
    return (whole + partial).tolist()


def _unit_cost(info: ProductInfo) -> int:
    if info.on_hand > 0:
        return mul_div_round(info.stock_value_fen, 1, info.on_hand)
    return info.last_cost_fen


def _stockout(
    info: ProductInfo, days_out: int, out_now: bool, rate: float | None, lost: float
) -> StockOut:
    price = info.retail_price_fen
    return StockOut(
        info.id,
        info.name,
        info.category or "",
        days_out,
        out_now,
        rate,
        lost,
        round(lost * price),
        round(lost * (price - _unit_cost(info))),
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
