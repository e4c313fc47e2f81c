"""The simulator never lets a policy see demand of the review day or later.

Two ways to catch a leak: (1) what the policy is given on day d is checked against the demand
file (history ends at d-1, warm-up history is the demand itself); (2) demand from day D on is
changed, and everything every policy saw and decided up to day D must stay the same.
"""

from __future__ import annotations

import dataclasses
import hashlib
from functools import cache

import numpy as np
import pytest

from shop_desk.reorder.minmax import MinMaxPolicy
from shop_desk.reorder.review import OrderLine, ReviewState
from shop_desk.simulate import load_shop, simulate
from tests.conftest import DATA

WARMUP = 56


@cache
def m5():
    """m5-dev's first 320 days: enough history, and quick."""
    shop = load_shop(DATA / "m5-dev")
    return dataclasses.replace(shop, demand=shop.demand[:, :320].copy())


class Recorder(MinMaxPolicy):
    """minmax, writing down a fingerprint of everything it was given and what it ordered."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple] = []
        self.states: list[ReviewState] = []

    def review(self, state: ReviewState) -> list[OrderLine]:
        lines = super().review(state)
        self.states.append(state)
        self.seen.append((state.today, fingerprint(state), tuple(lines)))
        return lines


def fingerprint(state: ReviewState) -> str:
    h = hashlib.sha256()
    for array in (state.sold, state.out_of_stock, state.on_hand):
        h.update(np.ascontiguousarray(array).tobytes())
        h.update(str(array.shape).encode())
    h.update(repr([[(x.units, x.arrived) for x in lots] for lots in state.lots]).encode())
    h.update(repr(state.open_lines).encode())
    h.update(repr(sorted(state.month_spend_fen.items())).encode())
    return h.hexdigest()


def test_history_ends_the_day_before_the_review():
    shop = m5()
    policy = Recorder()
    simulate(shop, policy, review_days=7, warmup_days=WARMUP)
    assert len(policy.states) == -(-(shop.n_days - WARMUP) // 7)
    for state in policy.states:
        d = (state.today - shop.first_day).days
        assert state.first_day == shop.first_day
        assert state.sold.shape == state.out_of_stock.shape == (len(shop.products), d)
        assert (state.sold[:, :WARMUP] == shop.demand[:, :WARMUP]).all()
        assert not state.out_of_stock[:, :WARMUP].any()
        assert (state.sold <= shop.demand[:, :d]).all()
    first = policy.states[0]
    assert (first.sold[:, -1] == shop.demand[:, WARMUP - 1]).all()


def test_the_policy_gets_read_only_views_of_one_history():
    policy = Recorder()
    simulate(m5(), policy, review_days=7, warmup_days=WARMUP)
    a, b = policy.states[0], policy.states[1]
    assert np.shares_memory(a.sold, b.sold)  # views of one array, not copies per day
    for array in (b.sold, b.out_of_stock, b.on_hand):
        with pytest.raises(ValueError):
            array[0, ...] = 1


@pytest.mark.parametrize("review_days", [1, 7])
def test_changing_demand_from_day_d_on_changes_nothing_decided_before(review_days):
    shop = m5()
    change = WARMUP + 147  # a review day at both periods: it must not know its demand
    rng = np.random.default_rng(5)
    demand = shop.demand.copy()
    demand[:, change:] = rng.poisson(demand[:, change:] + 1.5)
    changed = dataclasses.replace(shop, demand=demand)

    before, after = Recorder(), Recorder()
    simulate(shop, before, review_days=review_days, warmup_days=WARMUP)
    simulate(changed, after, review_days=review_days, warmup_days=WARMUP)
    day = shop.first_day + np.timedelta64(change, "D").astype(object)
    upto = [s for s in before.seen if s[0] <= day]
    assert upto and upto == [s for s in after.seen if s[0] <= day]
    # ... and the change is felt once its days have passed (the test has teeth).
    assert before.seen[len(upto)][1] != after.seen[len(upto)][1]
    assert [s[2] for s in before.seen] != [s[2] for s in after.seen]
