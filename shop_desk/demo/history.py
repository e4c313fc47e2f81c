"""Two years of a shop's life, written straight into the ledger tables.

A day-by-day simulation of a shop owner who has used Shop Desk all along: deliveries on each
product's review day (order-up-to the expected demand until the next one, now and then a
delivery that did not come), sales that stop when the shelf is empty (censored days),
expired lots written off the morning after their date. Each product-day gives at most a
few moves: write-offs (08:00 local), a receipt (09:00), one aggregated sale (12:00).

The rows are the ones post_move would have written, computed with the ledger's own helpers
(outgoing_value, incoming_lot_qty, summary_delta, mul_div_round) and inserted in bulk, a
month at a time, so memory stays small. Lots are written with the quantity they have at the
end of their month; those that change later are corrected at the end. `check_database`
replays the result and must find nothing to say.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import bindparam, insert, update
from sqlalchemy.orm import Session

from shop_desk.clock import shop_day
from shop_desk.db.models import DailySummary, Lot, StockMove
from shop_desk.demo.catalog import DemoProduct
from shop_desk.i18n import tr
from shop_desk.inventory.ledger import (
    MoveKind,
    incoming_lot_qty,
    outgoing_value,
    summary_delta,
)
from shop_desk.money import mul_div_round
from shop_desk.progress import Progress

FLUSH_DAYS = 30
MISSED_DELIVERY = 0.04  # the wholesaler was out of it: the shelf may run empty
PRICE_RISE_SHARE = 0.25  # products whose price went up once during the two years
FORECAST_TAIL = 60  # days of expected demand beyond the end (orders look ahead)
HOURS = {"waste": 8, "receipt": 9, "sale": 12}  # local shop time


@dataclass
class _Lot:
    id: int
    qty_left: int
    expiry: date | None
    written: int | None = None  # qty_left as inserted (None: not yet)


@dataclass
class _Product:
    index: int
    id: int
    item: DemoProduct
    phase: int
    rise_day: int  # day index from which today's price and cost apply
    old_price: int
    old_cost: int
    on_hand: int = 0
    value: int = 0
    last_cost: int = 0
    lots: deque[_Lot] = field(default_factory=deque)
    day: list[int] = field(default_factory=lambda: [0, 0, 0])  # units, revenue, cost
    touched: bool = False

    def price(self, t: int) -> int:
        return self.item.retail_fen if t >= self.rise_day else self.old_price

    def cost(self, t: int) -> int:
        return self.item.cost_fen if t >= self.rise_day else self.old_cost


@dataclass
class Counters:
    moves: int = 0
    receipts: int = 0
    sales: int = 0
    waste: int = 0
    lots: int = 0
    summaries: int = 0


def local_instant(day: date, hour: int) -> datetime:
    """Naive UTC of a local wall-clock hour on a shop day (checked against clock.shop_day)."""
    at = datetime.combine(day, time(hour)).astimezone(UTC).replace(tzinfo=None)
    if shop_day(at) != day:  # a time zone far from this one's noon: fall back to noon
        at = datetime.combine(day, time(12)).astimezone(UTC).replace(tzinfo=None)
    return at


class Simulation:
    """State of every product; `run` yields Progress while it writes the rows."""

    def __init__(
        self,
        session: Session,
        items: Sequence[DemoProduct],
        product_ids: Sequence[int],
        first_day: date,
        days: int,
        *,
        lot_base: int,
        move_base: int,
        seed: int,
    ) -> None:
        import numpy as np

        from shop_desk.demo.demand import draw_demand, expected_demand

        self.session, self.first_day, self.days = session, first_day, days
        rng = np.random.default_rng(seed)
        expected = expected_demand(items, first_day, days + FORECAST_TAIL)
        self.demand = draw_demand(items, expected[:, :days], rng).tolist()
        self.cum = np.concatenate(
            [np.zeros((len(items), 1)), np.cumsum(expected, axis=1)], axis=1
        ).tolist()
        self.missed = (rng.random((len(items), days)) < MISSED_DELIVERY).tolist()
        phases = rng.integers(0, 10_000, len(items)).tolist()
        rises = rng.random(len(items)).tolist()
        rise_days = rng.integers(60, max(61, days - 30), len(items)).tolist()
        self.products = [
            self._product(i, pid, item, phases[i], rises[i], rise_days[i])
            for i, (pid, item) in enumerate(zip(product_ids, items, strict=True))
        ]
        self.next_lot, self.next_move = lot_base, move_base
        self.moves: list[dict] = []
        self.lots: list[_Lot] = []
        self.lot_rows: list[dict] = []
        self.summaries: list[dict] = []
        self.pending: list[_Lot] = []  # lots written while open: corrected at the end
        self.counts = Counters()

    @staticmethod
    def _product(
        index: int, pid: int, item: DemoProduct, phase: int, rise: float, day: int
    ) -> _Product:
        if rise < PRICE_RISE_SHARE and item.retail_fen > 150:
            step = 50 if item.retail_fen < 1000 else 100
            old_price = item.retail_fen - step
            old_cost = mul_div_round(item.cost_fen, old_price, item.retail_fen)
        else:
            day, old_price, old_cost = 0, item.retail_fen, item.cost_fen
        return _Product(
            index, pid, item, phase % item.review_days, day, old_price, old_cost, last_cost=old_cost
        )

    # --- one day -------------------------------------------------------------------------
    def run(self) -> Generator[Progress, None, Counters]:
        total = self.days
        for t in range(self.days):
            self._day(t)
            if (t + 1) % FLUSH_DAYS == 0 or t == self.days - 1:
                self._flush()
                yield Progress(t + 1, total, tr("Writing two years of sales…"))
        self._settle_lots()
        return self.counts

    def _day(self, t: int) -> None:
        day = self.first_day + timedelta(days=t)
        morning = local_instant(day, HOURS["waste"])
        delivery = local_instant(day, HOURS["receipt"])
        noon = local_instant(day, HOURS["sale"])
        for product in self.products:
            self._expire(product, day, morning)
            if self._delivery_due(product, t):
                self._receive(product, t, day, delivery)
        for i, product in enumerate(self.products):
            wanted = self.demand[i][t]
            if wanted and product.on_hand > 0:
                self._sell(product, min(wanted, product.on_hand), t, day, noon)
            if product.touched:
                self._summarise(product, day)

    def _delivery_due(self, product: _Product, t: int) -> bool:
        if t == 0:
            return True  # the opening stock
        due = (t - product.phase) % product.item.review_days == 0
        return due and not self.missed[product.index][t]

    def _order_qty(self, product: _Product, t: int) -> int:
        """Order up to the expected demand until the next delivery, plus a safety share and
        the display minimum; perishables no more than sells within their shelf life."""
        item, cum = product.item, self.cum[product.index]
        cover = cum[t + item.review_days] - cum[t]
        target = math.ceil(cover * (1 + item.demand.safety) + item.min_display_qty)
        if item.shelf_life_days:
            life = min(item.shelf_life_days, len(cum) - 1 - t)
            target = min(target, max(1, math.ceil(cum[t + life] - cum[t])))
        qty = target - product.on_hand
        if qty <= 0:
            return 0
        pack = item.case_units if cover >= item.case_units else 1
        return -(-qty // pack) * pack

    # --- moves ---------------------------------------------------------------------------
    def _receive(self, product: _Product, t: int, day: date, at: datetime) -> None:
        qty = self._order_qty(product, t)
        if qty <= 0:
            return
        value = qty * product.cost(t)
        life = product.item.shelf_life_days
        lot = _Lot(self.next_lot, incoming_lot_qty(product.on_hand, qty), None)
        lot.expiry = day + timedelta(days=life) if life else None
        self.next_lot += 1
        self.lots.append(lot)
        self.lot_rows.append(
            {
                "id": lot.id,
                "product_id": product.id,
                "received_at": at,
                "expiry_date": lot.expiry,
                "qty_received": qty,
                "qty_left": 0,  # filled in at the flush
            }
        )
        if lot.qty_left > 0:
            product.lots.append(lot)
        product.on_hand += qty
        product.value += value
        if product.on_hand > 0:
            product.last_cost = mul_div_round(product.value, 1, product.on_hand)
        self._move(product, MoveKind.RECEIPT, qty, value, 0, lot.id, at, day)
        self.counts.receipts += 1

    def _expire(self, product: _Product, day: date, at: datetime) -> None:
        lots = product.lots
        while lots and lots[0].expiry is not None and lots[0].expiry < day:
            lot = lots[0]
            self._take_out(product, MoveKind.WASTE, lot.qty_left, 0, lot.id, at, day, "expired")
            self.counts.waste += 1

    def _sell(self, product: _Product, qty: int, t: int, day: date, at: datetime) -> None:
        self._take_out(product, MoveKind.SALE, qty, qty * product.price(t), None, at, day)
        self.counts.sales += 1

    def _take_out(
        self,
        product: _Product,
        kind: MoveKind,
        qty: int,
        revenue: int,
        lot_id: int | None,
        at: datetime,
        day: date,
        reason: str = "",
    ) -> None:
        change = -outgoing_value(product.on_hand, product.value, product.last_cost, qty)
        left = qty
        while left > 0 and product.lots:  # oldest first (ledger.consume_lots), named lot is oldest
            lot = product.lots[0]
            take = min(lot.qty_left, left)
            lot.qty_left -= take
            left -= take
            if lot.qty_left == 0:
                product.lots.popleft()
        product.on_hand -= qty
        product.value += change
        self._move(product, kind, -qty, change, revenue, lot_id, at, day, reason)

    def _move(
        self,
        product: _Product,
        kind: MoveKind,
        qty: int,
        value: int,
        revenue: int,
        lot_id: int | None,
        at: datetime,
        day: date,
        reason: str = "",
    ) -> None:
        self.moves.append(
            {
                "id": self.next_move,
                "product_id": product.id,
                "kind": str(kind),
                "qty": qty,
                "unit_cost_fen": mul_div_round(abs(value), 1, abs(qty)),
                "value_fen": value,
                "revenue_fen": revenue,
                "lot_id": lot_id,
                "reason": reason,
                "reference": "",
                "note": "",
                "created_at": at,
                "shop_day": day,
            }
        )
        self.next_move += 1
        self.counts.moves += 1
        units, rev, cost = summary_delta(str(kind), qty, value, revenue)
        product.day[0] += units
        product.day[1] += rev
        product.day[2] += cost
        product.touched = True

    def _summarise(self, product: _Product, day: date) -> None:
        units, revenue, cost = product.day
        self.summaries.append(
            {
                "product_id": product.id,
                "day": day,
                "units_sold": units,
                "revenue_fen": revenue,
                "cost_fen": cost,
                "closing_on_hand": product.on_hand,
                "out_of_stock": product.on_hand <= 0,
                "imported": False,
            }
        )
        product.day = [0, 0, 0]
        product.touched = False

    # --- writing -------------------------------------------------------------------------
    def _flush(self) -> None:
        for row, lot in zip(self.lot_rows, self.lots, strict=True):
            row["qty_left"] = lot.written = lot.qty_left
        session = self.session
        if self.lot_rows:
            session.execute(insert(Lot), self.lot_rows)
        if self.moves:
            session.execute(insert(StockMove), self.moves)
        if self.summaries:
            session.execute(insert(DailySummary), self.summaries)
        self.counts.lots += len(self.lot_rows)
        self.counts.summaries += len(self.summaries)
        self.pending += [lot for lot in self.lots if lot.qty_left > 0]
        self.lots, self.lot_rows, self.moves, self.summaries = [], [], [], []

    def _settle_lots(self) -> None:
        """Lots written while still open and emptied (or sold from) after their month."""
        changed = [
            {"lot_id": lot.id, "left": lot.qty_left}
            for lot in self.pending
            if lot.qty_left != lot.written
        ]
        if changed:
            stmt = update(Lot).where(Lot.id == bindparam("lot_id"))
            self.session.connection().execute(stmt.values(qty_left=bindparam("left")), changed)

    def finals(self) -> list[tuple[int, int, int, int]]:
        """(product id, on hand, stock value, last cost) at the end."""
        return [(p.id, p.on_hand, p.value, p.last_cost) for p in self.products]
