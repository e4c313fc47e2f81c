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


@dataclass(slots=True)
class OfferTable:
    """The offers of a review as arrays, with each product's offers."""

    offers: list[Offer]
    product_row: np.ndarray  # [m] row of the offer's product (-1: unknown product)
    lead: np.ndarray  # [m] lead time of the offer's supplier, days
    life: np.ndarray  # [m] shelf life of what the offer delivers, days (inf: none)
    by_product: list[list[int]]  # per product, its offers' indices

    def supplier(self, o: int) -> str:
        return self.offers[o].supplier_id


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
    cycle = dict.fromkeys(state.suppliers, max(state.review_days, 1))
    share = dict.fromkeys(state.suppliers, 0.0)
    for _ in range(2):
        landed, unit = _landed(state, table, rate, safety, cycle, share, discount, max_cover_days)
        primary = _cheapest(table, landed, rate)
        cycle, share = _cycles(state, table, primary, rate, unit)
    landed, unit = _landed(state, table, rate, safety, cycle, share, discount, max_cover_days)
    primary = _cheapest(table, landed, rate)
    fast = _fastest(table, primary, unit)
    return Sourcing(primary, fast, landed, unit, cycle, discount)


def _landed(state, table, rate, safety, cycle, share, discount, max_cover_days):
    m = len(table.offers)
    landed = np.full(m, np.inf)
    unit = np.full(m, np.inf)
    h = state.holding_rate / 365.0
    for o, offer in enumerate(table.offers):
        row = table.product_row[o]
        if row < 0:
            continue
        r = float(rate[row])
        s = offer.supplier_id
        life = table.life[o]
        typical = max(r * cycle[s], 1e-9)
        cap = None if math.isinf(life) else r * life
        lot = lots.size_lot(
            offer,
            typical,
            r,
            holding_rate=state.holding_rate,
            discount_bp=discount[s],
            max_units=cap,
            max_cover_days=max_cover_days,
        )
        c = lots.unit_cost(offer, lot.packs, discount[s])
        unit[o] = c
        if r <= 0:
            landed[o] = c * (1.0 + share[s])
            continue
        units = lot.units
        waste = 0.0 if math.isinf(life) else min(units, max(0.0, units + safety[o] - r * life))
        if units - waste <= 1e-9:
            continue
        holding = c * h * (units / 2.0 + safety[o]) / r
        landed[o] = c * units / (units - waste) + holding + c * share[s]
    return landed, unit


def _cheapest(table: OfferTable, landed: np.ndarray, rate: np.ndarray) -> np.ndarray:
    primary = np.full(len(table.by_product), -1, dtype=np.int64)
    for row, offers in enumerate(table.by_product):
        usable = [o for o in offers if np.isfinite(landed[o])]
        if usable:
            primary[row] = min(usable, key=lambda o: landed[o])  # ties: first offer listed
        elif offers:
            primary[row] = offers[0]
    return primary


def _fastest(table: OfferTable, primary: np.ndarray, unit: np.ndarray) -> np.ndarray:
    fast = np.full(len(primary), -1, dtype=np.int64)
    for row, offers in enumerate(table.by_product):
        p = primary[row]
        if p < 0:
            continue
        quicker = [o for o in offers if table.lead[o] < table.lead[p] and np.isfinite(unit[o])]
        if quicker:
            fast[row] = min(quicker, key=lambda o: (table.lead[o], unit[o]))
    return fast


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
        cycle[s] = days
        basket = spend[s] * days
        free = sup.free_over_fen is not None and basket >= sup.free_over_fen
        share[s] = (
            0.0 if free or sup.shipping_fee_fen <= 0 else sup.shipping_fee_fen / max(basket, 1.0)
        )
    return cycle, share
