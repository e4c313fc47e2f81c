"""Baskets per supplier: the free-shipping threshold, pulling items forward, member tiers at
the month's turn, mixed-batch minimums and a cash budget."""

from __future__ import annotations

import datetime as dt

import reorder_states as rs

from shop_desk import i18n
from shop_desk.money import round_half_even
from shop_desk.reorder import basket
from shop_desk.reorder.policy import ShopDeskPolicy, suggest
from shop_desk.reorder.review import Supplier

SHOP = Supplier("s", lead_time_days=1, shipping_fee_fen=1000, free_over_fen=8000)


def test_free_shipping_from_exactly_the_threshold_after_discount():
    sup = Supplier("s", 1, shipping_fee_fen=1000, free_over_fen=15000, member_tiers=((0, 100),))
    assert basket.totals(sup, 0, 15152).discounted_fen == 15000  # 15000.48 rounds down
    assert basket.totals(sup, 0, 15152).shipping_fen == 0
    short = basket.totals(sup, 0, 15150)  # 14998.5 -> 14998 (half to even)
    assert (short.discounted_fen, short.shipping_fen, short.missing_to_free_fen) == (14998, 1000, 2)
    assert short.total_fen == 15998
    assert basket.totals(sup, 0, 0).shipping_fen == 0  # no order, no fee


def two(b_on_hand: int, a_retail: int = 100, **kw):
    """a: urgent and cheap (about 1,000 fen a week); b: dearer, on the shelf."""
    return rs.state(
        [rs.product("a", retail=a_retail), rs.product("b", retail=300)],
        [10, 10],
        [0, b_on_hand],
        [rs.offer("s", "a", [(1, 10)]), rs.offer("s", "b", [(1, 150)])],
        [kw.pop("supplier", SHOP)],
        **kw,
    )


def must_of_b() -> int:
    return int(ShopDeskPolicy().plan(two(0)).must[1])


def test_an_item_near_its_reorder_point_is_pulled_forward_to_free_shipping():
    plan = ShopDeskPolicy().plan(two(must_of_b() + 2))
    kinds = {(plan.state.products[ln.row].product_id, ln.kind) for ln in plan.lines}
    assert {("a", "order"), ("b", "early")} <= kinds
    summary = suggest(two(must_of_b() + 2)).suppliers[0]
    assert summary.shipping_fen == 0 and summary.subtotal_fen >= 8000


def test_the_fee_is_paid_when_nothing_is_near_and_waiting_would_lose_more():
    result = suggest(two(1000))
    assert [ln.product_id for ln in result.lines] == ["a"]
    summary = result.suppliers[0]
    assert summary.shipping_fen == 1000
    assert summary.missing_to_free_fen == 8000 - summary.subtotal_fen


def test_a_small_basket_waits_when_its_margin_is_worth_less_than_the_fee():
    assert ShopDeskPolicy().plan(two(1000, a_retail=12)).lines == []


def tiered(month_spend: int, today: dt.date):
    sup = Supplier("m", lead_time_days=1, member_tiers=((20000, 300),))
    return rs.state(
        [rs.product("c", retail=300), rs.product("d", retail=300)],
        [10, 10],
        [0, 1000],
        [rs.offer("m", "c", [(1, 100)]), rs.offer("m", "d", [(1, 100)])],
        [sup],
        today=today,
        month_spend={"m": month_spend},
    )


def test_a_member_tier_within_reach_pulls_items_forward_mid_month_only():
    mid = dt.date(2024, 3, 13)
    subtotal = suggest(tiered(0, mid)).suppliers[0].subtotal_fen
    near = 20000 - subtotal - 500
    # d is far from its reorder point: make it near by giving it little stock
    state = tiered(near, mid)
    state.on_hand[1] = int(ShopDeskPolicy().plan(state).must[1]) + 1
    plan = ShopDeskPolicy().plan(state)
    assert "tier" in {ln.kind for ln in plan.lines}
    last_day = tiered(near, dt.date(2024, 3, 31))
    last_day.on_hand[1] = state.on_hand[1]
    # on the month's last day the tier would only count for next month: nothing to gain
    assert "tier" not in {ln.kind for ln in ShopDeskPolicy().plan(last_day).lines}


def test_the_tier_counts_the_months_spend_before_the_order():
    mid = dt.date(2024, 3, 13)
    crossing = suggest(tiered(19900, mid)).suppliers[0]
    assert crossing.discount_bp == 0 and crossing.tier_bp_after == 300
    assert crossing.next_tier_missing_fen is None
    reached = suggest(tiered(25000, mid)).suppliers[0]
    assert reached.discount_bp == 300
    assert reached.discount_fen == reached.subtotal_fen - round_half_even(
        reached.subtotal_fen * 9700, 10000
    )
    # at the month's turn the spend starts again from zero: no discount on April 1st
    april = suggest(tiered(0, dt.date(2024, 4, 1))).suppliers[0]
    assert april.discount_bp == 0 and april.next_tier_missing_fen == 20000 - april.subtotal_fen
    assert april.next_tier_saving_fen == round_half_even(april.subtotal_fen * 300, 10000)


def test_a_mixed_batch_minimum_is_filled_or_the_order_waits():
    minimum = Supplier("s", lead_time_days=1, mixed_min_amount_fen=8000)
    near = two(must_of_b() + 2, supplier=minimum)
    assert ShopDeskPolicy().plan(near).lines  # b pulled forward to the minimum
    far = ShopDeskPolicy().plan(two(1000, supplier=minimum))
    assert far.lines == []  # 1,000 fen of a alone is not an order this supplier takes


def test_a_budget_smaller_than_one_pack_orders_nothing_and_says_so():
    result = suggest(two(0, budget_fen=9))
    assert result.lines == [] and result.dropped
    assert result.notes == ["The budget does not cover even one pack of the most urgent item."]


def test_a_budget_keeps_the_most_urgent_lines():
    must_b = must_of_b()
    full = suggest(two(must_b - 1, supplier=Supplier("s", 1)))
    cost = {ln.product_id: ln.line_cost_fen for ln in full.lines}
    assert set(cost) == {"a", "b"}
    trimmed = suggest(two(must_b - 1, supplier=Supplier("s", 1), budget_fen=cost["a"] + 100))
    assert [ln.product_id for ln in trimmed.lines] == ["a"]  # a is empty; b is nearly fine
    assert [ln.product_id for ln in trimmed.dropped] == ["b"] or trimmed.lines[0].packs
    assert trimmed.total_fen <= cost["a"] + 100
    assert trimmed.notes == ["1 lines left out to stay within the budget."]


def test_an_order_and_its_early_pull_on_one_offer_are_one_line():
    """The product is ordered and also pulled a review early to reach free shipping: the
    owner sees one line of the summed packs, priced at the tier they reach, and why."""
    sup = Supplier("s", lead_time_days=1, shipping_fee_fen=1000, free_over_fen=1500)
    state = rs.state(
        [rs.product("a", unit="瓶")], [10], [0], [rs.offer("s", "a", [(1, 10), (100, 9)])], [sup]
    )
    plan = ShopDeskPolicy().plan(state)
    order, early = ([ln for ln in plan.lines if ln.kind == k] for k in ("order", "early"))
    assert len(order) == len(early) == 1  # the policy's two lines on the same offer
    packs = order[0].lot.packs + early[0].lot.packs
    result = suggest(state)  # English (conftest)
    (line,) = result.lines
    assert (line.packs, line.units, line.kind) == (packs, packs, "order")
    assert line.line_cost_fen == packs * 9  # the 100-pack tier, as the order is billed
    assert line.urgency_fen == round(order[0].urgency_fen + early[0].urgency_fen)
    assert f"buy {packs} 瓶 at ¥0.09 per 瓶" in line.reason
    assert line.reason.endswith(
        f"; {early[0].lot.packs} 瓶 of them ordered a review early to fill the basket"
    )
    (summary,) = result.suppliers
    assert (summary.lines, summary.subtotal_fen) == (1, packs * 9)
    assert summary.shipping_fen == 0  # 1,503 fen: still over the threshold
    assert [(ln.sku, ln.packs) for ln in result.order_lines()] == [("S-a", packs)]
    i18n.set_language("zh_CN")
    try:
        chinese = suggest(state).lines[0].reason
    finally:
        i18n.set_language("en")
    assert chinese.endswith(f"；其中 {early[0].lot.packs} 瓶提前订货，凑满包邮或起批金额")
