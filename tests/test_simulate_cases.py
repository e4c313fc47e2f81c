"""Small shops worked out by hand: every figure below was computed on paper from SIMULATION.md.

Each shop has a 2-day warm-up, then a few simulated days; a scripted policy places the orders.
"""

from __future__ import annotations

import datetime as dt

import pytest

from shop_desk.reorder.review import OrderLine
from shop_desk.simulate import load_shop, simulate
from tests.sim_shop import Scripted, write_shop

FIRST = dt.date(2024, 3, 1)
WARMUP = 2
HOLD = 0.20 / 365


def run(folder, script, review_days=1, first=FIRST):
    policy = Scripted(WARMUP, first, script)
    result = simulate(load_shop(folder), policy, review_days=review_days, warmup_days=WARMUP)
    return result, policy


def test_fifo_serving_and_shelf_life_write_offs(tmp_path):
    """A (shelf life 3): start stock 28 at 60, 10 sold, then 5 bought at 50 arrive before a
    day of 20: the 18 old units go first, 2 new ones after, and the 3 left expire 3 days after
    they arrived. B (shelf life 2) sells nothing: its start stock of 7 expires on day 2."""
    folder = write_shop(
        tmp_path / "shop",
        products=[("A", "Milk", 100, 3), ("B", "Bread", 80, 2)],
        demand={"A": [4, 4, 10, 0, 0, 20, 0, 0], "B": [1, 1, 0, 0, 0, 0, 0, 0]},
        suppliers=[("S", 1, 300, 1000, "")],
        offers=[("S", "S-A", "A", 1, "1:60|5:50", 1, 1), ("S", "S-B", "B", 1, "1:30", 1, 1)],
    )
    result, _ = run(folder, {1: [OrderLine("S", "S-A", "A", 5)]})
    t = result.totals()
    a, b = result.per_product()
    # A's closing values: 18×60, 18×60, 18×60 + 5×50, 3×50, 3×50, 0 (written off).
    a_values = [1080, 1080, 1330, 150, 150, 0]
    b_values = [210, 210, 0, 0, 0, 0]
    assert (a["lost_units"], a["expired_units"], a["expired_fen"]) == (0, 3, 150)
    assert (b["expired_units"], b["expired_fen"]) == (7, 210)
    assert t["expired_fen"] == 360
    assert t["purchase_fen"] == 250 and t["shipping_fen"] == 300  # 250 is below 1000
    assert t["avg_stock_value_fen"] == round((sum(a_values) + sum(b_values)) / 6)
    assert t["holding_fen"] == round((sum(a_values) + sum(b_values)) * HOLD)
    assert result.ledger.holding[0] == pytest.approx(sum(a_values) * HOLD)
    assert t["revenue_fen"] == 30 * 100
    start = 28 * 60 + 7 * 30
    holding = (sum(a_values) + sum(b_values)) * HOLD
    assert t["profit_fen"] == round(3000 - 250 - 300 - holding + 0 - start)
    assert t["fill_rate"] == 1.0 and t["orders"] == 1 and t["order_lines"] == 1


def test_out_of_stock_history_is_what_the_policy_sees(tmp_path):
    """On hand 0 at the close after write-offs marks the day; warm-up days are never out."""
    folder = write_shop(
        tmp_path / "shop",
        products=[("B", "Bread", 80, 2)],
        demand={"B": [1, 1, 3, 9, 0, 0]},
        suppliers=[("S", 1, 0, "", "")],
        offers=[("S", "S-B", "B", 1, "1:30", 1, 1)],
    )
    result, policy = run(folder, {})
    last = policy.states[-1]
    # Start 7: day 2 sells 3, day 3 sells the other 4 of 9 (5 lost), then nothing is left.
    assert last.sold.tolist() == [[1, 1, 3, 4, 0]]
    assert last.out_of_stock.tolist() == [[False, False, False, True, True]]
    assert result.totals()["stockout_product_days"] == 1  # days with lost units, not empty days


def test_lost_margin_uses_the_start_price_until_the_first_purchase(tmp_path):
    """C starts with no stock. Its start price is the lowest unit price at an MOQ: T sells 2 for
    70 = 35 each (below S's 40). 3 units lost on day 0 cost 3 × (100 − 35); after buying 2 at 40
    the 3 lost on day 3 cost 3 × (100 − 40)."""
    folder = write_shop(
        tmp_path / "shop",
        products=[("C", "Soap", 100, "")],
        demand={"C": [0, 0, 3, 0, 0, 5]},
        suppliers=[("S", 1, 0, "", ""), ("T", 9, 0, "", "")],
        offers=[("S", "S-C", "C", 1, "1:40", 1, 1), ("T", "T-C", "C", 2, "1:70|3:60", 1, 1)],
    )
    result, _ = run(folder, {1: [OrderLine("S", "S-C", "C", 2)]})
    c = result.per_product()[0]
    assert c["lost_units"] == 6
    assert c["lost_margin_fen"] == 3 * 65 + 3 * 60
    assert result.totals()["fill_rate"] == pytest.approx(2 / 8)


def test_average_purchase_price_is_weighted_by_units_and_updated_when_ordering(tmp_path):
    """Bought 4 at 40, 3 sold; then 1 pack of 2 at 70 (35 each): average (160 + 70) / 6. The
    order of day 2 is placed before day 2's customers, so day 2's lost unit already uses it."""
    folder = write_shop(
        tmp_path / "shop",
        products=[("C", "Soap", 100, "")],
        demand={"C": [0, 0, 0, 3, 2]},
        suppliers=[("S", 1, 0, "", ""), ("T", 5, 0, "", "")],
        offers=[("S", "S-C", "C", 1, "1:40", 1, 1), ("T", "T-C", "C", 2, "1:70", 1, 1)],
    )
    result, _ = run(
        folder, {0: [OrderLine("S", "S-C", "C", 4)], 2: [OrderLine("T", "T-C", "C", 1)]}
    )
    c = result.per_product()[0]
    assert (c["lost_units"], c["lost_margin_fen"]) == (1, round(100 - 230 / 6))
    assert c["purchase_fen"] == 230


def test_member_discount_from_the_months_earlier_spend_and_its_reset(tmp_path):
    """Member tiers 1000 → 1 %, 3000 → 3 %; shipping 500 below 2000 after discount.

    Jan 30: 10 × 100 = 1000, no spend yet: pays 1000 + 500 shipping; January spend 1000.
    Jan 31: 20 × 100 = 2000 at 1 % = 1980, still below 2000: shipping again; spend 2980.
    Feb 1:  a new month: 30 × 100 = 3000 at 0 % = 3000, free shipping; February spend 3000.
    Feb 2:  10 × 100 + 1 × 50 = 1050 at 3 % = 1018.5, half to even 1018, plus shipping.
    Feb 3:  10 × 100 + 3 × 50 = 1150 at 3 % = 1115.5, half to even 1116, plus shipping."""
    first = dt.date(2024, 1, 28)
    folder = write_shop(
        tmp_path / "shop",
        products=[("P", "Rice", 300, ""), ("Q", "Salt", 90, "")],
        demand={"P": [0] * 7, "Q": [0] * 7},
        suppliers=[("M", 2, 500, 2000, "1000:100|3000:300")],
        offers=[("M", "M-P", "P", 1, "1:100", 1, 1), ("M", "M-Q", "Q", 1, "1:50", 1, 1)],
        first=first,
    )
    p = lambda n: OrderLine("M", "M-P", "P", n)  # noqa: E731
    q = lambda n: OrderLine("M", "M-Q", "Q", n)  # noqa: E731
    script = {0: [p(10)], 1: [p(20)], 2: [p(30)], 3: [p(10), q(1)], 4: [q(3), p(10)]}
    result, policy = run(folder, script, first=first)
    orders = [(o.day.isoformat(), o.discount_bp, o.paid_fen, o.shipping_fen) for o in result.orders]
    assert orders == [
        ("2024-01-30", 0, 1000, 500),
        ("2024-01-31", 100, 1980, 500),
        ("2024-02-01", 0, 3000, 0),
        ("2024-02-02", 300, 1018, 500),
        ("2024-02-03", 300, 1116, 500),
    ]
    assert [s.month_spend_fen for s in policy.states] == [
        {},
        {"M": 1000},
        {},
        {"M": 3000},
        {"M": 4018},
    ]
    t = result.totals()
    assert t["purchase_fen"] == 1000 + 1980 + 3000 + 1018 + 1116
    assert t["shipping_fen"] == 4 * 500
    assert (t["orders"], t["order_lines"]) == (5, 7)
    # Stock is valued at the discounted unit price, unrounded; shipping is not spread over it.
    p_value = 1000 + 2000 * 0.99 + 3000 + 2000 * 0.97
    q_value = 50 * 0.97 + 150 * 0.97
    assert result.ledger.end_value.tolist() == pytest.approx([p_value, q_value])
    # Orders due after the last day are still on the shop's books (in transit).
    assert result.ledger.end_units.tolist() == [80, 4]


def test_free_shipping_threshold_is_reached_at_exactly_free_over(tmp_path):
    """free_over 1000: 1000 ships free, 999 pays the fee; a tier price counts, not the first."""
    folder = write_shop(
        tmp_path / "shop",
        products=[("P", "Rice", 300, "")],
        demand={"P": [0, 0, 0, 0, 0]},
        suppliers=[("S", 1, 700, 1000, "")],
        offers=[("S", "S-P", "P", 1, "1:111|10:100", 1, 1), ("S", "S-9", "P", 9, "1:999", 1, 1)],
    )
    script = {0: [OrderLine("S", "S-P", "P", 10)], 1: [OrderLine("S", "S-9", "P", 1)]}
    result, _ = run(folder, script)
    assert [(o.subtotal_fen, o.shipping_fen) for o in result.orders] == [(1000, 0), (999, 700)]


def test_moq_and_multiples_and_lead_time(tmp_path):
    """Packs honour MOQ and multiple; a 3-day lead time puts the lot on hand on day 3."""
    folder = write_shop(
        tmp_path / "shop",
        products=[("P", "Rice", 300, "")],
        demand={"P": [0, 0, 1, 1, 1, 1, 1, 1]},
        suppliers=[("S", 3, 0, "", "")],
        offers=[("S", "S-P", "P", 6, "2:600", 2, 2)],
    )
    result, policy = run(folder, {0: [OrderLine("S", "S-P", "P", 4)]})
    # No warm-up sales: no start stock, so the first 3 days' customers leave empty-handed.
    on_hand = [int(s.on_hand[0]) for s in policy.states]
    open_units = [sum(x.units for x in s.open_lines) for s in policy.states]
    assert open_units == [0, 24, 24, 0, 0, 0]  # the review of day 0 comes before its order
    assert on_hand == [0, 0, 0, 24, 23, 22]
    assert result.totals()["lost_units"] == 3
    assert policy.states[1].open_lines[0].due == FIRST + dt.timedelta(days=WARMUP + 3)
    assert result.totals()["purchase_fen"] == 4 * 600


def test_no_lead_time_stock_serves_the_same_day(tmp_path):
    folder = write_shop(
        tmp_path / "shop",
        products=[("P", "Rice", 300, "")],
        demand={"P": [0, 0, 5]},
        suppliers=[("S", 0, 0, "", "")],
        offers=[("S", "S-P", "P", 1, "1:100", 1, 1)],
    )
    result, policy = run(folder, {0: [OrderLine("S", "S-P", "P", 5)]})
    assert result.totals()["fill_rate"] == 1.0
    assert policy.states[0].open_lines == []


def test_lots_given_to_the_policy(tmp_path):
    """Lots oldest first, with the day they arrived and the day they are written off."""
    folder = write_shop(
        tmp_path / "shop",
        products=[("A", "Milk", 100, 3), ("C", "Soap", 100, "")],
        demand={"A": [1, 1, 0, 0, 0, 0, 0], "C": [0, 0, 0, 0, 0, 0, 0]},
        suppliers=[("S", 1, 0, "", "")],
        offers=[("S", "S-A", "A", 2, "1:120", 1, 1), ("S", "S-C", "C", 1, "1:10", 1, 1)],
    )
    _, policy = run(
        folder, {0: [OrderLine("S", "S-A", "A", 1)], 1: [OrderLine("S", "S-C", "C", 3)]}
    )
    day = lambda n: FIRST + dt.timedelta(days=WARMUP + n)  # noqa: E731
    lots = policy.states[2].lots
    assert [(x.units, x.arrived, x.expires) for x in lots[0]] == [
        (7, day(0), day(3)),
        (2, day(1), day(4)),
    ]
    assert [(x.units, x.arrived, x.expires) for x in lots[1]] == [(3, day(2), None)]
    assert len(lots) == 2 and [len(x) for x in lots] == [2, 1]
    assert [len(x) for x in policy.states[4].lots] == [1, 1]  # the start lot was written off
    units, arrived = lots.as_arrays()
    assert units[:, :2].tolist() == [[7, 2], [3, 0]]
    assert arrived[:, :2].tolist() == [[WARMUP, WARMUP + 1], [WARMUP + 2, -1]]
