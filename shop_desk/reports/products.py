"""Top sellers, and gross margin by product and by category, over a period."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from shop_desk.i18n import tr
from shop_desk.reports.figures import Figures, total, uncosted_note
from shop_desk.reports.periods import Period
from shop_desk.reports.summary import product_figures, product_labels
from shop_desk.reports.table import Kind, ReportColumn, ReportTable


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


def product_sales(session: Session, period: Period, only: int | None = None) -> list[ProductSales]:
    """Every product with sales or returns in the period, with its figures: the sums are read
    from the covering index; names only for the `only` best by sales when given."""
    figures = product_figures(session, period.first, period.last)
    ids = list(figures)
    if only is not None:
        ids = sorted(ids, key=lambda i: (figures[i].revenue_fen, -i), reverse=True)[:only]
    labels = product_labels(session, ids)
    return [ProductSales(i, *labels.get(i, ("?", "")), figures[i]) for i in ids]


def _rank_key(rank: Rank):
    if rank == Rank.UNITS:
        return lambda p: (p.figures.units, p.figures.revenue_fen, -p.product_id)
    if rank == Rank.PROFIT:
        return lambda p: (p.figures.gross_profit_fen, p.figures.revenue_fen, -p.product_id)
    return lambda p: (p.figures.revenue_fen, p.figures.units, -p.product_id)


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
    figures = product_figures(session, period.first, period.last)
    bare = [ProductSales(i, "", "", f) for i, f in figures.items()]
    best = sorted(bare, key=_rank_key(rank), reverse=True)[: max(limit, 0)]
    labels = product_labels(session, [p.product_id for p in best])
    named = [ProductSales(p.product_id, *labels[p.product_id], p.figures) for p in best]
    return TopSellers(period, rank, named, total(figures.values()), len(figures))


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


def margin_by_product_table(session: Session, period: Period) -> ReportTable:
    sales = sorted(
        product_sales(session, period),
        key=lambda p: (p.figures.gross_profit_fen, p.figures.revenue_fen, -p.product_id),
        reverse=True,
    )
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
    whole = total(p.figures for p in sales)
    notes = [uncosted_note()] if whole.uncosted_revenue_fen else []
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
    grouped: dict[str, list[Figures]] = defaultdict(list)
    for p in product_sales(session, period):
        grouped[p.category].append(p.figures)
    result = [CategoryFigures(c, len(fs), total(fs)) for c, fs in grouped.items()]
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
