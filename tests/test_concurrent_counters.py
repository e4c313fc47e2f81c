"""Two counters (separate engines, as two tills on one shared database) sell the last units at
the same moment: both sales are recorded, on hand goes below zero consistently (selling past
zero is allowed and flagged on the second sale), and ledger and daily summary agree.

Runs on SQLite (the write lock serialises the two checkouts; the second waits within
busy_timeout) and on PostgreSQL when SHOP_DESK_TEST_DATABASE_URL is set (row locks taken in
product order; the carts list the products in opposite orders, so a deadlock would show).
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from shop_desk.clock import shop_day, utcnow
from shop_desk.db.engine import Database
from shop_desk.db.models import DailySummary, Product, Sale
from shop_desk.inventory.check import check_database
from shop_desk.inventory.counter import Cart, Receipt, checkout
from shop_desk.inventory.stock import receive_stock
from tests.factories import make_product

ROUNDS = 6


def _top_up_to_one(db: Database, ids: list[int]) -> None:
    """Leave exactly one unit of each product on the books."""
    with db.session() as s:
        for pid in ids:
            missing = 1 - s.get(Product, pid).on_hand
            if missing > 0:
                receive_stock(s, pid, missing, missing * 180)


def _cart(till: Database, ids: list[int]) -> Cart:
    with till.read() as s:
        cart = Cart()
        for pid in ids:
            cart.add(s.get(Product, pid), 1)
    return cart


def _race(tills: list[Database], carts: list[Cart]) -> list[Receipt]:
    """Both tills press Pay together; return both receipts (or raise the first error)."""
    barrier = threading.Barrier(len(tills))
    receipts: list[Receipt | None] = [None] * len(tills)
    errors: list[BaseException] = []

    def pay(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            with tills[i].session() as s:
                receipts[i] = checkout(s, carts[i])
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=pay, args=(i,)) for i in range(len(tills))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
    return receipts


def test_two_counters_sell_the_last_units_at_the_same_moment(db):
    with db.session() as s:
        ids = [make_product(s, name=n, price=300).id for n in ("可口可乐 330ml", "雪碧 330ml")]
    tills = [Database(db.url), Database(db.url)]  # two programs, two engines
    try:
        for _ in range(ROUNDS):
            _top_up_to_one(db, ids)
            carts = [_cart(tills[0], ids), _cart(tills[1], ids[::-1])]
            receipts = _race(tills, carts)
            assert all(r is not None and r.total_fen == 600 for r in receipts)
            # Exactly one of them sold past zero, and says so (both products).
            flagged = [sorted(r.oversold) for r in receipts if r.oversold]
            assert flagged == [["可口可乐 330ml", "雪碧 330ml"]]
            with db.read() as s:
                assert [s.get(Product, pid).on_hand for pid in ids] == [-1, -1]
                saved = s.scalars(select(Sale).where(Sale.id.in_([r.sale_id for r in receipts])))
                assert sorted(sale.oversold for sale in saved) == [False, True]
    finally:
        for till in tills:
            till.dispose()
    with db.read() as s:
        today = shop_day(utcnow())
        for pid in ids:
            row = s.get(DailySummary, (pid, today))
            assert row.units_sold == 2 * ROUNDS
            assert row.revenue_fen == 2 * ROUNDS * 300
            assert row.closing_on_hand == -1 and row.out_of_stock
        report = check_database(s)
        assert report.ok, report.problems[:5]


def test_a_till_that_read_the_product_before_waiting_does_not_lose_the_other_sale(db):
    """Each till looks the product up inside its write unit of work (db.session()), then both
    pay: the second checkout must count the first one's sale, not the stale on hand it read
    before waiting for the row lock. (SQLite takes the write lock when the unit of work begins,
    so only PostgreSQL can interleave like this.)"""
    if db.is_sqlite:
        pytest.skip("SQLite serialises write units of work from their first statement")
    with db.session() as s:
        pid = make_product(s, name="农夫山泉 550ml", price=200).id
        receive_stock(s, pid, 1, 100)
    tills = [Database(db.url), Database(db.url)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def till_sells(till: Database) -> None:
        try:
            with till.session() as s:  # one unit of work: look up, then pay
                cart = Cart()
                cart.add(s.get(Product, pid), 1)
                barrier.wait(timeout=10)
                checkout(s, cart)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=till_sells, args=(t,)) for t in tills]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for till in tills:
        till.dispose()
    assert not errors, errors
    with db.read() as s:
        assert s.get(Product, pid).on_hand == -1
        report = check_database(s)
        assert report.ok, report.problems[:5]
