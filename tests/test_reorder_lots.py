"""Lot sizing: MOQ, order multiples, packs, price tiers against holding, shelf life caps."""

from __future__ import annotations

import numpy as np
import pytest

from shop_desk.reorder import lots
from shop_desk.reorder.review import Offer, Tier


def offer(tiers, pack=1, moq=1, multiple=1) -> Offer:
    return Offer(
        supplier_id="s",
        sku="k",
        product_id="p",
        pack_size=pack,
        tiers=tuple(Tier(m, price) for m, price in tiers),
        moq_packs=moq,
        multiple_packs=multiple,
    )


def test_a_tier_exactly_at_the_moq_prices_the_smallest_lot():
    o = offer([(1, 100), (5, 90)], moq=5)
    lot = lots.size_lot(o, need_units=1, rate=0.1)
    assert (lot.packs, lot.pack_price_fen, lot.cost_fen) == (5, 90, 450)
    assert lot.saving_fen == 0  # the MOQ is the base lot, not a move up


def test_packs_are_raised_to_the_moq_then_to_the_multiple():
    assert lots.valid_packs(offer([(1, 100)], moq=4, multiple=3), 1) == 6
    assert lots.valid_packs(offer([(1, 100)], moq=1, multiple=6), 7) == 12
    assert lots.valid_packs(offer([(1, 100)], moq=1, multiple=6), 12) == 12
    o = offer([(1, 1200)], pack=12, multiple=2)
    assert lots.packs_for_units(o, 13) == 2  # 13 units -> 2 cases of 12 (a multiple of 2)
    assert lots.packs_for_units(o, 25) == 4
    assert lots.packs_for_units(o, 0) == 0


def test_moving_up_a_tier_when_the_saving_beats_holding():
    o = offer([(1, 100), (50, 95)])
    # 10 a day: 50 units wait 2.5 days on average; 5 fen off a unit beats 0.013 fen holding
    lot = lots.size_lot(o, need_units=20, rate=10, max_cover_days=7)
    assert (lot.packs, lot.pack_price_fen, lot.base_packs) == (50, 95, 20)
    assert lot.saving_fen == 50 * 5


def test_no_move_when_holding_the_extra_stock_costs_more():
    o = offer([(1, 100), (50, 95)])
    # 0.1 a day: 50 units wait 250 days on average, 95 * 0.2 * 250 / 365 = 13 fen a unit
    lot = lots.size_lot(o, need_units=2, rate=0.1)
    assert (lot.packs, lot.pack_price_fen) == (2, 100)


def test_small_batches_by_default_and_never_past_shelf_life():
    o = offer([(1, 100), (50, 95)])
    assert lots.size_lot(o, 20, rate=5, max_cover_days=7).packs == 20  # 50 is 10 days
    assert lots.size_lot(o, 20, rate=10, max_units=40).packs == 20  # 50 would expire
    # the smallest lot is still offered when even it breaks the cap (nothing smaller exists)
    case = offer([(1, 1200)], pack=12)
    assert lots.size_lot(case, 2, rate=0.05, max_units=3).units == 12


def test_unit_cost_with_member_discount_and_pack_conversion():
    o = offer([(1, 5100), (5, 4800)], pack=24)
    assert lots.unit_cost(o, 1) == pytest.approx(5100 / 24)
    assert lots.unit_cost(o, 5, discount_bp=300) == pytest.approx(4800 * 0.97 / 24)


def test_typical_lots_agrees_with_size_lot_for_every_offer():
    offers = [
        offer([(1, 100), (5, 90), (20, 80)], pack=6),
        offer([(1, 100), (50, 95)]),
        offer([(3, 700)], pack=12, moq=3, multiple=3),
        offer([(1, 100), (50, 95)]),
    ]
    need = np.array([7.0, 20.0, 1.0, 2.0])
    rate = np.array([4.0, 10.0, 0.5, 0.1])
    cap = np.array([np.inf, 70.0, np.inf, np.inf])
    packs, unit = lots.typical_lots(lots.OfferArrays.of(offers), need, rate, 0.2, np.zeros(4), cap)
    for i, o in enumerate(offers):
        expect = lots.size_lot(o, need[i], rate[i], max_units=cap[i])
        assert packs[i] == expect.packs
        assert unit[i] == pytest.approx(expect.pack_price_fen / o.pack_size)
