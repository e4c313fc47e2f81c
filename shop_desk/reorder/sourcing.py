"""Where each product is bought: the offer with the lowest landed cost per unit sold.

Landed cost of a typical order on an offer = tier price after the member discount, plus the
share of shipping the supplier's typical basket pays, plus holding the lot and its safety
stock, divided over the units that sell before they expire. Each supplier also gets an order
cycle: the review period, or longer when a shorter cycle could not fill its free-shipping
threshold or mixed-batch minimum.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from shop_desk.reorder import lots
from shop_desk.reorder.review import Offer, ReviewState, Supplier

MAX_CYCLE_DAYS = 14  # never wait longer than this to fill a basket
MIN_CYCLE_DAYS = 7  # plan each product's orders about a week apart even when reviewing daily


@dataclass(slots=True)
class OfferTable:
    """The offers of a review as arrays, with each product's offers."""

    offers: list[Offer]
    product_row: np.ndarray  # [m] row of the offer's product (-1: unknown product)
    lead: np.ndarray  # [m] lead time of the offer's supplier, days
    life: np.ndarray  # [m] shelf life of what the offer delivers, days (inf: none)
    by_product: list[list[int]]  # per product, its offers' indices
    arrays: lots.OfferArrays  # packs and tiers as arrays
    supplier_ids: list[str]  # [m] supplier of each offer
    line_life: dict[tuple[str, str], int]  # (supplier, sku) -> shelf life of perishables

    def supplier(self, o: int) -> str:
        return self.supplier_ids[o]


def offer_table(state: ReviewState) -> OfferTable:
    n = len(state.products)
    by_product: list[list[int]] = [[] for _ in range(n)]
    rows, leads, lives = [], [], []
    for o, offer in enumerate(state.offers):
        row = state.index.get(offer.product_id, -1)
        supplier = state.suppliers.get(offer.supplier_id)
        usable = row >= 0 and supplier is not None and offer.tiers and offer.pack_size > 0
        rows.append(row if usable else -1)
        leads.append(supplier.lead_time_days if supplier else 0)
        life = offer.shelf_life_days
        if life is None and row >= 0:
            life = state.products[row].shelf_life_days
        lives.append(math.inf if life is None else float(life))
        if usable:
            by_product[row].append(o)
    return OfferTable(
        offers=state.offers,
        product_row=np.array(rows, dtype=np.int64),
        lead=np.array(leads, dtype=np.int64),
        life=np.array(lives, dtype=np.float64),
        by_product=by_product,
        arrays=lots.OfferArrays.of(state.offers),
        supplier_ids=[o.supplier_id for o in state.offers],
        line_life={
            (o.supplier_id, o.sku): int(life)
            for o, life in zip(state.offers, lives, strict=True)
            if math.isfinite(life)
        },
    )


def member_discount_bp(supplier: Supplier, month_spend_fen: int) -> int:
    """Discount of the member tier this month's spend has reached."""
    bp = 0
    for spend, discount in supplier.member_tiers:
        if month_spend_fen >= spend:
            bp = discount
    return bp


def basket_threshold(supplier: Supplier) -> int:
    """Basket value worth waiting for: free shipping (when shipping costs) or the mixed-batch
    minimum amount."""
    value = 0
    if supplier.shipping_fee_fen > 0 and supplier.free_over_fen is not None:
        value = supplier.free_over_fen
    if supplier.mixed_min_amount_fen:
        value = max(value, supplier.mixed_min_amount_fen)
    return value


@dataclass(slots=True)
class Sourcing:
    primary: np.ndarray  # [n] offer bought from (-1: none)
    fast: np.ndarray  # [n] offer with a shorter lead time than the primary, for top-ups (-1)
    landed: np.ndarray  # [m] landed cost per unit sold (fractional fen; inf: unusable)
    unit_cost: np.ndarray  # [m] price per unit of a typical lot after member discount
    cycle: dict[str, int]  # supplier -> planned days between orders
    discount_bp: dict[str, int]  # supplier -> member discount this month
    offer_cycle: np.ndarray  # [m] the cycle of each offer's supplier


def choose_sources(
    state: ReviewState,
    table: OfferTable,
    rate: np.ndarray,
    safety: np.ndarray,
    *,
    max_cover_days: float | None,
) -> Sourcing:
    """Primary and top-up offer per product.

    safety[o]: safety stock (units) the product would need at that offer's lead time.
    Two passes: the first assumes free shipping to learn each supplier's basket, the second
    charges the shipping share that basket leaves.
    """
    discount = {
        s: member_discount_bp(sup, state.month_spend_fen.get(s, 0))
        for s, sup in state.suppliers.items()
    }
    cycle = dict.fromkeys(state.suppliers, max(state.review_days, 1, MIN_CYCLE_DAYS))
    share = dict.fromkeys(state.suppliers, 0.0)
    for _ in range(2):
        landed, unit = _landed(state, table, rate, safety, cycle, share, discount, max_cover_days)
        primary = _cheapest(table, landed, rate)
        cycle, share = _cycles(state, table, primary, rate, unit)
    landed, unit = _landed(state, table, rate, safety, cycle, share, discount, max_cover_days)
    primary = _cheapest(table, landed, rate)
    fast = _fastest(table, primary, unit)
    offer_cycle = np.array([cycle.get(s, 1) for s in table.supplier_ids], dtype=np.int64)
    return Sourcing(primary, fast, landed, unit, cycle, discount, offer_cycle)


def _landed(state, table, rate, safety, cycle, share, discount, max_cover_days):
    """Landed cost per unit sold and unit price of a typical lot, for every offer at once."""
    known = table.product_row >= 0
    rows = np.where(known, table.product_row, 0)
    r = np.where(known, rate[rows], 0.0)
    days = np.array([cycle.get(s, 1) for s in table.supplier_ids], dtype=np.float64)
    ship = np.array([share.get(s, 0.0) for s in table.supplier_ids])
    disc = np.array([discount.get(s, 0) for s in table.supplier_ids]) / 10_000
    finite = np.isfinite(table.life)
    cap = np.where(finite, r * np.where(finite, table.life, 0.0), np.inf)
    if max_cover_days is not None:
        cap = np.minimum(cap, r * max_cover_days)
    packs, unit = lots.typical_lots(
        table.arrays, np.maximum(r * days, 1e-9), r, state.holding_rate, disc, cap
    )
    units = packs * table.arrays.pack
    life = np.where(np.isfinite(table.life), table.life, 0.0)
    waste = np.where(
        np.isfinite(table.life), np.minimum(units, np.maximum(units + safety - r * life, 0.0)), 0.0
    )
    sold = units - waste
    h = state.holding_rate / 365.0
    with np.errstate(invalid="ignore", divide="ignore"):
        holding = unit * h * (units / 2.0 + safety) / np.maximum(r, 1e-12)
        landed = np.where(
            r > 0, unit * units / np.maximum(sold, 1e-12) + holding + unit * ship, unit * (1 + ship)
        )
    landed = np.where(known & ((r <= 0) | (sold > 1e-9)), landed, np.inf)
    return landed, np.where(known, unit, np.inf)


def _first_per_product(table: OfferTable, mask: np.ndarray, *keys: np.ndarray) -> np.ndarray:
    """Per product, the offer (among `mask`) that sorts first by keys, then by listing order."""
    n = len(table.by_product)
    out = np.full(n, -1, dtype=np.int64)
    idx = np.nonzero(mask & (table.product_row >= 0))[0]
    if idx.size == 0:
        return out
    rows = table.product_row[idx]
    order = np.lexsort((idx, *[k[idx] for k in reversed(keys)], rows))
    rows, idx = rows[order], idx[order]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = rows[1:] != rows[:-1]
    out[rows[first]] = idx[first]
    return out


def _cheapest(table: OfferTable, landed: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """Lowest landed cost per product (ties: first offer listed; none usable: the first)."""
    every = np.ones(len(landed), dtype=bool)
    return _first_per_product(table, every, np.where(np.isfinite(landed), 0, 1), landed)


def _fastest(table: OfferTable, primary: np.ndarray, unit: np.ndarray) -> np.ndarray:
    """Per product, the quickest offer with a shorter lead time than its primary (cheapest
    among equals), or -1."""
    rows = np.maximum(table.product_row, 0)
    p = primary[rows]
    lead_p = table.lead[np.maximum(p, 0)]
    quicker = (p >= 0) & (table.lead < lead_p) & np.isfinite(unit)
    return _first_per_product(table, quicker, table.lead, unit)


def _cycles(state, table, primary, rate, unit) -> tuple[dict[str, int], dict[str, float]]:
    """Days between orders per supplier, and shipping as a share of value at that cycle."""
    spend = dict.fromkeys(state.suppliers, 0.0)
    for row, o in enumerate(primary):
        if o >= 0:
            spend[table.supplier(o)] += rate[row] * unit[o]
    review = max(state.review_days, 1)
    cycle, share = {}, {}
    for s, sup in state.suppliers.items():
        threshold = basket_threshold(sup)
        days = review
        if threshold > 0 and spend[s] > 0:
            days = min(max(review, math.ceil(threshold / spend[s])), max(review, MAX_CYCLE_DAYS))
        cycle[s] = max(days, MIN_CYCLE_DAYS)
        basket = spend[s] * days
        free = sup.free_over_fen is not None and basket >= sup.free_over_fen
        share[s] = (
            0.0 if free or sup.shipping_fee_fen <= 0 else sup.shipping_fee_fen / max(basket, 1.0)
        )
    return cycle, share
