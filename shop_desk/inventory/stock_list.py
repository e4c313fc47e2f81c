"""The stock table's query: filtered, sorted and paged in SQL, returning lightweight rows.

The stock page (and `shop-desk stock`) show one page at a time over possibly 100,000 products,
so everything that decides which rows and in what order happens in the database: the page
costs one LIMIT/OFFSET query, one COUNT and one look-up of the page's barcodes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, Select, and_, case, func, select
from sqlalchemy.orm import Session

from shop_desk.clock import shop_day, utcnow
from shop_desk.db.models import Barcode, Lot, Product
from shop_desk.inventory.search import matching_ids
from shop_desk.inventory.stock import low_stock_condition
from shop_desk.money import mul_div_round

# A search narrows the table to at most this many best matches (a person reads far fewer).
MAX_SEARCH_MATCHES = 2000


class SortKey(StrEnum):
    NAME = "name"
    CATEGORY = "category"
    ON_HAND = "on_hand"
    RETAIL_PRICE = "retail_price"
    AVG_COST = "avg_cost"
    STOCK_VALUE = "stock_value"


@dataclass(frozen=True)
class StockFilter:
    text: str = ""
    category: str | None = None  # None = every category; "" = products without one
    low_only: bool = False
    near_expiry_only: bool = False
    show_archived: bool = False
    near_expiry_days: int = 7
    today: date | None = None  # the shop day; None = today
    # The search's matching ids, once resolved (see resolve); None = not resolved yet.
    ids: tuple[int, ...] | None = None


def resolve(session: Session, flt: StockFilter) -> StockFilter:
    """Run the text search once, so counting and every page reuse its answer."""
    if flt.ids is not None or not flt.text.strip():
        return flt
    return replace(flt, ids=tuple(matching_ids(session, flt.text, limit=MAX_SEARCH_MATCHES)))


@dataclass(frozen=True)
class StockRow:
    id: int
    name: str
    category: str
    unit: str
    spec: str
    barcodes: str  # unit barcode first, then case barcodes as "code×24"
    short_code: str | None
    on_hand: int
    retail_price_fen: int
    avg_cost_fen: int
    stock_value_fen: int
    min_display_qty: int
    low: bool
    near_expiry: bool
    nearest_expiry: date | None
    active: bool


@dataclass(frozen=True)
class StockPage:
    rows: list[StockRow]
    total: int  # rows matching the filter, over all pages


def _cutoff(flt: StockFilter) -> date:
    return (flt.today or shop_day(utcnow())) + timedelta(days=flt.near_expiry_days)


def _open_expiring_lots():
    return and_(Lot.qty_left > 0, Lot.expiry_date.is_not(None))


def _near_expiry_ids(flt: StockFilter) -> Select:
    # IN (uncorrelated) rather than EXISTS: one pass over the open lots, not one per product.
    return select(Lot.product_id).where(_open_expiring_lots(), Lot.expiry_date <= _cutoff(flt))


def _unindexed(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """The same test, hidden from SQLite's planner: without statistics it would pick the
    index on `active` (true for nearly every row) and sort the whole table, instead of
    walking the index of the sort column and stopping after one page."""
    return case((condition, 1), else_=0) == 1


def _average_cost_key() -> ColumnElement[int]:
    # For ordering only (integer division); the row's figure is rounded in Python.
    return case(
        (Product.on_hand > 0, Product.stock_value_fen // Product.on_hand),
        else_=Product.last_cost_fen,
    )


def _sort_columns(key: SortKey) -> list[ColumnElement]:
    return {
        # Chinese names sort by their pinyin, as shop owners expect (not by code point).
        SortKey.NAME: [Product.name_pinyin],
        SortKey.CATEGORY: [Product.category, Product.name_pinyin],
        SortKey.ON_HAND: [Product.on_hand],
        SortKey.RETAIL_PRICE: [Product.retail_price_fen],
        SortKey.AVG_COST: [_average_cost_key()],
        SortKey.STOCK_VALUE: [Product.stock_value_fen],
    }[key]


def _filtered(session: Session, stmt: Select, flt: StockFilter) -> Select:
    if not flt.show_archived:
        stmt = stmt.where(_unindexed(Product.active.is_(True)))
    if flt.category is not None:
        stmt = stmt.where(Product.category == flt.category)
    if flt.low_only:
        stmt = stmt.where(_unindexed(low_stock_condition()))
    if flt.near_expiry_only:
        stmt = stmt.where(Product.id.in_(_near_expiry_ids(flt)))
    flt = resolve(session, flt)
    if flt.ids is not None:
        stmt = stmt.where(Product.id.in_(flt.ids or (-1,)))
    return stmt


def count_rows(session: Session, flt: StockFilter) -> int:
    return session.scalar(_filtered(session, select(func.count(Product.id)), flt)) or 0


def fetch_rows(
    session: Session,
    flt: StockFilter,
    *,
    sort: SortKey = SortKey.NAME,
    descending: bool = False,
    offset: int = 0,
    limit: int = 200,
) -> list[StockRow]:
    """One page of rows in the requested order (ties broken by id, so pages never overlap).

    Two steps: the ordered page of ids (the sort handles only small records, and an index on
    the sort column lets it stop after one page), then the details of those ids alone.
    """
    order = [*_sort_columns(SortKey(sort)), Product.id]
    stmt = _filtered(session, select(Product.id), flt)
    stmt = stmt.order_by(*[c.desc() if descending else c.asc() for c in order])
    ids = list(session.scalars(stmt.offset(max(0, offset)).limit(max(0, limit))))
    return _rows_for(session, ids, _cutoff(flt))


_DETAIL_COLUMNS = (
    Product.id,
    Product.name,
    Product.category,
    Product.unit,
    Product.spec,
    Product.short_code,
    Product.on_hand,
    Product.retail_price_fen,
    Product.stock_value_fen,
    Product.last_cost_fen,
    Product.min_display_qty,
    Product.active,
)


def _rows_for(session: Session, ids: list[int], cutoff: date) -> list[StockRow]:
    if not ids:
        return []
    low = case((low_stock_condition(), 1), else_=0)
    nearest = (
        select(func.min(Lot.expiry_date))
        .where(Lot.product_id == Product.id, _open_expiring_lots())
        .scalar_subquery()
    )
    # Plain columns, not ORM objects: a page is read-only and this is several times cheaper.
    stmt = select(*_DETAIL_COLUMNS, low, nearest).where(Product.id.in_(ids))
    found = {row[0]: row for row in session.execute(stmt)}
    codes = _barcodes_of(session, ids)
    return [_row(found[pid], cutoff, codes.get(pid, "")) for pid in ids if pid in found]


def fetch_page(
    session: Session,
    flt: StockFilter,
    *,
    sort: SortKey = SortKey.NAME,
    descending: bool = False,
    offset: int = 0,
    limit: int = 200,
) -> StockPage:
    flt = resolve(session, flt)
    rows = fetch_rows(session, flt, sort=sort, descending=descending, offset=offset, limit=limit)
    return StockPage(rows, count_rows(session, flt))


def _row(values: tuple, cutoff: date, codes: str) -> StockRow:
    (pid, name, category, unit, spec, short_code, on_hand, price, value, last_cost, min_qty,
     active, low, expiry) = values  # fmt: skip
    return StockRow(
        id=pid,
        name=name,
        category=category,
        unit=unit,
        spec=spec,
        barcodes=codes,
        short_code=short_code,
        on_hand=on_hand,
        retail_price_fen=price,
        avg_cost_fen=mul_div_round(value, 1, on_hand) if on_hand > 0 else last_cost,
        stock_value_fen=value,
        min_display_qty=min_qty,
        low=bool(low),
        near_expiry=expiry is not None and expiry <= cutoff,
        nearest_expiry=expiry,
        active=bool(active),
    )


def _barcodes_of(session: Session, product_ids: list[int]) -> dict[int, str]:
    if not product_ids:
        return {}
    found: dict[int, list[str]] = {}
    stmt = (
        select(Barcode.product_id, Barcode.code, Barcode.units)
        .where(Barcode.product_id.in_(product_ids))
        .order_by(Barcode.product_id, Barcode.units, Barcode.code)
    )
    for pid, code, units in session.execute(stmt):
        found.setdefault(pid, []).append(code if units == 1 else f"{code}×{units}")
    return {pid: ", ".join(codes) for pid, codes in found.items()}


def categories(session: Session) -> list[str]:
    """Every category in use (for the filter and the editor's combo box), sorted."""
    stmt = select(Product.category).where(Product.category != "").distinct()
    return sorted(session.scalars(stmt))


def units_in_use(session: Session) -> list[str]:
    stmt = select(Product.unit).where(Product.unit != "").distinct()
    return sorted(session.scalars(stmt))


@dataclass(frozen=True)
class LotRow:
    id: int
    expiry_date: date | None
    received_at_day: date
    qty_left: int


def open_lots(session: Session, product_id: int) -> list[LotRow]:
    """A product's lots with stock left, in the order sales take them (oldest expiry first)."""
    stmt = (
        select(Lot.id, Lot.expiry_date, Lot.received_at, Lot.qty_left)
        .where(Lot.product_id == product_id, Lot.qty_left > 0)
        .order_by(Lot.expiry_date.is_(None), Lot.expiry_date, Lot.id)
    )
    return [
        LotRow(lot_id, expiry, shop_day(received), left)
        for lot_id, expiry, received, left in session.execute(stmt)
    ]
