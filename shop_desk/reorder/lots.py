"""Lot sizing over one offer: packs that honour MOQ and order multiple, and price tiers.

The smallest lot that covers the need is the default. A larger lot reaching a cheaper tier
is taken only when the saving per unit beats the cost of holding the extra stock (the
all-units quantity-discount rule), and never past what sells before it expires, what the
shelf holds, or `max_cover_days` of demand.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from shop_desk.reorder.review import Offer


@dataclass(frozen=True, slots=True)
class Lot:
    """Packs chosen on one offer, and the smallest lot it was compared with."""

    packs: int
    units: int
    pack_price_fen: int  # tier price of one pack at this count, before member discount
    base_packs: int  # the smallest lot covering the need
    base_pack_price_fen: int

    @property
    def cost_fen(self) -> int:
        return self.packs * self.pack_price_fen

    @property
    def saving_fen(self) -> int:
        """What the tier saves on this lot against paying the base lot's pack price."""
        return self.packs * (self.base_pack_price_fen - self.pack_price_fen)


def tier_price(offer: Offer, packs: int) -> int:
    """Pack price for an order of `packs` packs: the highest tier whose minimum is reached."""
    price = offer.tiers[0].pack_price_fen
    for tier in offer.tiers:
        if packs >= tier.min_packs:
            price = tier.pack_price_fen
    return price


def valid_packs(offer: Offer, packs: int) -> int:
    """The least orderable pack count >= packs (raised to the MOQ, then to the multiple)."""
    packs = max(int(packs), offer.moq_packs, 1)
    multiple = max(offer.multiple_packs, 1)
    return -(-packs // multiple) * multiple


def packs_for_units(offer: Offer, units: float) -> int:
    """Packs covering `units` shop units, made orderable (0 units: 0 packs)."""
    if units <= 0:
        return 0
    return valid_packs(offer, math.ceil(units / offer.pack_size - 1e-9))


def unit_cost(offer: Offer, packs: int, discount_bp: int = 0) -> float:
    """Cost of one shop unit at this pack count after a member discount (fractional fen)."""
    return tier_price(offer, packs) * (1 - discount_bp / 10_000) / offer.pack_size


def size_lot(
    offer: Offer,
    need_units: float,
    rate: float,
    *,
    holding_rate: float = 0.20,
    discount_bp: int = 0,
    max_units: float | None = None,
    max_cover_days: float | None = None,
) -> Lot | None:
    """The lot to buy on this offer for `need_units`, at `rate` units sold per day.

    max_units caps the lot (what sells before expiry, what the shelf holds); the base lot is
    kept even when it breaks the cap, since nothing smaller can be bought (the caller weighs
    that when choosing the source). None when the need is not positive.
    """
    base = packs_for_units(offer, need_units)
    if base == 0:
        return None
    base_price = tier_price(offer, base)
    best = Lot(base, base * offer.pack_size, base_price, base, base_price)
    if rate <= 0:
        return best
    cap = math.inf if max_units is None else max_units
    if max_cover_days is not None:
        cap = min(cap, rate * max_cover_days)
    best_cost = _per_unit(offer, base, rate, holding_rate, discount_bp)
    for tier in offer.tiers:
        packs = valid_packs(offer, tier.min_packs)
        if packs <= base or packs * offer.pack_size > cap:
            continue
        cost = _per_unit(offer, packs, rate, holding_rate, discount_bp)
        if cost < best_cost - 1e-9:
            best_cost = cost
            best = Lot(packs, packs * offer.pack_size, tier_price(offer, packs), base, base_price)
    return best


def _per_unit(
    offer: Offer, packs: int, rate: float, holding_rate: float, discount_bp: int
) -> float:
    """Unit price plus holding per unit: a lot of Q units sold at `rate` waits Q / 2 / rate
    days on average."""
    price = unit_cost(offer, packs, discount_bp)
    units = packs * offer.pack_size
    return price * (1.0 + holding_rate / 365.0 * units / (2.0 * rate))
