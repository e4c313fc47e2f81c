"""A shop with two wholesale suppliers, published as real feed folders and synced, so the
purchase-order tests price from the same catalog tables the program reads."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from shop_desk.catalog.manifest import MemberTier, SupplierInfo
from shop_desk.catalog.publisher import publish
from shop_desk.catalog.records import OfferRecord
from shop_desk.catalog.sync import sync_source
from shop_desk.db.models import CatalogSource
from shop_desk.inventory.stock import receive_stock
from shop_desk.progress import run_job
from tests.factories import make_product

COLA_GTIN = "6908512108211"


@dataclass
class Shop:
    db: object
    cola: int  # product ids
    milk: int
    chips: int
    drinks: int  # supplier ids
    snacks: int
    drinks_source: int


def drinks_supplier(orders_url: str | None = None) -> SupplierInfo:
    return SupplierInfo(
        code="gz-drinks",
        name="广州饮料批发",
        lead_time_days=2,
        shipping_fee_fen=1500,
        free_over_fen=30000,
        member_tiers=[MemberTier("B1", 20000, 100), MemberTier("B2", 100000, 300)],
        orders_url=orders_url,
    )


def drinks_offers() -> list[OfferRecord]:
    return [
        OfferRecord(
            sku="A1",
            name="可口可乐 500ml×24",
            pack_size=24,
            pack_name="箱",
            tiers=((1, 5400), (5, 5100), (10, 4800)),
            gtin=COLA_GTIN,
        ),
        OfferRecord(
            sku="M1",
            name="蒙牛纯牛奶 250ml×12",
            pack_size=12,
            pack_name="箱",
            tiers=((2, 3600),),
            moq_packs=2,
            shelf_life_days=30,
            lead_time_days=3,
        ),
    ]


def _source(session, name: str, folder: Path) -> int:
    source = CatalogSource(kind="folder", name=name, location=str(folder))
    session.add(source)
    session.flush()
    return source.id


def build_shop(db, folder: Path, orders_url: str | None = None) -> Shop:
    with db.session() as s:
        cola = make_product(s, "可口可乐 500ml", 300, barcodes=[(COLA_GTIN, 1)]).id
        milk = make_product(s, "蒙牛纯牛奶", 350).id
        chips = make_product(s, "乐事薯片", 650).id
        receive_stock(s, cola, 10, 2000)  # 10 bottles at ¥2.00
        drinks_source = _source(s, "饮料", folder / "drinks")
        snacks_source = _source(s, "零食", folder / "snacks")
    publish(drinks_offers(), drinks_supplier(orders_url), folder / "drinks")
    snacks = SupplierInfo(code="snacks", name="零食批发", lead_time_days=1, shipping_fee_fen=800)
    chips_offer = OfferRecord(sku="C1", name="乐事薯片 70g×20", pack_size=20, tiers=((1, 9000),))
    publish([chips_offer], snacks, folder / "snacks")
    run_job(sync_source(db, drinks_source))
    run_job(sync_source(db, snacks_source))
    from shop_desk.catalog.links import link_offer

    with db.session() as s:
        drinks = s.get(CatalogSource, drinks_source).supplier_id
        snack_id = s.get(CatalogSource, snacks_source).supplier_id
        link_offer(s, milk, drinks, "M1", 12)
        link_offer(s, chips, snack_id, "C1", 20)
    return Shop(db, cola, milk, chips, drinks, snack_id, drinks_source)
