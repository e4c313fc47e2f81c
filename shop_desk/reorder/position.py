"""Inventory position that counts only stock expected to sell before it expires.

Lots are sold oldest first (earliest expiry first). Walking them against the expected
cumulative demand tells how much of each will sell in time; the rest will be written off and
must not stop a reorder. Open lines count too, from their due date, expiring shelf-life days
later. A lot's `expires` is the last day it may be sold.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from shop_desk.reorder.review import ReviewState


@dataclass(slots=True)
class Position:
    on_hand: np.ndarray  # [n] usable units on hand (>= 0)
    on_order: np.ndarray  # [n] usable units ordered and not yet received
    expiring: np.ndarray  # [n] units on hand or ordered expected to expire unsold
    exhausted_at: np.ndarray  # [n] cumulative expected demand consumed by existing stock
    arrivals: list[list[tuple[int, int]]]  # per product: (days from today, units) of open lines

    @property
    def inventory(self) -> np.ndarray:
        return self.on_hand + self.on_order

    def arriving_before(self, day: np.ndarray) -> np.ndarray:
        """Units ordered that arrive before `day` days from today, per product."""
        out = np.zeros(len(self.arrivals))
        for i, lines in enumerate(self.arrivals):
            if lines:
                out[i] = sum(u for d, u in lines if d < day[i])
        return out


def expected_cumulative(daily: np.ndarray) -> np.ndarray:
    """[n, H+1] expected demand over days 0..k-1 from today, for k = 0..H."""
    n = daily.shape[0]
    return np.concatenate([np.zeros((n, 1)), np.cumsum(daily, axis=1)], axis=1)


def stock_position(
    state: ReviewState, cumulative: np.ndarray, shelf_life: dict[tuple[str, str], int]
) -> Position:
    """Usable on hand and on order per product.

    cumulative: expected_cumulative() of each product's forecast, long enough for the
    latest expiry that matters (beyond it, demand is extended at the last day's rate).
    shelf_life: (supplier, sku) -> days, for open lines of perishable products.
    """
    n = len(state.products)
    on_hand = np.maximum(np.asarray(state.on_hand, dtype=np.float64), 0.0)
    on_order = np.zeros(n)
    arrivals: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    incoming: list[list[tuple[int, int | None, int]]] = [[] for _ in range(n)]
    for line in state.open_lines:
        row = state.index.get(line.product_id)
        if row is None or line.units <= 0:
            continue
        due = max((line.due - state.today).days, 0)
        arrivals[row].append((due, line.units))
        on_order[row] += line.units
        life = shelf_life.get((line.supplier_id, line.sku))
        incoming[row].append((due, None if life is None else due + life, line.units))
    usable_hand = on_hand.copy()
    usable_order = on_order.copy()
    exhausted = np.zeros(n)
    perishable = [
        i
        for i in range(n)
        if any(lot.expires is not None for lot in state.lots[i])
        or any(exp is not None for _, exp, _ in incoming[i])
    ]
    for i in perishable:
        usable_hand[i], usable_order[i], exhausted[i] = _walk(
            state.today, state.lots[i], incoming[i], cumulative[i], on_hand[i]
        )
    expiring = on_hand - usable_hand + on_order - usable_order
    return Position(usable_hand, usable_order, expiring, exhausted, arrivals)


def demand_until(cumulative_row: np.ndarray, days: float) -> float:
    """Expected demand over days 0..days-1 (extended at the last rate past the table)."""
    last = len(cumulative_row) - 1
    if days <= last:
        return float(cumulative_row[max(int(days), 0)])
    rate = cumulative_row[last] - cumulative_row[last - 1] if last > 0 else 0.0
    return float(cumulative_row[last] + rate * (days - last))


def room_before_expiry(
    cumulative_row: np.ndarray, exhausted: float, arrive: int, life: int
) -> float:
    """Units of a new lot arriving in `arrive` days that sell within its `life` days."""
    start = max(exhausted, demand_until(cumulative_row, arrive))
    return max(0.0, demand_until(cumulative_row, arrive + life + 1) - start)


def _walk(
    today: dt.date,
    lots,
    incoming: list[tuple[int, int | None, int]],
    cumulative_row: np.ndarray,
    on_hand: float,
) -> tuple[float, float, float]:
    """FIFO walk of lots on hand then open lines: (usable on hand, usable on order, used)."""
    used = 0.0
    hand = 0.0
    counted = 0.0
    for lot in sorted(lots, key=lambda x: (x.expires is None, x.expires or today)):
        units = min(float(lot.units), on_hand - counted)
        if units <= 0:
            continue
        counted += units
        if lot.expires is None:
            sell = units
        else:
            last = (lot.expires - today).days  # last day it may be sold, from today
            sell = min(units, max(0.0, demand_until(cumulative_row, last + 1) - used))
        used += sell
        hand += sell
    hand += max(on_hand - counted, 0.0)  # stock without a lot record: count it
    order = 0.0
    for due, expires, units in sorted(incoming, key=lambda x: x[0]):
        start = max(used, demand_until(cumulative_row, due))
        if expires is None:
            sell = float(units)
        else:
            sell = min(float(units), max(0.0, demand_until(cumulative_row, expires + 1) - start))
        used = start + sell
        order += sell
    return hand, order, used
