"""The stock ledger: append-only moves, with the caches that follow them.

Every move updates, in the caller's transaction: the product's on hand and stock value, its
lots (oldest first), the daily summary of its shop day, the shop's daily totals and the
product's month and year (sales_rollups), and its stock-out runs when it crosses zero.
`shop-desk check` replays the moves with the same rules (see lots_after) and must find the
same caches.

Stock value is the sum of the moves' value_fen. A move that takes stock out is valued at the
moving average; units sold past zero are valued at the last known unit cost, so the value can
go below zero with on hand; the next incoming move revalues what is then left at its own unit
cost (incoming_change), so the average never turns negative.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from functools import cache

from sqlalchemy import Row, bindparam, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from shop_desk.clock import shop_day, utcnow
from shop_desk.db.models import DailySummary, Lot, Product, StockMove
from shop_desk.db.upsert import SALE_FIGURES, adding_upsert
from shop_desk.errors import InputError
from shop_desk.i18n import tr
from shop_desk.inventory.day_totals import add_to_day
from shop_desk.inventory.product_days import refresh_product_days
from shop_desk.inventory.sales_rollups import add_to_rollups
from shop_desk.inventory.stockout_runs import crosses, keep_runs
from shop_desk.money import mul_div_round

MAX_MOVE_QTY = 1_000_000


class MoveKind(StrEnum):
    SALE = "sale"
    RECEIPT = "receipt"
    COUNT = "count"
    WASTE = "waste"
    RETURN = "return"  # a customer brings a sold item back
    ADJUSTMENT = "adjustment"


# Kinds that change "units sold" in the daily summary (a return un-sells).
SOLD_SIGN = {MoveKind.SALE: -1, MoveKind.RETURN: -1}


@dataclass
class LotState:
    id: int
    qty_left: int


def lock_product(session: Session, product_id: int) -> Product:
    """Load a product for update (row lock on PostgreSQL; SQLite holds the write lock)."""
    product = session.scalar(select(Product).where(Product.id == product_id).with_for_update())
    if product is None:
        raise InputError(tr("Product {id} does not exist.", id=product_id))
    return product


def outgoing_value(on_hand: int, stock_value: int, last_cost: int, qty: int) -> int:
    """Value (fen, positive) of `qty` units taken out at the moving average."""
    if on_hand <= 0:
        return qty * last_cost
    if qty >= on_hand:
        return stock_value + (qty - on_hand) * last_cost
    return mul_div_round(stock_value, qty, on_hand)


def consume_lots(lots: list[LotState], qty: int, lot_id: int | None = None) -> None:
    """Take qty units from the lots (a named lot first, then oldest first), in place."""
    if lot_id is not None:
        for lot in lots:
            if lot.id == lot_id:
                take = min(lot.qty_left, qty)
                lot.qty_left -= take
                qty -= take
    for lot in lots:
        if qty <= 0:
            break
        take = min(lot.qty_left, qty)
        lot.qty_left -= take
        qty -= take


def incoming_change(on_hand: int, stock_value: int, qty: int, value_fen: int) -> int:
    """Change of stock value for `qty` units coming in at `value_fen` in all.

    Units sold past zero were costed at the last known cost; when stock arrives, the position
    left after settling them is valued at the new units' cost, so the average can never turn
    negative (or absurd) because the borrowed units were cheaper or dearer.
    """
    if on_hand >= 0:
        return value_fen
    return mul_div_round(value_fen, on_hand + qty, qty) - stock_value


def incoming_lot_qty(on_hand_before: int, qty: int) -> int:
    """Units of a positive move that land in its new lot (a deficit is settled first)."""
    return max(0, on_hand_before + qty) - max(0, on_hand_before)


def _open_lots(session: Session, product_id: int) -> list[Lot]:
    # Oldest first: the earliest expiry, then lots without one, each by arrival.
    return list(
        session.scalars(
            select(Lot)
            .where(Lot.product_id == product_id, Lot.qty_left > 0)
            .order_by(Lot.expiry_date.is_(None), Lot.expiry_date, Lot.id)
        )
    )


def post_move(
    session: Session,
    product: Product,
    kind: MoveKind,
    qty: int,
    *,
    value_fen: int | None = None,
    revenue_fen: int = 0,
    reason: str = "",
    reference: str = "",
    note: str = "",
    expiry_date: date | None = None,
    lot_id: int | None = None,
    at: datetime | None = None,
) -> StockMove:
    """Append one move and bring every cache along. `product` must be locked by the caller.

    value_fen: for a positive move, the total cost of the units (default: at the average);
    for a negative move it is computed here (moving average) and must not be given.
    """
    if qty == 0 or abs(qty) > MAX_MOVE_QTY:
        raise InputError(tr("A stock change must be a non-zero quantity below one million."))
    at = at or utcnow()
    day = shop_day(at)
    before = product.on_hand
    latest = _is_latest_day(product.updated_at, day)
    if qty > 0:
        if value_fen is None:
            value_fen = qty * _average_or_last(product)
        if value_fen < 0:
            raise InputError(tr("A cost cannot be negative."))
        lot_qty = incoming_lot_qty(before, qty)
        new_lot = Lot(
            product_id=product.id,
            received_at=at,
            expiry_date=expiry_date,
            qty_received=qty,
            qty_left=lot_qty,
        )
        session.add(new_lot)
        session.flush()
        lot_id = new_lot.id
        change = incoming_change(before, product.stock_value_fen, qty, value_fen)
    else:
        if value_fen is not None:
            raise InputError("value_fen is computed for outgoing moves")
        change = -outgoing_value(before, product.stock_value_fen, product.last_cost_fen, -qty)
        lots = _open_lots(session, product.id)
        states = [LotState(lot.id, lot.qty_left) for lot in lots]
        consume_lots(states, -qty, lot_id)
        for lot, state in zip(lots, states, strict=True):
            lot.qty_left = state.qty_left
    product.on_hand = before + qty
    product.stock_value_fen += change
    if product.on_hand > 0 and qty > 0:
        product.last_cost_fen = mul_div_round(product.stock_value_fen, 1, product.on_hand)
    move = StockMove(
        product_id=product.id,
        kind=str(kind),
        qty=qty,
        unit_cost_fen=mul_div_round(abs(change), 1, abs(qty)),
        value_fen=change,
        revenue_fen=revenue_fen,
        lot_id=lot_id,
        reason=reason[:64],
        reference=reference[:64],
        note=note[:500],
        created_at=at,
        shop_day=day,
    )
    session.add(move)
    _summarise(session, product, kind, qty, change, revenue_fen, day)
    crossed = crosses(before, product.on_hand, latest)
    if crossed or before == 0:
        keep_runs(session.connection(), {product.id} if crossed else set(), {product.id})
    return move


def _is_latest_day(updated_at: datetime | None, day: date) -> bool:
    """Whether a move on `day` is on or after the product's latest move (every move stamps
    the product's updated_at; a later stamp, an edit for instance, only makes this say no,
    which costs a rewrite of the product's runs, never a wrong one)."""
    return updated_at is None or shop_day(updated_at) <= day


def _average_or_last(product: Product) -> int:
    if product.on_hand > 0:
        return mul_div_round(product.stock_value_fen, 1, product.on_hand)
    return product.last_cost_fen


def summary_delta(kind: str, qty: int, value_fen: int, revenue_fen: int) -> tuple[int, int, int]:
    """(units sold, revenue, cost of goods) that one move adds to its day."""
    if kind in SOLD_SIGN:
        return -qty, revenue_fen, -value_fen
    return 0, 0, 0


@cache
def summary_upsert(dialect: str):
    """Adds one move's figures to its product's day (built once per dialect)."""
    return adding_upsert(
        dialect,
        DailySummary.__table__,
        keys=("product_id", "day"),
        added=SALE_FIGURES,
        replaced=("closing_on_hand", "out_of_stock"),
    )


def summary_row(
    product_id: int, day: date, kind: str, qty: int, value: int, revenue: int, on_hand: int
) -> dict:
    """Parameters of summary_upsert for one move that left `on_hand`."""
    units, revenue_add, cost_add = summary_delta(kind, qty, value, revenue)
    return {
        "product_id": product_id,
        "day": day,
        "units_sold": units,
        "revenue_fen": revenue_add,
        "cost_fen": cost_add,
        "closing_on_hand": on_hand,
        "out_of_stock": on_hand <= 0,
        "imported": False,
    }


def _summarise(
    session: Session, product: Product, kind: str, qty: int, value: int, revenue: int, day: date
) -> None:
    session.flush()  # the product row first: the summary's closing figure comes from it
    row = summary_row(product.id, day, kind, qty, value, revenue, product.on_hand)
    conn = session.connection()
    conn.execute(summary_upsert(conn.dialect.name), row)
    add_to_day(conn, day, [row])  # the shop's day (sales and returns only)
    add_to_rollups(conn, [row])  # the product's month and year (sales and returns only)
    refresh_product_days(conn, [product.id])  # its first day and last day sold


# ----------------------------------------------------------------------------- many at once


@dataclass
class Outgoing:
    """One outgoing move of post_outgoing: units out (positive) and the money they brought."""

    product_id: int
    qty: int
    revenue_fen: int = 0


def lock_products(conn: Connection, ids: Sequence[int]) -> dict[int, Row]:
    """Several products' stock figures, locked for update (in id order: two counters selling
    the same items never deadlock). Raises InputError for an id that does not exist."""
    wanted = sorted(set(ids))
    found = {row.id: row for row in conn.execute(_LOCK_PRODUCTS, {"ids": wanted})}
    for product_id in wanted:
        if product_id not in found:
            raise InputError(tr("Product {id} does not exist.", id=product_id))
    return found


# Statements built once: building them per checkout cost as much as running them.
_P, _L = Product.__table__.c, Lot.__table__.c
_LOCK_PRODUCTS = (
    select(_P.id, _P.name, _P.on_hand, _P.stock_value_fen, _P.last_cost_fen, _P.updated_at)
    .where(_P.id.in_(bindparam("ids", expanding=True)))
    .order_by(_P.id)
    .with_for_update()
)
_OPEN_LOTS = (
    select(_L.id, _L.product_id, _L.qty_left)
    .where(_L.product_id.in_(bindparam("ids", expanding=True)), _L.qty_left > 0)
    .order_by(_L.product_id, _L.expiry_date.is_(None), _L.expiry_date, _L.id)
)
_INSERT_MOVES = insert(StockMove.__table__)
_UPDATE_STOCK = (
    update(Product.__table__)
    .where(Product.__table__.c.id == bindparam("b_id"))
    .values(
        on_hand=bindparam("b_on_hand"),
        stock_value_fen=bindparam("b_value"),
        updated_at=bindparam("b_at"),
    )
)
_UPDATE_LOT = (
    update(Lot.__table__)
    .where(Lot.__table__.c.id == bindparam("b_id"))
    .values(qty_left=bindparam("b_left"))
)


@dataclass
class Posted:
    """What post_outgoing wrote: each item's cost (fen, positive: the value that left the
    shelf), the products' new (on hand, stock value), the lots' new quantities left."""

    costs: list[int]
    stock: dict[int, tuple[int, int]]
    lots_left: dict[int, int]
    at: datetime

    def refresh(self, session: Session) -> None:
        """Bring the session's loaded products and lots to the written figures, as if just
        read (the rows were written with Core, behind the ORM's back)."""
        for obj in list(session.identity_map.values()):
            if isinstance(obj, Product) and obj.id in self.stock:
                on_hand, value = self.stock[obj.id]
                set_committed_value(obj, "on_hand", on_hand)
                set_committed_value(obj, "stock_value_fen", value)
                set_committed_value(obj, "updated_at", self.at)
            elif isinstance(obj, Lot) and obj.id in self.lots_left:
                set_committed_value(obj, "qty_left", self.lots_left[obj.id])


def post_outgoing(
    conn: Connection,
    products: dict[int, Row],
    kind: MoveKind,
    items: Sequence[Outgoing],
    *,
    reference: str = "",
    at: datetime | None = None,
) -> Posted:
    """post_move for several outgoing moves at once, with the same rules and caches (on hand,
    stock value, lots oldest first, daily summary), in a fixed number of statements whatever
    the number of items. `products` comes from lock_products in this transaction.

    Core statements only: products or lots loaded in the caller's session are stale until
    Posted.refresh(session).
    """
    for item in items:
        if not 0 < item.qty <= MAX_MOVE_QTY:
            raise InputError(tr("A stock change must be a non-zero quantity below one million."))
    at = at or utcnow()
    day = shop_day(at)
    lots = _open_lots_of(conn, [item.product_id for item in items])
    stock = {pid: [row.on_hand, row.stock_value_fen] for pid, row in products.items()}
    left_before = {lot.id: lot.qty_left for states in lots.values() for lot in states}
    moves, summaries, costs = [], [], []
    crossed: set[int] = set()
    from_zero: set[int] = set()
    for item in items:
        figures, row = stock[item.product_id], products[item.product_id]
        cost = outgoing_value(figures[0], figures[1], row.last_cost_fen, item.qty)
        consume_lots(lots.get(item.product_id, []), item.qty)
        if crosses(figures[0], figures[0] - item.qty, _is_latest_day(row.updated_at, day)):
            crossed.add(item.product_id)
        elif figures[0] == 0:
            from_zero.add(item.product_id)
        figures[0] -= item.qty
        figures[1] -= cost
        moves.append(
            {
                "product_id": item.product_id,
                "kind": str(kind),
                "qty": -item.qty,
                "unit_cost_fen": mul_div_round(cost, 1, item.qty),
                "value_fen": -cost,
                "revenue_fen": item.revenue_fen,
                "lot_id": None,
                "reason": "",
                "reference": reference[:64],
                "note": "",
                "created_at": at,
                "shop_day": day,
            }
        )
        summaries.append(
            summary_row(item.product_id, day, kind, -item.qty, -cost, item.revenue_fen, figures[0])
        )
        costs.append(cost)
    touched = sorted({item.product_id for item in items})
    rows = [
        {"b_id": p, "b_on_hand": stock[p][0], "b_value": stock[p][1], "b_at": at} for p in touched
    ]
    conn.execute(_UPDATE_STOCK, rows)
    changed = [
        {"b_id": lot.id, "b_left": lot.qty_left}
        for states in lots.values()
        for lot in states
        if lot.qty_left != left_before[lot.id]
    ]
    if changed:
        conn.execute(_UPDATE_LOT, changed)
    conn.execute(_INSERT_MOVES, moves)
    conn.execute(summary_upsert(conn.dialect.name), summaries)
    add_to_day(conn, day, summaries)  # the shop's day: one statement for the whole sale
    add_to_rollups(conn, summaries)  # the products' months and years: one statement too
    keep_runs(conn, crossed, from_zero)  # only for a product emptied (or a sale dated back)
    refresh_product_days(conn, touched)  # their first days and last days sold
    stock_after = {p: (stock[p][0], stock[p][1]) for p in touched}
    return Posted(costs, stock_after, {row["b_id"]: row["b_left"] for row in changed}, at)


def _open_lots_of(conn: Connection, product_ids: list[int]) -> dict[int, list[LotState]]:
    """Open lots per product, oldest first (as _open_lots), in one query."""
    rows = conn.execute(_OPEN_LOTS, {"ids": sorted(set(product_ids))})
    lots: dict[int, list[LotState]] = {}
    for row in rows:
        lots.setdefault(row.product_id, []).append(LotState(row.id, row.qty_left))
    return lots
