"""Goods of a purchase order arrive: in part, in full, or at another price.

Each received line is one receipt move in the ledger (on hand, moving-average cost, a lot
with its expiry) whose reference names the order line, all in the caller's transaction. The
line's received units and value follow in the same transaction, so receiving what is
outstanding twice finds nothing left the second time; a dialog that passes what it saw
(expect_received) is refused if someone received the order meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from shop_desk.clock import shop_day, utcnow
from shop_desk.db.models import OrderStatus, Product, PurchaseOrder, PurchaseOrderLine
from shop_desk.errors import InputError
from shop_desk.i18n import tr
from shop_desk.inventory.stock import receive_stock
from shop_desk.money import MAX_PRICE_FEN, format_fen
from shop_desk.purchasing.orders import get_order, order_ref, status_label
from shop_desk.purchasing.pricing import unit_value_fen


@dataclass(frozen=True)
class ReceiptLine:
    line_id: int
    units: int  # base units that arrived
    pack_price_fen: int | None = None  # the price on the delivery note, if it changed
    expiry_date: date | None = None  # default: today + shelf life (the product's, else offer's)


@dataclass(frozen=True)
class ReceiveResult:
    order_id: int
    status: str
    units: int
    value_fen: int


def move_reference(order_id: int, line_id: int) -> str:
    return f"{order_ref(order_id)}:{line_id}"


def outstanding(order: PurchaseOrder) -> list[ReceiptLine]:
    """Everything still to come, at the ordered prices."""
    return [ReceiptLine(x.id, x.outstanding_units) for x in order.lines if x.outstanding_units]


def lines_by_sku(
    order: PurchaseOrder, wanted: dict[str, tuple[int, int | None]]
) -> list[ReceiptLine]:
    """{sku: (units, pack price or None)} as receipt lines of this order."""
    result = []
    for sku, (units, price) in wanted.items():
        matches = [line for line in order.lines if line.sku == sku]
        if len(matches) != 1:
            raise InputError(
                tr(
                    "{ref} has no single line with item number {sku}.",
                    ref=order_ref(order.id),
                    sku=sku,
                )
            )
        result.append(ReceiptLine(matches[0].id, units, price))
    return result


def receive_order(
    session: Session,
    order_id: int,
    lines: list[ReceiptLine],
    *,
    allow_over: bool = False,
    expect_received: dict[int, int] | None = None,
    at: datetime | None = None,
) -> ReceiveResult:
    at = at or utcnow()
    order = get_order(session, order_id, lock=True)
    _check_receivable(order)
    by_id = {line.id: line for line in order.lines}
    _check_expected(order, by_id, expect_received)
    todo = [r for r in lines if r.units != 0]
    if not todo:
        raise InputError(tr("Enter how many units arrived for at least one line."))
    for receipt in todo:
        _check_line(order, by_id, receipt, allow_over)
    units = value = 0
    for receipt in todo:
        value += _receive_line(session, order, by_id[receipt.line_id], receipt, at)
        units += receipt.units
    if all(line.outstanding_units == 0 for line in order.lines):
        order.status = OrderStatus.RECEIVED
        order.received_at = at
    else:
        order.status = OrderStatus.PARTLY_RECEIVED
    session.flush()
    return ReceiveResult(order.id, order.status, units, value)


def _check_receivable(order: PurchaseOrder) -> None:
    if order.status == OrderStatus.DRAFT:
        raise InputError(
            tr(
                "{ref} is still a draft: mark it as sent (or submit it) before receiving.",
                ref=order_ref(order.id),
            )
        )
    if order.status not in OrderStatus.OPEN:
        raise InputError(
            tr(
                "{ref} is {status}: there is nothing more to receive.",
                ref=order_ref(order.id),
                status=status_label(order.status),
            )
        )


def _check_expected(order: PurchaseOrder, by_id: dict, expect: dict[int, int] | None) -> None:
    if expect is None:
        return
    for line_id, received in expect.items():
        line = by_id.get(line_id)
        if line is None or line.received_units != received:
            raise InputError(
                tr(
                    "{ref} was received elsewhere in the meantime: nothing was changed. "
                    "Open it again to see what is still to come.",
                    ref=order_ref(order.id),
                )
            )


def _check_line(order: PurchaseOrder, by_id: dict, receipt: ReceiptLine, allow_over: bool) -> None:
    line = by_id.get(receipt.line_id)
    if line is None:
        raise InputError(
            tr("{ref} has no line {line}.", ref=order_ref(order.id), line=receipt.line_id)
        )
    if receipt.units < 0:
        raise InputError(tr("{sku}: a received quantity cannot be negative.", sku=line.sku))
    price = receipt.pack_price_fen
    if price is not None and not 0 <= price <= MAX_PRICE_FEN:
        raise InputError(
            tr("{sku}: the price {price} is not acceptable.", sku=line.sku, price=format_fen(price))
        )
    if not allow_over and receipt.units > line.outstanding_units:
        raise InputError(
            tr(
                "{sku}: {units} units is more than the {left} still to come "
                "(ordered {ordered}, received {received}). Check the count; to keep the "
                "extra units, confirm receiving more than ordered.",
                sku=line.sku,
                units=receipt.units,
                left=line.outstanding_units,
                ordered=line.ordered_units,
                received=line.received_units,
            )
        )


def _receive_line(
    session: Session,
    order: PurchaseOrder,
    line: PurchaseOrderLine,
    receipt: ReceiptLine,
    at: datetime,
) -> int:
    price = line.pack_price_fen if receipt.pack_price_fen is None else receipt.pack_price_fen
    value = unit_value_fen(receipt.units, price, line.units_per_pack, order.discount_bp)
    receive_stock(
        session,
        line.product_id,
        receipt.units,
        value,
        expiry_date=receipt.expiry_date or _expiry(session, line, at),
        reference=move_reference(order.id, line.id),
        note=f"{order.supplier_name} {line.sku}"[:500],
        at=at,
    )
    line.received_units += receipt.units
    line.received_value_fen += value
    line.received_pack_price_fen = price
    return value


def _expiry(session: Session, line: PurchaseOrderLine, at: datetime) -> date | None:
    # The shelf life the shop set on its own product overrides the offer's (CATALOG_FEED.md).
    product = session.get(Product, line.product_id)
    days = (product.shelf_life_days if product else None) or line.shelf_life_days
    return shop_day(at) + timedelta(days=days) if days else None


def check_received(session: Session) -> list[str]:
    """Order lines whose received units differ from their receipt moves in the ledger."""
    from sqlalchemy import func, select

    from shop_desk.db.models import StockMove

    moved = dict(
        session.execute(
            select(StockMove.reference, func.sum(StockMove.qty))
            .where(StockMove.kind == "receipt", StockMove.reference.like("PO-%:%"))
            .group_by(StockMove.reference)
        ).all()
    )
    problems = []
    for line in session.scalars(select(PurchaseOrderLine).order_by(PurchaseOrderLine.id)):
        in_ledger = moved.get(move_reference(line.order_id, line.id), 0)
        if in_ledger != line.received_units:
            problems.append(
                tr(
                    "{ref}, item {sku}: {cached} units received on the order, {ledger} in the "
                    "ledger.",
                    ref=order_ref(line.order_id),
                    sku=line.sku,
                    cached=line.received_units,
                    ledger=in_ledger,
                )
            )
    return problems
