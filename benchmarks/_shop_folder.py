"""Read a shop folder (SIMULATION.md format) into arrays for the reorder benchmarks."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from shop_desk.reorder.review import Offer, ProductInfo, Supplier, Tier


@dataclass(slots=True)
class ShopFolder:
    first_day: dt.date
    products: list[ProductInfo]
    demand: np.ndarray  # int64 [n, days], contiguous calendar days
    offers: list[Offer]
    suppliers: dict[str, Supplier]


def _pairs(text: str) -> list[tuple[int, int]]:
    return [tuple(int(v) for v in part.split(":")) for part in text.split("|") if part]


def load(folder: Path) -> ShopFolder:
    with (folder / "products.csv").open(encoding="utf-8") as f:
        products = [
            ProductInfo(
                product_id=r["product_id"],
                name=r["name"],
                retail_price_fen=int(r["retail_price_fen"]),
                shelf_life_days=int(r["shelf_life_days"]) if r["shelf_life_days"] else None,
            )
            for r in csv.DictReader(f)
        ]
    index = {p.product_id: i for i, p in enumerate(products)}
    with (folder / "demand.csv").open(encoding="utf-8") as f:
        rows = [
            (dt.date.fromisoformat(r["date"]), r["product_id"], int(r["units"]))
            for r in csv.DictReader(f)
        ]
    first = min(r[0] for r in rows)
    last = max(r[0] for r in rows)
    demand = np.zeros((len(products), (last - first).days + 1), dtype=np.int64)
    for day, pid, units in rows:
        demand[index[pid], (day - first).days] += units
    with (folder / "suppliers.csv").open(encoding="utf-8") as f:
        suppliers = {
            r["supplier_id"]: Supplier(
                supplier_id=r["supplier_id"],
                lead_time_days=int(r["lead_time_days"]),
                shipping_fee_fen=int(r["shipping_fee_fen"]),
                free_over_fen=int(r["free_over_fen"]) if r["free_over_fen"] else None,
                member_tiers=tuple(_pairs(r["member_tiers"])),
            )
            for r in csv.DictReader(f)
        }
    with (folder / "offers.csv").open(encoding="utf-8") as f:
        offers = [
            Offer(
                supplier_id=r["supplier_id"],
                sku=r["sku"],
                product_id=r["product_id"],
                pack_size=int(r["pack_size"]),
                tiers=tuple(Tier(a, b) for a, b in _pairs(r["tiers"])),
                moq_packs=int(r["moq_packs"]),
                multiple_packs=int(r["multiple_packs"]),
            )
            for r in csv.DictReader(f)
        ]
    return ShopFolder(first, products, demand, offers, suppliers)
