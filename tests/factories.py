"""Small builders for tests."""

from __future__ import annotations

from shop_desk.inventory.products import ProductData, create_product
from shop_desk.text import gtin_with_check_digit

_seq = iter(range(1, 10**6))


def new_barcode() -> str:
    return gtin_with_check_digit(f"690{next(_seq):09d}")


def make_product(session, name: str = "可口可乐 500ml", price: int = 300, **extra):
    barcodes = extra.pop("barcodes", None)
    if barcodes is None:
        barcodes = [(new_barcode(), 1)]
    return create_product(
        session, ProductData(name=name, retail_price_fen=price, barcodes=barcodes, **extra)
    )
