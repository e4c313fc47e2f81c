"""Small shop folders written for a test, and a policy that orders what the test scripts."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from shop_desk.reorder.review import OrderLine, ReviewState

SUPPLIER_COLUMNS = "supplier_id,lead_time_days,shipping_fee_fen,free_over_fen,member_tiers"
OFFER_COLUMNS = "supplier_id,sku,product_id,pack_size,tiers,moq_packs,multiple_packs"


def write_shop(
    folder: Path,
    *,
    products: list[tuple],  # (product_id, name, retail_price_fen, shelf_life_days or "")
    demand: dict[str, list[int]],  # product_id -> units per day from `first`
    suppliers: list[tuple],
    offers: list[tuple],
    first: dt.date = dt.date(2024, 3, 1),
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder / "products.csv", "product_id,name,retail_price_fen,shelf_life_days", products)
    rows = [
        ((first + dt.timedelta(days=day)).isoformat(), pid, units)
        for pid, days in demand.items()
        for day, units in enumerate(days)
        if units
    ]
    # The first and last days always have a row (0 units is a row), so the folder spans
    # every day listed.
    pid = next(iter(demand))
    for day in (0, len(demand[pid]) - 1):
        if demand[pid][day] == 0:
            rows.append(((first + dt.timedelta(days=day)).isoformat(), pid, 0))
    _write(folder / "demand.csv", "date,product_id,units", rows)
    _write(folder / "suppliers.csv", SUPPLIER_COLUMNS, suppliers)
    _write(folder / "offers.csv", OFFER_COLUMNS, offers)
    return folder


def _write(path: Path, header: str, rows: list[tuple]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header.split(","))
        writer.writerows(rows)


class Scripted:
    """Orders on simulated day t (0 = the first simulated day) the lines the test gives."""

    name = "scripted"

    def __init__(self, warmup: int, first: dt.date, script: dict[int, list[OrderLine]]):
        self.first_sim_day = first + dt.timedelta(days=warmup)
        self.script = script
        self.states: list[ReviewState] = []

    def review(self, state: ReviewState) -> list[OrderLine]:
        self.states.append(state)
        return self.script.get((state.today - self.first_sim_day).days, [])
