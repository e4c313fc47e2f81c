"""The queries every report is built on: the daily summary read through its indexes.

The whole shop's figures per day come from daily_totals (migration 0009: a row a day).
Sales figures by product come from the covering partial indexes ix_summary_sales (by day)
and ix_summary_product_sales (by product; 0009), with rows with sales only; the sales of
stock-out days from ix_summary_stockout_sales (0010); long periods by product from the
month and year rollups (spans.py, 0010). SQLite uses a partial index only when the query
repeats its condition word for word, so the conditions come from db.models.
Never the stock ledger: reports stay fast on millions of moves.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import NamedTuple

from sqlalchemy import and_, case, func, literal_column, select, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import Join

from shop_desk.db.models import SALES_ROW, STOCKOUT_SALE_ROW, DailySummary, DailyTotal, Product
from shop_desk.reports.figures import Figures

S = DailySummary
# In parentheses: the OR inside must not bind with the conditions around it.
SALES = text(f"({SALES_ROW})")
STOCKOUT_SALES = text(f"({STOCKOUT_SALE_ROW})")
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


class OuterFirst(Join):
    """A join whose left side SQLite keeps as the outer loop: CROSS JOIN there (SQLite's way
    to fix the order; the ON clause still joins), a plain join elsewhere."""

    inherit_cache = True


@compiles(OuterFirst, "sqlite")
def _cross_join(join: OuterFirst, compiler, **kw) -> str:
    # visit_join's own text (left JOIN right ON ..., parameters bound as usual), re-keyed;
    # the left side is a plain table, so the first JOIN is this one.
    plain = compiler.visit_join(join, **kw)
    return plain.replace(" JOIN ", " CROSS JOIN ", 1)


T = DailyTotal
TOTALS = (T.units_sold, T.revenue_fen, T.cost_fen, T.uncosted_revenue_fen)


def daily_figures(session: Session, first: date, last: date) -> dict[date, Figures]:
    """The whole shop's figures per day with sales, first..last (a row a day: daily_totals)."""
    stmt = select(T.day, *TOTALS).where(T.day >= first, T.day <= last)
    return {
        day: Figures(int(u), int(r), int(c), int(x))
        for day, u, r, c, x in session.connection().execute(stmt).all()
    }


def range_figures(session: Session, first: date, last: date) -> Figures:
    """The whole shop's figures first..last."""
    stmt = select(*(func.coalesce(func.sum(c), 0) for c in TOTALS)).where(
        T.day >= first, T.day <= last
    )
    u, r, c, x = session.connection().execute(stmt).one()
    return Figures(int(u), int(r), int(c), int(x))


def chunks(ids: Iterable[int], size: int = CHUNK) -> Iterator[list[int]]:
    batch: list[int] = []
    for pid in ids:
        batch.append(pid)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


SCAN_NAMES_AFTER = 5_000  # more ids than this: one pass over the products instead


def product_names(session: Session, ids: list[int]) -> dict[int, tuple[str, str]]:
    """(name, category) of each product in ids; "" for no category."""
    stmt = select(Product.id, Product.name, Product.category)
    if len(ids) > SCAN_NAMES_AFTER:  # an IN list a chunk at a time costs more
        wanted = set(ids)
        rows = session.connection().execute(stmt).all()
        return {pid: (name, cat or "") for pid, name, cat in rows if pid in wanted}
    found = {}
    for batch in chunks(ids):
        rows = session.connection().execute(stmt.where(Product.id.in_(batch))).all()
        found.update((pid, (name, cat or "")) for pid, name, cat in rows)
    return found


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
