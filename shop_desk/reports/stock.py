"""What the stock is worth: at cost by category, and the slow movers holding cash."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from shop_desk.db.models import DailySummary, Product
from shop_desk.i18n import tr
from shop_desk.reports.products import category_name
from shop_desk.reports.spans import last_sale_day
from shop_desk.reports.summary import in_range
from shop_desk.reports.table import Kind, ReportColumn, ReportTable

S = DailySummary


@dataclass(frozen=True)
class CategoryStock:
    category: str
    products: int  # with units on hand
    units: int
    value_fen: int  # at cost (moving average)
    retail_value_fen: int  # on hand at today's retail prices


def stock_value_by_category(session: Session) -> list[CategoryStock]:
    """Stock at cost now, from the products' cached on hand and value (kept with the ledger).

    Every product with stock or a stock value counts, archived ones too: goods on the shelf
    are worth their cost whatever the list shows. Oversold products (below zero) lower it.
    """
    in_stock = case((Product.on_hand > 0, 1), else_=0)
    stmt = (
        select(
            Product.category,
            func.sum(in_stock),
            func.sum(Product.on_hand),
            func.sum(Product.stock_value_fen),
            func.sum(Product.on_hand * Product.retail_price_fen),
        )
        .where((Product.on_hand != 0) | (Product.stock_value_fen != 0))
        .group_by(Product.category)
    )
    rows = [
        CategoryStock(c or "", int(n or 0), int(u or 0), int(v or 0), int(r or 0))
        for c, n, u, v, r in session.connection().execute(stmt).all()
    ]
    return sorted(rows, key=lambda r: (-r.value_fen, r.category))


def stock_value_table(rows: list[CategoryStock], today: date) -> ReportTable:
    columns = [
        ReportColumn("category", tr("Category"), Kind.TEXT),
        ReportColumn("products", tr("Products in stock"), Kind.INT),
        ReportColumn("units", tr("Units on hand"), Kind.INT),
        ReportColumn("value_fen", tr("Value at cost"), Kind.MONEY),
        ReportColumn("retail_value_fen", tr("At retail prices"), Kind.MONEY),
        ReportColumn("share", tr("Share of stock value"), Kind.PERCENT),
    ]
    whole = sum(r.value_fen for r in rows)

    def share(value: int) -> float | None:
        return value / whole if whole > 0 else None

    table_rows = [
        (
            category_name(r.category),
            r.products,
            r.units,
            r.value_fen,
            r.retail_value_fen,
            share(r.value_fen),
        )
        for r in rows
    ]
    totals = (
        tr("All categories"),
        sum(r.products for r in rows),
        sum(r.units for r in rows),
        whole,
        sum(r.retail_value_fen for r in rows),
        share(whole),
    )
    return ReportTable(
        "stock-value",
        tr("Stock value at cost"),
        columns,
        table_rows,
        totals,
        [tr("Stock as it is now; the period does not change it.")],
        today,
        today,
    )


@dataclass(frozen=True)
class SlowMover:
    product_id: int
    name: str
    category: str
    on_hand: int
    value_fen: int  # the cash it holds, at cost
    last_sold: date | None  # None: never sold


@dataclass(frozen=True)
class SlowMovers:
    days: int
    today: date
    rows: list[SlowMover]  # most cash held first, at most `limit`
    count: int  # every slow mover, not only the rows
    value_fen: int  # the cash all of them hold

    @property
    def since(self) -> date:
        return self.today - timedelta(days=self.days - 1)


def _slow_condition(since: date, today: date, last_sale: date | None):
    """In stock, no unit sold from `since` to `today`, and on the books before `since` (a
    product that arrived this week has not had its chance yet): the product's own first day
    and last day sold (inventory/product_days.py), the products table alone. When some sold
    after `today` (a period in the past), those few are asked whether they sold in it."""
    unsold = Product.last_sold_day.is_(None) | (Product.last_sold_day < since)
    if last_sale is not None and last_sale > today:
        sold = (
            select(S.product_id)
            .where(S.product_id == Product.id, in_range(since, today), S.units_sold > 0)
            .exists()
        )
        unsold = unsold | ((Product.last_sold_day > today) & ~sold)
    # "+ 0" keeps SQLite off ix_products_on_hand: without statistics it would take the
    # index for nearly every product and read the table row by row (five times slower).
    return and_(Product.on_hand + 0 > 0, unsold, Product.first_day < since)


def slow_movers(session: Session, days: int, today: date, *, limit: int | None = 200) -> SlowMovers:
    """Products with stock and no sale in the last `days` days (today included)."""
    days = max(1, days)
    since = today - timedelta(days=days - 1)
    condition = _slow_condition(since, today, last_sale_day(session))
    count, value = (
        session.connection()
        .execute(
            select(func.count(), func.coalesce(func.sum(Product.stock_value_fen), 0)).where(
                condition
            )
        )
        .one()
    )
    stmt = (
        select(
            Product.id,
            Product.name,
            Product.category,
            Product.on_hand,
            Product.stock_value_fen,
            Product.last_sold_day,
        )
        .where(condition)
        .order_by(Product.stock_value_fen.desc(), Product.id)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = [SlowMover(*row) for row in session.connection().execute(stmt).all()]
    return SlowMovers(days, today, rows, int(count), int(value))


def slow_movers_table(slow: SlowMovers) -> ReportTable:
    columns = [
        ReportColumn("product", tr("Product"), Kind.TEXT),
        ReportColumn("category", tr("Category"), Kind.TEXT),
        ReportColumn("on_hand", tr("On hand"), Kind.INT),
        ReportColumn("value_fen", tr("Cash held at cost"), Kind.MONEY),
        ReportColumn("last_sold", tr("Last sold"), Kind.DATE),
        ReportColumn("days_since", tr("Days without a sale"), Kind.INT),
    ]
    rows = [
        (
            r.name,
            category_name(r.category),
            r.on_hand,
            r.value_fen,
            r.last_sold,
            (slow.today - r.last_sold).days if r.last_sold else None,
        )
        for r in slow.rows
    ]
    label = tr("{n} slow movers", n=slow.count)
    notes = [
        tr(
            "In stock, on the books for over {days} days, and no sale since {since}; "
            "the most cash held first.",
            days=slow.days,
            since=slow.since.isoformat(),
        )
    ]
    if len(rows) < slow.count:
        notes.append(tr("{shown} of {count} shown.", shown=len(rows), count=slow.count))
    return ReportTable(
        "slow-movers",
        tr("Slow movers"),
        columns,
        rows,
        (label, None, None, slow.value_fen, None, None),
        notes,
        slow.since,
        slow.today,
    )
