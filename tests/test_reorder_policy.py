"""The Shop Desk policy on small review states: levels, sources, top-ups, expiry, probes,
and the suggestions the owner reads."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest
import reorder_states as rs

from shop_desk import i18n
from shop_desk.reorder import policy
from shop_desk.reorder.policy import ShopDeskPolicy, suggest
from shop_desk.reorder.review import Lot, OpenLine, Supplier


def two_sources(pid="cola", rate=10, on_hand=40, retail=300, **kw):
    """A steady seller with a cheap slow factory (cases of 12) and a dear quick distributor."""
    return rs.state(
        [rs.product(pid, retail=retail, unit=kw.pop("unit", ""))],
        [rate],
        [on_hand],
        [
            rs.offer("factory", pid, [(1, 12 * 180), (5, 12 * 171)], pack=12),
            rs.offer("distributor", pid, [(1, 216)]),
        ],
        [rs.FACTORY, rs.DISTRIBUTOR],
        **kw,
    )


def test_orders_from_the_cheapest_source_up_to_its_level():
    state = two_sources(on_hand=60)
    plan = ShopDeskPolicy().plan(state)
    assert state.offers[plan.sources.primary[0]].supplier_id == "factory"
    orders = [ln for ln in plan.lines if ln.kind == policy.ORDER]
    assert [state.offers[ln.offer].supplier_id for ln in orders] == ["factory"]
    # the position after ordering covers at least the mean demand of lead time + a week
    position = 60 + sum(ln.lot.units for ln in plan.lines)
    assert position >= 10 * (5 + 7)
    assert position <= plan.level[0] + 12 + 12  # not more than the level and a case or two


def test_no_order_while_the_stock_lasts():
    plan = ShopDeskPolicy().plan(two_sources(on_hand=400))
    assert plan.lines == []


def test_a_quick_source_tops_up_until_the_slow_delivery_lands():
    plan = ShopDeskPolicy().plan(two_sources(on_hand=5))
    kinds = {(ln.kind, plan.state.offers[ln.offer].supplier_id) for ln in plan.lines}
    assert ("topup", "distributor") in kinds
    top = next(ln for ln in plan.lines if ln.kind == "topup")
    # 5 days until the factory lands at 10 a day, 5 on the shelf
    assert 30 <= top.lot.units <= 60


def test_an_order_already_on_its_way_counts():
    due = rs.TODAY + dt.timedelta(days=2)
    line = OpenLine("cola", "factory", "F-cola", 120, due)
    without = ShopDeskPolicy().plan(two_sources(on_hand=60))
    with_open = ShopDeskPolicy().plan(two_sources(on_hand=60, open_lines=[line]))
    assert sum(ln.lot.units for ln in with_open.lines) < sum(ln.lot.units for ln in without.lines)


def perishable(lots_on_hand: list[Lot], on_hand: int):
    return rs.state(
        [rs.product("milk", retail=600, shelf_life_days=10)],
        [10],
        [on_hand],
        [rs.offer("distributor", "milk", [(1, 400)])],
        [rs.DISTRIBUTOR],
        lots=[lots_on_hand],
    )


def test_stock_that_expires_before_it_sells_is_not_counted():
    arrived = rs.TODAY - dt.timedelta(days=9)
    fresh = perishable([Lot(150, arrived, rs.TODAY + dt.timedelta(days=20))], 150)
    stale = perishable([Lot(150, arrived, rs.TODAY + dt.timedelta(days=1))], 150)
    assert ShopDeskPolicy().plan(fresh).lines == []
    plan = ShopDeskPolicy().plan(stale)
    # 10 a day sells 20 by tomorrow's close: 130 will be written off and must be replaced
    assert plan.position.expiring[0] == pytest.approx(130)
    assert plan.lines and plan.lines[0].lot.units >= 60


def test_a_new_lot_never_buys_past_its_shelf_life():
    state = rs.state(
        [rs.product("bread", retail=600, shelf_life_days=3)],
        [10],
        [0],
        [rs.offer("distributor", "bread", [(1, 400), (100, 300)])],
        [rs.DISTRIBUTOR],
    )
    plan = ShopDeskPolicy().plan(state)
    # the 100-piece tier is far cheaper but 4 days of sales spoil bread that keeps 3
    assert all(ln.lot.units <= 40 for ln in plan.lines)


def kite(distributor):
    return rs.state(
        [rs.product("kite")],
        [0],
        [0],
        [
            rs.offer("factory", "kite", [(1, 12 * 50)], pack=12),
            rs.offer("distributor", "kite", [(1, 60)]),
        ],
        [rs.FACTORY, distributor],
        out_of_stock=np.ones((1, 120), dtype=bool),
    )


def test_a_product_long_out_of_stock_is_probed_with_the_smallest_lot():
    # nothing sold for 120 days, but the shelf was empty: demand unknown, not zero
    free = Supplier("distributor", lead_time_days=1)
    plan = ShopDeskPolicy().plan(kite(free))
    assert [(ln.kind, ln.lot.units) for ln in plan.lines] == [("probe", 1)]
    # alone in a basket that would pay a shipping fee for a product never seen selling,
    # the probe waits for an order to that supplier
    assert ShopDeskPolicy().plan(kite(rs.DISTRIBUTOR)).lines == []


def test_review_returns_orderable_lines_merged_per_offer():
    state = rs.state(
        [rs.product("tea", retail=500)],
        [30],
        [0],
        [rs.offer("factory", "tea", [(1, 6 * 300)], pack=6, moq=2, multiple=2)],
        [rs.FACTORY],
    )
    lines = ShopDeskPolicy().review(state)
    assert len(lines) == 1
    assert lines[0].packs >= 2 and lines[0].packs % 2 == 0
    assert (lines[0].supplier_id, lines[0].sku, lines[0].product_id) == ("factory", "F-tea", "tea")


def test_suggestions_explain_each_line_in_the_owners_language():
    state = two_sources(on_hand=6, rate=4, unit="瓶")
    i18n.set_language("zh_CN")
    zh = suggest(state)
    i18n.set_language("en")
    en = suggest(state)
    line = next(ln for ln in zh.lines if ln.kind == "order")
    assert line.reason.startswith("卖约 4 瓶/天，剩 6 瓶，5 天到货；买 ")
    assert "瓶" in line.reason and "¥" in line.reason
    assert next(ln for ln in en.lines if ln.kind == "order").reason.startswith(
        "Sells about 4 瓶/day, 6 瓶 left, arrives in 5 days; buy "
    )
    assert line.units == line.packs * line.pack_size
    assert line.line_cost_fen > 0 and line.unit_price_fen > 0
    assert line.cover_days is not None and line.cover_days > 0
    summary = {s.supplier_id: s for s in zh.suppliers}
    assert (
        summary["factory"].total_fen
        == (summary["factory"].subtotal_fen - summary["factory"].discount_fen)
        + summary["factory"].shipping_fen
    )
    assert zh.total_fen == sum(s.total_fen for s in zh.suppliers)
    data = json.loads(json.dumps(zh.to_dict(), ensure_ascii=False))
    assert data["lines"][0]["arrives"] >= rs.TODAY.isoformat()
    assert {(o.supplier_id, o.sku) for o in zh.order_lines()} == {
        (ln.supplier_id, ln.sku) for ln in zh.lines
    }


def test_a_tier_move_says_what_it_saves():
    state = rs.state(
        [rs.product("rice", retail=500)],
        [20],
        [100],
        [rs.offer("distributor", "rice", [(1, 300), (100, 270)])],
        [rs.DISTRIBUTOR],
    )
    result = suggest(state)
    line = result.lines[0]
    assert line.packs == 100  # 5 days of sales, within a week: worth ¥0.30 a bag
    assert "at ¥2.70 per pcs, saving ¥30.00 over" in line.reason  # 100 x 0.30


def test_policy_keeps_fitted_methods_between_reviews_and_refits_when_stale():
    pol = ShopDeskPolicy(policy.Settings(refit_days=7))
    first = two_sources(on_hand=60)
    pol.review(first)
    fitted = pol.fitted
    assert fitted is not None and fitted.product_ids == ("cola",)
    later = two_sources(on_hand=60, today=rs.TODAY + dt.timedelta(days=3), days=123)
    pol.review(later)
    assert pol.fitted is fitted  # 3 days later: the cached fit
    stale = two_sources(on_hand=60, today=rs.TODAY + dt.timedelta(days=8), days=128)
    pol.review(stale)
    assert pol.fitted is not fitted


def test_a_new_shop_with_days_of_history_and_a_product_without_offers():
    state = rs.state(
        [rs.product("new", retail=300), rs.product("orphan", retail=300)],
        [6, 2],
        [0, 0],
        [rs.offer("distributor", "new", [(1, 200)])],
        [rs.DISTRIBUTOR],
        days=3,
    )
    result = suggest(state)
    assert [ln.product_id for ln in result.lines] == ["new"]  # orphan has nothing to buy
    empty = rs.state([], [], [], [], [rs.DISTRIBUTOR], days=0)
    assert ShopDeskPolicy().review(empty) == []
