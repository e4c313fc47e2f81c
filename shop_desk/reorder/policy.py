"""The Shop Desk reorder policy: order-up-to levels, top-ups, lots and baskets.

Each product is bought from its cheapest landed source (sourcing.py). On a review its
inventory position (usable on hand + on order, stock that will expire unsold not counted) is
raised to the quantile of demand over lead time + the supplier's order cycle at the product's
service level. When the primary source is slow, a quicker one tops up what would run short
before the slow delivery lands, at the service level its extra cost justifies. Lines are then
sized into lots (lots.py) and settled per supplier (basket.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from shop_desk.purchasing.pricing import tier_price
from shop_desk.reorder import basket, demand, forecast, lots, position, sourcing
from shop_desk.reorder.quantile import demand_quantile, expected_shortage, fill_rate_level
from shop_desk.reorder.review import OrderLine, ReviewState

ORDER, TOPUP, EARLY, PROBE = "order", "topup", "early", "probe"  # why a line is there


@dataclass(frozen=True, slots=True)
class Settings:
    refit_days: int = 28  # refit forecast methods after this many days (cached between)
    eval_days: int = 365  # back-test origins
    max_cover_days: float | None = 7.0  # a price tier never buys more days of demand
    source_days: int = 7  # re-choose sources after this many days (cached between)
    probe_days: int = 14  # out of stock this long with no demand seen: try one small lot
    service: str = "fill"  # a product's service level is its fill rate ("cycle": P(no stock-out))
    horizon_days: int = 400  # longest look ahead for expiry
    history_days: int = 365  # days a forecast runs over (SES at 0.05 forgets in a year)


@dataclass(slots=True)
class PlanLine:
    row: int  # product row
    offer: int  # offer index in state.offers
    lot: lots.Lot
    kind: str  # ORDER, TOPUP or EARLY
    urgency_fen: float  # expected lost margin this line avoids by ordering today
    need_units: float  # units the line was sized for (before packs and tiers)


@dataclass(slots=True)
class Plan:
    """Everything a review decided, with what explains it."""

    state: ReviewState
    settings: Settings
    forecast: forecast.Forecast
    table: sourcing.OfferTable
    sources: sourcing.Sourcing
    position: position.Position
    rate: np.ndarray  # [n] expected units per day over the coming week
    cumulative: np.ndarray  # [n, H+1] expected demand from today
    level: np.ndarray  # [n] order-up-to level at the primary source
    must: np.ndarray  # [n] below this the primary must be ordered today
    lines: list[PlanLine] = field(default_factory=list)
    dropped: list[PlanLine] = field(default_factory=list)  # trimmed by the budget
    notes: list[str] = field(default_factory=list)  # message keys for the whole list

    def order_lines(self) -> list[OrderLine]:
        merged: dict[tuple[str, str], tuple[str, int]] = {}
        for line in self.lines:
            offer = self.state.offers[line.offer]
            key = (offer.supplier_id, offer.sku)
            packs = merged.get(key, (offer.product_id, 0))[1] + line.lot.packs
            merged[key] = (offer.product_id, packs)
        return [
            OrderLine(supplier_id=s, sku=sku, product_id=pid, packs=packs)
            for (s, sku), (pid, packs) in merged.items()
            if packs > 0
        ]


def fit(state: ReviewState, settings: Settings = Settings()) -> forecast.FittedMethods:
    """Back-test and choose each product's forecast method (the background job)."""
    horizon = 7 + max(state.review_days, 1)
    leads = [s.lead_time_days for s in state.suppliers.values()]
    if leads:
        horizon = int(np.median(leads)) + max(state.review_days, 1)
    return forecast.fit_methods(
        state.sold,
        state.out_of_stock,
        state.first_day,
        [p.product_id for p in state.products],
        horizon=horizon,
        eval_days=settings.eval_days,
    )


def make_forecast(state: ReviewState, fitted: forecast.FittedMethods | None) -> forecast.Forecast:
    method, alpha, beta, spread = _methods(state, fitted)
    start = max(0, state.sold.shape[1] - Settings().history_days)
    return forecast.ForecastRunner(
        state.sold, state.out_of_stock, state.first_day, method, alpha, beta, spread, start=start
    ).forecast()


def _methods(state: ReviewState, fitted: forecast.FittedMethods | None):
    ids = [p.product_id for p in state.products]
    if fitted is not None:
        return fitted.aligned(ids)
    n = len(ids)
    return (
        np.full(n, forecast.DEFAULT[0], dtype=np.int8),
        np.full(n, forecast.DEFAULT[1]),
        np.full(n, forecast.DEFAULT[2]),
        np.full(n, np.nan),
    )


def make_plan(
    state: ReviewState,
    fc: forecast.Forecast,
    settings: Settings = Settings(),
    sources: sourcing.Sourcing | None = None,
    table: sourcing.OfferTable | None = None,
) -> Plan:
    """Decide today's lines for every product, then settle them per supplier."""
    n = len(state.products)
    table = table or sourcing.offer_table(state)
    week = np.full(n, 7)
    rate = fc.mean_over(state.today, np.zeros(n, dtype=np.int64), week) / 7.0
    cumulative = _cumulative(state, fc, table, settings)
    shelf = table.line_life
    product_life = np.array(
        [np.inf if p.shelf_life_days is None else p.shelf_life_days for p in state.products]
    )
    pos = position.stock_position(state, cumulative, product_life, shelf)
    service = np.array([p.service_level for p in state.products])
    if sources is not None:  # cached: only the member discounts move within a month
        sources.discount_bp = {
            s: sourcing.member_discount_bp(sup, state.month_spend_fen.get(s, 0))
            for s, sup in state.suppliers.items()
        }
    else:
        sources = sourcing.choose_sources(
            state,
            table,
            rate,
            _safety_per_offer(state, fc, table, service),
            max_cover_days=settings.max_cover_days,
        )
    plan = Plan(
        state, settings, fc, table, sources, pos, rate, cumulative, np.zeros(n), np.zeros(n)
    )
    inventory = pos.inventory.astype(np.float64)
    _levels(plan, service)
    due = _due_suppliers(plan, inventory)
    inventory = _topups(plan, service, inventory)
    _orders(plan, inventory, due, settings)
    _probes(plan, inventory, due, settings)
    basket.settle(plan, inventory)
    return plan


def _cumulative(state, fc, table, settings) -> np.ndarray:
    """Expected demand from today over as many days as expiry or cycles can reach."""
    finite = table.life[np.isfinite(table.life)]
    longest = int(finite.max()) if finite.size else 0
    lead = int(table.lead.max()) if table.lead.size else 0
    days = min(settings.horizon_days, longest + lead + 2 * sourcing.MAX_CYCLE_DAYS + 2)
    n = len(state.products)
    rolled = np.roll(fc.profile, -state.today.weekday(), axis=1)
    reps = days // 7 + 1
    daily = fc.level[:, None] * np.tile(rolled, (1, reps))[:, :days]
    return position.expected_cumulative(daily.reshape(n, days))


def _safety_per_offer(state, fc, table, service) -> np.ndarray:
    """Safety stock each offer's lead time + review would need (for comparing sources)."""
    rows = np.maximum(table.product_row, 0)
    days = table.lead + max(state.review_days, 1)
    mean = fc.level[rows] * days
    sd = np.sqrt(fc.dispersion[rows] * mean * (1 + days * fc.alpha[rows] / (2 - fc.alpha[rows])))
    q = demand_quantile(mean, sd * sd, service[rows])
    return np.maximum(q - mean, 0.0)


def _primary_arrays(plan: Plan) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per product: primary offer (0 where none), its lead time and its supplier's cycle."""
    p = plan.sources.primary
    has = p >= 0
    safe = np.where(has, p, 0)
    lead = np.where(has, plan.table.lead[safe], 0)
    cycle = np.where(has, plan.sources.offer_cycle[safe], 1)
    return safe, lead, cycle


def _levels(plan: Plan, service: np.ndarray) -> None:
    """Order-up-to level (lead time + the supplier's cycle) and reorder point (lead time +
    review period) at the primary source. A product is ordered when its position falls
    below the reorder point, up to the level; when the review period is the cycle, the
    two are the same (an order-up-to policy)."""
    state = plan.state
    _, lead, cycle = _primary_arrays(plan)
    review = max(state.review_days, 1)
    display = np.array([p.min_display_qty for p in state.products])
    mean, level = _level_for(plan, service, lead, lead + cycle, cycle)
    plan.level = np.maximum(level, np.where(display > 0, np.ceil(mean) + display, 0))
    span = lead + np.minimum(review, cycle)
    _, must = _level_for(plan, service, lead, span, np.minimum(review, cycle))
    plan.must = np.minimum(np.maximum(must, np.where(display > 0, display, 0)), plan.level)


def _level_for(plan: Plan, service, lead, span, cycle) -> tuple[np.ndarray, np.ndarray]:
    """(mean demand, level) covering `span` days at the service level.

    Without a quicker source the level serves demand over the span at the product's fill
    rate. With one, only the days before a top-up placed at the next review could land
    need protecting; later days need their mean, since a shortfall there is topped up then
    (the dual-index idea: the slow source carries the mean, the quick one the risk).
    """
    fc, today = plan.forecast, plan.state.today
    n = len(plan.rate)
    zero = np.zeros(n, dtype=np.int64)
    # protect as far as a weekly review's top-up would: reviewing more often must not make
    # the level thinner (a lump of demand a thin shelf cannot serve is lost, not topped up)
    reach = _topup_reach(plan, max(plan.state.review_days, sourcing.MIN_CYCLE_DAYS))
    risky = np.minimum(span, reach)
    mean = fc.mean_over(today, zero, span)
    mean_r = fc.mean_over(today, zero, risky)
    if plan.settings.service == "cycle":
        base = demand_quantile(mean_r, fc.variance_over(mean_r, risky), service)
    else:  # fill rate: units lost per cycle at most (1 - service) of the cycle's demand
        first = np.minimum(np.where(plan.sources.fast >= 0, _fast_lead(plan), lead), risky)
        mean_l = fc.mean_over(today, zero, first)
        allowed = (1.0 - service) * fc.mean_over(today, zero, cycle)
        base = fill_rate_level(
            mean_r,
            fc.variance_over(mean_r, risky),
            mean_l,
            fc.variance_over(mean_l, first),
            allowed,
        )
    return mean, np.ceil(base + (mean - mean_r) - 1e-9)


def _fast_lead(plan: Plan) -> np.ndarray:
    fast = plan.sources.fast
    return plan.table.lead[np.where(fast >= 0, fast, 0)]


def _topup_reach(plan: Plan, review: int) -> np.ndarray:
    """Days until a top-up ordered at the next review lands (a large number without one)."""
    return np.where(plan.sources.fast >= 0, review + _fast_lead(plan), 10**6)


def urgency(plan: Plan, rows, stock, arrive, wait) -> np.ndarray:
    """Expected lost margin (fen) avoided when stock lands in `arrive` days, not `wait`."""
    fc, today = plan.forecast, plan.state.today
    rows = np.asarray(rows, dtype=np.int64)
    zero = np.zeros(len(rows), dtype=np.int64)
    sub = forecast.Forecast(fc.level[rows], fc.profile[rows], fc.dispersion[rows], fc.alpha[rows])
    m_wait = sub.mean_over(today, zero, wait)
    m_now = sub.mean_over(today, zero, arrive)
    lost_wait = expected_shortage(m_wait, sub.variance_over(m_wait, wait), stock)
    lost_now = expected_shortage(m_now, sub.variance_over(m_now, arrive), stock)
    return np.maximum(lost_wait - lost_now, 0.0)


def margin(plan: Plan, row: int, offer: int) -> float:
    return plan.state.products[row].retail_price_fen - float(plan.sources.unit_cost[offer])


def _due_suppliers(plan: Plan, inventory: np.ndarray) -> set[str]:
    """Suppliers with a product below its reorder point today (the basket settles later
    whether the order is worth its shipping)."""
    primary = plan.sources.primary
    below = (primary >= 0) & (inventory < plan.must) & (plan.level > inventory)
    return {plan.table.supplier(int(primary[r])) for r in np.nonzero(below)[0]}


def _topups(plan: Plan, service: np.ndarray, inventory: np.ndarray) -> np.ndarray:
    """Lines from a quicker source covering what runs short before the primary can land."""
    state, fc, src, table = plan.state, plan.forecast, plan.sources, plan.table
    rows = np.nonzero(src.fast >= 0)[0]
    if rows.size == 0:
        return inventory
    fast = src.fast[rows]
    prim = src.primary[rows]
    lead_f = table.lead[fast]
    # cover until the primary lands, or until tomorrow's top-up could, if that is sooner
    lead_p = np.minimum(table.lead[prim], max(state.review_days, 1) + lead_f)
    cover = plan.position.on_hand[rows] + _arriving(plan, rows, lead_p)
    retail = np.array([state.products[r].retail_price_fen for r in rows], dtype=np.float64)
    gain = retail - src.unit_cost[fast]  # a unit that would have been lost
    extra = np.maximum(src.unit_cost[fast] - src.unit_cost[prim], 0.0)  # one that would not
    level = np.minimum(np.where(gain > 0, gain / (gain + extra), 0.0), service[rows])
    zero = np.zeros(len(rows), dtype=np.int64)
    sub = forecast.Forecast(fc.level[rows], fc.profile[rows], fc.dispersion[rows], fc.alpha[rows])
    mean = sub.mean_over(state.today, zero, lead_p)
    target = demand_quantile(mean, sub.variance_over(mean, lead_p), level)
    short = target - cover
    lost = urgency(plan, rows, cover, lead_f, lead_p)
    inventory = inventory.copy()
    for k in np.nonzero((short > 0) & (gain > 0))[0]:
        row, o = int(rows[k]), int(fast[k])
        packs = lots.packs_for_units(table.offers[o], short[k])
        if packs <= 0:
            continue
        lot = _lot_at(table.offers[o], packs)
        urg = lost[k] * gain[k]
        plan.lines.append(PlanLine(row, o, lot, TOPUP, urg, float(short[k])))
        inventory[row] += lot.units
    return inventory


def _arriving(plan: Plan, rows: np.ndarray, before: np.ndarray) -> np.ndarray:
    pos = plan.position
    return np.where(pos.due[rows] < np.asarray(before)[:, None], pos.due_units[rows], 0).sum(axis=1)


def _lot_at(offer, packs: int) -> lots.Lot:
    price = tier_price(offer.tiers, packs)
    return lots.Lot(packs, packs * offer.pack_size, price, packs, price)


def _orders(plan: Plan, inventory: np.ndarray, due: set[str], settings: Settings) -> None:
    """Raise each product bought from a due supplier to its level, in lots."""
    state, table, src = plan.state, plan.table, plan.sources
    review = max(state.review_days, 1)
    primary, lead, _ = _primary_arrays(plan)
    need = plan.level - inventory
    below = (inventory < plan.must) & (src.primary >= 0)
    rows = [r for r in np.nonzero(below & (need > 0))[0] if table.supplier(int(primary[r])) in due]
    if not rows:
        return
    rows_a = np.array(rows, dtype=np.int64)
    lost = urgency(plan, rows_a, inventory[rows_a], lead[rows_a], lead[rows_a] + review)
    for k, row in enumerate(rows):
        o = int(primary[row])
        offer = table.offers[o]
        cap = room(plan, row, o, inventory)
        units = min(float(need[row]), cap)
        if units < 0.5:
            continue
        lot = lots.size_lot(
            offer,
            units,
            float(plan.rate[row]),
            holding_rate=state.holding_rate,
            discount_bp=src.discount_bp[offer.supplier_id],
            max_units=cap,
            max_cover_days=settings.max_cover_days,
        )
        if lot is None:
            continue
        lot = fit_shelf(plan, row, offer, lot, inventory)
        if lot is None:
            continue
        urg = float(lost[k]) * margin(plan, row, o)
        plan.lines.append(PlanLine(row, o, lot, ORDER, urg, units))
        inventory[row] += lot.units


def _probes(plan: Plan, inventory: np.ndarray, due: set[str], settings: Settings) -> None:
    """A product empty for `probe_days` whose forecast wants nothing: its demand is unknown,
    not zero (nobody can buy from an empty shelf). Buy the smallest outlay on offer to see
    whether it sells; its urgency is a review's margin at the rate it sold when it was on
    the shelf, so the basket decides whether that is worth a shipping fee."""
    state = plan.state
    days = settings.probe_days
    if days <= 0 or state.sold.shape[1] < days:
        return
    empty = state.out_of_stock[:, -days:].all(axis=1) & (inventory <= 0)
    if not empty.any():
        return
    rows = np.nonzero(empty)[0]
    shelf_rate, _ = demand.in_stock_rate(state.sold[rows], state.out_of_stock[rows])
    review = max(state.review_days, 1)
    for k, row in enumerate(rows):
        offers = plan.table.by_product[row]
        if not offers:
            continue
        smallest = {
            o: _lot_at(plan.table.offers[o], lots.valid_packs(plan.table.offers[o], 1))
            for o in offers
        }
        o = min(offers, key=lambda o: (smallest[o].cost_fen, plan.table.lead[o]))
        lot = smallest[o]
        rate = float(np.nan_to_num(shelf_rate[k]))
        gain = state.products[row].retail_price_fen - lot.cost_fen / lot.units
        urg = min(rate * review, lot.units) * max(gain, 0.0)
        plan.lines.append(PlanLine(int(row), o, lot, PROBE, urg, 0.0))
        inventory[row] += lot.units


def room(plan: Plan, row: int, offer: int, inventory: np.ndarray) -> float:
    """Units a new lot on this offer can hold: what sells before it expires (inf: no limit)."""
    life = plan.table.life[offer]
    if not math.isfinite(life):
        return math.inf
    arrive = int(plan.table.lead[offer])
    added = float(inventory[row] - plan.position.inventory[row])  # lines added this review
    used = plan.position.exhausted_at[row] + added
    return position.room_before_expiry(plan.cumulative[row], used, arrive, int(life))


def fit_shelf(plan: Plan, row: int, offer, lot: lots.Lot, inventory: np.ndarray):
    """Cut a lot to the shelf capacity left (None when not even the MOQ fits)."""
    capacity = plan.state.products[row].shelf_capacity
    if capacity is None:
        return lot
    free = (
        capacity
        - max(float(plan.state.on_hand[row]), 0.0)
        - (float(inventory[row]) - float(plan.position.on_hand[row]))
    )
    if lot.units <= free:
        return lot
    packs = int(free // offer.pack_size)
    multiple = max(offer.multiple_packs, 1)
    packs -= packs % multiple
    if packs < max(offer.moq_packs, 1):
        return None
    return _lot_at(offer, packs)


class ShopDeskPolicy:
    """The policy the simulator and the Reorder page run (Policy protocol).

    Keeps the fitted forecast methods between reviews and refits them every
    `settings.refit_days`; the forecast state itself advances only over new days.
    """

    name = "shopdesk"

    def __init__(
        self, settings: Settings | None = None, fitted: forecast.FittedMethods | None = None
    ) -> None:
        self.settings = settings or Settings()
        self.fitted = fitted
        self._runner: forecast.ForecastRunner | None = None
        self._runner_key: tuple | None = None
        self._sources: tuple | None = None
        self._table: tuple | None = None

    def review(self, state: ReviewState) -> list[OrderLine]:
        return self.plan(state).order_lines()

    def suggest(self, state: ReviewState):
        from shop_desk.reorder.suggestion import explain

        return explain(self.plan(state))

    def plan(self, state: ReviewState) -> Plan:
        fc = self._forecast(state)
        sources = self._cached_sources(state)
        key = (id(state.offers), len(state.offers), tuple(state.index))
        if self._table is None or self._table[0] != key:
            self._table = (key, sourcing.offer_table(state))
        plan = make_plan(state, fc, self.settings, sources, self._table[1])
        if sources is None:
            self._sources = (state.today, tuple(state.index), plan.sources)
        return plan

    def _forecast(self, state: ReviewState) -> forecast.Forecast:
        ids = tuple(p.product_id for p in state.products)
        last = state.today.toordinal() - 1
        stale = (
            self.fitted is None
            or last - self.fitted.fitted_through.toordinal() >= self.settings.refit_days
        )
        if stale and state.sold.shape[1] >= forecast.INIT_DAYS:
            self.fitted = fit(state, self.settings)
            self._runner = None
        key = (ids, state.first_day, self.fitted.fitted_through if self.fitted else None)
        if (
            self._runner is None
            or self._runner_key != key
            or self._runner.end > state.sold.shape[1]
        ):
            method, alpha, beta, spread = _methods(state, self.fitted)
            start = max(0, state.sold.shape[1] - self.settings.history_days)
            self._runner = forecast.ForecastRunner(
                state.sold,
                state.out_of_stock,
                state.first_day,
                method,
                alpha,
                beta,
                spread,
                start=start,
            )
            self._runner_key = key
        else:
            self._runner.advance(state.sold, state.out_of_stock)
        return self._runner.forecast()

    def _cached_sources(self, state: ReviewState) -> sourcing.Sourcing | None:
        if self._sources is None:
            return None
        day, ids, sources = self._sources
        fresh = (state.today - day).days < self.settings.source_days
        same_month = (state.today.year, state.today.month) == (day.year, day.month)
        if fresh and same_month and ids == tuple(state.index):
            return sources
        return None


def suggest(state: ReviewState, fitted: forecast.FittedMethods | None = None):
    """Today's suggestions for the Reorder page and `shop-desk suggest`."""
    return ShopDeskPolicy(fitted=fitted).suggest(state)
