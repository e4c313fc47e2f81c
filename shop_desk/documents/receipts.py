"""What a receipt says: the shop, the sale and its lines, paid and change, in local time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from shop_desk.clock import to_local
from shop_desk.db.models import Product, Sale
from shop_desk.errors import NotFoundError
from shop_desk.i18n import tr
from shop_desk.settings import ShopSettings


@dataclass(frozen=True)
class ReceiptLine:
    name: str
    qty: int  # negative on a refund
    unit_price_fen: int
    total_fen: int


@dataclass(frozen=True)
class ReceiptData:
    shop_name: str
    shop_address: str
    shop_phone: str
    sale_id: int
    refund: bool  # a return of goods, not a sale
    at: datetime  # local time
    lines: list[ReceiptLine]
    total_fen: int
    paid_fen: int
    change_fen: int

    @property
    def units(self) -> int:
        return sum(line.qty for line in self.lines)


def load_receipt(session: Session, sale_id: int | None, settings: ShopSettings) -> ReceiptData:
    """The receipt of a sale (or refund); sale_id None: the last sale rung up."""
    stmt = select(Sale).options(selectinload(Sale.lines))
    if sale_id is None:
        sale = session.scalars(
            stmt.where(Sale.kind == "sale").order_by(Sale.id.desc()).limit(1)
        ).first()
        if sale is None:
            raise NotFoundError(tr("No sale has been recorded yet."))
    else:
        sale = session.scalars(stmt.where(Sale.id == sale_id)).first()
        if sale is None:
            raise NotFoundError(tr("Sale {id} does not exist.", id=sale_id))
    ids = {line.product_id for line in sale.lines}
    found = session.execute(select(Product.id, Product.name).where(Product.id.in_(ids)))
    names = {pid: name for pid, name in found}
    lines = [
        ReceiptLine(names.get(x.product_id, "?"), x.qty, x.unit_price_fen, x.line_total_fen)
        for x in sale.lines
    ]
    refund = sale.kind == "return"
    return ReceiptData(
        settings.shop_name or tr("Shop Desk"),
        settings.shop_address,
        settings.shop_phone,
        sale.id,
        refund,
        to_local(sale.created_at).replace(tzinfo=None),
        lines,
        sale.total_fen,
        sale.paid_fen,
        sale.change_fen,
    )
