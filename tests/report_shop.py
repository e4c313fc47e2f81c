"""A small shop with a known history, for the report tests (figures worked out by hand).

Today is T = Wednesday 2026-03-18. Every move is at local noon of its day (all through the
real services: receipts, checkouts, a return, a sales import for last year).

    product  category  price  history
    cola     饮料      3.00   T-40 +20 for 40.00; sold T-10 2, T-5 3, T-1 1; T-4 one returned
    chips    零食      5.50   T-40 +6 for 18.00; sold T-20 1, T-5 5 (empty T-5..T-3);
                              T-2 +10 for 30.00
    towel    日化     10.00   T-60 +3 for 18.00; never sold
    gum      (none)    2.00   T-60 +4 for 4.00; sold T-50 1
    cola last year (imported from another till): 2025-03-09 1 for 3.00, 2025-03-14 4 for 12.00
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from shop_desk.db.models import Product
from shop_desk.importing import apply_sales, preview_sales
from shop_desk.inventory.counter import Cart, checkout, get_sale, return_items
from shop_desk.inventory.stock import receive_stock
from tests.factories import make_product

T = date(2026, 3, 18)


def noon(day: date) -> datetime:
    """Naive UTC of local noon that day (the shop day is the local calendar day)."""
    local = datetime(day.year, day.month, day.day, 12).astimezone()
    return local.astimezone(UTC).replace(tzinfo=None)


def sell_on(db, product_id: int, qty: int, day: date) -> int:
    """A checkout of `qty` at noon of `day`; its sale id."""
    with db.session() as s:
        cart = Cart()
        cart.add(s.get(Product, product_id), qty)
        return checkout(s, cart, at=noon(day)).sale_id


def receive_on(db, product_id: int, qty: int, day: date) -> None:
    """`qty` received at 1.00 each, at noon of `day`."""
    with db.session() as s:
        receive_stock(s, product_id, qty, qty * 100, at=noon(day))


@dataclass(frozen=True)
class Shop:
    db: object
    cola: int
    chips: int
    towel: int
    gum: int
    codes: dict[str, str]  # product key -> its barcode


def _sell(db, ids: dict[str, int], lines: list[tuple[str, int]], day: date) -> int:
    with db.session() as s:
        cart = Cart()
        for key, qty in lines:
            cart.add(s.get(Product, ids[key]), qty)
        return checkout(s, cart, at=noon(day)).sale_id


def _receive(db, product_id: int, qty: int, cost_fen: int, day: date) -> None:
    with db.session() as s:
        receive_stock(s, product_id, qty, cost_fen, at=noon(day))


def build(db, folder: Path) -> Shop:
    with db.session() as s:
        made = {
            "cola": make_product(s, "可口可乐 500ml", 300, category="饮料", unit="瓶"),
            "chips": make_product(s, "乐事薯片 原味", 550, category="零食", unit="袋"),
            "towel": make_product(s, "洁柔毛巾", 1000, category="日化", unit="条"),
            "gum": make_product(s, "绿箭口香糖", 200, unit="盒"),
        }
        ids = {k: p.id for k, p in made.items()}
        codes = {k: p.barcodes[0].code for k, p in made.items()}
    _receive(db, ids["towel"], 3, 1800, T - timedelta(60))
    _receive(db, ids["gum"], 4, 400, T - timedelta(60))
    _receive(db, ids["cola"], 20, 4000, T - timedelta(40))
    _receive(db, ids["chips"], 6, 1800, T - timedelta(40))
    _sell(db, ids, [("gum", 1)], T - timedelta(50))
    _sell(db, ids, [("chips", 1)], T - timedelta(20))
    _sell(db, ids, [("cola", 2)], T - timedelta(10))
    sale = _sell(db, ids, [("cola", 3), ("chips", 5)], T - timedelta(5))
    with db.session() as s:
        line = next(x for x in get_sale(s, sale).lines if x.product_id == ids["cola"])
        return_items(s, sale, {line.id: 1}, at=noon(T - timedelta(4)))
    _receive(db, ids["chips"], 10, 3000, T - timedelta(2))
    _sell(db, ids, [("cola", 1)], T - timedelta(1))
    _import_last_year(db, folder, codes["cola"])
    return Shop(db, ids["cola"], ids["chips"], ids["towel"], ids["gum"], codes)


def _import_last_year(db, folder: Path, cola_code: str) -> None:
    path = folder / "last_year.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(
            [
                ["日期", "条码", "数量", "销售额"],
                ["2025-03-09", cola_code, "1", "3.00"],
                ["2025-03-14", cola_code, "4", "12.00"],
            ]
        )
    with db.read() as s:
        preview = preview_sales(path, session=s)
    assert preview.ok, preview.errors
    with db.session() as s:
        apply_sales(s, preview)
