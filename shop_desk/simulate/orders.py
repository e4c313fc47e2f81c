"""Placing a policy's order lines: checks, supplier orders, member discount, open lines.

Runs once per line a policy returns (100,000s in a long daily run), so the per-line work is
kept to dictionary look-ups and integer arithmetic; the books are updated per review day in
vector operations by the caller.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from shop_desk.errors import ShopDeskError
from shop_desk.i18n import tr
from shop_desk.reorder.review import Offer, OpenLine, OrderLine
from shop_desk.simulate.pricing import discounted, member_discount_bp, shipping_fen
from shop_desk.simulate.result import PlacedOrder
from shop_desk.simulate.shop import Shop


class PolicyError(ShopDeskError):
    """A policy asked for something no supplier sells that way."""


@dataclass(frozen=True, slots=True)
class _Offer:
    offer: Offer
    row: int
    tiers: tuple[tuple[int, int], ...]  # (min packs, pack price), ascending


@dataclass
class Placed:
    """Today's lines as arrays: product row, units, value at cost, absolute due day."""

    rows: np.ndarray
    units: np.ndarray
    value: np.ndarray
    due: np.ndarray


class Purchasing:
    def __init__(self, shop: Shop, index: dict[str, int], policy_name: str) -> None:
        self.shop, self.policy_name = shop, policy_name
        self.offers = {
            (o.supplier_id, o.sku): _Offer(
                o, index[o.product_id], tuple((t.min_packs, t.pack_price_fen) for t in o.tiers)
            )
            for o in shop.offers
        }
        self.open: dict[int, list[OpenLine]] = defaultdict(list)  # by absolute due day
        self.month: tuple[int, int] | None = None
        self.month_spend: dict[str, int] = {}
        self.orders: list[PlacedOrder] = []

    def open_lines(self) -> list[OpenLine]:
        return [line for due in sorted(self.open) for line in self.open[due]]

    def arrived(self, day: int) -> None:
        self.open.pop(day, None)

    def start_day(self, today: dt.date) -> None:
        """Member tiers count this calendar month's spend only."""
        if self.month != (today.year, today.month):
            self.month, self.month_spend = (today.year, today.month), {}

    def place(self, day: int, today: dt.date, lines: list[OrderLine]) -> Placed:
        by_supplier: dict[str, list[tuple[OrderLine, _Offer, int]]] = {}
        for line in lines:
            facts, packs = self._check(line)
            by_supplier.setdefault(line.supplier_id, []).append((line, facts, packs))
        rows: list[int] = []
        units: list[int] = []
        value: list[float] = []
        due: list[int] = []
        for supplier_id, items in by_supplier.items():
            supplier = self.shop.suppliers[supplier_id]
            spend = self.month_spend.get(supplier_id, 0)
            bp = member_discount_bp(supplier, spend)
            prices = [_pack_price(facts.tiers, packs) for _, facts, packs in items]
            subtotal = sum(packs * p for (_, _, packs), p in zip(items, prices, strict=True))
            paid = discounted(subtotal, bp)
            self.month_spend[supplier_id] = spend + paid
            when = day + supplier.lead_time_days
            when_date = self.shop.first_day + dt.timedelta(days=when)
            keep = 1 - bp / 10_000
            open_today = self.open[when] if when > day else None
            for (line, facts, packs), price in zip(items, prices, strict=True):
                size = facts.offer.pack_size
                n = packs * size
                rows.append(facts.row)
                units.append(n)
                value.append(n * (price * keep / size))  # unit cost, unrounded, times units
                due.append(when)
                if open_today is not None:
                    open_today.append(
                        OpenLine(line.product_id, supplier_id, line.sku, n, when_date)
                    )
            self.orders.append(
                PlacedOrder(
                    today,
                    supplier_id,
                    subtotal,
                    bp,
                    paid,
                    shipping_fen(supplier, paid),
                    tuple(line for line, _, _ in items),
                )
            )
        return Placed(
            np.array(rows, dtype=np.int64),
            np.array(units, dtype=np.int64),
            np.array(value, dtype=np.float64),
            np.array(due, dtype=np.int64),
        )

    def _check(self, line: OrderLine) -> tuple[_Offer, int]:
        facts = self.offers.get((line.supplier_id, line.sku))
        if facts is None or facts.offer.product_id != line.product_id:
            raise PolicyError(
                tr(
                    "Policy {policy} ordered {sku} of {supplier} for {product}: no such offer.",
                    policy=self.policy_name,
                    sku=line.sku,
                    supplier=line.supplier_id,
                    product=line.product_id,
                )
            )
        packs = line.packs
        offer = facts.offer
        if type(packs) is not int:
            packs = int(packs) if isinstance(packs, np.integer) else -1
        if packs < offer.moq_packs or packs % offer.multiple_packs:
            raise PolicyError(
                tr(
                    "Policy {policy} ordered {packs} packs of {sku}: the offer takes at least "
                    "{moq} packs, in multiples of {multiple}.",
                    policy=self.policy_name,
                    packs=line.packs,
                    sku=line.sku,
                    moq=offer.moq_packs,
                    multiple=offer.multiple_packs,
                )
            )
        return facts, packs


def _pack_price(tiers: tuple[tuple[int, int], ...], packs: int) -> int:
    price = tiers[0][1]
    for min_packs, pack_price in tiers:
        if min_packs > packs:
            break
        price = pack_price
    return price
