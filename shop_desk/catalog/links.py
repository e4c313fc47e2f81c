"""Product <-> offer links set by hand (auto-links by GTIN live in apply.auto_link)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shop_desk.db.models import Product, ProductOfferLink, Supplier
from shop_desk.errors import InputError, NotFoundError
from shop_desk.i18n import tr

MAX_UNITS_PER_PACK = 100_000


def link_offer(
    session: Session, product_id: int, supplier_id: int, sku: str, units_per_pack: int
) -> ProductOfferLink:
    """Link (or re-link with another pack conversion) a product to a supplier's SKU."""
    if not 1 <= units_per_pack <= MAX_UNITS_PER_PACK:
        raise InputError(tr("Units per pack must be between 1 and {max}.", max=MAX_UNITS_PER_PACK))
    if session.get(Product, product_id) is None:
        raise NotFoundError(tr("Product {id} does not exist.", id=product_id))
    if session.get(Supplier, supplier_id) is None:
        raise NotFoundError(tr("Supplier {id} does not exist.", id=supplier_id))
    link = session.scalar(
        select(ProductOfferLink).where(
            ProductOfferLink.product_id == product_id,
            ProductOfferLink.supplier_id == supplier_id,
            ProductOfferLink.sku == sku,
        )
    )
    if link is None:
        link = ProductOfferLink(
            product_id=product_id, supplier_id=supplier_id, sku=sku, units_per_pack=units_per_pack
        )
        session.add(link)
    link.units_per_pack = units_per_pack
    link.auto = False  # the owner's word now stands over the GTIN match
    session.flush()
    return link


def unlink_offer(session: Session, product_id: int, supplier_id: int, sku: str) -> None:
    link = session.scalar(
        select(ProductOfferLink).where(
            ProductOfferLink.product_id == product_id,
            ProductOfferLink.supplier_id == supplier_id,
            ProductOfferLink.sku == sku,
        )
    )
    if link is not None:
        session.delete(link)


def links_of_product(session: Session, product_id: int) -> list[ProductOfferLink]:
    return list(
        session.scalars(
            select(ProductOfferLink)
            .where(ProductOfferLink.product_id == product_id)
            .order_by(ProductOfferLink.supplier_id, ProductOfferLink.sku)
        )
    )
