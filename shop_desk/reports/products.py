"""Top sellers, and gross margin by product and by category, over a period."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import Session

from shop_desk.db.models import DailySummary, Product
from shop_desk.i18n import tr
from shop_desk.reports.figures import Figures, total, uncosted_note
from shop_desk.reports.periods import Period
from shop_desk.reports.summary import OuterFirst, in_range, range_figures, sums
from shop_desk.reports.table import Kind, ReportColumn, ReportTable

S = DailySummary
BY_PRODUCT_AFTER_DAYS = 92  # longer periods read the sales product by product


class Rank(StrEnum):
    REVENUE = "revenue"
    UNITS = "units"
    PROFIT = "profit"


@dataclass(frozen=True)
class ProductSales:
    product_id: int
    name: str
    category: str
    figures: Figures


@dataclass(frozen=True)
class Ranked:
    rows: list[ProductSales]  # best first
    shop: Figures  # every product's sales in the period
    products_sold: int  # how many products had sales or returns


def _order(grouped, rank: Rank) -> list:
    """Best first, by the rank's figure, then sales, then the product (a stable order)."""
    figure = {
        Rank.UNITS: grouped.c.units,
        Rank.PROFIT: grouped.c.revenue - grouped.c.uncosted - grouped.c.cost,
    }.get(rank, grouped.c.revenue)
    return [figure.desc(), grouped.c.revenue.desc(), grouped.c.pid]


def per_product(session: Session, period: Period):
    """A subquery: each product's sums in the period (pid, units, revenue, cost, uncosted).

    Over a long period each product's rows are read by product (one seek in
    ix_summary_product_sales per product, summed as they come): sorting a year of rows by
    product cost three times more. Without imported history in the period (daily_totals
    says so) the uncosted sum is a constant 0, one sum fewer per row."""
    units, revenue, cost, uncosted = sums()
    if range_figures(session, period.first, period.last).uncosted_revenue_fen == 0:
        uncosted = literal_column("0")
    columns = (
        units.label("units"),
        revenue.label("revenue"),
        cost.label("cost"),
        uncosted.label("uncosted"),
    )
    where = in_range(period.first, period.last)
    if period.days <= BY_PRODUCT_AFTER_DAYS:
        return select(S.product_id.label("pid"), *columns).where(where).group_by(S.product_id)
    # SQLite: the products outside in id order, a seek each (it would rather read the range
    # by day and sort it). PostgreSQL plans its own join.
    return (
        select(Product.id.label("pid"), *columns)
        .select_from(OuterFirst(Product.__table__, S.__table__, S.product_id == Product.id))
        .where(where)
        .group_by(Product.id)
    )


def ranked(session: Session, period: Period, rank: Rank, limit: int | None) -> Ranked:
    """Products by their sales figures: sums per product, ranked and cut in SQL with the
    count of products sold beside each row (a window function), names joined only for the
    rows returned; the shop's totals from daily_totals. Tens of thousands of products never
    reach Python."""
    grouped = per_product(session, period).add_columns(func.count().over().label("n"))
    inner = grouped.subquery()
    cut = select(inner).order_by(*_order(inner, rank))
    if limit is not None:
        cut = cut.limit(limit)
    best = cut.subquery()
    stmt = (
        select(Product.name, Product.category, best)
        .join(best, best.c.pid == Product.id)
        .order_by(*_order(best, rank))
    )
    rows, count = [], 0
    for name, category, pid, u, r, c, x, n in session.connection().execute(stmt).all():
        rows.append(
            ProductSales(pid, name, category or "", Figures(int(u), int(r), int(c), int(x)))
        )
        count = int(n)
    if not rows:
        return Ranked([], Figures(), 0)
    return Ranked(rows, range_figures(session, period.first, period.last), count)


@dataclass(frozen=True)
class TopSellers:
    period: Period
    rank: Rank
    rows: list[ProductSales]  # best first, at most `limit`
    shop: Figures  # every product's sales in the period, for each row's share
    products_sold: int


def top_sellers(
    session: Session, period: Period, *, limit: int = 20, rank: Rank = Rank.REVENUE
) -> TopSellers:
    found = ranked(session, period, rank, max(limit, 0))
    return TopSellers(period, rank, found.rows, found.shop, found.products_sold)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole > 0 else None


def top_sellers_table(top: TopSellers) -> ReportTable:
    columns = [
        ReportColumn("rank", tr("Rank"), Kind.INT),
        ReportColumn("product", tr("Product"), Kind.TEXT),
        ReportColumn("category", tr("Category"), Kind.TEXT),
        ReportColumn("units", tr("Units sold"), Kind.INT),
        ReportColumn("revenue_fen", tr("Sales"), Kind.MONEY),
        ReportColumn("gross_profit_fen", tr("Gross profit"), Kind.MONEY),
        ReportColumn("margin", tr("Margin"), Kind.PERCENT),
        ReportColumn("share", tr("Share of sales"), Kind.PERCENT),
    ]
    whole = top.shop.revenue_fen
    rows = [
        (
            n,
            p.name,
            p.category,
            p.figures.units,
            p.figures.revenue_fen,
            p.figures.gross_profit_fen,
            p.figures.margin,
            _share(p.figures.revenue_fen, whole),
        )
        for n, p in enumerate(top.rows, start=1)
    ]
    shown = total(p.figures for p in top.rows)
    totals = (
        None,
        tr("Top {n} of {all} products sold", n=len(top.rows), all=top.products_sold),
        None,
        shown.units,
        shown.revenue_fen,
        shown.gross_profit_fen,
        shown.margin,
        _share(shown.revenue_fen, whole),
    )
    return ReportTable(
        "top-sellers",
        tr("Top sellers"),
        columns,
        rows,
        totals,
        [],
        top.period.first,
        top.period.last,
    )


def margin_by_product_table(
    session: Session, period: Period, limit: int | None = None
) -> ReportTable:
    """Every product sold (or the `limit` most profitable), most gross profit first."""
    found = ranked(session, period, Rank.PROFIT, limit)
    sales = found.rows
    columns = [
        ReportColumn("product", tr("Product"), Kind.TEXT),
        ReportColumn("category", tr("Category"), Kind.TEXT),
        ReportColumn("units", tr("Units sold"), Kind.INT),
        ReportColumn("revenue_fen", tr("Sales"), Kind.MONEY),
        ReportColumn("cost_fen", tr("Cost of goods"), Kind.MONEY),
        ReportColumn("gross_profit_fen", tr("Gross profit"), Kind.MONEY),
        ReportColumn("margin", tr("Margin"), Kind.PERCENT),
    ]

    def row(name: str, category: str | None, f: Figures) -> tuple:
        return (name, category, f.units, f.revenue_fen, f.cost_fen, f.gross_profit_fen, f.margin)

    rows = [row(p.name, p.category, p.figures) for p in sales]
    whole = found.shop
    notes = [uncosted_note()] if whole.uncosted_revenue_fen else []
    if len(rows) < found.products_sold:
        notes.append(tr("{shown} of {count} shown.", shown=len(rows), count=found.products_sold))
    return ReportTable(
        "margin-products",
        tr("Gross margin by product"),
        columns,
        rows,
        row(tr("All products"), None, whole),
        notes,
        period.first,
        period.last,
    )


@dataclass(frozen=True)
class CategoryFigures:
    category: str
    products: int
    figures: Figures


def margin_by_category(session: Session, period: Period) -> list[CategoryFigures]:
    """Sums per product (per_product), then per category through the products table, all
    in SQL (a few rows come back, whatever the number of products)."""
    per = per_product(session, period).subquery()
    stmt = (
        select(
            Product.category,
            func.count(),
            func.sum(per.c.units),
            func.sum(per.c.revenue),
            func.sum(per.c.cost),
            func.sum(per.c.uncosted),
        )
        .join(per, per.c.pid == Product.id)
        .group_by(Product.category)
    )
    merged: dict[str, list] = {}
    for category, n, u, r, c, x in session.connection().execute(stmt).all():
        key = category or ""  # NULL and "" are both "no category"
        entry = merged.setdefault(key, [0, Figures()])
        entry[0] += int(n)
        entry[1] = entry[1] + Figures(int(u), int(r), int(c), int(x))
    result = [CategoryFigures(c, n, f) for c, (n, f) in merged.items()]
    return sorted(result, key=lambda c: (c.figures.gross_profit_fen, c.category), reverse=True)


def category_name(category: str) -> str:
    return category or tr("(no category)")


def margin_by_category_table(categories: list[CategoryFigures], period: Period) -> ReportTable:
    columns = [
        ReportColumn("category", tr("Category"), Kind.TEXT),
        ReportColumn("products", tr("Products sold"), Kind.INT),
        ReportColumn("units", tr("Units sold"), Kind.INT),
        ReportColumn("revenue_fen", tr("Sales"), Kind.MONEY),
        ReportColumn("cost_fen", tr("Cost of goods"), Kind.MONEY),
        ReportColumn("gross_profit_fen", tr("Gross profit"), Kind.MONEY),
        ReportColumn("margin", tr("Margin"), Kind.PERCENT),
        ReportColumn("share", tr("Share of gross profit"), Kind.PERCENT),
    ]
    whole = total(c.figures for c in categories)

    def row(name: str, products: int, f: Figures) -> tuple:
        return (
            name,
            products,
            f.units,
            f.revenue_fen,
            f.cost_fen,
            f.gross_profit_fen,
            f.margin,
            _share(f.gross_profit_fen, whole.gross_profit_fen),
        )

    rows = [row(category_name(c.category), c.products, c.figures) for c in categories]
    notes = [uncosted_note()] if whole.uncosted_revenue_fen else []
    return ReportTable(
        "margin-categories",
        tr("Gross margin by category"),
        columns,
        rows,
        row(tr("All categories"), sum(c.products for c in categories), whole),
        notes,
        period.first,
        period.last,
    )
