"""Build (and cache) a big shop: 100,000 products and 2,000,000 stock moves.

    python benchmarks/make_big_shop.py [--products N] [--moves N] [--check] [--force]

The schema comes from the real migrations (open_database), the rows from a day-by-day
simulation of a convenience store written with sqlite3 executemany in big transactions. The
simulation keeps every cache the way shop_desk.inventory.ledger.post_move does (on hand, stock
value, lots oldest first, daily summary), using the ledger's own helpers, so `check_database`
finds the shop clean (--check runs it; tests/test_bench_builder.py does on a small shop).

Product names combine a few hundred real names (benchmarks/data/names.csv, copied from a
2017 Chinese convenience-store till) with flavours and sizes; pinyin keys are computed once
per name part with shop_desk.text.pinyin_keys. Prints one JSON object with the folder.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import heapq
import json
import random
import shutil
import sqlite3
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import DATA, OUT, emit

from shop_desk.db import SCHEMA_HEAD
from shop_desk.db.engine import open_database
from shop_desk.inventory.day_totals import FILL_DAYS
from shop_desk.inventory.ledger import (
    incoming_change,
    incoming_lot_qty,
    outgoing_value,
    summary_delta,
)
from shop_desk.inventory.product_days import FILL as PRODUCT_DAYS
from shop_desk.inventory.sales_rollups import SPANS, fill_sql
from shop_desk.inventory.search import name_grams
from shop_desk.inventory.stockout_runs import fill_all_sql
from shop_desk.money import mul_div_round
from shop_desk.paths import database_path
from shop_desk.text import gtin_with_check_digit, pinyin_keys

BUILDER_VERSION = 3  # bump when the generated data changes (invalidates the cache)

FLAVOURS = [
    "", "无糖", "低糖", "原味", "香辣味", "草莓味", "柠檬味", "经典装", "家庭装", "迷你装",
    "礼盒装", "量贩装", "清爽型", "加强型", "特浓", "新品", "升级版", "儿童装", "便携装",
    "促销装", "限定款", "五连包",
]  # fmt: skip
SIZES = ["", "小包", "中包", "大包", "×2", "×3", "×4", "×6", "×12", "×24"]
UNITS = {"饮料": "瓶", "零食": "袋", "方便食品": "袋", "调味品": "瓶", "日化": "个", "烟酒": "包"}
PRICE_RANGE = {  # retail price range in fen per category
    "饮料": (250, 1500), "零食": (300, 3000), "方便食品": (350, 2500), "调味品": (500, 4000),
    "日化": (500, 8000), "烟酒": (1000, 20000), "其他": (200, 5000),
}  # fmt: skip
OPEN_S, CLOSE_S = 7 * 3600, 23 * 3600  # opening hours, local time
BASKET_SIZES = (1, 1, 1, 2, 2, 3, 4, 5)  # lines per sale
DT_FMT = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores DateTime on SQLite


# ----------------------------------------------------------------------------- products


@dataclass(slots=True)
class ProductRow:
    id: int
    name: str
    initials: str
    pinyin: str
    category: str
    unit: str
    spec: str
    price: int
    cost: int  # unit cost the wholesaler charges (fen)
    pack: int  # units per case
    shelf_life: int | None
    short_code: str | None


@dataclass(slots=True)
class State:
    on_hand: int = 0
    value: int = 0
    last_cost: int = 0
    lots: list = field(default_factory=list)  # [(sort key, lot row)] oldest first, qty_left > 0


def read_names() -> list[tuple[str, str, str]]:
    with (DATA / "names.csv").open(encoding="utf-8", newline="") as handle:
        return [(r["name"], r["spec"], r["category"]) for r in csv.DictReader(handle)]


def make_products(count: int, rng: random.Random) -> list[ProductRow]:
    names = read_names()
    keys: dict[str, tuple[str, str]] = {}

    def keys_of(part: str) -> tuple[str, str]:
        if part not in keys:
            keys[part] = pinyin_keys(part) if part else ("", "")
        return keys[part]

    combos = len(names) * len(FLAVOURS) * len(SIZES)
    if count > combos:
        raise SystemExit(f"at most {combos} distinct names; asked for {count}")
    products = []
    for index in range(count):
        base, spec, category = names[index % len(names)]
        combo = index // len(names)
        flavour, size = FLAVOURS[combo % len(FLAVOURS)], SIZES[combo // len(FLAVOURS)]
        parts = [keys_of(p) for p in (base, flavour, size)]
        low, high = PRICE_RANGE.get(category, PRICE_RANGE["其他"])
        price = rng.randrange(low, high) // 10 * 10
        if size.startswith("×"):
            price *= int(size[1:])
        pack = rng.choice((6, 12, 12, 24, 24, 48))
        products.append(
            ProductRow(
                id=index + 1,
                name=f"{base}{flavour}{size}",
                initials="".join(p[0] for p in parts),
                pinyin="".join(p[1] for p in parts),
                category=category,
                unit=UNITS.get(category, "件"),
                spec=f"{spec}{size}",
                price=price,
                cost=max(1, price * rng.randrange(60, 85) // 100),
                pack=pack,
                shelf_life=None,  # set by the shop from the popularity rank
                short_code=f"Z{index + 1:05d}" if index % 250 == 7 else None,
            )
        )
    return products


def make_barcodes(products: list[ProductRow], rng: random.Random) -> list[tuple[str, int, int]]:
    """A unit EAN-13 per product, and a case EAN-13 for one product in six."""
    case_count = len(products) // 6
    bodies = rng.sample(range(10**10), len(products) + case_count)
    rows = [
        (gtin_with_check_digit(f"69{b:010d}"), p.id, 1)
        for p, b in zip(products, bodies, strict=False)
    ]
    for product, body in zip(
        rng.sample(products, case_count), bodies[len(products) :], strict=True
    ):
        rows.append((gtin_with_check_digit(f"69{body:010d}"), product.id, product.pack))
    return rows


# ----------------------------------------------------------------------------- the ledger


class Ledger:
    """post_move's arithmetic over plain Python state, rows buffered for executemany."""

    def __init__(self, products: list[ProductRow]) -> None:
        self.states = {p.id: State(last_cost=p.cost) for p in products}
        self.lots: list[list] = []  # [id, product_id, received_at, expiry, qty_recv, qty_left]
        self.moves: list[tuple] = []
        self.move_count = 0
        self.sale_moves = 0
        self.summary: dict[tuple[int, str], list[int]] = {}  # today's (pid, day) -> totals

    def post(
        self,
        pid: int,
        kind: str,
        qty: int,
        at: str,
        day: str,
        *,
        value: int | None = None,
        revenue: int = 0,
        reason: str = "",
        reference: str = "",
        note: str = "",
        expiry: str | None = None,
        lot_id: int | None = None,
    ) -> int:
        """Append one move; returns its value_fen (signed change of stock value)."""
        st = self.states[pid]
        before = st.on_hand
        if qty > 0:
            if value is None:
                avg = mul_div_round(st.value, 1, before) if before > 0 else st.last_cost
                value = qty * avg
            lot_qty = incoming_lot_qty(before, qty)
            lot = [len(self.lots) + 1, pid, at, expiry, qty, lot_qty]
            self.lots.append(lot)
            if lot_qty > 0:
                bisect.insort(st.lots, ((expiry is None, expiry or "", lot[0]), lot))
            lot_id = lot[0]
            change = incoming_change(before, st.value, qty, value)
        else:
            change = -outgoing_value(before, st.value, st.last_cost, -qty)
            self._consume(st, -qty, lot_id)
        st.on_hand = before + qty
        st.value += change
        if st.on_hand > 0 and qty > 0:
            st.last_cost = mul_div_round(st.value, 1, st.on_hand)
        self.move_count += 1
        self.sale_moves += kind == "sale"
        unit_cost = mul_div_round(abs(change), 1, abs(qty))
        self.moves.append(
            (self.move_count, pid, kind, qty, unit_cost, change, revenue, lot_id, reason,
             reference, note, at, day)
        )  # fmt: skip
        units, rev, cost = summary_delta(kind, qty, change, revenue)
        totals = self.summary.setdefault((pid, day), [0, 0, 0, 0])
        totals[0] += units
        totals[1] += rev
        totals[2] += cost
        totals[3] = st.on_hand
        return change

    @staticmethod
    def _consume(st: State, qty: int, lot_id: int | None) -> None:
        # consume_lots over the open lots: a named lot first, then oldest first.
        if lot_id is not None:
            for _, lot in st.lots:
                if lot[0] == lot_id:
                    take = min(lot[5], qty)
                    lot[5] -= take
                    qty -= take
        for _, lot in st.lots:
            if qty <= 0:
                break
            take = min(lot[5], qty)
            lot[5] -= take
            qty -= take
        if st.lots and (st.lots[0][1][5] == 0 or lot_id is not None):
            st.lots = [entry for entry in st.lots if entry[1][5] > 0]


# ----------------------------------------------------------------------------- the shop


@dataclass
class Plan:
    products: int
    moves: int
    days: int
    seed: int
    end: date  # the last simulated day (yesterday: today stays free for the benchmarks)


class Shop:
    """A day-by-day simulation: receipts, baskets, returns, voids, write-offs, counts."""

    def __init__(self, plan: Plan, products: list[ProductRow], conn: sqlite3.Connection):
        self.plan = plan
        self.rng = random.Random(plan.seed + 1)
        self.products = {p.id: p for p in products}
        self.conn = conn
        self.ledger = Ledger(products)
        order = list(self.products)
        self.rng.shuffle(order)  # popularity rank, independent of the name
        weights = [1 / (rank + 20) for rank in range(len(order))]
        total = sum(weights)
        self.population = order
        self.cum_weights = []
        acc = 0.0
        for weight in weights:
            acc += weight
            self.cum_weights.append(acc)
        lines_total = plan.moves * 0.8
        self.rate = {
            pid: lines_total * w / total * 1.3 / plan.days
            for pid, w in zip(order, weights, strict=True)
        }
        for rank, pid in enumerate(order):
            # Fresh goods (bread, milk) among the best sellers; long shelf lives for a third of
            # the rest (tracked by expiry, written off when dead stock expires).
            if rank < 500 and self.rng.random() < 0.5:
                self.products[pid].shelf_life = self.rng.choice((7, 15, 30, 90))
            elif self.rng.random() < 0.3:
                self.products[pid].shelf_life = self.rng.choice((180, 365, 540, 720))
        self.pending: set[int] = set()
        self.expiring: list[tuple[str, int]] = []  # heap of (expiry day, lot id)
        self.sales: list[tuple] = []
        self.lines: list[list] = []
        self.sale_id = 0
        self.line_id = 0
        self.count_id = 0
        self.counts: list[tuple] = []
        self.count_lines: list[tuple] = []
        self.summary_rows: list[tuple] = []

    # -- time
    def stamp(self, day: date, seconds: float, offset: timedelta) -> str:
        local = datetime(day.year, day.month, day.day) + timedelta(seconds=seconds)
        return (local - offset).strftime(DT_FMT)

    # -- events
    def receive(self, pid: int, qty: int, at: str, day: date, ref: str) -> None:
        product = self.products[pid]
        unit = product.cost * self.rng.randrange(95, 106) // 100
        total = unit * qty + self.rng.randrange(3)  # case prices leave fractions of a fen
        expiry = None
        if product.shelf_life:
            days = product.shelf_life
            if ref == "opening":  # the opening stock was bought over the months before
                days = self.rng.randint(days // 4, days)
            expiry = (day + timedelta(days=days)).isoformat()
        self.ledger.post(
            pid, "receipt", qty, at, day.isoformat(), value=total, reference=ref, expiry=expiry
        )
        if expiry:
            heapq.heappush(self.expiring, (expiry, len(self.ledger.lots)))

    def batch(self, pid: int) -> int:
        """A week of sales in whole cases; fresh goods by the piece, half a shelf life."""
        product = self.products[pid]
        if product.shelf_life and product.shelf_life <= 90:
            return max(2, int(self.rate[pid] * min(7, product.shelf_life / 2)) + 1)
        pack = product.pack
        return max(pack, -(-int(self.rate[pid] * 7) // pack) * pack)

    def basket(self, picks: list[int], at: str, day: str) -> None:
        rng = self.rng
        merged: dict[int, int] = {}
        for pid in picks:
            r = rng.random()
            merged[pid] = merged.get(pid, 0) + (
                1 if r < 0.8 else 2 if r < 0.95 else rng.randint(3, 6)
            )
        self.sale_id += 1
        sale_id = self.sale_id
        total, oversold = 0, False
        for pid in sorted(merged):
            qty, price = merged[pid], self.products[pid].price
            oversold |= qty > self.ledger.states[pid].on_hand
            value = self.ledger.post(
                pid, "sale", -qty, at, day, revenue=qty * price, reference=f"sale:{sale_id}"
            )
            self.line_id += 1
            self.lines.append(
                [self.line_id, sale_id, pid, qty, price, qty * price, -value, 0, None]
            )
            total += qty * price
        paid = total if rng.random() < 0.6 else -(-total // 1000) * 1000
        uid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        self.sales.append([sale_id, uid, "sale", None, at, day, total, paid, paid - total,
                           int(oversold), 0, ""])  # fmt: skip

    def refund(self, sale: list, lines: list[list], at: str, day: str, reason: str) -> None:
        """return_items: give back the unreturned units of `lines` of `sale`."""
        self.sale_id += 1
        refund_id, total = self.sale_id, 0
        for line in sorted(lines, key=lambda item: item[0]):
            qty = line[3] - line[7]
            amount = mul_div_round(line[5], qty, line[3])
            cost = mul_div_round(line[6], qty, line[3])
            self.ledger.post(line[2], "return", qty, at, day, value=cost, revenue=-amount,
                             reason=reason, reference=f"sale:{sale[0]}")  # fmt: skip
            line[7] += qty
            self.line_id += 1
            self.lines.append(
                [self.line_id, refund_id, line[2], -qty, line[4], -amount, -cost, 0, line[0]]
            )
            total += amount
        uid = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        self.sales.append([refund_id, uid, "return", sale[0], at, day, -total, 0, total, 0, 0,
                           reason])  # fmt: skip

    def count(self, day: date, at: str) -> None:
        """A stock count of 100 random products, applied at once."""
        self.count_id += 1
        cid = self.count_id
        self.counts.append((cid, "applied", "monthly count", at, at))
        for pid in sorted(self.rng.sample(self.population, min(100, len(self.population)))):
            st = self.ledger.states[pid]
            expected = st.on_hand
            counted = max(0, expected + self.rng.choice((0, 0, 0, 0, -1, -2, 1)))
            unit = mul_div_round(st.value, 1, st.on_hand) if st.on_hand > 0 else st.last_cost
            self.count_lines.append((cid, pid, expected, counted, unit, at))
            diff = counted - expected
            if diff:
                value = diff * unit if diff > 0 else None
                self.ledger.post(pid, "count", diff, at, day.isoformat(), value=value,
                                 reference=f"count:{cid}")  # fmt: skip

    # -- a day
    def run_day(self, day: date, lines_today: int, last: bool) -> None:
        rng, ledger, iso = self.rng, self.ledger, day.isoformat()
        offset = datetime(day.year, day.month, day.day, 12).astimezone().utcoffset()
        touched: set[int] = set()
        at = self.stamp(day, OPEN_S, offset)
        while self.expiring and self.expiring[0][0] < iso:
            _, lot_id = heapq.heappop(self.expiring)
            lot = ledger.lots[lot_id - 1]
            if lot[5] > 0:
                ledger.post(lot[1], "waste", -lot[5], at, iso, reason="expired", lot_id=lot_id)
                touched.add(lot[1])
        at = self.stamp(day, OPEN_S + 1800, offset)
        for pid in sorted(self.pending):
            self.receive(pid, self.batch(pid), at, day, f"po:{iso}")
        self.pending.clear()
        if last:  # fill the budget exactly
            lines_today = self.plan.moves - ledger.move_count
        times = sorted(rng.uniform(OPEN_S + 3600, CLOSE_S - 3600) for _ in range(lines_today))
        first_sale, first_line = len(self.sales), len(self.lines)
        budget = lines_today
        for at_s in times:
            if budget <= 0 or (last and ledger.move_count >= self.plan.moves):
                break
            if last:
                budget = self.plan.moves - ledger.move_count
            size = min(rng.choice(BASKET_SIZES), budget)
            picks = rng.choices(self.population, cum_weights=self.cum_weights, k=size)
            moves_before = ledger.move_count
            self.basket(picks, self.stamp(day, at_s, offset), iso)
            budget -= ledger.move_count - moves_before
            touched.update(picks)
        if not last:
            self.evening(day, offset, first_sale, first_line, touched)

    def evening(
        self, day: date, offset: timedelta, first_sale: int, first_line: int, touched: set[int]
    ) -> None:
        rng, iso = self.rng, day.isoformat()
        today = self.sales[first_sale:]
        by_sale: dict[int, list[list]] = {}
        for line in self.lines[first_line:]:
            by_sale.setdefault(line[1], []).append(line)
        for n, sale in enumerate(rng.sample(today, min(len(today), len(today) // 300 + 1))):
            at = self.stamp(day, CLOSE_S - 1800 + n, offset)
            lines = by_sale[sale[0]]
            if n % 5 == 0:  # a void: everything back, the sale marked
                self.refund(sale, lines, at, iso, "void")
                sale[10] = 1
            else:
                self.refund(sale, lines[:1], at, iso, "return")
            touched.update(line[2] for line in lines)
        for n in range(rng.randint(0, 3)):  # damaged goods and corrections
            pid = rng.choice(self.population)
            at = self.stamp(day, CLOSE_S - 900 + n, offset)
            if n % 2 == 0:
                self.ledger.post(pid, "waste", -1, at, iso, reason="damaged")
            else:
                self.ledger.post(pid, "adjustment", rng.choice((-1, 1)), at, iso, note="盘错更正")
            touched.add(pid)
        if day.day == 28:
            self.count(day, self.stamp(day, CLOSE_S - 600, offset))
        for pid in touched:
            if self.ledger.states[pid].on_hand <= self.rate[pid] * 3:
                self.pending.add(pid)

    def close_day(self, day: date) -> None:
        iso = day.isoformat()
        for (pid, d), (units, rev, cost, closing) in self.ledger.summary.items():
            assert d == iso
            self.summary_rows.append((pid, d, units, rev, cost, closing, int(closing <= 0), 0))
        self.ledger.summary.clear()

    # -- writing
    def flush(self) -> None:
        c = self.conn
        c.executemany(
            "INSERT INTO stock_moves (id, product_id, kind, qty, unit_cost_fen, value_fen, "
            "revenue_fen, lot_id, reason, reference, note, created_at, shop_day) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            self.ledger.moves,
        )
        c.executemany(
            "INSERT INTO sales (id, uuid, kind, original_sale_id, created_at, shop_day, total_fen,"
            " paid_fen, change_fen, oversold, voided, note) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            self.sales,
        )
        c.executemany(
            "INSERT INTO sale_lines (id, sale_id, product_id, qty, unit_price_fen, line_total_fen,"
            " cost_fen, returned_qty, original_line_id) VALUES (?,?,?,?,?,?,?,?,?)",
            self.lines,
        )
        c.executemany(
            "INSERT INTO daily_summary (product_id, day, units_sold, revenue_fen, cost_fen, "
            "closing_on_hand, out_of_stock, imported) VALUES (?,?,?,?,?,?,?,?)",
            self.summary_rows,
        )
        self.ledger.moves.clear()
        self.sales.clear()
        self.lines.clear()
        self.summary_rows.clear()

    def run(self) -> None:
        plan, ledger = self.plan, self.ledger
        first = plan.end - timedelta(days=plan.days - 1)
        offset = datetime(first.year, first.month, first.day, 12).astimezone().utcoffset()
        opening = self.stamp(first, OPEN_S, offset)
        for pid in sorted(self.products):  # the shop opens: every product stocked once
            self.receive(pid, self.batch(pid), opening, first, "opening")
        for n in range(plan.days):
            day = first + timedelta(days=n)
            days_left = plan.days - n
            share = ledger.sale_moves / ledger.move_count if ledger.sale_moves else 0.8
            base = (plan.moves - ledger.move_count) / days_left * share
            season = 1.0 + 0.15 * (day.weekday() >= 5) + 0.4 * _festival(day)
            lines = int(base * season * self.rng.uniform(0.9, 1.1))
            self.run_day(day, lines, last=n == plan.days - 1)
            self.close_day(day)
            if len(ledger.moves) > 200_000 or n == plan.days - 1:
                self.flush()

    def write_rest(self, products: list[ProductRow], barcodes: list[tuple]) -> None:
        c, states = self.conn, self.ledger.states
        now = datetime.now(UTC).replace(tzinfo=None).strftime(DT_FMT)
        c.executemany(
            "INSERT INTO products (id, name, name_initials, name_pinyin, category, unit, spec, "
            "retail_price_fen, on_hand, stock_value_fen, last_cost_fen, shelf_life_days, "
            "service_level_bp, review_days, shelf_capacity, min_display_qty, short_code, active, "
            "created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                (p.id, p.name, p.initials, p.pinyin, p.category, p.unit, p.spec, p.price,
                 states[p.id].on_hand, states[p.id].value, states[p.id].last_cost, p.shelf_life,
                 9700, 7, None, 2, p.short_code, int(p.id % 97 != 0), now, now)
                for p in products
            ),
        )  # fmt: skip
        c.executemany("INSERT INTO barcodes (code, product_id, units) VALUES (?,?,?)", barcodes)
        c.executemany(
            "INSERT INTO lots (id, product_id, received_at, expiry_date, qty_received, qty_left) "
            "VALUES (?,?,?,?,?,?)",
            self.ledger.lots,
        )
        c.executemany(
            "INSERT INTO count_sessions (id, status, note, started_at, closed_at) "
            "VALUES (?,?,?,?,?)",
            self.counts,
        )
        c.executemany(
            "INSERT INTO count_lines (session_id, product_id, expected, counted, unit_cost_fen, "
            "counted_at) VALUES (?,?,?,?,?,?)",
            self.count_lines,
        )


def _festival(day: date) -> bool:
    """Roughly the weeks around Spring Festival (late January to mid February)."""
    return (day.month == 1 and day.day >= 20) or (day.month == 2 and day.day <= 15)


# ----------------------------------------------------------------------------- build


BULK_TABLES = ("stock_moves", "sales", "sale_lines", "daily_summary", "lots")


def _drop_indexes(conn: sqlite3.Connection) -> list[str]:
    """Secondary indexes of the bulk tables and the search triggers on products: dropped for
    the load, re-created after (a trigger per product row made the load minutes longer)."""
    marks = ",".join("?" for _ in BULK_TABLES)
    rows = conn.execute(
        f"SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND "
        f"((type = 'index' AND tbl_name IN ({marks})) OR "
        f"(type = 'trigger' AND tbl_name = 'products' AND sql LIKE '%AFTER INSERT%'))",
        BULK_TABLES,
    ).fetchall()
    for kind, name, _ in rows:
        conn.execute(f'DROP {kind.upper()} "{name}"')
    return [sql for _, _, sql in rows]


def _fill_search_indexes(conn: sqlite3.Connection, products: list[ProductRow]) -> None:
    """What the dropped insert triggers would have written: the FTS5 trigram index (rebuilt
    from its content table) and the name grams (name_grams, sorted for a fast load)."""
    conn.execute("INSERT INTO products_fts(products_fts) VALUES ('rebuild')")
    rows = sorted((g, len(p.name), p.id) for p in products for g in name_grams(p.name))
    conn.executemany("INSERT INTO product_grams (gram, name_len, product_id) VALUES (?,?,?)", rows)


def build(folder: Path, plan: Plan) -> dict:
    started = time.perf_counter()
    db = open_database(folder=folder)  # Alembic: tables, FTS5 trigram index and its triggers
    db.dispose()
    rng = random.Random(plan.seed)
    products = make_products(plan.products, rng)
    barcodes = make_barcodes(products, rng)
    t_names = time.perf_counter() - started
    conn = sqlite3.connect(database_path(folder), isolation_level=None)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-262144")
    conn.execute("BEGIN")
    index_sql = _drop_indexes(conn)
    shop = Shop(plan, products, conn)
    shop.run()
    shop.write_rest(products, barcodes)
    _fill_search_indexes(conn, products)
    t_sim = time.perf_counter() - started
    for sql in index_sql:
        conn.execute(sql)
    every_day = {"first": "0001-01-01", "last": "9999-12-31"}
    conn.execute(FILL_DAYS, every_day)  # daily_totals
    for span in SPANS:  # sales_rollups
        conn.execute(fill_sql("sqlite", span), every_day)
    conn.execute(fill_all_sql("sqlite"))  # stockout_runs
    conn.execute(PRODUCT_DAYS)  # products.first_day and last_sold_day
    conn.execute("COMMIT")
    # Planner statistics, as the program keeps them after a migration or an import.
    conn.execute("PRAGMA analysis_limit=1000")
    conn.execute("ANALYZE")
    conn.execute("PRAGMA journal_mode=WAL")  # as the program runs it
    conn.close()
    counts = {"products": len(products), "barcodes": len(barcodes), "moves": shop.ledger.move_count,
              "lots": len(shop.ledger.lots), "sales": shop.sale_id}  # fmt: skip
    return {
        "counts": counts,
        "seconds": {
            "names": round(t_names, 1),
            "simulate_and_insert": round(t_sim - t_names, 1),
            "total": round(time.perf_counter() - started, 1),
        },
    }


def check(folder: Path) -> dict:
    from shop_desk.inventory.check import check_database

    started = time.perf_counter()
    db = open_database(folder=folder)
    with db.read() as session:
        report = check_database(session)
    db.dispose()
    return {
        "ok": report.ok,
        "integrity": report.integrity,
        "problems": report.problems[:20],
        "problem_count": len(report.problems),
        "moves": report.moves,
        "seconds": round(time.perf_counter() - started, 1),
    }


def shop_folder(products: int, moves: int, seed: int, out: Path = OUT) -> Path:
    return out / f"big-shop-p{products}-m{moves}-s{seed}-v{BUILDER_VERSION}-{SCHEMA_HEAD}"


def ensure_big_shop(
    products: int = 100_000, moves: int = 2_000_000, seed: int = 7, *, force: bool = False,
    out: Path = OUT, days: int = 730,
) -> tuple[Path, dict]:  # fmt: skip
    """The cached shop's folder (built when missing), and what the build reported."""
    folder = shop_folder(products, moves, seed, out)
    meta_path = folder / "build.json"
    if meta_path.exists() and not force:
        return folder, json.loads(meta_path.read_text(encoding="utf-8"))
    older = None if force else _older_schema(folder)
    if older is not None:
        return _upgrade_copy(older, folder)
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    end = date.today() - timedelta(days=1)
    meta = build(tmp, Plan(products, moves, days, seed, end))
    meta["built_on"] = date.today().isoformat()
    (tmp / "build.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)
    return folder, meta


def _older_schema(folder: Path) -> Path | None:
    """The newest cached build of the same shop under an earlier schema revision."""
    stem = folder.name[: -len(SCHEMA_HEAD)]
    found = sorted(
        (p for p in folder.parent.glob(stem + "*") if (p / "build.json").exists()),
        key=lambda p: p.stat().st_mtime,
    )
    return found[-1] if found else None


def _upgrade_copy(older: Path, folder: Path) -> tuple[Path, dict]:
    """A copy of an older build brought to this schema by the real migrations (as a shop
    that upgrades): minutes of simulation saved, and the migrations' fills exercised."""
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    shutil.copy2(database_path(older), database_path(tmp))
    started = time.perf_counter()
    open_database(folder=tmp).dispose()  # migrates (after its pre-migration backup)
    shutil.rmtree(tmp / "backups", ignore_errors=True)
    meta = json.loads((older / "build.json").read_text(encoding="utf-8"))
    meta["upgraded_from"] = older.name
    meta["upgrade_seconds"] = round(time.perf_counter() - started, 1)
    (tmp / "build.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    tmp.rename(folder)
    return folder, meta


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--moves", type=int, default=2_000_000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=OUT, help="parent folder of the shop")
    parser.add_argument("--force", action="store_true", help="rebuild even when cached")
    parser.add_argument("--check", action="store_true", help="run check_database afterwards")
    args = parser.parse_args(argv)
    folder, meta = ensure_big_shop(
        args.products, args.moves, args.seed, force=args.force, out=args.out, days=args.days
    )
    result = {"benchmark": "make_big_shop", "folder": str(folder), **meta}
    result["database_mb"] = round(database_path(folder).stat().st_size / 2**20, 1)
    if args.check:
        result["check"] = check(folder)
    emit(result)
    return 0 if not args.check or result["check"]["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
