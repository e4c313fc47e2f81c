"""What the storage-fault tests share: the ledger's size, and selling until a write fails."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select

from shop_desk.db.models import Product, Sale, SaleLine, StockMove
from shop_desk.errors import StorageError
from shop_desk.inventory.counter import Cart, checkout


def ledger_counts(db) -> tuple:
    """(sales, sale lines, moves, products, on hand of all): what a refused sale must not touch."""
    with db.read() as s:
        return (
            s.scalar(select(func.count(Sale.id))),
            s.scalar(select(func.count(SaleLine.id))),
            s.scalar(select(func.count(StockMove.id))),
            s.scalar(select(func.count(Product.id))),
            s.scalar(select(func.sum(Product.on_hand))),
        )


def sell_until_refused(
    db, next_cart: Callable[[int], Cart], limit: int
) -> tuple[list[int], StorageError, tuple, Cart]:
    """Sell carts until the database refuses one: (acknowledged sale ids, the error, the
    ledger just before the refused sale, the refused cart). Fails if none is refused."""
    acknowledged: list[int] = []
    for n in range(limit):
        cart = next_cart(n)
        before = ledger_counts(db)
        try:
            with db.session() as s:
                acknowledged.append(checkout(s, cart).sale_id)
        except StorageError as exc:
            return acknowledged, exc, before, cart
    raise AssertionError(f"no sale was refused in {limit}: the storage never filled up")
