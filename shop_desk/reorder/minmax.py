"""The baseline policy `minmax` (SIMULATION.md): the reordering rule most peers ship.

Odoo's reordering rules and ERPNext's reorder level: with μ the mean daily sales of the last 28
days, L the cheapest supplier's lead time and R the review period, order up to
max = ⌈μ(L + 2R)⌉ when on hand + on order ≤ min = ⌈μ(L + R)⌉. Vectorised over products.
"""

from __future__ import annotations

import numpy as np

from shop_desk.reorder.review import Offer, OrderLine, ReviewState

WINDOW_DAYS = 28


class MinMaxPolicy:
    name = "minmax"

    def __init__(self) -> None:
        self._cheapest: tuple[int, list[Offer | None], np.ndarray] | None = None

    def review(self, state: ReviewState) -> list[OrderLine]:
        offers, lead = self._cheapest_offers(state)
        days = min(WINDOW_DAYS, state.sold.shape[1])
        total = state.sold[:, state.sold.shape[1] - days :].sum(axis=1)
        position = state.on_hand + _on_order(state)
        r = state.review_days
        # In doubles, in the order written (mean, then times days), as BASELINE.md was made:
        # 116 / 28 × 7 gives 29.000000000000004, so ⌈⌉ gives 30 there, not 29.
        mu = total / max(days, 1)
        low = np.ceil(mu * (lead + r)).astype(np.int64)
        high = np.ceil(mu * (lead + 2 * r)).astype(np.int64)
        need = high - position
        rows = np.flatnonzero((position <= low) & (need > 0))
        lines = []
        for row in rows.tolist():
            offer = offers[row]
            if offer is not None:
                lines.append(
                    OrderLine(
                        offer.supplier_id,
                        offer.sku,
                        offer.product_id,
                        _packs(offer, int(need[row])),
                    )
                )
        return lines

    def _cheapest_offers(self, state: ReviewState) -> tuple[list[Offer | None], np.ndarray]:
        """Per product the offer with the lowest unit price at its MOQ (first on a tie)."""
        key = id(state.offers)
        if self._cheapest is None or self._cheapest[0] != key:
            best: list[Offer | None] = [None] * len(state.products)
            best_price = [float("inf")] * len(state.products)
            for offer in state.offers:
                row = state.index.get(offer.product_id)
                if row is None:
                    continue
                price = _pack_price(offer, offer.moq_packs) / offer.pack_size
                if price < best_price[row]:
                    best[row], best_price[row] = offer, price
            lead = np.array(
                [state.suppliers[o.supplier_id].lead_time_days if o else 0 for o in best],
                dtype=np.int64,
            )
            self._cheapest = (key, best, lead)
        return self._cheapest[1], self._cheapest[2]


def _on_order(state: ReviewState) -> np.ndarray:
    """Units ordered and not yet received, per product."""
    index = state.index
    rows = [index[x.product_id] for x in state.open_lines]
    units = [x.units for x in state.open_lines]
    counts = np.bincount(rows, weights=units, minlength=len(state.products))
    return counts.astype(np.int64)


def _pack_price(offer: Offer, packs: int) -> int:
    price = offer.tiers[0].pack_price_fen
    for tier in offer.tiers:
        if tier.min_packs <= packs:
            price = tier.pack_price_fen
    return price


def _packs(offer: Offer, units: int) -> int:
    """Whole packs for `units`, raised to the MOQ, then up to the order multiple."""
    packs = max(-(-units // offer.pack_size), offer.moq_packs)
    return -(-packs // offer.multiple_packs) * offer.multiple_packs
