"""Purchase orders: one per supplier, from lines (supplier, SKU, product, packs); edited while
a draft, then sent (exported or submitted), received, or cancelled.

Ids toward the reorder code (shop_desk.reorder.review) are the database ids as strings.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from shop_desk.catalog.offers import current_offers
from shop_desk.clock import shop_day, utcnow
from shop_desk.db.models import (
    OrderStatus,
    Product,
    ProductOfferLink,
    PurchaseOrder,
    PurchaseOrderLine,
    Supplier,
)
from shop_desk.errors import InputError, NotFoundError
from shop_desk.i18n import tr
from shop_desk.purchasing.pricing import discounted, order_totals, parse_tiers, tier_price
from shop_desk.reorder.review import OpenLine, OrderLine

MAX_PACKS = 100_000
CO = current_offers.c


@dataclass(frozen=True)
class DraftLine:
    supplier_id: int
    sku: str
    product_id: int
    packs: int


def draft_lines_from_review(lines: Iterable[OrderLine]) -> list[DraftLine]:
    """The reorder policy's answer (string ids) as lines for create_drafts."""
    return [DraftLine(int(x.supplier_id), x.sku, int(x.product_id), x.packs) for x in lines]


def order_ref(order_id: int) -> str:
    return f"PO-{order_id:05d}"


def status_label(status: str) -> str:
    return {
        OrderStatus.DRAFT: tr("draft"),
        OrderStatus.SENT: tr("sent"),
        OrderStatus.PARTLY_RECEIVED: tr("partly received"),
        OrderStatus.RECEIVED: tr("received"),
        OrderStatus.CANCELLED: tr("cancelled"),
    }.get(status, status)


# --- reading ---------------------------------------------------------------------------


def get_order(session: Session, order_id: int, *, lock: bool = False) -> PurchaseOrder:
    stmt = select(PurchaseOrder).where(PurchaseOrder.id == order_id)
    stmt = stmt.options(selectinload(PurchaseOrder.lines))
    if lock:
        stmt = stmt.with_for_update()
    order = session.scalar(stmt)
    if order is None:
        raise NotFoundError(tr("There is no purchase order {ref}.", ref=order_ref(order_id)))
    return order


def current_offer(session: Session, supplier_id: int, sku: str):
    """The supplier's offer for this SKU as of its catalog checkpoint, or None."""
    return session.execute(
        select(current_offers).where(CO.supplier_id == supplier_id, CO.sku == sku)
    ).first()


@dataclass(frozen=True)
class OrderRow:
    id: int
    ref: str
    supplier: str
    status: str
    created_at: datetime
    sent_at: datetime | None
    due: date | None
    lines: int
    total_fen: int
    remote_order_id: str | None

    def as_json(self) -> dict:
        data = dict(self.__dict__)
        for key in ("created_at", "sent_at"):
            data[key] = data[key].isoformat() + "Z" if data[key] else None
        data["due"] = self.due.isoformat() if self.due else None
        return data


def due_date(order: PurchaseOrder) -> date | None:
    if order.sent_at is None:
        return None
    return shop_day(order.sent_at) + timedelta(days=order.lead_time_days)


def _status_filter(stmt, status: str | None):
    if status == "open":  # what still needs the owner: drafts and goods to come
        return stmt.where(PurchaseOrder.status.in_((OrderStatus.DRAFT, *OrderStatus.OPEN)))
    if status:
        if status not in OrderStatus.ALL:
            raise InputError(tr("Unknown order status: {status}", status=status))
        return stmt.where(PurchaseOrder.status == status)
    return stmt


def list_orders(
    session: Session, status: str | None = None, *, limit: int = 500, offset: int = 0
) -> list[OrderRow]:
    """Newest first."""
    count = (
        select(func.count(PurchaseOrderLine.id))
        .where(PurchaseOrderLine.order_id == PurchaseOrder.id)
        .scalar_subquery()
    )
    stmt = _status_filter(select(PurchaseOrder, count), status)
    stmt = stmt.order_by(PurchaseOrder.id.desc()).limit(limit).offset(offset)
    return [
        OrderRow(
            o.id,
            order_ref(o.id),
            o.supplier_name,
            o.status,
            o.created_at,
            o.sent_at,
            due_date(o),
            n,
            o.total_fen,
            o.remote_order_id,
        )
        for o, n in session.execute(stmt)
    ]


def count_orders(session: Session, status: str | None = None) -> int:
    stmt = _status_filter(select(func.count(PurchaseOrder.id)), status)
    return session.scalar(stmt) or 0


# --- month spend and what is on order (for member tiers and the reorder policy) -----------


def spend_by_supplier(session: Session, today: date) -> dict[int, int]:
    """This calendar month's spend per supplier id: discounted subtotals of orders sent in
    the month (the shop's local days), whatever came of them since, cancelled ones aside."""
    first = today.replace(day=1)
    since = datetime(first.year, first.month, 1) - timedelta(days=2)  # UTC, with margin
    rows = session.execute(
        select(
            PurchaseOrder.supplier_id,
            PurchaseOrder.sent_at,
            PurchaseOrder.subtotal_fen - PurchaseOrder.discount_fen,
        ).where(
            PurchaseOrder.status != OrderStatus.CANCELLED,
            PurchaseOrder.sent_at.is_not(None),
            PurchaseOrder.sent_at >= since,
            PurchaseOrder.supplier_id.is_not(None),
        )
    )
    spend: dict[int, int] = {}
    for supplier_id, sent_at, amount in rows:
        day = shop_day(sent_at)
        if (day.year, day.month) == (today.year, today.month):
            spend[supplier_id] = spend.get(supplier_id, 0) + amount
    return spend


def month_spend(session: Session, today: date) -> dict[str, int]:
    """spend_by_supplier keyed as the reorder code knows suppliers (the id as a string)."""
    return {str(k): v for k, v in spend_by_supplier(session, today).items()}


def open_lines(session: Session) -> list[OpenLine]:
    """Units ordered (sent) and not yet received; due on the sent day plus the lead time."""
    stmt = (
        select(PurchaseOrder)
        .where(PurchaseOrder.status.in_(OrderStatus.OPEN))
        .options(selectinload(PurchaseOrder.lines))
        .order_by(PurchaseOrder.id)
    )
    result = []
    for order in session.scalars(stmt):
        due = due_date(order) or shop_day(utcnow())
        supplier = str(order.supplier_id) if order.supplier_id is not None else ""
        for line in order.lines:
            if line.outstanding_units > 0:
                result.append(
                    OpenLine(str(line.product_id), supplier, line.sku, line.outstanding_units, due)
                )
    return result


# --- drafts ----------------------------------------------------------------------------


def _check_packs(packs: int) -> None:
    if not 0 < packs <= MAX_PACKS:
        raise InputError(tr("A number of packs must be between 1 and {max}.", max=f"{MAX_PACKS:,}"))


def _units_per_pack(session: Session, line: DraftLine, offer_pack_size: int) -> int:
    link = session.scalar(
        select(ProductOfferLink.units_per_pack).where(
            ProductOfferLink.product_id == line.product_id,
            ProductOfferLink.supplier_id == line.supplier_id,
            ProductOfferLink.sku == line.sku,
        )
    )
    return link or offer_pack_size


def _merge(lines: Iterable[DraftLine]) -> dict[int, dict[tuple[str, int], int]]:
    """supplier -> (sku, product) -> packs, in the order first seen; repeated lines add up."""
    grouped: dict[int, dict[tuple[str, int], int]] = {}
    for line in lines:
        _check_packs(line.packs)
        per = grouped.setdefault(line.supplier_id, {})
        key = (line.sku, line.product_id)
        per[key] = per.get(key, 0) + line.packs
    return grouped


def create_drafts(
    session: Session, lines: Iterable[DraftLine], *, at: datetime | None = None
) -> list[PurchaseOrder]:
    """One draft order per supplier, priced from the current offers' tiers."""
    at = at or utcnow()
    orders = []
    for supplier_id, items in _merge(lines).items():
        supplier = session.get(Supplier, supplier_id)
        if supplier is None:
            raise NotFoundError(tr("Supplier {id} does not exist.", id=supplier_id))
        order = PurchaseOrder(
            uuid=str(uuid.uuid4()),
            supplier_id=supplier.id,
            supplier_name=supplier.name,
            status=OrderStatus.DRAFT,
            created_at=at,
            lead_time_days=supplier.lead_time_days,
        )
        for (sku, product_id), packs in items.items():
            order.lines.append(_new_line(session, supplier, sku, product_id, packs))
            offer = current_offer(session, supplier.id, sku)
            if offer is not None and offer.lead_time_days is not None:
                order.lead_time_days = max(order.lead_time_days, offer.lead_time_days)
        session.add(order)
        recalculate(session, order, shop_day(at))
        orders.append(order)
    session.flush()
    return orders


def _new_line(
    session: Session, supplier: Supplier, sku: str, product_id: int, packs: int
) -> PurchaseOrderLine:
    if session.get(Product, product_id) is None:
        raise NotFoundError(tr("Product {id} does not exist.", id=product_id))
    offer = current_offer(session, supplier.id, sku)
    if offer is None:
        raise InputError(
            tr(
                "{supplier} no longer offers item {sku}: sync its catalog or choose another "
                "source.",
                supplier=supplier.name,
                sku=sku,
            )
        )
    draft = DraftLine(supplier.id, sku, product_id, packs)
    price = tier_price(parse_tiers(offer.tiers), packs)
    return PurchaseOrderLine(
        product_id=product_id,
        sku=sku,
        name=offer.name,
        pack_name=offer.pack_name or "",
        packs=packs,
        units_per_pack=_units_per_pack(session, draft, offer.pack_size),
        pack_price_fen=price,
        line_total_fen=price * packs,
        shelf_life_days=offer.shelf_life_days,
    )


def recalculate(session: Session, order: PurchaseOrder, today: date) -> None:
    """Subtotal from the lines; member discount from the month's spend so far; shipping."""
    subtotal = sum(line.line_total_fen for line in order.lines)
    supplier = session.get(Supplier, order.supplier_id) if order.supplier_id else None
    if supplier is None:  # the source was removed: keep the terms the order was made with
        order.subtotal_fen = subtotal
        order.discount_fen = subtotal - discounted(subtotal, order.discount_bp)
        order.total_fen = subtotal - order.discount_fen + order.shipping_fen
        return
    totals = order_totals(
        subtotal,
        month_spend_fen=spend_by_supplier(session, today).get(supplier.id, 0),
        member_tiers_json=supplier.member_tiers,
        shipping_fee_fen=supplier.shipping_fee_fen,
        free_over_fen=supplier.free_over_fen,
    )
    order.subtotal_fen = totals.subtotal_fen
    order.member_tier = totals.member_tier
    order.discount_bp = totals.discount_bp
    order.discount_fen = totals.discount_fen
    order.shipping_fen = totals.shipping_fen
    order.total_fen = totals.total_fen


def _draft(session: Session, order_id: int) -> PurchaseOrder:
    order = get_order(session, order_id, lock=True)
    if order.status != OrderStatus.DRAFT:
        raise InputError(
            tr(
                "{ref} is {status}: only a draft can be changed.",
                ref=order_ref(order.id),
                status=status_label(order.status),
            )
        )
    return order


def _line(order: PurchaseOrder, line_id: int) -> PurchaseOrderLine:
    for line in order.lines:
        if line.id == line_id:
            return line
    raise NotFoundError(tr("{ref} has no line {line}.", ref=order_ref(order.id), line=line_id))


def set_line_packs(session: Session, order_id: int, line_id: int, packs: int) -> None:
    """Change a draft line's packs (0 removes it); the price follows the offer's tiers."""
    order = _draft(session, order_id)
    line = _line(order, line_id)
    if packs == 0:
        order.lines.remove(line)
    else:
        _check_packs(packs)
        offer = current_offer(session, order.supplier_id, line.sku) if order.supplier_id else None
        if offer is not None:
            line.pack_price_fen = tier_price(parse_tiers(offer.tiers), packs)
        line.packs = packs
        line.line_total_fen = line.pack_price_fen * packs
    recalculate(session, order, shop_day(utcnow()))


def set_note(session: Session, order_id: int, note: str) -> None:
    order = get_order(session, order_id, lock=True)
    if order.status == OrderStatus.CANCELLED:
        raise InputError(tr("{ref} is cancelled.", ref=order_ref(order.id)))
    order.note = note.strip()[:500]


def mark_sent(session: Session, order_id: int, *, at: datetime | None = None) -> PurchaseOrder:
    """The owner sent it (exported and passed on): it now counts as on order and as spend.
    The member discount and shipping are worked out again with this month's spend now."""
    order = _draft(session, order_id)
    if not order.lines:
        raise InputError(tr("{ref} has no lines: nothing to send.", ref=order_ref(order.id)))
    at = at or utcnow()
    recalculate(session, order, shop_day(at))
    order.status = OrderStatus.SENT
    order.sent_at = at
    return order


def cancel_order(session: Session, order_id: int) -> PurchaseOrder:
    """A draft, or a sent order of which nothing has arrived."""
    order = get_order(session, order_id, lock=True)
    if order.status not in (OrderStatus.DRAFT, OrderStatus.SENT):
        raise InputError(
            tr(
                "{ref} is {status} and cannot be cancelled.",
                ref=order_ref(order.id),
                status=status_label(order.status),
            )
        )
    order.status = OrderStatus.CANCELLED
    return order


def close_order(session: Session, order_id: int, *, at: datetime | None = None) -> PurchaseOrder:
    """A partly received order whose rest will not come: it stops counting as on order."""
    order = get_order(session, order_id, lock=True)
    if order.status != OrderStatus.PARTLY_RECEIVED:
        raise InputError(
            tr(
                "Only a partly received order can be closed; {ref} is {status}.",
                ref=order_ref(order.id),
                status=status_label(order.status),
            )
        )
    order.status = OrderStatus.RECEIVED
    order.received_at = at or utcnow()
    return order


# --- checks the owner should see before sending -------------------------------------------


def order_warnings(session: Session, order: PurchaseOrder) -> list[str]:
    """Minimum order quantities, multiples and availability, per the current offers."""
    if order.supplier_id is None or order.status != OrderStatus.DRAFT:
        return []
    supplier = session.get(Supplier, order.supplier_id)
    mixed_ok = supplier is not None and _mixed_batch_reached(supplier, order)
    warnings = []
    for line in order.lines:
        offer = current_offer(session, order.supplier_id, line.sku)
        if offer is None:
            warnings.append(tr("{sku}: no longer in the supplier's catalog.", sku=line.sku))
            continue
        if line.packs < offer.moq_packs and not mixed_ok:
            warnings.append(
                tr("{sku}: the minimum order is {moq} packs.", sku=line.sku, moq=offer.moq_packs)
            )
        if offer.multiple_packs > 1 and line.packs % offer.multiple_packs:
            warnings.append(
                tr(
                    "{sku}: order in multiples of {n} packs.",
                    sku=line.sku,
                    n=offer.multiple_packs,
                )
            )
        if offer.available_packs is not None and line.packs > offer.available_packs:
            warnings.append(
                tr("{sku}: only {n} packs available.", sku=line.sku, n=offer.available_packs)
            )
    return warnings


def _mixed_batch_reached(supplier: Supplier, order: PurchaseOrder) -> bool:
    amount, units = supplier.mixed_min_amount_fen, supplier.mixed_min_units
    if amount is None and units is None:
        return False
    packs = sum(line.packs for line in order.lines)
    return (amount is not None and order.subtotal_fen >= amount) or (
        units is not None and packs >= units
    )
