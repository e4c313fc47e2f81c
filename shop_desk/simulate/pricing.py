"""What a supplier order costs under SIMULATION.md "Money": tiers, member discount, shipping."""

from __future__ import annotations

from shop_desk.reorder.review import Offer, Supplier


def pack_price(offer: Offer, packs: int) -> int:
    """Price of one pack when buying `packs`: the highest tier whose min_packs is reached."""
    price = offer.tiers[0].pack_price_fen
    for tier in offer.tiers:
        if tier.min_packs > packs:
            break
        price = tier.pack_price_fen
    return price


def moq_unit_price(offer: Offer) -> float:
    """Price per unit at the MOQ, before member discount and shipping (ranks offers)."""
    return pack_price(offer, offer.moq_packs) / offer.pack_size


def member_discount_bp(supplier: Supplier, month_spend_fen: int) -> int:
    """Discount of the highest member tier that this month's earlier spend reaches."""
    bp = 0
    for spend, discount in supplier.member_tiers:
        if month_spend_fen >= spend:
            bp = discount
    return bp


def discounted(subtotal_fen: int, discount_bp: int) -> int:
    """subtotal × (1 − discount), rounded half to even in integers (no float error at .5)."""
    q, r = divmod(subtotal_fen * (10_000 - discount_bp), 10_000)
    if 2 * r > 10_000 or (2 * r == 10_000 and q % 2 == 1):
        q += 1
    return q


def shipping_fen(supplier: Supplier, discounted_subtotal_fen: int) -> int:
    """The fee unless the discounted subtotal reaches free_over (None: always charged)."""
    free_over = supplier.free_over_fen
    if free_over is not None and discounted_subtotal_fen >= free_over:
        return 0
    return supplier.shipping_fee_fen
