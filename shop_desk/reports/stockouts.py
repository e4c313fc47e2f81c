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

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
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


@dataclass(slots=True)
class _Product:
    """One product's stock-outs as counts of days (day numbers are date.toordinal()).

    A stock-out row runs until the product's next row: rows of one product never overlap,
    so the days out in a range are the sum of each row's overlap with it."""

    days_out: int = 0  # in the period
    days_out_window: int = 0  # in the rate window (rate_first..last)
    sold_out_window: int = 0  # sold on stock-out days of the window (before running out)
    sold_on_out_days: list[int] = field(default_factory=list)  # each stock-out row in the period
    out_now: bool = False
    window_units: int = 0  # sold in the rate window, every day
    first_day: int | None = None  # the product's first summary row


@dataclass(frozen=True, slots=True)
class _Days:
    first: int  # the period
    last: int
    rate_first: int

    def add(self, p: _Product, day: int, sold: int, end: int) -> None:
        """A stock-out row of `day`, ending the day before `end` (its next row)."""
        stop = min(end, self.last + 1)
        p.days_out += max(0, stop - max(day, self.first))
        p.days_out_window += max(0, stop - max(day, self.rate_first))
        if self.rate_first <= day <= self.last:
            p.sold_out_window += max(sold, 0)
        if self.first <= day <= self.last:
            p.sold_on_out_days.append(max(sold, 0))
        p.out_now = p.out_now or day <= self.last < end


_OPEN = date.max.toordinal()


def _episodes(session: Session, first: date, days: _Days) -> dict[int, _Product]:
    """Stock-out rows first..last, each with the day of the product's next row (which ends
    the stock-out unless it closes out of stock too): one index seek per row."""
    n = aliased(S)
    next_day = (
        select(func.min(n.day)).where(n.product_id == S.product_id, n.day > S.day).scalar_subquery()
    )
    last = date.fromordinal(days.last)
    stmt = select(S.product_id, S.day, S.units_sold, next_day).where(
        S.day >= first, S.day <= last, STOCKOUT
    )
    found: dict[int, _Product] = {}
    for pid, day, sold, following in session.connection().execute(stmt).all():
        product = found.get(pid)
        if product is None:
            product = found[pid] = _Product()
        end = following.toordinal() if following is not None else _OPEN
        days.add(product, day.toordinal(), sold, end)
    return found


def _window_units(session: Session, first: date, last: date, carry_first: date, found) -> None:
    """Units sold first..last by the products that ran out (one pass over the sales index)."""
    ran_out = select(S.product_id).where(S.day >= carry_first, S.day <= last, STOCKOUT)
    stmt = (
        select(S.product_id, func.sum(S.units_sold))
        # "+ 0": SQLite would otherwise seek each product in the primary key and read the
        # table row by row; one pass over the window in the covering index is twice as fast.
        .where(in_range(first, last), (S.product_id + 0).in_(ran_out))
        .group_by(S.product_id)
    )
    for pid, units in session.connection().execute(stmt).all():
        if pid in found:
            found[pid].window_units = int(units or 0)


def _out_all_along(session: Session, carry_first: date, days: _Days, found) -> None:
    """Active products empty now whose last row is older than carry_first: out all along."""
    last_row = select(func.max(S.day)).where(S.product_id == Product.id).scalar_subquery()
    stmt = select(Product.id, last_row).where(Product.on_hand <= 0, Product.active.is_(True))
    for pid, last_day in session.connection().execute(stmt).all():
        if pid not in found and (last_day is None or last_day < carry_first):
            found[pid] = product = _Product()
            days.add(product, days.rate_first, 0, _OPEN)


def _products(session: Session, found: dict[int, _Product]) -> dict[int, ProductInfo]:
    """Name, price and cost of each product, and its first day on the books (one pass)."""
    first = select(func.min(S.day)).where(S.product_id == Product.id).scalar_subquery()
    infos = {}
    for batch in chunks(found):
        for *row, first_day in (
            session.connection().execute(select(*INFO, first).where(Product.id.in_(batch))).all()
        ):
            infos[row[0]] = ProductInfo(*row)
            found[row[0]].first_day = first_day.toordinal() if first_day is not None else None
    return infos


def _rate(p: _Product, days: _Days) -> float | None:
    """Units a day on the days in stock of the rate window (from the product's first row)."""
    start = max(days.rate_first, p.first_day) if p.first_day is not None else days.last + 1
    in_stock_days = (days.last - start + 1) - p.days_out_window
    if in_stock_days < MIN_RATE_DAYS:
        return None
    return max(p.window_units - p.sold_out_window, 0) / in_stock_days


def stockouts(session: Session, period: Period) -> StockOuts:
    rate_first = min(period.first, period.last - timedelta(days=RATE_DAYS - 1))
    carry_first = rate_first - timedelta(days=CARRY_DAYS)
    days = _Days(period.first.toordinal(), period.last.toordinal(), rate_first.toordinal())
    found = _episodes(session, carry_first, days)
    _out_all_along(session, carry_first, days, found)
    hits = {pid: p for pid, p in found.items() if p.days_out}
    _window_units(session, rate_first, period.last, carry_first, hits)
    infos = _products(session, hits)
    rows = [_stockout(infos[pid], p, _rate(p, days)) for pid, p in hits.items()]
    rows.sort(key=lambda r: (-r.lost_revenue_fen, -r.days_out, r.product_id))
    return StockOuts(period, rate_first, rows)


def _unit_cost(info: ProductInfo) -> int:
    if info.on_hand > 0:
        return mul_div_round(info.stock_value_fen, 1, info.on_hand)
    return info.last_cost_fen


def _stockout(info: ProductInfo, p: _Product, rate: float | None) -> StockOut:
    lost = 0.0
    if rate:  # a full day's rate on empty days; less what sold before running out
        sold = p.sold_on_out_days
        lost = rate * (p.days_out - len(sold)) + sum(max(rate - u, 0.0) for u in sold)
    price = info.retail_price_fen
    return StockOut(
        info.id,
        info.name,
        info.category or "",
        p.days_out,
        p.out_now,
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
