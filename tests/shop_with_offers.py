"""A small shop with steady sales and two suppliers' offers, for reorder tests."""

from __future__ import annotations

from datetime import datetime, timedelta

from shop_desk.catalog.manifest import MemberTier, SupplierInfo
from shop_desk.catalog.publisher import publish
from shop_desk.catalog.records import OfferRecord
from shop_desk.catalog.sync import sync_source
from shop_desk.clock import shop_day, utcnow
from shop_desk.inventory.counter import Cart, checkout
from shop_desk.inventory.stock import receive_stock
from shop_desk.progress import run_job
from tests.factories import make_product
from tests.helpers.folder_source import add_folder_source

COLA, WATER = "6908512108211", "6921168509256"


def build_shop(db, folder, days: int = 60):
    """Cola sells 6 a day and water 3 a day for `days` days; both nearly sold out now.

    Returns (cola id, water id, today)."""
    today = shop_day(utcnow())
    start = datetime.combine(today - timedelta(days=days), datetime.min.time()) + timedelta(
        hours=12
    )
    with db.session() as s:
        cola = make_product(s, "可口可乐 500ml", 300, barcodes=[(COLA, 1)], unit="瓶")
        water = make_product(s, "农夫山泉 550ml", 200, barcodes=[(WATER, 1)], unit="瓶")
        receive_stock(s, cola.id, 6 * days + 4, (6 * days + 4) * 230, at=start)
        receive_stock(s, water.id, 3 * days + 2, (3 * days + 2) * 120, at=start)
        for day in range(days):
            cart = Cart()
            cart.add(cola, 6)
            cart.add(water, 3)
            checkout(s, cart, at=start + timedelta(days=day, hours=1))
        ids = cola.id, water.id
    _feed(db, folder / "factory", "factory", "饮料厂", 5, 3000, 60_000, 5100, 4900, 1, 2400)
    _feed(db, folder / "local", "local", "街口批发", 1, 800, 15_000, 5600, 5500, 1, 2600)
    return ids[0], ids[1], today


def _feed(db, folder, code, name, lead, fee, free, cola, cola10, moq, water):
    supplier = SupplierInfo(
        code=code,
        name=name,
        lead_time_days=lead,
        shipping_fee_fen=fee,
        free_over_fen=free,
        member_tiers=[MemberTier("B", 200_000, 200)],
    )
    records = [
        OfferRecord(
            sku=f"{code}-cola",
            name="可口可乐 500ml×24",
            pack_size=24,
            tiers=((1, cola), (10, cola10)),
            moq_packs=moq,
            gtin=COLA,
        ),
        OfferRecord(
            sku=f"{code}-water",
            name="农夫山泉 550ml×24",
            pack_size=24,
            tiers=((1, water),),
            gtin=WATER,
        ),
    ]
    publish(records, supplier, folder)
    source_id = add_folder_source(db, folder, name)
    run_job(sync_source(db, source_id))
