"""Inventory position that counts only stock expected to sell before it expires.

Lots are sold oldest first (earliest expiry first). Walking them against the expected
cumulative demand tells how much of each will sell in time; the rest will be written off and
must not stop a reorder. Open lines count too, from their due date, expiring shelf-life days
later. A lot's `expires` is the last day it may be sold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from shop_desk.reorder.review import ReviewState


@dataclass(slots=True)
class Position:
    on_hand: np.ndarray  # [n] usable units on hand (>= 0)
    on_order: np.ndarray  # [n] usable units ordered and not yet received
    expiring: np.ndarray  # [n] units on hand or ordered expected to expire unsold
    exhausted_at: np.ndarray  # [n] cumulative expected demand consumed by existing stock
    due: np.ndarray  # [n, j] days from today of each open line (a huge number: none)
    due_units: np.ndarray  # [n, j] units of each open line

    @property
    def inventory(self) -> np.ndarray:
        return self.on_hand + self.on_order

    def arriving_before(self, day: np.ndarray) -> np.ndarray:
        """Units ordered that arrive before `day` days from today, per product."""
        return np.where(self.due < np.asarray(day)[:, None], self.due_units, 0).sum(axis=1)


def expected_cumulative(daily: np.ndarray) -> np.ndarray:
    """[n, H+1] expected demand over days 0..k-1 from today, for k = 0..H."""
    n = daily.shape[0]
    return np.concatenate([np.zeros((n, 1)), np.cumsum(daily, axis=1)], axis=1)


def cumulative_at(cumulative: np.ndarray, rows: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Expected demand over days 0..days-1 per (row, days), past the table at its last rate."""
    last = cumulative.shape[1] - 1
    d = np.maximum(np.asarray(days, dtype=np.float64), 0.0)
    inside = np.minimum(d, last).astype(np.int64)
    value = cumulative[rows, inside]
    if last > 0:
        slope = cumulative[rows, last] - cumulative[rows, last - 1]
        value = value + np.where(d > last, slope * (d - last), 0.0)
    return value


def stock_position(
    state: ReviewState,
    cumulative: np.ndarray,
    product_life: np.ndarray,
    line_life: dict[tuple[str, str], int],
) -> Position:
    """Usable on hand and on order per product.

    cumulative: expected_cumulative() of each product's forecast.
    product_life: [n] shelf life of each product in days (inf: does not expire).
    line_life: (supplier, sku) -> days, for open lines of perishable products.
    """
    n = len(state.products)
    on_hand = np.maximum(np.asarray(state.on_hand, dtype=np.float64), 0.0)
    due, units, expires = _open_lines(state, line_life)
    on_order = units.sum(axis=1)
    lot_units, lot_expires = _lots(state, product_life)
    walk = np.nonzero(np.isfinite(lot_expires).any(axis=1) | np.isfinite(expires).any(axis=1))[0]
    usable_hand, usable_order = on_hand.copy(), on_order.copy()
    exhausted = np.zeros(n)
    if walk.size:
        hand, order, used = _walk(
            cumulative,
            walk,
            on_hand[walk],
            lot_units[walk],
            lot_expires[walk],
            due[walk],
            units[walk],
            expires[walk],
        )
        usable_hand[walk], usable_order[walk], exhausted[walk] = hand, order, used
    expiring = on_hand - usable_hand + on_order - usable_order
    return Position(usable_hand, usable_order, expiring, exhausted, due, units)


NEVER = 10**9


def _open_lines(state: ReviewState, line_life) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """[n, j] arrays of open lines per product, soonest first: due day, units, last sale day."""
    n = len(state.products)
    rows, dues, units, lives = [], [], [], []
    today = state.today
    for line in state.open_lines:
        row = state.index.get(line.product_id)
        if row is None or line.units <= 0:
            continue
        rows.append(row)
        dues.append(max((line.due - today).days, 0))
        units.append(line.units)
        lives.append(line_life.get((line.supplier_id, line.sku), np.inf))
    width = 1
    if rows:
        r = np.array(rows)
        order = np.lexsort((np.array(dues), r))
        r = r[order]
        first = np.searchsorted(r, r)  # index of each row's first line
        col = np.arange(len(r)) - first
        width = int(col.max()) + 1
    due = np.full((n, width), NEVER, dtype=np.int64)
    unit = np.zeros((n, width), dtype=np.float64)
    expires = np.full((n, width), np.inf)
    if rows:
        d = np.array(dues)[order]
        due[r, col] = d
        unit[r, col] = np.array(units, dtype=np.float64)[order]
        expires[r, col] = d + np.array(lives, dtype=np.float64)[order]
    return due, unit, expires


def _lots(state: ReviewState, product_life: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """[n, k] lots on hand, earliest expiry first: units, last sale day from today (inf)."""
    n = len(state.products)
    as_arrays = getattr(state.lots, "as_arrays", None)
    if as_arrays is not None:  # the simulator's lots: oldest first, one shelf life a product
        units, arrived = as_arrays()
        today = (state.today - state.first_day).days
        expires = arrived - today + product_life[:, None]
        return units.astype(np.float64), np.where(units > 0, expires, np.inf)
    rows = [i for i in range(n) if state.lots[i]]
    width = max((len(state.lots[i]) for i in rows), default=1)
    units = np.zeros((n, width))
    expires = np.full((n, width), np.inf)
    for i in rows:
        lots = sorted(state.lots[i], key=lambda x: (x.expires is None, x.expires or state.today))
        for j, lot in enumerate(lots):
            units[i, j] = lot.units
            if lot.expires is not None:
                expires[i, j] = (lot.expires - state.today).days
    return units, expires


def _walk(cumulative, rows, on_hand, lot_units, lot_expires, due, units, expires):
    """FIFO walk over lots on hand then open lines against expected demand, vectorised
    over products: (usable on hand, usable on order, expected demand used up)."""
    m = len(rows)
    used = np.zeros(m)
    hand = np.zeros(m)
    counted = np.zeros(m)
    for j in range(lot_units.shape[1]):
        take = np.minimum(lot_units[:, j], np.maximum(on_hand - counted, 0.0))
        counted += take
        room = cumulative_at(
            cumulative, rows, np.where(np.isfinite(lot_expires[:, j]), lot_expires[:, j] + 1, 0)
        )
        sell = np.where(
            np.isfinite(lot_expires[:, j]), np.minimum(take, np.maximum(room - used, 0.0)), take
        )
        used += sell
        hand += sell
    hand += np.maximum(on_hand - counted, 0.0)  # stock without a lot record: count it
    order = np.zeros(m)
    for j in range(units.shape[1]):
        present = due[:, j] < NEVER
        start = np.maximum(used, cumulative_at(cumulative, rows, np.where(present, due[:, j], 0)))
        finite = np.isfinite(expires[:, j])
        room = cumulative_at(cumulative, rows, np.where(finite, expires[:, j] + 1, 0))
        sell = np.where(finite, np.minimum(units[:, j], np.maximum(room - start, 0.0)), units[:, j])
        used = np.where(present, start + sell, used)
        order += sell
    return hand, order, used


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
