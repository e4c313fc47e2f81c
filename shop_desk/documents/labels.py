"""What a shelf label shows: the product's name, size, unit, price and barcode."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from shop_desk.db.models import Product
from shop_desk.errors import InputError
from shop_desk.i18n import tr
from shop_desk.text import is_valid_gtin

MAX_LABELS = 5000  # a typo in --copies must not write a 100,000-page PDF


@dataclass(frozen=True)
class LabelItem:
    product_id: int
    name: str
    spec: str
    unit: str
    price_fen: int
    code: str  # what the barcode encodes: the best unit barcode, else the short code, or ""


def best_code(product: Product) -> str:
    """A unit barcode a scanner reads at the counter: an EAN-13 first, then EAN-8/UPC-A,
    then any other unit code; the short code when there is no barcode (Code 128)."""
    units = [b.code for b in product.barcodes if b.units == 1]

    def rank(code: str) -> tuple[int, str]:
        if is_valid_gtin(code):
            return (0 if len(code) == 13 else 1, code)
        return (2, code)

    if units:
        return min(units, key=rank)
    return product.short_code or ""


def _item(product: Product) -> LabelItem:
    return LabelItem(
        product.id,
        product.name,
        product.spec or "",
        product.unit or "",
        product.retail_price_fen,
        best_code(product),
    )


def label_items(session: Session, product_ids: Iterable[int]) -> list[LabelItem]:
    """Labels for these products, in the order given (unknown ids are skipped)."""
    ids = list(dict.fromkeys(product_ids))
    stmt = select(Product).options(selectinload(Product.barcodes)).where(Product.id.in_(ids))
    found = {p.id: p for p in session.scalars(stmt)}
    return [_item(found[i]) for i in ids if i in found]


def find_label_products(
    session: Session, codes: Iterable[str], categories: Iterable[str] = ()
) -> list[LabelItem]:
    """Products named by barcode or short code, then every active product of the categories.
    An unknown code is refused with its name, and nothing is printed."""
    from shop_desk.inventory.products import lookup_code

    ids: list[int] = []
    unknown = []
    for code in codes:
        found = lookup_code(session, code)
        if found is None:
            unknown.append(code)
        else:
            ids.append(found[0].id)
    if unknown:
        raise InputError(tr("No product has the code {codes}.", codes=", ".join(unknown)))
    for category in categories:
        stmt = (
            select(Product.id)
            .where(Product.category == category, Product.active.is_(True))
            .order_by(Product.name_pinyin, Product.id)
        )
        in_category = list(session.scalars(stmt))
        if not in_category:
            raise InputError(tr("No active product is in the category {name}.", name=category))
        ids.extend(in_category)
    return label_items(session, ids)


def check_count(items: int, copies: int) -> int:
    """How many labels; refused past MAX_LABELS or below one copy."""
    if copies < 1:
        raise InputError(tr("Print at least one copy of each label."))
    if items * copies > MAX_LABELS:
        raise InputError(tr("At most {n} labels at a time.", n=MAX_LABELS))
    return items * copies
