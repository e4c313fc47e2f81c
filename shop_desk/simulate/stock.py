"""Stock as lots, for all products at once: FIFO serving, shelf-life write-offs, value at cost.

Lots on hand sit left-aligned in small matrices [product, k] (k-th oldest lot), so a day's
serving, write-offs and valuation are a few NumPy passes over n × k cells, with k the most lots
any product holds (it grows when needed). Units in transit wait in [product, day due] matrices
and join the lots on their day. Lots that arrive on the same day are one lot at their average
unit cost: they are equally old and expire together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

import numpy as np

from shop_desk.reorder.review import Lot

NEVER = np.iinfo(np.int64).max // 4  # shelf life of stock that does not expire; empty slots


class LotBook:
    def __init__(self, n_products: int, n_days: int, shelf_life: list[int | None]) -> None:
        self.n, self.n_days = n_products, n_days
        self.life = np.array([NEVER if s is None else s for s in shelf_life], dtype=np.int64)
        self.due_units = np.zeros((n_products, n_days), dtype=np.int64)
        self.due_value = np.zeros((n_products, n_days))
        self.units = np.zeros((n_products, 4), dtype=np.int64)  # lots on hand, oldest first
        self.cost = np.zeros((n_products, 4))  # per unit, unrounded
        self.arrived = np.full((n_products, 4), NEVER, dtype=np.int64)  # simulated day
        self.count = np.zeros(n_products, dtype=np.int64)  # lots per product
        self.on_hand = np.zeros(n_products, dtype=np.int64)

    def order(self, rows: np.ndarray, days: np.ndarray, units: np.ndarray, value: np.ndarray):
        """Units due on simulated `days` (inside the horizon), worth `value` at cost."""
        np.add.at(self.due_units, (rows, days), units)
        np.add.at(self.due_value, (rows, days), value)

    def in_transit_value(self, day: int) -> np.ndarray:
        """Value at cost per product of what is due after `day`."""
        return self.due_value[:, day + 1 :].sum(axis=1)

    def receive(self, day: int) -> None:
        """Lots due on `day` join the stock on hand (called again after a no-lead-time order)."""
        rows = np.flatnonzero(self.due_units[:, day])
        if not rows.size:
            return
        units = self.due_units[rows, day]
        cost = self.due_value[rows, day] / units
        self.due_units[rows, day] = 0
        self.due_value[rows, day] = 0.0
        self.on_hand[rows] += units
        last = np.maximum(self.count[rows] - 1, 0)
        same = (self.count[rows] > 0) & (self.arrived[rows, last] == day)
        if same.any():  # a second delivery today: one lot at the average cost
            r, k = rows[same], last[same]
            old = self.units[r, k]
            self.cost[r, k] = (old * self.cost[r, k] + units[same] * cost[same]) / (
                old + units[same]
            )
            self.units[r, k] = old + units[same]
        r, new = rows[~same], ~same
        if self.count[r].max(initial=0) >= self.units.shape[1]:
            self._grow()
        k = self.count[r]
        self.units[r, k] = units[new]
        self.cost[r, k] = cost[new]
        self.arrived[r, k] = day
        self.count[r] += 1

    def _grow(self) -> None:
        width = self.units.shape[1]
        pad = ((0, 0), (0, width))
        self.units = np.pad(self.units, pad)
        self.cost = np.pad(self.cost, pad)
        self.arrived = np.pad(self.arrived, pad, constant_values=NEVER)

    def serve(self, demand: np.ndarray) -> np.ndarray:
        """Serve demand oldest lot first; returns units served per product."""
        before = np.cumsum(self.units, axis=1) - self.units  # units in older lots
        self.units -= np.minimum(np.maximum(demand[:, None] - before, 0), self.units)
        served = np.minimum(demand, self.on_hand)
        self.on_hand -= served
        return served

    def expire(self, day: int) -> tuple[np.ndarray, np.ndarray]:
        """Write off the lots that arrived shelf-life days ago or earlier: units and value."""
        gone = self.arrived <= (day - self.life)[:, None]
        if not gone.any():
            return np.zeros(self.n, dtype=np.int64), np.zeros(self.n)
        lost = np.where(gone, self.units, 0)
        self.units -= lost
        units = lost.sum(axis=1)
        self.on_hand -= units
        return units, np.einsum("ij,ij->i", lost, self.cost)

    def in_transit_units(self, day: int) -> np.ndarray:
        return self.due_units[:, day + 1 :].sum(axis=1)

    def close(self) -> np.ndarray:
        """Drop emptied lots (always the oldest ones); value at cost per product."""
        empty = ((self.units == 0) & (self.arrived != NEVER)).sum(axis=1)
        if empty.any():
            width = self.units.shape[1]
            src = np.minimum(np.arange(width)[None, :] + empty[:, None], width - 1)
            self.count -= empty
            keep = np.arange(width)[None, :] < self.count[:, None]
            self.units = np.where(keep, np.take_along_axis(self.units, src, axis=1), 0)
            self.cost = np.where(keep, np.take_along_axis(self.cost, src, axis=1), 0.0)
            self.arrived = np.where(keep, np.take_along_axis(self.arrived, src, axis=1), NEVER)
        return np.einsum("ij,ij->i", self.units, self.cost)

    def lots(self, dates: Sequence[dt.date], shelf_life: list[int | None], offset: int) -> LotLists:
        """A snapshot of the lots on hand, for a policy (Lot objects built only when read).

        dates[i] is the date of simulated day i, which is day i + offset of the history."""
        return LotLists(self.units.copy(), self.arrived.copy(), dates, shelf_life, offset)


class LotLists(Sequence[list[Lot]]):
    """ReviewState.lots without building thousands of Lot objects a policy may never read.

    Reads like list[list[Lot]] (per product, oldest first). A lot's `expires` is the day at
    whose close it is written off: arrival + shelf life. A policy that wants every product's
    lots at once may use as_arrays() when present (the shop database gives plain lists).
    """

    def __init__(
        self,
        units: np.ndarray,
        arrived: np.ndarray,
        dates: Sequence[dt.date],
        shelf_life: list[int | None],
        offset: int = 0,
    ) -> None:
        self._units, self._arrived = units, arrived
        self._dates, self._shelf, self._offset = dates, shelf_life, offset
        self._built: dict[int, list[Lot]] = {}

    def as_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """(units, arrived) [product, k-th oldest lot]: units 0 and arrived -1 where there is no
        lot; arrived counts days from ReviewState.first_day (a column of the history arrays)."""
        units = self._units.copy()
        arrived = np.where(units > 0, self._arrived + self._offset, -1)
        return units, arrived

    def __len__(self) -> int:
        return self._units.shape[0]

    def __getitem__(self, row):  # type: ignore[override]
        if isinstance(row, slice):
            return [self[i] for i in range(*row.indices(len(self)))]
        if row < 0:
            row += len(self)
        if not 0 <= row < len(self):
            raise IndexError(row)
        lots = self._built.get(row)
        if lots is None:
            lots = self._built[row] = self._build(row)
        return lots

    def __iter__(self) -> Iterator[list[Lot]]:
        return (self[i] for i in range(len(self)))

    def _build(self, row: int) -> list[Lot]:
        life = self._shelf[row]
        lots = []
        for units, day in zip(self._units[row].tolist(), self._arrived[row].tolist(), strict=True):
            if units > 0:
                arrived = self._dates[day]
                expires = None if life is None else arrived + dt.timedelta(days=life)
                lots.append(Lot(units, arrived, expires))
        return lots
