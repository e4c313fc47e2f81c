"""Top sellers, and gross margin by product and by category, over a period.

Each product's sums come from the daily summary for a short period, and from the month and
year rollups plus the days at the ends when that reads fewer rows (spans.py): a year is a
row or two per product instead of a row per product and day. The rollups leave out a
product whose figures in the period add up to nothing (sold and all taken back).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from sqlalchemy import ColumnElement, and_, case, func, literal_column, select
from sqlalchemy.orm import Session

from shop_desk.db.models import DailySummary, Product
from shop_desk.i18n import tr
from shop_desk.reports.columns import find_sorted, ints_from_json, json_ints
from shop_desk.reports.figures import Figures, total, uncosted_note
from shop_desk.reports.periods import Period
from shop_desk.reports.spans import Block, ProductSums, decompose, last_sale_day, summed
from shop_desk.reports.summary import OuterFirst, in_range, product_names, range_figures, sums
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


def _sums(shop: Figures) -> dict[str, ColumnElement]:
    """Each product's sums, labelled; without imported history in the period (the shop's
    figures say so) the uncosted sum is a constant 0: one sum fewer per row."""
    units, revenue, cost, uncosted = sums()
    if shop.uncosted_revenue_fen == 0:
        uncosted = literal_column("0")
    return {"units": units, "revenue": revenue, "cost": cost, "uncosted": uncosted}


def per_product(
    period: Period, shop: Figures, ids: list[int] | None = None, columns: dict | None = None
):
    """A select of each product's sums in the period: pid and `columns` (default: units,
    revenue, cost, uncosted); only the products `ids` when given.

    Over a long period, or for a few products, each product's rows are read by product (a
    seek in ix_summary_product_sales each, summed as they come): sorting a year of rows by
    product cost three times more."""
    labelled = [c.label(k) for k, c in (columns or _sums(shop)).items()]
    where = in_range(period.first, period.last)
    if ids is None and period.days <= BY_PRODUCT_AFTER_DAYS:
        return select(S.product_id.label("pid"), *labelled).where(where).group_by(S.product_id)
    if ids is not None:
        where = and_(where, Product.id.in_(ids))
    # SQLite: the products outside in id order, a seek each (it would rather read the range
    # by day and sort it). PostgreSQL plans its own join.
    return (
        select(Product.id.label("pid"), *labelled)
        .select_from(OuterFirst(Product.__table__, S.__table__, S.product_id == Product.id))
        .where(where)
        .group_by(Product.id)
    )


def rollup_blocks(session: Session, period: Period) -> list[Block] | None:
    """The period as rollup blocks (spans.py), or None when its days are as cheap to read."""
    blocks = decompose(period.first, period.last, last_sale_day(session))
    if all(b.span == "day" for b in blocks):
        return None
    return blocks


def _ranked_from_blocks(
    session: Session, blocks: list[Block], shop: Figures, rank: Rank, limit: int | None
) -> Ranked:
    """Ranked from the rollups: every product's four sums (spans.summed: a year is a row or
    two per product), ranked with NumPy; names for the rows kept."""
    sums = summed(session, blocks, uncosted=shop.uncosted_revenue_fen != 0)
    figure = {
        Rank.UNITS: sums.units,
        Rank.PROFIT: sums.revenue - sums.uncosted - sums.cost,
    }.get(rank, sums.revenue)
    # Best first by the rank's figure, then sales, then the product (a stable order).
    order = np.lexsort((sums.ids, -sums.revenue, -figure))[:limit]
    if not len(order):
        return Ranked([], Figures(), 0)
    ids = sums.ids[order].tolist()
    names = product_names(session, ids)
    figures = zip(*(a[order].tolist() for a in sums[1:]), strict=True)
    rows = [
        ProductSales(pid, names[pid][0], names[pid][1], Figures(*f))
        for pid, f in zip(ids, figures, strict=True)
    ]
    return Ranked(rows, shop, len(sums.ids))


def _best_ids(
    session: Session, period: Period, shop: Figures, rank: Rank, limit: int
) -> tuple[list[int], int]:
    """The `limit` best products and the number sold, ranked on the rank's figure alone
    (one or two sums per row instead of four: the long periods are that much cheaper)."""
    if shop.uncosted_revenue_fen == 0:
        profit = func.sum(S.revenue_fen - S.cost_fen)
    else:  # imported sales have no cost: no profit either
        profit = func.sum(case((S.imported, -S.cost_fen), else_=S.revenue_fen - S.cost_fen))
    revenue = func.sum(S.revenue_fen)
    keys = {Rank.UNITS: [func.sum(S.units_sold), revenue], Rank.PROFIT: [profit, revenue]}
    columns = {f"k{n}": key for n, key in enumerate(keys.get(rank, [revenue]))}
    grouped = per_product(period, shop, columns=columns).subquery()
    order = [grouped.c[k].desc() for k in columns] + [grouped.c.pid]
    stmt = select(grouped.c.pid, func.count().over()).order_by(*order).limit(limit)
    rows = session.connection().execute(stmt).all()
    return [pid for pid, _ in rows], int(rows[0][1]) if rows else 0


def ranked(session: Session, period: Period, rank: Rank, limit: int | None) -> Ranked:
    """Products by their sales figures, best first: ranked and cut in SQL, then the figures
    and names of the rows kept; the count of products sold beside each ranked row (a window
    function); the shop's totals from daily_totals. Tens of thousands of products never
    reach Python."""
    shop = range_figures(session, period.first, period.last)
    blocks = rollup_blocks(session, period)
    if blocks is not None:
        return _ranked_from_blocks(session, blocks, shop, rank, limit)
    ids, count = None, 0
    if limit is not None:
        ids, count = _best_ids(session, period, shop, rank, limit)
        if not ids:
            return Ranked([], Figures(), 0)
    grouped = per_product(period, shop, ids).add_columns(func.count().over().label("n"))
    best = grouped.subquery()
    stmt = (
        select(Product.name, Product.category, best)
        .join(best, best.c.pid == Product.id)
        .order_by(*_order(best, rank))
    )
    rows = []
    for name, category, pid, u, r, c, x, n in session.connection().execute(stmt).all():
        rows.append(
            ProductSales(pid, name, category or "", Figures(int(u), int(r), int(c), int(x)))
        )
        count = count if ids is not None else int(n)
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
    """Sums per product, then per category: from the rollups with NumPy (spans.summed and
    the products of each category), from the days all in SQL (a few rows come back,
    whatever the number of products)."""
    shop = range_figures(session, period.first, period.last)
    blocks = rollup_blocks(session, period)
    if blocks is not None:
        sums = summed(session, blocks, uncosted=shop.uncosted_revenue_fen != 0)
        return _categories_of(session, sums)
    per = per_product(period, shop)
    if period.days > BY_PRODUCT_AFTER_DAYS:  # the products are read already: their category
        per = per.add_columns(Product.category).subquery()
        category, source = per.c.category, per
    else:
        per = per.subquery()
        category, source = Product.category, per.join(Product, per.c.pid == Product.id)
    return _by_category(session, per, category, source)


def _categories_of(session: Session, sums: ProductSums) -> list[CategoryFigures]:
    """The products' sums added up by category (each category's products read as one id
    array: ix_products_category_pinyin, no row per product)."""
    stmt = select(Product.category, json_ints(Product.id)).group_by(Product.category)
    merged: dict[str, list] = {}
    for category, members in session.connection().execute(stmt).all():
        at, hit = find_sorted(sums.ids, ints_from_json(members))
        at = at[hit]
        if not len(at):
            continue
        figures = Figures(*(int(a[at].sum()) for a in sums[1:]))
        entry = merged.setdefault(category or "", [0, Figures()])  # NULL and "": no category
        entry[0] += len(at)
        entry[1] = entry[1] + figures
    return _sorted(merged)


def _by_category(session: Session, per, category, source) -> list[CategoryFigures]:
    stmt = (
        select(
            category,
            func.count(),
            func.sum(per.c.units),
            func.sum(per.c.revenue),
            func.sum(per.c.cost),
            func.sum(per.c.uncosted),
        )
        .select_from(source)
        .group_by(category)
    )
    merged: dict[str, list] = {}
    for category, n, u, r, c, x in session.connection().execute(stmt).all():
        key = category or ""  # NULL and "" are both "no category"
        entry = merged.setdefault(key, [0, Figures()])
        entry[0] += int(n)
        entry[1] = entry[1] + Figures(int(u), int(r), int(c), int(x))
    return _sorted(merged)


def _sorted(merged: dict[str, list]) -> list[CategoryFigures]:
    """(category: [products, figures]) as rows, most gross profit first."""
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
