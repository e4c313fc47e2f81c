"""Receiving, write-offs and adjustments; low-stock and near-expiry lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from shop_desk.clock import shop_day, utcnow
from shop_desk.db.models import Lot, Product
from shop_desk.errors import InputError
from shop_desk.i18n import tr
from shop_desk.inventory.ledger import MoveKind, lock_product, post_move
from shop_desk.money import MAX_PRICE_FEN

WASTE_REASONS = ("expired", "damaged", "lost", "other")


def receive_stock(
    session: Session,
    product_id: int,
    qty: int,
    total_cost_fen: int,
    *,
    expiry_date: date | None = None,
    reference: str = "",
    note: str = "",
    at: datetime | None = None,
) -> None:
    """Goods arrived: on hand and moving-average cost go up, a lot is opened."""
    if qty <= 0:
        raise InputError(tr("The received quantity must be positive."))
    if not 0 <= total_cost_fen <= MAX_PRICE_FEN * 100:
        raise InputError(tr("The cost is not acceptable."))
    product = lock_product(session, product_id)
    post_move(
        session,
        product,
        MoveKind.RECEIPT,
        qty,
        value_fen=total_cost_fen,
        expiry_date=expiry_date,
        reference=reference,
        note=note,
        at=at,
    )


def write_off(
    session: Session,
    product_id: int,
    qty: int,
    reason: str = "expired",
    *,
    lot_id: int | None = None,
    note: str = "",
    at: datetime | None = None,
) -> None:
    """Expired, damaged or lost goods leave the books at their average cost."""
    if qty <= 0:
        raise InputError(tr("The quantity to write off must be positive."))
    if reason not in WASTE_REASONS:
        raise InputError(tr("Unknown write-off reason: {reason}", reason=reason))
    product = lock_product(session, product_id)
    post_move(
        session, product, MoveKind.WASTE, -qty, reason=reason, lot_id=lot_id, note=note, at=at
    )


def adjust(
    session: Session, product_id: int, qty: int, *, note: str, at: datetime | None = None
) -> None:
    """A correction the owner explains in a note (found stock, a typing error)."""
    if not note.strip():
        raise InputError(tr("An adjustment needs a note saying why."))
    product = lock_product(session, product_id)
    post_move(session, product, MoveKind.ADJUSTMENT, qty, note=note, at=at)


@dataclass
class ExpiringLot:
    lot_id: int
    product_id: int
    name: str
    expiry_date: date
    qty_left: int
    days_left: int


def near_expiry(
    session: Session, within_days: int = 7, today: date | None = None
) -> list[ExpiringLot]:
    """Lots with stock left that expire within `within_days` (or already have)."""
    today = today or shop_day(utcnow())
    rows = session.execute(
        select(Lot.id, Lot.product_id, Product.name, Lot.expiry_date, Lot.qty_left)
        .join(Product, Product.id == Lot.product_id)
        .where(
            Lot.qty_left > 0,
            Lot.expiry_date.is_not(None),
            Lot.expiry_date <= today + timedelta(days=within_days),
        )
        .order_by(Lot.expiry_date, Product.name)
    )
    return [
        ExpiringLot(lot_id, pid, name, expiry, left, (expiry - today).days)
        for lot_id, pid, name, expiry, left in rows
    ]


def low_stock_condition():
    """Active products at or below their minimum display quantity (or out of stock)."""
    return Product.active.is_(True) & (
        (Product.on_hand <= Product.min_display_qty) | (Product.on_hand <= 0)
    )
