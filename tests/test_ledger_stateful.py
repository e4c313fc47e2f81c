"""Ledger invariants under random operation sequences (a hypothesis state machine).

Every rule goes through the real services on a real database (the `db` fixture: SQLite, and
PostgreSQL when SHOP_DESK_TEST_DATABASE_URL is set). After each step the caches must equal the
ledger: on hand and stock value are the sums of the moves, open lots hold max(on hand, 0),
the daily summary's units sold are the day's sales less its returns, check_database is clean,
and on hand, stock value, last cost and each sale line's cost equal an independent model of
the ledger's money rules (moving average, last cost past zero, returns at the sold cost).
Rejected operations (InputError) must leave the ledger exactly as it was.

Each example starts from an empty migrated database (SQLite: a copy of a migrated file;
PostgreSQL: the tables truncated), so an example replays the same way while Hypothesis
shrinks it. A simulated clock moves forward in hours, so summaries span several shop days.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select, text

from shop_desk.clock import utcnow
from shop_desk.db.engine import Database, open_database
from shop_desk.db.models import Base, DailySummary, Lot, Product, Sale, SaleLine, StockMove
from shop_desk.errors import InputError
from shop_desk.inventory.check import check_database
from shop_desk.inventory.counter import Cart, checkout, return_items, void_sale
from shop_desk.inventory.counts import apply_count, cancel_count, record_count, start_count
from shop_desk.inventory.stock import WASTE_REASONS, adjust, receive_stock, write_off
from shop_desk.paths import database_path
from tests.factories import make_product


def rounded(x: Fraction) -> int:
    """To the nearest fen, halves away from zero (the ledger's rule, written independently)."""
    return int(x + Fraction(1, 2)) if x >= 0 else -int(-x + Fraction(1, 2))


@dataclass
class Books:
    """The model of one product's books, from the ledger's documented rules: units taken out
    are valued at the moving average, units past zero at the last known unit cost."""

    on_hand: int = 0
    value: int = 0
    last_cost: int = 0

    def average(self) -> int:
        return rounded(Fraction(self.value, self.on_hand)) if self.on_hand > 0 else self.last_cost

    def take(self, n: int) -> int:
        if self.on_hand <= 0:
            out = n * self.last_cost
        elif n >= self.on_hand:
            out = self.value + (n - self.on_hand) * self.last_cost
        else:
            out = rounded(Fraction(self.value * n, self.on_hand))
        self.on_hand -= n
        self.value -= out
        return out

    def put(self, n: int, value: int) -> None:
        if self.on_hand < 0:  # what is left after settling borrowed units: at the new cost
            self.value = rounded(Fraction(value * (self.on_hand + n), n))
        else:
            self.value += value
        self.on_hand += n
        if self.on_hand > 0:
            self.last_cost = rounded(Fraction(self.value, self.on_hand))


@dataclass
class SoldLine:
    product_id: int
    qty: int
    cost: int
    returned: int = 0


NAMES = ["可口可乐", "康师傅红烧牛肉面", "农夫山泉", "乐事薯片", "旺仔牛奶", "双汇火腿肠"]
qty = st.integers(min_value=1, max_value=12)


class LedgerMachine(RuleBasedStateMachine):
    products = Bundle("products")
    sales = Bundle("sales")

    def __init__(self, fresh_database) -> None:
        super().__init__()
        self.db = fresh_database()
        self.books: dict[int, Books] = {}  # the model, per product
        self.lines: dict[int, SoldLine] = {}  # the model, per sale line id
        self.now = utcnow().replace(microsecond=0) - timedelta(days=20)

    # -- helpers
    def tick(self, hours: int = 0) -> None:
        self.now += timedelta(hours=hours, seconds=1)

    def moves_total(self) -> tuple[int, int]:
        with self.db.read() as s:
            return s.execute(select(func.count(StockMove.id), func.sum(StockMove.qty))).one()

    def rejected(self, action) -> None:
        """An operation that must be refused and leave the ledger untouched."""
        before = self.moves_total()
        with pytest.raises(InputError), self.db.session() as s:
            action(s)
        assert self.moves_total() == before

    # -- rules
    def new_product(self, name: str, price: int) -> int:
        with self.db.session() as s:
            pid = make_product(s, name=name, price=price, cost_fen=price // 2).id
        self.books[pid] = Books(last_cost=price // 2)
        return pid

    @initialize(target=products, names=st.lists(st.sampled_from(NAMES), min_size=2, max_size=3))
    def first_products(self, names):
        return multiple(*[self.new_product(name, 300) for name in names])

    @rule(target=products, name=st.sampled_from(NAMES), price=st.integers(0, 5000))
    def create_product(self, name, price):
        return self.new_product(name, price)

    @rule(
        pid=products,
        n=st.integers(1, 60),
        unit_cost=st.integers(0, 900),
        odd=st.integers(0, 23),
        expiry_days=st.none() | st.integers(-3, 60),
    )
    def receive(self, pid, n, unit_cost, odd, expiry_days):
        self.tick(1)
        expiry = None if expiry_days is None else (self.now + timedelta(days=expiry_days)).date()
        with self.db.session() as s:
            receive_stock(s, pid, n, n * unit_cost + odd, expiry_date=expiry, at=self.now)
        self.books[pid].put(n, n * unit_cost + odd)

    @rule(
        target=sales,
        lines=st.lists(st.tuples(products, qty), min_size=1, max_size=4),
        overpay=st.none() | st.integers(0, 10_000),
    )
    def sell(self, lines, overpay):
        self.tick(1)
        with self.db.session() as s:
            cart = Cart()
            for pid, n in lines:
                cart.add(s.get(Product, pid), n)
            paid = None if overpay is None else cart.total_fen + overpay
            receipt = checkout(s, cart, paid, at=self.now)
            assert receipt.change_fen == (0 if overpay is None else overpay)
            line_ids = s.scalars(
                select(SaleLine.id).where(SaleLine.sale_id == receipt.sale_id).order_by(SaleLine.id)
            ).all()
        wanted: dict[int, int] = {}
        for pid, n in lines:
            wanted[pid] = wanted.get(pid, 0) + n
        # Lines are written in product order; selling past zero is allowed.
        for line_id, pid in zip(line_ids, sorted(wanted), strict=True):
            self.lines[line_id] = SoldLine(pid, wanted[pid], self.books[pid].take(wanted[pid]))
        return receipt.sale_id

    def give_back(self, line_id: int, n: int) -> None:
        line = self.lines[line_id]
        self.books[line.product_id].put(n, rounded(Fraction(line.cost * n, line.qty)))
        line.returned += n

    @rule(sale_id=sales, data=st.data())
    def return_some(self, sale_id, data):
        with self.db.read() as s:
            open_lines = [
                (line.id, line.product_id, line.qty - line.returned_qty)
                for line in s.scalars(select(SaleLine).where(SaleLine.sale_id == sale_id))
                if line.qty > line.returned_qty
            ]
            voided = s.get(Sale, sale_id).voided
        if not open_lines or voided:
            self.rejected(lambda s: return_items(s, sale_id, {}))
            return
        line_id, _, left = data.draw(st.sampled_from(open_lines))
        n = data.draw(st.integers(1, left + 2))
        if n > left:  # more than is left on the line: refused, nothing written
            self.rejected(lambda s: return_items(s, sale_id, {line_id: n}))
            return
        self.tick(2)
        with self.db.session() as s:
            return_items(s, sale_id, {line_id: n}, at=self.now)
        self.give_back(line_id, n)

    @rule(sale_id=consumes(sales))
    def void(self, sale_id):
        with self.db.read() as s:
            left = {
                line.id: line.qty - line.returned_qty
                for line in s.scalars(select(SaleLine).where(SaleLine.sale_id == sale_id))
            }
        if not any(left.values()):
            self.rejected(lambda s: void_sale(s, sale_id))
            return
        self.tick(1)
        with self.db.session() as s:
            void_sale(s, sale_id, at=self.now)
        for line_id, n in sorted(left.items()):
            if n:
                self.give_back(line_id, n)

    @rule(pid=products, n=qty, reason=st.sampled_from(WASTE_REASONS), data=st.data())
    def waste(self, pid, n, reason, data):
        with self.db.read() as s:
            lots = list(s.scalars(select(Lot.id).where(Lot.product_id == pid, Lot.qty_left > 0)))
        lot_id = data.draw(st.none() | st.sampled_from(lots)) if lots else None
        self.tick(1)
        with self.db.session() as s:
            write_off(s, pid, n, reason, lot_id=lot_id, at=self.now)
        self.books[pid].take(n)

    @rule(counts=st.dictionaries(products, st.integers(0, 40), min_size=1, max_size=3),
          apply=st.booleans())  # fmt: skip
    def count(self, counts, apply):
        self.tick(1)
        with self.db.session() as s:
            count_id = start_count(s).id
            for pid, counted in counts.items():
                record_count(s, count_id, pid, counted)
        with self.db.session() as s:
            if apply:
                apply_count(s, count_id, at=self.now)
            else:
                cancel_count(s, count_id)
        if apply:
            for pid, counted in sorted(counts.items()):
                books = self.books[pid]
                diff = counted - books.on_hand
                if diff > 0:
                    books.put(diff, diff * books.average())
                elif diff < 0:
                    books.take(-diff)

    @rule(pid=products, n=st.integers(-10, 10).filter(bool))
    def adjustment(self, pid, n):
        self.tick(1)
        with self.db.session() as s:
            adjust(
                s, pid, n, note="found behind the shelf" if n > 0 else "typing error", at=self.now
            )
        books = self.books[pid]
        if n > 0:
            books.put(n, n * books.average())
        else:
            books.take(-n)

    @rule(pid=products)
    def adjustment_without_note(self, pid):
        self.rejected(lambda s: adjust(s, pid, 1, note="  "))

    @precondition(lambda self: self.books)
    @rule(hours=st.integers(1, 40))
    def time_passes(self, hours):
        self.tick(hours)

    # -- invariants
    @invariant()
    def caches_equal_ledger(self):
        with self.db.read() as s:
            sums = dict(
                (pid, (n, v))
                for pid, n, v in s.execute(
                    select(
                        StockMove.product_id, func.sum(StockMove.qty), func.sum(StockMove.value_fen)
                    ).group_by(StockMove.product_id)
                )
            )
            lots = {
                pid: left
                for pid, left in s.execute(
                    select(Lot.product_id, func.sum(Lot.qty_left)).group_by(Lot.product_id)
                )
            }
            for pid, books in self.books.items():
                product = s.get(Product, pid)
                on_hand, value = sums.get(pid, (0, 0))
                assert product.on_hand == on_hand == books.on_hand
                assert product.stock_value_fen == value == books.value
                assert product.last_cost_fen == books.last_cost
                assert (lots.get(pid) or 0) == max(on_hand, 0)
            costs = {i: c for i, c in s.execute(select(SaleLine.id, SaleLine.cost_fen))}
            for line_id, line in self.lines.items():
                assert costs[line_id] == line.cost

    @invariant()
    def summary_counts_sales_less_returns(self):
        with self.db.read() as s:
            sold = dict(
                ((pid, day), -n)
                for pid, day, n in s.execute(
                    select(StockMove.product_id, StockMove.shop_day, func.sum(StockMove.qty))
                    .where(StockMove.kind.in_(("sale", "return")))
                    .group_by(StockMove.product_id, StockMove.shop_day)
                )
            )
            for row in s.scalars(select(DailySummary).where(DailySummary.imported.is_(False))):
                assert row.units_sold == sold.get((row.product_id, row.day), 0)
                assert row.out_of_stock == (row.closing_on_hand <= 0)

    @invariant()
    def check_is_clean(self):
        with self.db.read() as s:
            report = check_database(s)
        assert report.ok, report.problems[:5]

    def teardown(self):
        self.db.dispose()


def fresh_databases(db: Database, tmp_path: Path):
    """A factory of empty, migrated databases on the backend of the `db` fixture."""
    if not db.is_sqlite:

        def truncated() -> Database:
            names = ", ".join(t.name for t in Base.metadata.sorted_tables)
            with db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            return Database(db.url)

        return truncated
    template = Path(db.engine.url.database)
    db.dispose()
    counter = iter(range(10**6))

    def copied() -> Database:
        folder = tmp_path / f"example-{next(counter)}"
        folder.mkdir()
        shutil.copyfile(template, database_path(folder))
        return open_database(folder=folder)  # already at head: no migration runs

    return copied


def test_ledger_invariants_hold_under_random_operations(db, tmp_path):
    fresh = fresh_databases(db, tmp_path)
    run_state_machine_as_test(
        lambda: LedgerMachine(fresh),
        settings=settings(
            max_examples=30,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )


def test_found_stock_after_a_cheaper_restock_can_be_counted(db):
    """Found by the state machine (fixed). 20 sold past zero are costed at the last cost
    (¥3.00). The restock of 24 costs ¥48.00 (¥2.00 each): the 4 left after settling the 20 are
    worth ¥8.00, never a negative average. Counting 10 on the shelf (6 found) is accepted."""
    with db.session() as s:
        pid = make_product(s, price=500, cost_fen=300).id
    with db.session() as s:
        cart = Cart()
        cart.add(s.get(Product, pid), 20)
        checkout(s, cart)
        receive_stock(s, pid, 24, 4800)
    with db.session() as s:
        product = s.get(Product, pid)
        assert (product.on_hand, product.stock_value_fen) == (4, 800)
        count_id = start_count(s).id
        record_count(s, count_id, pid, 10)
    with db.session() as s:
        apply_count(s, count_id)
    with db.session() as s:
        assert s.get(Product, pid).on_hand == 10
        assert s.get(Product, pid).stock_value_fen == 2000


def test_void_of_a_sale_made_after_settling_a_deficit(db):
    with db.session() as s:
        pid = make_product(s, price=500, cost_fen=300).id
    with db.session() as s:
        cart = Cart()
        cart.add(s.get(Product, pid), 20)
        checkout(s, cart)
        receive_stock(s, pid, 24, 4800)  # 4 on hand worth ¥8.00
    with db.session() as s:
        cart = Cart()
        cart.add(s.get(Product, pid), 2)
        sale_id = checkout(s, cart).sale_id
    with db.session() as s:
        assert s.scalar(select(SaleLine.cost_fen).where(SaleLine.sale_id == sale_id)) == 400
        void_sale(s, sale_id)  # the customer brings both back: must be accepted
