"""Settle the day's lines per supplier: shipping, mixed-batch minimum, member tiers, budget.

A basket below free shipping either pulls forward items that would be ordered at the next
review anyway (when holding them a little longer costs less than the fee), or pays the fee
when waiting would lose more margin than the fee, or waits. A basket close to the next
member tier pulls forward items when the discount on the rest of the month's orders beats
holding them. A cash budget keeps the most urgent lines per fen.
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from shop_desk.money import round_half_even
from shop_desk.purchasing.pricing import tier_price
from shop_desk.reorder import lots
from shop_desk.reorder.quantile import demand_quantile
from shop_desk.reorder.review import Offer, Supplier
from shop_desk.reorder.sourcing import member_discount_bp

if TYPE_CHECKING:
    from shop_desk.reorder.policy import Plan, PlanLine

NEAR_TIER = 0.25  # pull forward for a member tier only within this share of the basket
BUDGET_TOO_SMALL = "budget_too_small"
BUDGET_TRIMMED = "budget_trimmed"


@dataclass(frozen=True, slots=True)
class Totals:
    """What one supplier order costs, as the supplier bills it (SIMULATION.md, Money)."""

    subtotal_fen: int
    discount_bp: int
    discounted_fen: int
    shipping_fen: int
    missing_to_free_fen: int  # 0 when shipping is free or cannot be made free

    @property
    def total_fen(self) -> int:
        return self.discounted_fen + self.shipping_fen


def totals(supplier: Supplier, month_spend_fen: int, subtotal_fen: int) -> Totals:
    bp = member_discount_bp(supplier, month_spend_fen)
    discounted = round_half_even(subtotal_fen * (10_000 - bp), 10_000)
    shipping, missing = 0, 0
    if supplier.shipping_fee_fen > 0 and subtotal_fen > 0:
        free = supplier.free_over_fen
        if free is None or discounted < free:
            shipping = supplier.shipping_fee_fen
            missing = 0 if free is None else free - discounted
    return Totals(subtotal_fen, bp, discounted, shipping, missing)


def settle(plan: Plan, inventory: np.ndarray) -> None:
    """Adjust plan.lines per supplier, then to the budget."""
    candidates = _Candidates(plan, inventory)
    for s in sorted({plan.state.offers[line.offer].supplier_id for line in plan.lines}):
        _settle_supplier(plan, s, candidates)
    if plan.state.budget_fen is not None:
        trim_to_budget(plan, plan.state.budget_fen)


def supplier_subtotal(plan: Plan, supplier_id: str, lines=None) -> tuple[int, int]:
    """(subtotal fen, packs) of the supplier's lines."""
    subtotal = packs = 0
    for line in plan.lines if lines is None else lines:
        if plan.state.offers[line.offer].supplier_id == supplier_id:
            subtotal += line.lot.cost_fen
            packs += line.lot.packs
    return subtotal, packs


def _settle_supplier(plan: Plan, s: str, candidates: _Candidates) -> None:
    state = plan.state
    sup = state.suppliers[s]
    spend = state.month_spend_fen.get(s, 0)
    subtotal, packs = supplier_subtotal(plan, s)
    t = totals(sup, spend, subtotal)
    short_fen, short_packs = _below_minimum(sup, t, packs)
    minimum_short = short_fen > 0 or short_packs > 0
    if (t.shipping_fen and t.missing_to_free_fen > 0) or minimum_short:
        target = t.missing_to_free_fen if t.shipping_fen else 0
        value_needed = max(_discount_inverse(target, t.discount_bp), short_fen)
        extra, cost = candidates.pull(s, value_needed, short_packs)
        reached = extra is not None
        if reached and (cost < t.shipping_fen or minimum_short):
            plan.lines.extend(extra)
        elif minimum_short:
            _drop_supplier(plan, s)  # the supplier will not take the order
            return
        else:
            risk = sum(line.urgency_fen for line in plan.lines if _sid(plan, line) == s)
            if risk < t.shipping_fen:
                _drop_supplier(plan, s)  # waiting loses less than the fee
                return
    _reach_member_tier(plan, s, candidates)


def _reach_member_tier(plan: Plan, s: str, candidates: _Candidates) -> None:
    state = plan.state
    sup = state.suppliers[s]
    spend = state.month_spend_fen.get(s, 0)
    subtotal, _ = supplier_subtotal(plan, s)
    t = totals(sup, spend, subtotal)
    after = spend + t.discounted_fen
    nxt = next(((sp, bp) for sp, bp in sup.member_tiers if sp > after), None)
    if nxt is None:
        return
    days_left = calendar.monthrange(state.today.year, state.today.month)[1] - state.today.day
    if days_left <= 0:
        return  # the tier would count from next month's first order: nothing to gain
    now_bp = member_discount_bp(sup, after)
    missing = _discount_inverse(nxt[0] - after, t.discount_bp)
    if missing > NEAR_TIER * t.subtotal_fen:
        return  # not near: pulling a large part of next week forward only moves stock
    # Reaching the tier now only helps the orders placed before it would be reached anyway.
    rest_of_month = candidates.daily_spend(s) * days_left
    gain = (nxt[1] - now_bp) / 10_000 * min(rest_of_month, missing)
    extra, cost = candidates.pull(s, missing, 0)
    if extra is not None and cost < gain:
        for line in extra:
            line.kind = "tier"
        plan.lines.extend(extra)


def _below_minimum(sup: Supplier, t: Totals, packs: int) -> tuple[int, int]:
    """(fen, packs) still missing to the mixed-batch minimum (0, 0 when it is met)."""
    fen = max(0, (sup.mixed_min_amount_fen or 0) - t.subtotal_fen)
    return fen, max(0, (sup.mixed_min_units or 0) - packs)


def _discount_inverse(discounted_fen: int, bp: int) -> int:
    """Subtotal whose discounted value is at least `discounted_fen`."""
    if discounted_fen <= 0:
        return 0
    return math.ceil(discounted_fen * 10_000 / max(10_000 - bp, 1))


def _sid(plan: Plan, line: PlanLine) -> str:
    return plan.state.offers[line.offer].supplier_id


def _drop_supplier(plan: Plan, s: str) -> None:
    plan.lines = [line for line in plan.lines if _sid(plan, line) != s]


class _Candidates:
    """Products that could be ordered a review early from their primary supplier.

    The amount pulled is what the next review would order; those closest to needing it
    come first. The cost of pulling is holding those units one review longer.
    """

    def __init__(self, plan: Plan, inventory: np.ndarray) -> None:
        self.plan = plan
        self.inventory = inventory
        state, fc = plan.state, plan.forecast
        n = len(state.products)
        review = max(state.review_days, 1)
        primary = plan.sources.primary
        safe = np.where(primary >= 0, primary, 0)
        lead = np.where(primary >= 0, plan.table.lead[safe], 0)
        cycle = np.where(primary >= 0, plan.sources.offer_cycle[safe], 1)
        days = lead + cycle + review
        mean = fc.mean_over(state.today, np.zeros(n, dtype=np.int64), days)
        service = np.array([p.service_level for p in state.products])
        self.next_level = demand_quantile(mean, fc.variance_over(mean, days), service)
        self.review = review
        self.used: set[int] = set()

    def daily_spend(self, s: str) -> float:
        plan = self.plan
        primary = plan.sources.primary
        rows = [r for r in np.nonzero(primary >= 0)[0] if plan.table.supplier(int(primary[r])) == s]
        return float(np.sum(plan.rate[rows] * plan.sources.unit_cost[primary[rows]]))

    def pull(self, s: str, value_fen: int, packs_needed: int):
        """Lines worth at least value_fen and packs_needed packs, and their holding cost;
        (None, inf) when the supplier's products cannot reach it."""
        from shop_desk.reorder.policy import EARLY, PlanLine, fit_shelf, room

        plan = self.plan
        inventory = self.inventory.copy()  # today's lines are already in it
        order = self._order(s)
        h = plan.state.holding_rate / 365.0
        extra, value, packs, cost = [], 0, 0, 0.0
        for row in order:
            if value >= value_fen and packs >= packs_needed:
                break
            o = int(plan.sources.primary[row])
            offer: Offer = plan.table.offers[o]
            units = float(self.next_level[row] - inventory[row])
            units = min(units, room(plan, row, o, inventory))
            if units < 0.5:
                continue
            missing = value_fen - value
            if packs >= packs_needed and missing > 0:  # only as much as the basket lacks
                units = min(units, max(missing / max(plan.sources.unit_cost[o], 1e-9), 0.01))
            n_packs = lots.packs_for_units(offer, units)
            price = tier_price(offer.tiers, n_packs)
            lot = lots.Lot(n_packs, n_packs * offer.pack_size, price, n_packs, price)
            lot = fit_shelf(plan, row, offer, lot, inventory)
            if lot is None:
                continue
            value += lot.cost_fen
            packs += lot.packs
            rate = max(float(plan.rate[row]), 1e-9)
            days = min(self.review, lot.units / rate)
            cost += lot.cost_fen * h * days
            extra.append(PlanLine(row, o, lot, EARLY, 0.0, units))
        if value < value_fen or packs < packs_needed:
            return None, math.inf
        for line in extra:
            self.inventory[line.row] += line.lot.units
        return extra, cost

    def _order(self, s: str) -> list[int]:
        plan = self.plan
        rows = [
            r
            for r, o in enumerate(plan.sources.primary)
            if o >= 0 and plan.table.supplier(int(o)) == s
        ]
        rate = np.maximum(plan.rate, 1e-9)
        slack = (self.inventory - plan.must) / rate  # days until it must be ordered
        near = [r for r in rows if slack[r] <= self.review]  # would be ordered next review
        return sorted(near, key=lambda r: slack[r])


def trim_to_budget(plan: Plan, budget_fen: int) -> None:
    """Keep the lines that avoid the most lost margin per fen, within the budget (shipping
    included); a line that does not fit whole is cut to the packs that fit."""
    state = plan.state
    order = sorted(plan.lines, key=lambda ln: -ln.urgency_fen / max(ln.lot.cost_fen, 1))
    kept: list[PlanLine] = []
    dropped: list[PlanLine] = []
    for line in order:
        offer = state.offers[line.offer]
        fitted = None
        for packs in _smaller_lots(offer, line.lot):
            trial = _with_packs(line, offer, packs)
            if _spend(plan, [*kept, trial]) <= budget_fen:
                fitted = trial
                break
        if fitted is None:
            dropped.append(line)
        else:
            kept.append(fitted)
    while kept and _spend(plan, kept) > budget_fen:  # a fee added late can break the sum
        dropped.append(kept.pop())
    if dropped:
        plan.notes.append(BUDGET_TOO_SMALL if not kept else BUDGET_TRIMMED)
    plan.lines = kept
    plan.dropped = dropped


def _smaller_lots(offer: Offer, lot: lots.Lot) -> list[int]:
    """Pack counts to try, largest first: the lot, its base lot, then down to the MOQ."""
    step = max(offer.multiple_packs, 1)
    smallest = lots.valid_packs(offer, 1)
    counts = [lot.packs, lot.base_packs, *range(lot.base_packs - step, smallest - 1, -step)]
    seen: list[int] = []
    for c in counts:
        if c >= smallest and c not in seen and c <= lot.packs:
            seen.append(c)
    return seen


def _with_packs(line: PlanLine, offer: Offer, packs: int) -> PlanLine:
    from shop_desk.reorder.policy import PlanLine

    if packs == line.lot.packs:
        return line
    price = tier_price(offer.tiers, packs)
    base = min(line.lot.base_packs, packs)
    lot = lots.Lot(packs, packs * offer.pack_size, price, base, tier_price(offer.tiers, base))
    return PlanLine(line.row, line.offer, lot, line.kind, line.urgency_fen, line.need_units)


def _spend(plan: Plan, lines) -> int:
    state = plan.state
    total = 0
    for s in {state.offers[line.offer].supplier_id for line in lines}:
        subtotal, _ = supplier_subtotal(plan, s, lines)
        total += totals(state.suppliers[s], state.month_spend_fen.get(s, 0), subtotal).total_fen
    return total
