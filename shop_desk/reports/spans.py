"""A period's sales by product from the fewest rows: whole years and months from the rollups
(sales_rollups, migration 0010), the days at the ends from the daily summary.

The sum over first..last is P(last) − P(first − 1), P(x) being everything up to day x. Each
end is reached from the nearest month start (adding the days before it or taking away the
days after it) and that from the nearest year start (adding or taking away months); the
whole years between the two ends come from the year rows. Of the 16 ways, the one reading
the fewest rows is taken (rows estimated: a month of one product's sales is one row where it
was up to 30, a year one row where it was up to 12 months), or the plain days when fewer.
Blocks after the last day with sales are empty and left out: a period ending today reads
this year's row without taking away the rest of the year.

"Last 365 days" on a big shop: a year row and a month row per product and four days, instead
of a row per product and day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import product as combinations
from typing import NamedTuple

import numpy as np
from sqlalchemy import case, func, literal_column, select
from sqlalchemy.orm import Session

from shop_desk.db.models import DailySummary, SalesRollup
from shop_desk.inventory.sales_rollups import span_start
from shop_desk.reports.columns import int_columns
from shop_desk.reports.summary import SALES

S, R = DailySummary, SalesRollup
# Rows read per day of a block, relative to a day: a month of a product's sales is one row,
# a year one row (measured on the big benchmark shop: 2,000 rows a day, 30,000 a month,
# 90,000 a year).
COST = {"day": 1, "month": 15, "year": 45}


@dataclass(frozen=True, slots=True)
class Block:
    span: str  # day, month or year
    first: date  # the first day of the first span
    last: date  # the first day of the last span (for days: the last day)
    sign: int  # +1 added, -1 taken away

    def spans(self) -> int:
        if self.span == "day":
            return (self.last - self.first).days + 1
        if self.span == "month":
            return (self.last.year - self.first.year) * 12 + self.last.month - self.first.month + 1
        return self.last.year - self.first.year + 1


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _add_months(day: date, months: int) -> date:
    n = day.year * 12 + day.month - 1 + months
    return date(n // 12, n % 12 + 1, 1)


def _cut_options(cut: date) -> list[tuple[date, date, list[Block]]]:
    """The ways to reach `cut` (everything before it) from a year start: (the year start,
    the month start, the blocks between, signed as for P(cut - 1))."""
    out = []
    month_cuts = {_month_start(cut), _next_month(cut) if cut.day != 1 else cut}
    for m in month_cuts:
        days = []
        if m < cut:
            days = [Block("day", m, cut - timedelta(days=1), 1)]
        elif m > cut:
            days = [Block("day", cut, m - timedelta(days=1), -1)]
        for y in {date(m.year, 1, 1), date(m.year + 1, 1, 1) if m.month != 1 else m}:
            months = []
            if y < m:
                months = [Block("month", y, _add_months(m, -1), 1)]
            elif y > m:
                months = [Block("month", m, _add_months(y, -1), -1)]
            out.append((y, m, months + days))
    return out


def _negated(blocks: list[Block]) -> list[Block]:
    return [Block(b.span, b.first, b.last, -b.sign) for b in blocks]


def _cost(blocks: list[Block]) -> int:
    return sum(COST[b.span] * b.spans() for b in blocks)


def _clipped(blocks: list[Block], last_sale: date | None) -> list[Block]:
    """The blocks cut at the last day with sales: what lies after it is empty."""
    if last_sale is None:
        return blocks
    out = []
    for b in blocks:
        if b.first > last_sale:
            continue
        end = last_sale if b.span == "day" else span_start(b.span, last_sale)
        out.append(Block(b.span, b.first, min(b.last, end), b.sign))
    return out


def decompose(first: date, last: date, last_sale: date | None) -> list[Block]:
    """The cheapest signed blocks whose sum is first..last (blocks after `last_sale` dropped:
    they hold nothing)."""
    best = [Block("day", first, last, 1)]
    best_cost = _cost(best)
    for (y1, _, left), (y2, _, right) in combinations(
        _cut_options(first), _cut_options(last + timedelta(days=1))
    ):
        years = []
        if y1 < y2:
            years = [Block("year", y1, date(y2.year - 1, 1, 1), 1)]
        elif y1 > y2:
            years = [Block("year", y2, date(y1.year - 1, 1, 1), -1)]
        blocks = _clipped(years + right + _negated(left), last_sale)
        cost = _cost(blocks)
        if cost < best_cost:
            best, best_cost = blocks, cost
    return best


def last_sale_day(session: Session) -> date | None:
    """The last day with sales (the end of ix_summary_sales): blocks after it hold nothing."""
    day = session.connection().execute(select(func.max(S.day)).where(SALES)).scalar()
    if isinstance(day, str):  # raw text from a type-less max() on SQLite
        day = date.fromisoformat(day)
    return day


def _branch(block: Block, uncosted: bool):
    """One block's rows: (pid, units, revenue, cost[, uncosted when `uncosted`]), signed."""

    def signed(column):
        return column if block.sign > 0 else -column

    if block.span == "day":
        where = [S.day >= block.first, S.day <= block.last, SALES]
        x = case((S.imported, S.revenue_fen), else_=literal_column("0"))
        columns = (S.product_id, S.units_sold, S.revenue_fen, S.cost_fen, x)
    else:
        where = [R.span == block.span, R.first_day >= block.first, R.first_day <= block.last]
        columns = (R.product_id, R.units_sold, R.revenue_fen, R.cost_fen, R.uncosted_revenue_fen)
    figures = columns[1:] if uncosted else columns[1:4]
    labelled = [columns[0].label("pid")]
    labelled += [signed(c).label(n) for c, n in zip(figures, "urcx", strict=False)]
    return select(*labelled).where(*where)


class ProductSums(NamedTuple):
    """Each product's sums over the blocks, aligned arrays; ids sorted."""

    ids: np.ndarray
    units: np.ndarray
    revenue: np.ndarray
    cost: np.ndarray
    uncosted: np.ndarray  # revenue of imported sales (no cost known)


def summed(session: Session, blocks: list[Block], *, uncosted: bool = True) -> ProductSums:
    """Each product's (units, revenue, cost, uncosted) over the blocks, the products whose
    figures are all zero left out (added and taken away, or sold and taken back).

    Each block's rows come as NumPy columns (columns.py) and are summed by product here: a
    year is a row or two per product, and SQLite's GROUP BY over them sorted every row (on
    the benchmark shop, 250 ms of a year's 300). Without `uncosted` (no imported history in
    the period: the shop's figures say so) the uncosted sums are left zero, a column fewer
    to read."""
    parts = [int_columns(session, _branch(b, uncosted)) for b in blocks]
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return ProductSums(empty, empty, empty, empty, empty)
    pids = np.concatenate([p[0] for p in parts])
    ids, at = np.unique(pids, return_inverse=True)
    sums = []
    for n in range(1, 5):
        acc = np.zeros(len(ids), dtype=np.int64)
        if uncosted or n < 4:
            np.add.at(acc, at, np.concatenate([p[n] for p in parts]))
        sums.append(acc)
    keep = (sums[0] != 0) | (sums[1] != 0) | (sums[2] != 0)
    return ProductSums(ids[keep], *(s[keep] for s in sums))
