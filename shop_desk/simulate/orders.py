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
    """An offer with what placing a line needs at hand."""

    offer: Offer
    row: int
    product_id: str
    pack_size: int
    moq: int
    multiple: int
    tiers: tuple[tuple[int, int], ...]  # (min packs, pack price), ascending
    price: int | None  # the pack price when there is one tier only

    @classmethod
    def of(cls, offer: Offer, row: int) -> _Offer:
        tiers = tuple((t.min_packs, t.pack_price_fen) for t in offer.tiers)
        return cls(
            offer,
            row,
            offer.product_id,
            offer.pack_size,
            offer.moq_packs,
            offer.multiple_packs,
            tiers,
            tiers[0][1] if len(tiers) == 1 else None,
        )


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
            (o.supplier_id, o.sku): _Offer.of(o, index[o.product_id]) for o in shop.offers
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
        offers = self.offers
        by_supplier: dict[str, list[tuple[OrderLine, _Offer, int, int]]] = {}
        for line in lines:
            facts = offers.get((line.supplier_id, line.sku))
            packs = line.packs
            if (
                facts is None
                or facts.product_id != line.product_id
                or type(packs) is not int
                or packs < facts.moq
                or packs % facts.multiple
            ):
                facts, packs = self._check(line)  # says what is wrong, or converts packs
            price = facts.price if facts.price is not None else _pack_price(facts.tiers, packs)
            by_supplier.setdefault(line.supplier_id, []).append((line, facts, packs, price))
        records: list[tuple[int, int, float, int]] = []
        for supplier_id, items in by_supplier.items():
            self._order(day, today, supplier_id, items, records)
        rows, units, value, due = zip(*records, strict=True) if records else ((), (), (), ())
        return Placed(
            np.array(rows, dtype=np.int64),
            np.array(units, dtype=np.int64),
            np.array(value, dtype=np.float64),
            np.array(due, dtype=np.int64),
        )

    def _order(self, day: int, today: dt.date, supplier_id: str, items, records: list) -> None:
        """One supplier order: member discount from the month's earlier spend, shipping."""
        supplier = self.shop.suppliers[supplier_id]
        spend = self.month_spend.get(supplier_id, 0)
        bp = member_discount_bp(supplier, spend)
        subtotal = sum(packs * price for _, _, packs, price in items)
        paid = discounted(subtotal, bp)
        self.month_spend[supplier_id] = spend + paid
        when = day + supplier.lead_time_days
        when_date = self.shop.first_day + dt.timedelta(days=when)
        keep = 1 - bp / 10_000
        open_then = self.open[when] if when > day else None
        for line, facts, packs, price in items:
            size = facts.pack_size
            n = packs * size
            records.append((facts.row, n, n * (price * keep / size), when))  # unit cost × n
            if open_then is not None:
                open_then.append(OpenLine(line.product_id, supplier_id, line.sku, n, when_date))
        self.orders.append(
            PlacedOrder(
                today,
                supplier_id,
                subtotal,
                bp,
                paid,
                shipping_fen(supplier, paid),
                tuple(item[0] for item in items),
            )
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
