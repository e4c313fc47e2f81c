"""Two years of a shop's life, written straight into the ledger tables.

A day-by-day simulation of a shop owner who has used Shop Desk all along: deliveries on each
product's review day (order-up-to the expected demand until the next one, now and then a
delivery that did not come), sales that stop when the shelf is empty (censored days),
expired lots written off the morning after their date, and one stock count (盘点) some
weeks before the end that finds a little shrinkage. Each product-day gives at most a few
moves: write-offs (08:00 local), a receipt (09:00), one sale line (09:30-21:00, grouped into
checkouts by till.py), a count (21:30).

The rows are the ones post_move, checkout and apply_count would have written, computed with
the ledger's own helpers (outgoing_value, incoming_lot_qty, incoming_change, summary_delta,
mul_div_round) and inserted in bulk, a month at a time, so memory stays small. Lots are
written with the quantity they have at the end of their month; those that change later are
corrected at the end. `check_database` replays the result and must find nothing to say.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from random import Random

from sqlalchemy import bindparam, update
from sqlalchemy.orm import Session

from shop_desk.clock import shop_day
from shop_desk.db.models import (
    CountLine,
    CountSession,
    DailySummary,
    Lot,
    Sale,
    SaleLine,
    StockMove,
)
from shop_desk.demo import till
from shop_desk.demo.bulk import BulkWriter
from shop_desk.demo.catalog import DemoProduct
from shop_desk.i18n import tr
from shop_desk.inventory.day_totals import recompute_days
from shop_desk.inventory.ledger import (
    MoveKind,
    incoming_change,
    incoming_lot_qty,
    outgoing_value,
    summary_delta,
)
from shop_desk.inventory.product_days import refill_product_days
from shop_desk.inventory.sales_rollups import recompute_rollups
from shop_desk.inventory.stockout_runs import refill_runs
from shop_desk.money import mul_div_round
from shop_desk.progress import Progress

FLUSH_DAYS = 30
MISSED_DELIVERY = 0.04  # the wholesaler was out of it: the shelf may run empty
PRICE_RISE_SHARE = 0.25  # products whose price went up once during the two years
FORECAST_TAIL = 60  # days of expected demand beyond the end (orders look ahead)
HOURS = {"waste": 8, "receipt": 9}  # local shop time; sales follow the delivery
COUNT_MINUTES = 12 * 60 + 30  # the count: 21:30, after the last sale
COUNT_DAYS_BEFORE_END = 45
SHRINK_SHARE = 0.05  # products a count finds short (theft, breakage, a wrong scan)
FOUND_SHARE = 0.01  # and a few found over (a delivery booked short)
COUNT_NOTE = "季度盘点"

MOVE_COLUMNS = (
    "id", "product_id", "kind", "qty", "unit_cost_fen", "value_fen", "revenue_fen", "lot_id",
    "reason", "reference", "note", "created_at", "shop_day",
)  # fmt: skip
LOT_COLUMNS = ("id", "product_id", "received_at", "expiry_date", "qty_received", "qty_left")
SUMMARY_COLUMNS = (
    "product_id", "day", "units_sold", "revenue_fen", "cost_fen", "closing_on_hand",
    "out_of_stock", "imported",
)  # fmt: skip
SALE_COLUMNS = (
    "id", "uuid", "kind", "original_sale_id", "created_at", "shop_day", "total_fen", "paid_fen",
    "change_fen", "oversold", "voided", "note",
)  # fmt: skip
LINE_COLUMNS = (
    "id", "sale_id", "product_id", "qty", "unit_price_fen", "line_total_fen", "cost_fen",
    "returned_qty", "original_line_id",
)  # fmt: skip
COUNT_COLUMNS = ("id", "status", "note", "started_at", "closed_at")
COUNT_LINE_COLUMNS = (
    "id", "session_id", "product_id", "expected", "counted", "unit_cost_fen", "counted_at",
)  # fmt: skip
SALE, RECEIPT, WASTE, COUNT = (str(k) for k in (MoveKind.SALE, MoveKind.RECEIPT,
                                                MoveKind.WASTE, MoveKind.COUNT))  # fmt: skip


@dataclass
class NextIds:
    """The first free id of each table the history writes (rows carry their ids)."""

    lot: int = 1
    move: int = 1
    sale: int = 1
    line: int = 1
    count: int = 1
    count_line: int = 1


@dataclass
class _Lot:
    id: int
    qty_left: int
    expiry: date | None
    row: list  # the row to insert; qty_left is filled in at the flush
    written: int | None = None  # qty_left as inserted (None: not yet)


@dataclass
class _Product:
    index: int
    id: int
    item: DemoProduct
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
    sale_lines: int = 0
    waste: int = 0
    counted: int = 0
    lots: int = 0
    summaries: int = 0


@dataclass
class _Day:
    """One shop day, with its instants and their database forms computed once."""

    index: int
    day: date
    morning: datetime
    delivery: datetime
    db_day: object = None
    db_morning: object = None
    db_delivery: object = None


def local_instant(day: date, hour: int) -> datetime:
    """Naive UTC of a local wall-clock hour on a shop day (checked against clock.shop_day)."""
    at = datetime.combine(day, time(hour)).astimezone(UTC).replace(tzinfo=None)
    if shop_day(at) != day:  # an odd time-zone change that day: noon is always inside it
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
        ids: NextIds,
        seed: int,
    ) -> None:
        import numpy as np

        from shop_desk.demo.demand import draw_demand, expected_demand

        self.first_day, self.days, self.ids = first_day, days, ids
        rng = np.random.default_rng(seed)
        expected = expected_demand(items, first_day, days + FORECAST_TAIL)
        demand = draw_demand(items, expected[:, :days], rng)
        # Per day, only the products that something happens to: (index, units wanted).
        self.wanted = [
            list(zip(np.flatnonzero(col).tolist(), col[col > 0].tolist(), strict=True))
            for col in demand.T
        ]
        zero = np.zeros((len(items), 1))
        self.cum = np.concatenate([zero, np.cumsum(expected, axis=1)], axis=1).tolist()
        review = np.array([item.review_days for item in items])[:, None]
        phase = rng.integers(0, 10_000, len(items))[:, None] % review
        due = (np.arange(days)[None, :] - phase) % review == 0
        due &= rng.random((len(items), days)) >= MISSED_DELIVERY
        due[:, 0] = True  # the opening stock
        self.arrivals = [np.flatnonzero(col).tolist() for col in due.T]
        self.expiring: dict[date, list[_Product]] = {}  # write-off day -> products
        self.touched: list[_Product] = []
        rises = rng.random(len(items)).tolist()
        rise_days = rng.integers(60, max(61, days - 30), len(items)).tolist()
        self.rng = Random(int(rng.integers(0, 2**63)))  # the till and the count
        self.count_day = days - COUNT_DAYS_BEFORE_END if days > 2 * COUNT_DAYS_BEFORE_END else -1
        self.products = [
            self._product(i, pid, item, rises[i], rise_days[i])
            for i, (pid, item) in enumerate(zip(product_ids, items, strict=True))
        ]
        self.writer = BulkWriter(session)
        self._encode_day = self.writer.encoder(StockMove.__table__, "shop_day")
        self._encode_at = self.writer.encoder(StockMove.__table__, "created_at")
        self._stamp = self.writer.encoder(StockMove.__table__, "created_at", memo=False)
        flag = self.writer.encoder(DailySummary.__table__, "out_of_stock")
        self._flags = (flag(False), flag(True))
        self.rows: dict[str, list] = {name: [] for name in ("moves", "summaries", "sales")}
        self.rows |= {"lines": [], "counts": [], "count_lines": []}
        self.lots: list[_Lot] = []
        self.pending: list[_Lot] = []  # lots written while open: corrected at the end
        self.counts = Counters()

    @staticmethod
    def _product(index: int, pid: int, item: DemoProduct, rise: float, day: int) -> _Product:
        if rise < PRICE_RISE_SHARE and item.retail_fen > 150:
            step = 50 if item.retail_fen < 1000 else 100
            old_price = item.retail_fen - step
            old_cost = mul_div_round(item.cost_fen, old_price, item.retail_fen)
        else:
            day, old_price, old_cost = 0, item.retail_fen, item.cost_fen
        return _Product(index, pid, item, day, old_price, old_cost, last_cost=old_cost)

    # --- days ----------------------------------------------------------------------------
    def run(self) -> Generator[Progress, None, Counters]:
        step = max(1, min(FLUSH_DAYS, self.days // 25))
        with self.writer.big_cache():
            for t in range(self.days):
                self._run_day(self._day_of(t))
                if (t + 1) % step == 0 or t == self.days - 1:
                    self._flush()
                    yield Progress(t + 1, self.days, tr("Writing the sales history…"))
            self._settle_lots()
            last = self.first_day + timedelta(days=self.days - 1)
            conn = self.writer.session.connection()
            recompute_days(conn, self.first_day, last)  # the shop's daily totals
            recompute_rollups(conn, self.first_day, last)  # each product's months and years
            refill_runs(conn)  # and its stock-out runs
            refill_product_days(conn)  # and its first day and last day sold
        return self.counts

    def _day_of(self, t: int) -> _Day:
        day = self.first_day + timedelta(days=t)
        d = _Day(t, day, local_instant(day, HOURS["waste"]), local_instant(day, HOURS["receipt"]))
        d.db_day = self._encode_day(day)
        d.db_morning, d.db_delivery = self._encode_at(d.morning), self._encode_at(d.delivery)
        return d

    def _run_day(self, d: _Day) -> None:
        products, t = self.products, d.index
        for product in self.expiring.pop(d.day, ()):  # morning: expired lots out
            self._expire(product, d)
        for i in self.arrivals[t]:  # deliveries in
            self._receive(products[i], d)
        sold = []
        for i, wanted in self.wanted[t]:  # what customers took, the shelf permitting
            product = products[i]
            if product.on_hand > 0:
                sold.append((product, min(wanted, product.on_hand)))
        self._ring_up(sold, d)
        if t == self.count_day:
            self._count(d)
        for product in self.touched:
            self._summarise(product, d)
        self.touched = []

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
    def _receive(self, product: _Product, d: _Day) -> None:
        qty = self._order_qty(product, d.index)
        if qty <= 0:
            return
        life = product.item.shelf_life_days
        expiry = d.day + timedelta(days=life) if life else None
        at = d.db_delivery
        self._incoming(product, RECEIPT, qty, qty * product.cost(d.index), expiry, at, d, "")
        self.counts.receipts += 1

    def _incoming(
        self, product, kind: str, qty: int, value: int, expiry, at, d: _Day, reference: str
    ) -> None:
        """A positive move: a new lot (what is left after any deficit), value at its cost."""
        db_expiry = self._encode_day(expiry) if expiry else None
        lot_id = self.ids.lot
        self.ids.lot += 1
        lot = _Lot(lot_id, incoming_lot_qty(product.on_hand, qty), expiry, [])
        lot.row = [lot_id, product.id, at, db_expiry, qty, 0]
        self.lots.append(lot)
        if lot.qty_left > 0:
            product.lots.append(lot)
            if expiry is not None:  # written off the morning after its date
                self.expiring.setdefault(expiry + timedelta(days=1), []).append(product)
        change = incoming_change(product.on_hand, product.value, qty, value)
        product.on_hand += qty
        product.value += change
        if product.on_hand > 0:
            product.last_cost = mul_div_round(product.value, 1, product.on_hand)
        self._move(product, kind, qty, change, 0, lot_id, at, d.db_day, "", reference)

    def _expire(self, product: _Product, d: _Day) -> None:
        lots = product.lots
        while lots and lots[0].expiry is not None and lots[0].expiry < d.day:
            lot = lots[0]
            self._take_out(product, WASTE, lot.qty_left, 0, lot.id, d.db_morning, d, "expired")
            self.counts.waste += 1

    def _ring_up(self, sold: list, d: _Day) -> None:
        """The day's sale lines as checkouts (till.py), each one Sale with its lines."""
        ids, rows, rng = self.ids, self.rows, self.rng
        for minute, lines in till.checkouts(sold, rng):
            at = self._stamp(d.delivery + timedelta(minutes=minute))
            sale_id, total = ids.sale, 0
            ids.sale += 1
            reference = f"sale:{sale_id}"
            for product, qty in lines:
                price = product.price(d.index)
                cost = -self._take_out(product, SALE, qty, qty * price, None, at, d, "", reference)
                rows["lines"].append(
                    (ids.line, sale_id, product.id, qty, price, qty * price, cost, 0, None)
                )
                ids.line += 1
                total += qty * price
            paid = till.paid_for(total, rng)
            sale = (sale_id, till.sale_uuid(rng), "sale", None, at, d.db_day, total, paid,
                    paid - total, False, False, "")  # fmt: skip
            rows["sales"].append(sale)
            self.counts.sales += 1
            self.counts.sale_lines += len(lines)

    def _count(self, d: _Day) -> None:
        """A full stock count in the evening: most shelves agree, a few are short."""
        count_id, rng = self.ids.count, self.rng
        self.ids.count += 1
        at_dt = d.delivery + timedelta(minutes=COUNT_MINUTES)
        at, started = self._encode_at(at_dt), self._encode_at(at_dt - timedelta(hours=2))
        self.rows["counts"].append((count_id, "applied", COUNT_NOTE, started, at))
        for product in self.products:
            expected, counted = product.on_hand, product.on_hand
            draw = rng.random()
            if draw < SHRINK_SHARE and expected > 0:
                counted -= min(expected, rng.choice((1, 1, 1, 2, 3)))
            elif draw > 1 - FOUND_SHARE and not product.item.shelf_life_days:
                counted += 1  # a dated lot would need an expiry: only undated goods are found
            unit_cost = product.last_cost
            if product.on_hand > 0:
                unit_cost = mul_div_round(product.value, 1, product.on_hand)
            line = (self.ids.count_line, count_id, product.id, expected, counted, unit_cost, at)
            self.rows["count_lines"].append(line)
            self.ids.count_line += 1
            diff, reference = counted - expected, f"count:{count_id}"
            if diff < 0:
                self._take_out(product, COUNT, -diff, 0, None, at, d, "", reference)
            elif diff > 0:
                self._incoming(product, COUNT, diff, diff * unit_cost, None, at, d, reference)
            self.counts.counted += diff != 0

    def _take_out(
        self,
        product: _Product,
        kind: str,
        qty: int,
        revenue: int,
        lot_id: int | None,
        at: object,
        d: _Day,
        reason: str = "",
        reference: str = "",
    ) -> int:
        """A negative move at the moving average, oldest lot first; returns its value."""
        change = -outgoing_value(product.on_hand, product.value, product.last_cost, qty)
        left, lots = qty, product.lots
        while left > 0 and lots:  # oldest first (ledger.consume_lots); a named lot is oldest
            lot = lots[0]
            take = min(lot.qty_left, left)
            lot.qty_left -= take
            left -= take
            if lot.qty_left == 0:
                lots.popleft()
        product.on_hand -= qty
        product.value += change
        self._move(product, kind, -qty, change, revenue, lot_id, at, d.db_day, reason, reference)
        return change

    def _move(
        self,
        product: _Product,
        kind: str,
        qty: int,
        value: int,
        revenue: int,
        lot_id: int | None,
        at: object,
        day: object,
        reason: str,
        reference: str,
    ) -> None:
        unit_cost = mul_div_round(abs(value), 1, abs(qty))
        row = (self.ids.move, product.id, kind, qty, unit_cost, value, revenue, lot_id,
               reason, reference, "", at, day)  # fmt: skip
        self.rows["moves"].append(row)
        self.ids.move += 1
        units, rev, cost = summary_delta(kind, qty, value, revenue)
        totals = product.day
        totals[0] += units
        totals[1] += rev
        totals[2] += cost
        if not product.touched:
            product.touched = True
            self.touched.append(product)

    def _summarise(self, product: _Product, d: _Day) -> None:
        units, revenue, cost = product.day
        closing = product.on_hand
        flags = self._flags
        row = (product.id, d.db_day, units, revenue, cost, closing,
               flags[closing <= 0], flags[False])  # fmt: skip
        self.rows["summaries"].append(row)
        product.day = [0, 0, 0]
        product.touched = False

    # --- writing -------------------------------------------------------------------------
    def _flush(self) -> None:
        for lot in self.lots:
            lot.row[5] = lot.written = lot.qty_left
        rows, insert, counts = self.rows, self.writer.insert, self.counts
        # Parents first: the foreign keys are checked row by row.
        insert(Lot.__table__, LOT_COLUMNS, [tuple(lot.row) for lot in self.lots])
        insert(Sale.__table__, SALE_COLUMNS, rows["sales"])
        insert(CountSession.__table__, COUNT_COLUMNS, rows["counts"])
        insert(StockMove.__table__, MOVE_COLUMNS, rows["moves"])
        insert(SaleLine.__table__, LINE_COLUMNS, rows["lines"])
        insert(CountLine.__table__, COUNT_LINE_COLUMNS, rows["count_lines"])
        insert(DailySummary.__table__, SUMMARY_COLUMNS, rows["summaries"])
        counts.lots += len(self.lots)
        counts.moves += len(rows["moves"])
        counts.summaries += len(rows["summaries"])
        self.pending += [lot for lot in self.lots if lot.qty_left > 0]
        self.lots = []
        for batch in rows.values():
            batch.clear()

    def _settle_lots(self) -> None:
        """Lots written while still open and emptied (or sold from) after their month."""
        changed = [
            {"lot_id": lot.id, "left": lot.qty_left}
            for lot in self.pending
            if lot.qty_left != lot.written
        ]
        if changed:
            stmt = update(Lot).where(Lot.id == bindparam("lot_id"))
            self.writer.session.connection().execute(
                stmt.values(qty_left=bindparam("left")), changed
            )

    def finals(self) -> list[tuple[int, int, int, int]]:
        """(product id, on hand, stock value, last cost) at the end."""
        return [(p.id, p.on_hand, p.value, p.last_cost) for p in self.products]
