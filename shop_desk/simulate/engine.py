"""The day loop of SIMULATION.md: arrivals, review, FIFO serving, write-offs, closing value.

Everything per product is a NumPy vector and each day is a few passes over them; Python loops
run only over the order lines a policy returns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np

from shop_desk.errors import InputError
from shop_desk.i18n import tr
from shop_desk.reorder.review import Policy, ReviewState
from shop_desk.simulate.orders import Purchasing
from shop_desk.simulate.pricing import moq_unit_price
from shop_desk.simulate.result import Ledger, SimulationResult
from shop_desk.simulate.shop import Shop
from shop_desk.simulate.stock import LotBook

HOLDING_RATE = 0.20  # of the stock value, per year
START_COVER_DAYS = 7


def simulate(
    shop: Shop,
    policy: Policy,
    *,
    review_days: int = 7,
    warmup_days: int = 56,
    progress: Callable[[int, int], None] | None = None,
) -> SimulationResult:
    """Run `policy` over `shop`; progress(days done, days), if given, after each month."""
    return Simulation(shop, policy, review_days, warmup_days).run(progress)


class Simulation:
    def __init__(self, shop: Shop, policy: Policy, review_days: int, warmup_days: int) -> None:
        if review_days < 1:
            raise InputError(tr("The review period must be at least 1 day."))
        if not 1 <= warmup_days < shop.n_days:
            raise InputError(
                tr(
                    "The warm-up must be at least 1 day and shorter than the {n} days of demand.",
                    n=shop.n_days,
                )
            )
        self.shop, self.policy = shop, policy
        self.review_days, self.warmup = review_days, warmup_days
        n, total = shop.demand.shape
        self.n_sim = total - warmup_days
        self.dates = [shop.first_day + dt.timedelta(days=i) for i in range(total)]
        self.sim_dates = self.dates[warmup_days:]
        self.shelf = [p.shelf_life_days for p in shop.products]
        self.index = {p.product_id: i for i, p in enumerate(shop.products)}
        self.retail = np.array([p.retail_price_fen for p in shop.products], dtype=np.float64)
        # History the policy reads: warm-up days are demand, never out of stock.
        self.sold = np.zeros((n, total), dtype=np.int64)
        self.sold[:, :warmup_days] = shop.demand[:, :warmup_days]
        self.out = np.zeros((n, total), dtype=bool)
        self.book = LotBook(n, self.n_sim, self.shelf)
        self.ledger = Ledger(n)
        self.buying = Purchasing(shop, self.index, policy.name)
        self.transit_after_end = np.zeros(n)  # value of units due after the last day
        self.units_after_end = np.zeros(n, dtype=np.int64)
        self.bought_units = np.zeros(n)
        self.bought_value = np.zeros(n)
        self.start_price = self._start_prices()

    def _start_prices(self) -> np.ndarray:
        price = np.full(len(self.index), np.inf)
        for offer in self.shop.offers:
            row = self.index[offer.product_id]
            price[row] = min(price[row], moq_unit_price(offer))
        return price

    def run(self, progress: Callable[[int, int], None] | None = None) -> SimulationResult:
        self._start_stock()
        for t in range(self.n_sim):
            self._day(t)
            if progress is not None and (t % 30 == 29 or t == self.n_sim - 1):
                progress(t + 1, self.n_sim)
        last = self.n_sim - 1
        g = self.ledger
        g.end_value = g.last_close + self.book.in_transit_value(last) + self.transit_after_end
        g.end_units = self.book.on_hand + self.book.in_transit_units(last) + self.units_after_end
        g.bought_units = self.bought_units.astype(np.int64)
        g.orders = self.buying.orders
        return g.result(self.shop, self.policy, self.review_days, self.warmup)

    def _start_stock(self) -> None:
        warm = self.shop.demand[:, : self.warmup].sum(axis=1)
        # ⌈mean × 7⌉ in doubles, as BASELINE.md was made (232 / 56 × 7 gives 30, not 29).
        units = np.ceil(warm / self.warmup * START_COVER_DAYS).astype(np.int64)
        rows = np.flatnonzero(units)
        value = units * self.start_price
        self.book.order(rows, np.zeros_like(rows), units[rows], value[rows])
        self.ledger.start_value = value
        self.ledger.start_units = units

    def _day(self, t: int) -> None:
        d = self.warmup + t
        self.book.receive(t)
        self.buying.arrived(d)
        if t % self.review_days == 0:
            self._review(t, d)
        demand = self.shop.demand[:, d]
        served = self.book.serve(demand)
        expired_units, expired = self.book.expire(t)
        value = self.book.close()
        self.sold[:, d] = served
        self.out[:, d] = self.book.on_hand == 0
        self.ledger.expired_units += expired_units
        self.ledger.day(demand, served, expired, value, self._lost_price(), HOLDING_RATE / 365)

    def _lost_price(self) -> np.ndarray:
        """Margin lost per unit: retail − average purchase price so far (start price before)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            avg = np.where(
                self.bought_units > 0, self.bought_value / self.bought_units, self.start_price
            )
        return self.retail - avg

    def _review(self, t: int, d: int) -> None:
        self.buying.start_day(self.dates[d])
        lines = self.policy.review(self._state(d))
        if lines:
            self._book(t, self.buying.place(d, self.dates[d], list(lines)))

    def _book(self, t: int, placed) -> None:
        """Put today's lines on the books: average price, purchases, lots due."""
        rows, units, value = placed.rows, placed.units, placed.value
        np.add.at(self.bought_units, rows, units)
        np.add.at(self.bought_value, rows, value)
        self.ledger.lines(rows, value)
        col = placed.due - self.warmup
        later = col >= self.n_sim
        np.add.at(self.transit_after_end, rows[later], value[later])
        np.add.at(self.units_after_end, rows[later], units[later])
        self.book.order(rows[~later], col[~later], units[~later], value[~later])
        if (col == t).any():  # no lead time: on hand before today's customers come
            self.book.receive(t)

    def _state(self, d: int) -> ReviewState:
        sold = self.sold[:, :d]
        out = self.out[:, :d]
        sold.flags.writeable = False  # views: a policy reads the past, never edits it
        out.flags.writeable = False
        on_hand = self.book.on_hand.copy()
        on_hand.flags.writeable = False
        return ReviewState(
            today=self.dates[d],
            first_day=self.shop.first_day,
            products=self.shop.products,
            sold=sold,
            out_of_stock=out,
            on_hand=on_hand,
            lots=self.book.lots(self.sim_dates, self.shelf, self.warmup),
            open_lines=self.buying.open_lines(),
            offers=self.shop.offers,
            suppliers=self.shop.suppliers,
            month_spend_fen=dict(self.buying.month_spend),
            review_days=self.review_days,
            holding_rate=HOLDING_RATE,
            index=self.index,
        )
