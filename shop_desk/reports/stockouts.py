"""Stock-outs in a period and the sales they probably lost.

A day that closes with nothing on hand is out of stock; days without a summary row carry the
last known state forward (docs/DESIGN.md). What was lost is an estimate, not a booking:

- rate: each product's in-stock daily sales rate over recent weeks, i.e. units sold on days
  that closed in stock divided by the number of such days, over the RATE_DAYS days up to the
  period's end (the whole period when it is longer). Fewer than MIN_RATE_DAYS such days: no
  estimate (a product that is nearly always empty has no rate to go by).
- lost units on a day out of stock: the rate less what was sold that day before running out.
- lost sales at today's retail price; lost gross profit at today's price less the unit cost.

The reorder forecast (shop_desk/reorder) is not used yet: it did not exist when this was
written; swap `in_stock_rate` for it when it does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from shop_desk.db.models import DailySummary, Product
from shop_desk.i18n import tr
from shop_desk.money import mul_div_round
from shop_desk.reports.periods import Period
from shop_desk.reports.products import category_name
from shop_desk.reports.summary import STOCKOUT, ProductInfo, chunks, in_range, product_info
from shop_desk.reports.table import Kind, ReportColumn, ReportTable

RATE_DAYS = 56  # eight weeks
MIN_RATE_DAYS = 7
CARRY_DAYS = 28  # how far before the rate window a stock-out is looked for

S = DailySummary


@dataclass(frozen=True)
class StockOut:
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


@dataclass
class _Product:
    """What the queries found about one product, as day numbers (date.toordinal)."""

    out_rows: list[tuple[int, int, int]] = field(default_factory=list)  # (day, sold, next row)
    window_units: int = 0  # sold rate_first..last, on any day
    first_day: int | None = None  # its first summary row
    out_all_along: bool = False  # out since before CARRY_DAYS, nothing since


def _episodes(session: Session, first: date, last: date, found: dict[int, _Product]) -> None:
    """Stock-out rows first..last, each with the day of the product's next row (which ends
    the stock-out unless it closes out of stock too): one index seek per row."""
    n = aliased(S)
    next_day = (
        select(func.min(n.day)).where(n.product_id == S.product_id, n.day > S.day).scalar_subquery()
    )
    stmt = select(S.product_id, S.day, S.units_sold, next_day).where(
        S.day >= first, S.day <= last, STOCKOUT
    )
    for pid, day, sold, following in session.execute(stmt):
        end = following.toordinal() if following is not None else _OPEN
        found.setdefault(pid, _Product()).out_rows.append((day.toordinal(), sold, end))


_OPEN = date.max.toordinal()


def _window_units(session: Session, first: date, last: date, carry_first: date, found) -> None:
    """Units sold first..last by the products that ran out (one pass over the sales index)."""
    ran_out = select(S.product_id).where(S.day >= carry_first, S.day <= last, STOCKOUT)
    stmt = (
        select(S.product_id, func.sum(S.units_sold))
        .where(in_range(first, last), S.product_id.in_(ran_out))
        .group_by(S.product_id)
        # Without statistics SQLite would seek each product in the primary key, then read
        # the table: scanning the window in the covering index is several times faster.
        .with_hint(S, "INDEXED BY ix_summary_sales", dialect_name="sqlite")
    )
    for pid, units in session.execute(stmt):
        if pid in found:
            found[pid].window_units = int(units or 0)


def _out_all_along(session: Session, carry_first: date, found: dict[int, _Product]) -> None:
    """Active products empty now whose last row is older than carry_first: out all along."""
    last_row = select(func.max(S.day)).where(S.product_id == Product.id).scalar_subquery()
    stmt = select(Product.id, last_row).where(Product.on_hand <= 0, Product.active.is_(True))
    for pid, last_day in session.execute(stmt):
        if pid not in found and (last_day is None or last_day < carry_first):
            found[pid] = _Product(out_all_along=True)


def _first_days(session: Session, found: dict[int, _Product]) -> None:
    first = select(func.min(S.day)).where(S.product_id == Product.id).scalar_subquery()
    for batch in chunks(found):
        for pid, day in session.execute(select(Product.id, first).where(Product.id.in_(batch))):
            found[pid].first_day = day.toordinal() if day is not None else None


@dataclass(frozen=True)
class _Outage:
    """A product's days out of stock first..last as merged [start, end) day-number intervals,
    with what was sold on the days a stock-out row exists (sold before running out)."""

    intervals: list[tuple[int, int]]
    sold: dict[int, int]

    def days(self, first: int, last: int) -> int:
        return sum(max(0, min(e, last + 1) - max(s, first)) for s, e in self.intervals)

    def covers(self, day: int) -> bool:
        return any(s <= day < e for s, e in self.intervals)

    def sold_between(self, first: int, last: int) -> dict[int, int]:
        return {d: u for d, u in self.sold.items() if first <= d <= last}


def _outage(p: _Product, first: int, last: int) -> _Outage:
    if p.out_all_along:
        return _Outage([(first, last + 1)], {})
    merged: list[tuple[int, int]] = []
    sold: dict[int, int] = {}
    for day, units, end in sorted(p.out_rows):
        start, stop = max(day, first), min(end, last + 1)
        if first <= day <= last:
            sold[day] = max(units, 0)
        if start >= stop:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(stop, merged[-1][1]))
        else:
            merged.append((start, stop))
    return _Outage(merged, sold)


def _rate(p: _Product, outage: _Outage, rate_first: int, last: int) -> float | None:
    start = max(rate_first, p.first_day) if p.first_day is not None else last + 1
    in_stock_days = (last - start + 1) - outage.days(start, last)
    if in_stock_days < MIN_RATE_DAYS:
        return None
    sold_when_out = sum(outage.sold_between(start, last).values())
    return max(p.window_units - sold_when_out, 0) / in_stock_days


def stockouts(session: Session, period: Period) -> StockOuts:
    rate_first = min(period.first, period.last - timedelta(days=RATE_DAYS - 1))
    carry_first = rate_first - timedelta(days=CARRY_DAYS)
    found: dict[int, _Product] = {}
    _episodes(session, carry_first, period.last, found)
    _window_units(session, rate_first, period.last, carry_first, found)
    _out_all_along(session, carry_first, found)
    first, last, rate_day = (
        period.first.toordinal(),
        period.last.toordinal(),
        rate_first.toordinal(),
    )
    outages = {pid: _outage(p, rate_day, last) for pid, p in found.items()}
    hits = {pid: o for pid, o in outages.items() if o.days(first, last)}
    _first_days(session, {pid: found[pid] for pid in hits})
    infos = product_info(session, hits)
    rows = [
        _stockout(infos[pid], o, first, last, _rate(found[pid], o, rate_day, last))
        for pid, o in hits.items()
    ]
    rows.sort(key=lambda r: (-r.lost_revenue_fen, -r.days_out, r.product_id))
    return StockOuts(period, rate_first, rows)


def _unit_cost(info: ProductInfo) -> int:
    if info.on_hand > 0:
        return mul_div_round(info.stock_value_fen, 1, info.on_hand)
    return info.last_cost_fen


def _stockout(info: ProductInfo, o: _Outage, first: int, last: int, rate) -> StockOut:
    days_out = o.days(first, last)
    lost = 0.0
    if rate:
        sold = o.sold_between(first, last)
        lost = rate * (days_out - len(sold)) + sum(max(rate - u, 0.0) for u in sold.values())
    price = info.retail_price_fen
    return StockOut(
        info.id,
        info.name,
        info.category or "",
        days_out,
        o.covers(last),
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
