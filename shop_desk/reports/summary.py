"""The queries every report is built on: the daily summary read through its indexes.

Sales figures come from the covering partial index ix_summary_sales (rows with sales only),
stock-out days from ix_summary_stockouts (migration 0008). SQLite uses a partial index only
when the query repeats its condition word for word, so the conditions come from db.models.
Never the stock ledger: reports stay fast on millions of moves.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import NamedTuple

from sqlalchemy import and_, case, func, literal_column, select, text
from sqlalchemy.orm import Session

from shop_desk.db.models import SALES_ROW, STOCKOUT_ROW, DailySummary, Product
from shop_desk.reports.figures import Figures

S = DailySummary
# In parentheses: the OR inside must not bind with the conditions around it.
SALES = text(f"({SALES_ROW})")
STOCKOUT = text(f"({STOCKOUT_ROW})")
CHUNK = 900  # ids per IN (...): below SQLite's old 999-parameter limit


def sums():
    # imported is 0/1 on SQLite and a boolean on PostgreSQL: a CASE works on both.
    return (
        func.sum(S.units_sold),
        func.sum(S.revenue_fen),
        func.sum(S.cost_fen),
        func.sum(case((S.imported, S.revenue_fen), else_=literal_column("0"))),
    )


def in_range(first: date, last: date):
    return and_(S.day >= first, S.day <= last, SALES)


def daily_figures(session: Session, first: date, last: date) -> dict[date, Figures]:
    """The whole shop's figures per day with sales, first..last."""
    stmt = select(S.day, *sums()).where(in_range(first, last)).group_by(S.day)
    return {
        day: Figures(int(u or 0), int(r or 0), int(c or 0), int(x or 0))
        for day, u, r, c, x in session.connection().execute(stmt).all()
    }


def range_figures(session: Session, first: date, last: date) -> Figures:
    """The whole shop's figures first..last: one sum, no grouping (a long range is read once
    and nothing is compared row by row)."""
    u, r, c, x = session.connection().execute(select(*sums()).where(in_range(first, last))).one()
    return Figures(int(u or 0), int(r or 0), int(c or 0), int(x or 0))


def sold_products(first: date, last: date):
    """A subquery: ids of the products with units sold first..last."""
    return (
        select(S.product_id)
        .where(in_range(first, last), S.units_sold > 0)
        .distinct()
        .scalar_subquery()
    )


def chunks(ids: Iterable[int], size: int = CHUNK) -> Iterator[list[int]]:
    batch: list[int] = []
    for pid in ids:
        batch.append(pid)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class ProductInfo(NamedTuple):
    id: int
    name: str
    category: str
    unit: str
    retail_price_fen: int
    on_hand: int
    stock_value_fen: int
    last_cost_fen: int


INFO = (
    Product.id,
    Product.name,
    Product.category,
    Product.unit,
    Product.retail_price_fen,
    Product.on_hand,
    Product.stock_value_fen,
    Product.last_cost_fen,
)
