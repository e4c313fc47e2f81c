"""Lot sizing over one offer: packs that honour MOQ and order multiple, and price tiers.

The smallest lot that covers the need is the default. A larger lot reaching a cheaper tier
is taken only when the saving per unit beats the cost of holding the extra stock (the
all-units quantity-discount rule), and never past what sells before it expires, what the
shelf holds, or `max_cover_days` of demand.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from shop_desk.purchasing.pricing import tier_price
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
    return tier_price(offer.tiers, packs) * (1 - discount_bp / 10_000) / offer.pack_size


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
    base_price = tier_price(offer.tiers, base)
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
            best = Lot(
                packs, packs * offer.pack_size, tier_price(offer.tiers, packs), base, base_price
            )
    return best


def _per_unit(
    offer: Offer, packs: int, rate: float, holding_rate: float, discount_bp: int
) -> float:
    """Unit price plus holding per unit: a lot of Q units sold at `rate` waits Q / 2 / rate
    days on average."""
    price = unit_cost(offer, packs, discount_bp)
    units = packs * offer.pack_size
    return price * (1.0 + holding_rate / 365.0 * units / (2.0 * rate))


@dataclass(frozen=True, slots=True)
class OfferArrays:
    """Offers as arrays, for lot sizing many offers at once (tiers padded to the widest)."""

    pack: np.ndarray  # [m] units per pack
    moq: np.ndarray  # [m]
    multiple: np.ndarray  # [m]
    tier_min: np.ndarray  # [m, k] minimum packs per tier (huge where there is no tier)
    tier_price: np.ndarray  # [m, k] pack price per tier

    @classmethod
    def of(cls, offers: list[Offer]) -> OfferArrays:
        width = max((len(o.tiers) for o in offers), default=1) or 1
        tier_min = np.full((len(offers), width), np.iinfo(np.int64).max // 4, dtype=np.int64)
        tier_price = np.zeros((len(offers), width))
        for i, offer in enumerate(offers):
            for j, tier in enumerate(offer.tiers):
                tier_min[i, j] = tier.min_packs
                tier_price[i, j] = tier.pack_price_fen
        return cls(
            pack=np.array([max(o.pack_size, 1) for o in offers], dtype=np.int64),
            moq=np.array([max(o.moq_packs, 1) for o in offers], dtype=np.int64),
            multiple=np.array([max(o.multiple_packs, 1) for o in offers], dtype=np.int64),
            tier_min=tier_min,
            tier_price=tier_price,
        )

    def valid(self, packs: np.ndarray) -> np.ndarray:
        packs = np.maximum(np.maximum(packs, self.moq), 1)
        return -(-packs // self.multiple) * self.multiple

    def price(self, packs: np.ndarray) -> np.ndarray:
        """Pack price at each offer's pack count (tiers ascending, as tier_price())."""
        idx = np.maximum((self.tier_min <= packs[:, None]).sum(axis=1) - 1, 0)
        return np.take_along_axis(self.tier_price, idx[:, None], axis=1)[:, 0]


def typical_lots(
    arrays: OfferArrays,
    need_units: np.ndarray,
    rate: np.ndarray,
    holding_rate: float,
    discount: np.ndarray,
    cap_units: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """size_lot() for every offer at once: (packs, unit cost after discount) per offer."""
    base = arrays.valid(np.ceil(np.maximum(need_units, 1e-9) / arrays.pack - 1e-9).astype(np.int64))
    keep = 1.0 - discount
    h = holding_rate / 365.0
    safe_rate = np.maximum(rate, 1e-12)

    def per_unit(packs):
        price = arrays.price(packs) * keep / arrays.pack
        return price, price * (1.0 + h * packs * arrays.pack / (2.0 * safe_rate))

    best_packs = base
    best_price, best_cost = per_unit(base)
    for k in range(arrays.tier_min.shape[1]):
        packs = arrays.valid(np.minimum(arrays.tier_min[:, k], 2**40))
        price, cost = per_unit(packs)
        better = (packs > base) & (packs * arrays.pack <= cap_units) & (cost < best_cost - 1e-9)
        better &= rate > 0
        best_packs = np.where(better, packs, best_packs)
        best_price = np.where(better, price, best_price)
        best_cost = np.where(better, cost, best_cost)
    return best_packs, best_price
