"""The demo shop's wholesale sources: a factory feed (deep tiers, five days), a local
distributor feed (small packs, next day) and an Excel price list from a wholesale market,
published with the real publisher into the demo's folder and synced with the real client.

The distributor publishes twice (a week apart in spirit): the second version lowers some
prices and adds new items, so "Price drops" and "New arrivals" have something to show.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from shop_desk.catalog.manifest import MemberTier, SupplierInfo
from shop_desk.catalog.publisher import publish
from shop_desk.catalog.records import OfferRecord
from shop_desk.demo.catalog import DemoProduct
from shop_desk.i18n import tr
from shop_desk.progress import Progress

FACTORY = SupplierInfo(
    code="demo-factory",
    name="康达食品饮料厂",
    lead_time_days=5,
    shipping_fee_fen=3000,
    free_over_fen=60000,
    member_tiers=[MemberTier("B1", 200000, 100), MemberTier("B2", 1000000, 300)],
    mixed_min_amount_fen=50000,
)
DISTRIBUTOR = SupplierInfo(
    code="demo-distributor",
    name="街坊批发部",
    lead_time_days=1,
    shipping_fee_fen=1000,
    free_over_fen=15000,
    mixed_min_units=10,
)
MARKET = {
    "id": "demo-market",
    "name": "城南批发市场",
    "lead_time_days": 2,
    "shipping": {"fee_fen": 800, "free_over_fen": 20000},
}


def _price(cost: int, units: int, share: float) -> int:
    # Whole jiao: wholesalers quote ¥51.30, not ¥51.27.
    return max(10, round(cost * units * share / 10) * 10)


def factory_offers(products: list[DemoProduct]) -> list[OfferRecord]:
    offers = []
    for i, p in enumerate(products):
        if not p.barcode:
            continue
        pack = p.case_units if p.case_units > 1 else 12
        offers.append(
            OfferRecord(
                sku=f"KD{i:04d}",
                name=f"{p.name} {p.spec}".strip(),
                pack_size=pack,
                pack_name="箱",
                gtin=p.barcode,
                category=p.category,
                unit=p.unit,
                tiers=(
                    (1, _price(p.cost_fen, pack, 0.93)),
                    (5, _price(p.cost_fen, pack, 0.89)),
                    (20, _price(p.cost_fen, pack, 0.85)),
                ),
                moq_packs=1,
                lead_time_days=5,
                shelf_life_days=p.shelf_life_days,
                available_packs=500,
            )
        )
    return offers


def distributor_offers(
    products: list[DemoProduct], *, second: bool, today: date
) -> list[OfferRecord]:
    rng = random.Random(17)
    offers = []
    for i, p in enumerate(products):
        if not p.barcode:
            continue
        late = i % 40 == 7  # new items that arrive with the second version
        if late and not second:
            continue
        pack = 1 if p.retail_fen >= 1000 else 6
        base = _price(p.cost_fen, pack, 1.0)
        if second and i % 25 == 3:
            base = _price(p.cost_fen, pack, 0.9)  # this week's offer
        offers.append(
            OfferRecord(
                sku=f"JF{i:04d}",
                name=f"{p.name} {p.spec}".strip(),
                pack_size=pack,
                pack_name="包" if pack > 1 else p.unit,
                gtin=p.barcode,
                category=p.category,
                unit=p.unit,
                tiers=((1, base), (4, max(10, base * 97 // 100))),
                moq_packs=1,
                available_packs=rng.randint(20, 300),
                shelf_life_days=p.shelf_life_days,
                new_since=today - timedelta(days=2) if late else None,
            )
        )
    return offers


def write_market_list(products: list[DemoProduct], folder: Path) -> Path:
    """An .xlsx as a wholesale market hands it out: a title row, tiers written as text."""
    import openpyxl

    folder.mkdir(parents=True, exist_ok=True)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["城南批发市场 价格表"])
    sheet.append([])
    sheet.append(["货号", "条码", "商品名称", "箱规", "单位", "阶梯价", "起订量"])
    for i, p in enumerate(products):
        if not p.barcode or i % 5:
            continue
        pack = p.case_units if p.case_units > 1 else 10
        one = _price(p.cost_fen, pack, 0.97) / 100
        five = _price(p.cost_fen, pack, 0.92) / 100
        sheet.append(
            [
                f"CN{i:04d}",
                p.barcode,
                f"{p.name} {p.spec}".strip(),
                pack,
                p.unit,
                f"1-4箱:{one:.2f} / 5箱以上:{five:.2f}",
                1,
            ]
        )
    path = folder / "城南批发市场价格表.xlsx"
    book.save(path)
    (folder / "城南批发市场价格表.supplier.json").write_text(
        json.dumps(MARKET, ensure_ascii=False), encoding="utf-8"
    )
    return path


def build_demo_sources(
    db, folder: Path, products: list[DemoProduct], today: date
) -> Iterator[Progress]:
    """Publish the three demo sources under `folder`, add them to the shop and sync them."""
    from shop_desk.catalog.pricelist_source import sync_price_list
    from shop_desk.catalog.sources import add_source
    from shop_desk.catalog.sync import sync_source
    from shop_desk.progress import run_job

    message = tr("Preparing the demo wholesale sources…")
    yield Progress(0, 4, message)
    publish(factory_offers(products), FACTORY, folder / "factory")
    publish(
        distributor_offers(products, second=False, today=today), DISTRIBUTOR, folder / "distributor"
    )
    market = write_market_list(products, folder / "market")
    with db.session() as session:
        ids = [
            add_source(session, str(folder / "factory"), name=FACTORY.name, kind="folder").id,
            add_source(
                session, str(folder / "distributor"), name=DISTRIBUTOR.name, kind="folder"
            ).id,
            add_source(session, str(market), name=MARKET["name"], kind="pricelist").id,
        ]
    run_job(sync_source(db, ids[0], work_dir=folder / "downloads"))
    yield Progress(1, 4, message)
    run_job(sync_source(db, ids[1], work_dir=folder / "downloads"))
    publish(
        distributor_offers(products, second=True, today=today), DISTRIBUTOR, folder / "distributor"
    )
    run_job(sync_source(db, ids[1], work_dir=folder / "downloads"))
    yield Progress(2, 4, message)
    run_job(sync_price_list(db, ids[2]))
    yield Progress(4, 4, message)
    return ids
