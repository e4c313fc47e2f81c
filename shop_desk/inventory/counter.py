"""The counter: a cart in memory, a checkout as one transaction, voids and returns."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from shop_desk.clock import shop_day, utcnow
from shop_desk.db.models import Product, Sale, SaleLine
from shop_desk.errors import InputError, NotFoundError
from shop_desk.i18n import tr
from shop_desk.inventory.ledger import (
    MoveKind,
    Outgoing,
    lock_product,
    lock_products,
    post_move,
    post_outgoing,
)
from shop_desk.money import MAX_PRICE_FEN, format_fen, mul_div_round

MAX_LINE_QTY = 9999


@dataclass
class CartLine:
    product_id: int
    name: str
    unit: str
    qty: int
    unit_price_fen: int
    on_hand: int  # as the books said when the line was added

    @property
    def total_fen(self) -> int:
        return self.qty * self.unit_price_fen

    @property
    def oversold(self) -> bool:
        """More than the books hold: allowed (the shelf can be ahead), but shown."""
        return self.qty > self.on_hand


def _check_qty(qty: int) -> None:
    if not 1 <= qty <= MAX_LINE_QTY:
        raise InputError(tr("A quantity must be between 1 and {max}.", max=MAX_LINE_QTY))


@dataclass
class Cart:
    lines: list[CartLine] = field(default_factory=list)

    def add(self, product: Product, units: int = 1) -> int:
        """Add units of a product (a repeated scan adds to its line). Returns the line index."""
        for index, line in enumerate(self.lines):
            if line.product_id == product.id:
                self.set_qty(index, line.qty + units)
                return index
        if not product.active:
            raise InputError(tr("{name} is archived and cannot be sold.", name=product.name))
        _check_qty(units)  # before the line exists: a refused scan leaves nothing behind
        self.lines.append(
            CartLine(
                product.id,
                product.name,
                product.unit,
                0,
                product.retail_price_fen,
                product.on_hand,
            )
        )
        self.set_qty(len(self.lines) - 1, units)
        return len(self.lines) - 1

    def set_qty(self, index: int, qty: int) -> None:
        _check_qty(qty)
        self.lines[index].qty = qty

    def set_price(self, index: int, unit_price_fen: int) -> None:
        if not 0 <= unit_price_fen <= MAX_PRICE_FEN:
            raise InputError(tr("The price is not acceptable."))
        self.lines[index].unit_price_fen = unit_price_fen

    def remove(self, index: int) -> None:
        del self.lines[index]

    def clear(self) -> None:
        self.lines.clear()

    @property
    def total_fen(self) -> int:
        return sum(line.total_fen for line in self.lines)

    @property
    def units(self) -> int:
        return sum(line.qty for line in self.lines)


@dataclass
class Receipt:
    sale_id: int
    total_fen: int
    paid_fen: int
    change_fen: int
    oversold: list[str]  # names of products sold past what the books held


_INSERT_SALE = insert(Sale.__table__)
_INSERT_LINES = insert(SaleLine.__table__)


def checkout(
    session: Session, cart: Cart, paid_fen: int | None = None, *, at: datetime | None = None
) -> Receipt:
    """Record the sale, its stock moves and summaries in the caller's transaction.

    paid_fen=None means exact cash (or another payment). The caller commits once, so the
    sale is either wholly written or not at all. A fixed number of statements whatever the
    number of lines (ledger.post_outgoing): the ORM's flush per line was most of the time.
    """
    if not cart.lines:
        raise InputError(tr("The sale is empty: scan a product first."))
    total = cart.total_fen
    paid = total if paid_fen is None else paid_fen
    if paid < total:
        raise InputError(
            tr(
                "Cash received {paid} is less than the total {total}.",
                paid=format_fen(paid),
                total=format_fen(total),
            )
        )
    at = at or utcnow()
    session.flush()  # anything the caller changed goes first
    conn = session.connection()
    lines = sorted(cart.lines, key=lambda item: item.product_id)
    products = lock_products(conn, [line.product_id for line in lines])
    oversold, on_hand = [], {pid: row.on_hand for pid, row in products.items()}
    for line in lines:
        if line.qty > on_hand[line.product_id]:
            oversold.append(products[line.product_id].name)
        on_hand[line.product_id] -= line.qty
    sale = {
        "uuid": str(uuid.uuid4()),
        "kind": "sale",
        "original_sale_id": None,
        "created_at": at,
        "shop_day": shop_day(at),
        "total_fen": total,
        "paid_fen": paid,
        "change_fen": paid - total,
        "oversold": bool(oversold),
        "voided": False,
        "note": "",
    }
    sale_id = conn.execute(_INSERT_SALE, sale).inserted_primary_key[0]
    items = [Outgoing(line.product_id, line.qty, line.total_fen) for line in lines]
    posted = post_outgoing(conn, products, MoveKind.SALE, items, reference=f"sale:{sale_id}", at=at)
    conn.execute(
        _INSERT_LINES,
        [
            {
                "sale_id": sale_id,
                "product_id": line.product_id,
                "qty": line.qty,
                "unit_price_fen": line.unit_price_fen,
                "line_total_fen": line.total_fen,
                "cost_fen": cost,
                "returned_qty": 0,
                "original_line_id": None,
            }
            for line, cost in zip(lines, posted.costs, strict=True)
        ],
    )
    posted.refresh(session)
    return Receipt(sale_id, total, paid, paid - total, oversold)


def get_sale(session: Session, sale_id: int) -> Sale:
    sale = session.get(Sale, sale_id)
    if sale is None:
        raise NotFoundError(tr("Sale {id} does not exist.", id=sale_id))
    return sale


def return_items(
    session: Session,
    sale_id: int,
    quantities: dict[int, int],
    *,
    reason: str = "return",
    at: datetime | None = None,
) -> Sale:
    """Take back sold units: {sale line id: units}. Returns the refund record (kind 'return')."""
    original = get_sale(session, sale_id)
    if original.kind != "sale" or original.voided:
        raise InputError(tr("Sale {id} cannot be returned (voided or not a sale).", id=sale_id))
    lines = {line.id: line for line in original.lines}
    # Every product locked first, in id order like a checkout: each return then adds to the
    # day's totals row, and a checkout waiting on that row must not hold a product we need.
    for product_id in sorted({lines[i].product_id for i in quantities if i in lines}):
        lock_product(session, product_id)
    at = at or utcnow()
    refund = Sale(
        uuid=str(uuid.uuid4()),
        kind="return",
        original_sale_id=original.id,
        created_at=at,
        shop_day=shop_day(at),
        total_fen=0,
        paid_fen=0,
        change_fen=0,
        note=reason[:500],
    )
    session.add(refund)
    session.flush()
    total = 0
    for line_id, qty in sorted(quantities.items()):
        line = lines.get(line_id)
        if line is None:
            raise InputError(tr("Line {id} is not part of sale {sale}.", id=line_id, sale=sale_id))
        if not 1 <= qty <= line.qty - line.returned_qty:
            raise InputError(
                tr(
                    "At most {n} can be returned on this line.",
                    n=line.qty - line.returned_qty,
                )
            )
        amount = mul_div_round(line.line_total_fen, qty, line.qty)
        cost = mul_div_round(line.cost_fen, qty, line.qty)
        product = lock_product(session, line.product_id)
        post_move(
            session,
            product,
            MoveKind.RETURN,
            qty,
            value_fen=cost,
            revenue_fen=-amount,
            reason=reason,
            reference=f"sale:{original.id}",
            at=at,
        )
        line.returned_qty += qty
        session.add(
            SaleLine(
                sale_id=refund.id,
                product_id=product.id,
                qty=-qty,
                unit_price_fen=line.unit_price_fen,
                line_total_fen=-amount,
                cost_fen=-cost,
                original_line_id=line.id,
            )
        )
        total += amount
    if total == 0 and not quantities:
        raise InputError(tr("Choose at least one line to return."))
    refund.total_fen = -total
    refund.change_fen = total  # cash handed back
    session.flush()
    return refund


def void_sale(session: Session, sale_id: int, *, at: datetime | None = None) -> Sale:
    """Undo a whole sale: everything not yet returned goes back on the shelf, cash refunded."""
    sale = get_sale(session, sale_id)
    remaining = {line.id: line.qty - line.returned_qty for line in sale.lines}
    remaining = {k: v for k, v in remaining.items() if v > 0}
    if not remaining:
        raise InputError(tr("Nothing is left to void on sale {id}.", id=sale_id))
    refund = return_items(session, sale_id, remaining, reason="void", at=at)
    sale.voided = True
    return refund


def recent_sales(session: Session, limit: int = 50) -> list[Sale]:
    return list(session.scalars(select(Sale).order_by(Sale.id.desc()).limit(limit)))
