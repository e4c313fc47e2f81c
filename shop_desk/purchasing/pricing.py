"""What an order to one supplier costs: tier prices, member discount, shipping.

The same money rules as the simulator (docs/SIMULATION.md): the member tier reached by this
calendar month's spend before the order discounts the subtotal, the discounted subtotal is
rounded half to even, shipping is charged when the discounted subtotal is below free_over.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from shop_desk.money import round_half_even

log = logging.getLogger(__name__)

BP = 10_000  # basis points in one


@dataclass(frozen=True)
class MemberTier:
    name: str
    monthly_spend_fen: int
    discount_bp: int


@dataclass(frozen=True)
class OrderTotals:
    subtotal_fen: int
    member_tier: str
    discount_bp: int
    discount_fen: int
    shipping_fen: int

    @property
    def total_fen(self) -> int:
        return self.subtotal_fen - self.discount_fen + self.shipping_fen


def parse_tiers(tiers_json: str) -> list[tuple[int, int]]:
    """Offer.tiers ([[min_packs, pack_price_fen], ...]) as ascending pairs."""
    return sorted((int(p), int(f)) for p, f in json.loads(tiers_json or "[]"))


def tier_price(tiers: Iterable[tuple[int, int]], packs: int) -> int:
    """Price of one pack when buying `packs`, from (min_packs, pack_price_fen) pairs in
    ascending order (parse_tiers, or an offer's reorder.review.Tier): the last tier whose
    minimum is reached; below the first tier's minimum, the first tier's price."""
    price = None
    for min_packs, pack_price in tiers:
        if price is None or packs >= min_packs:
            price = pack_price
        else:
            break
    if price is None:
        raise ValueError("an offer without prices")
    return price


def member_tiers(stored: str) -> list[MemberTier]:
    """A supplier's stored member tiers (the catalog's JSON), ascending by month spend.

    A damaged value means no member discount: a suggestion or an order total must never
    crash on it (the catalog validates what it writes, so this is a corrupted database)."""
    try:
        tiers = [
            MemberTier(str(t.get("name", "")), int(t["monthly_spend_fen"]), int(t["discount_bp"]))
            for t in json.loads(stored or "[]")
        ]
    except (ValueError, TypeError, KeyError, AttributeError):
        log.warning("damaged member tiers ignored: %.200r", stored)
        return []
    return sorted(tiers, key=lambda t: t.monthly_spend_fen)


def reached_tier(tiers: list[MemberTier], month_spend_fen: int) -> MemberTier | None:
    reached = None
    for tier in tiers:
        if month_spend_fen >= tier.monthly_spend_fen:
            reached = tier
    return reached


def discounted(subtotal_fen: int, discount_bp: int) -> int:
    return round_half_even(subtotal_fen * (BP - discount_bp), BP)


def order_totals(
    subtotal_fen: int,
    *,
    month_spend_fen: int,
    member_tiers_json: str,
    shipping_fee_fen: int,
    free_over_fen: int | None,
) -> OrderTotals:
    tier = reached_tier(member_tiers(member_tiers_json), month_spend_fen)
    bp = tier.discount_bp if tier else 0
    after_discount = discounted(subtotal_fen, bp)
    free = free_over_fen is not None and after_discount >= free_over_fen
    shipping = 0 if free or subtotal_fen == 0 else shipping_fee_fen
    return OrderTotals(
        subtotal_fen=subtotal_fen,
        member_tier=tier.name if tier else "",
        discount_bp=bp,
        discount_fen=subtotal_fen - after_discount,
        shipping_fen=shipping,
    )


def unit_value_fen(units: int, pack_price_fen: int, units_per_pack: int, discount_bp: int) -> int:
    """Cost in fen of `units` base units bought at a pack price less the member discount
    (shipping is not spread over units, as in the simulator), rounded once, to the fen."""
    num = units * pack_price_fen * (BP - discount_bp)
    den = units_per_pack * BP
    return (2 * num + den) // (2 * den)
