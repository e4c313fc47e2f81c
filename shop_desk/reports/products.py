"""Top sellers, and gross margin by product and by category, over a period."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shop_desk.db.models import DailySummary, Product
from shop_desk.i18n import tr
from shop_desk.reports.figures import Figures, total, uncosted_note
from shop_desk.reports.periods import Period
from shop_desk.reports.summary import in_range, sums
from shop_desk.reports.table import Kind, ReportColumn, ReportTable

S = DailySummary


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


def ranked(session: Session, period: Period, rank: Rank, limit: int | None) -> Ranked:
    """Products by their sales figures in one statement: sums from the covering index, ranked
    and cut in SQL with the whole shop's totals beside each row (window functions), names
    joined only for the rows returned. Tens of thousands of products never reach Python."""
    units, revenue, cost, uncosted = sums()
    grouped = (
        select(
            S.product_id.label("pid"),
            units.label("units"),
            revenue.label("revenue"),
            cost.label("cost"),
            uncosted.label("uncosted"),
            func.count().over().label("n"),
            func.sum(units).over().label("all_units"),
            func.sum(revenue).over().label("all_revenue"),
            func.sum(cost).over().label("all_cost"),
            func.sum(uncosted).over().label("all_uncosted"),
        )
        .where(in_range(period.first, period.last))
        .group_by(S.product_id)
    )
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
    rows, shop, count = [], Figures(), 0
    for name, category, pid, u, r, c, x, n, tu, tr_, tc, tx in (
        session.connection().execute(stmt).all()
    ):
        rows.append(
            ProductSales(pid, name, category or "", Figures(int(u), int(r), int(c), int(x)))
        )
        shop, count = Figures(int(tu), int(tr_), int(tc), int(tx)), int(n)
    if not rows:
        return Ranked([], Figures(), 0)
    return Ranked(rows, shop, count)


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
    """Sums per product from the covering index, then per category through the products
    table, all in SQL (a few rows come back, whatever the number of products)."""
    units, revenue, cost, uncosted = sums()
    per_product = (
        select(
            S.product_id.label("pid"),
            units.label("units"),
            revenue.label("revenue"),
            cost.label("cost"),
            uncosted.label("uncosted"),
        )
        .where(in_range(period.first, period.last))
        .group_by(S.product_id)
        .subquery()
    )
    stmt = (
        select(
            Product.category,
            func.count(),
            func.sum(per_product.c.units),
            func.sum(per_product.c.revenue),
            func.sum(per_product.c.cost),
            func.sum(per_product.c.uncosted),
        )
        .join(per_product, per_product.c.pid == Product.id)
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
