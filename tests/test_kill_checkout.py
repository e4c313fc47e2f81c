"""kill -9 at random moments during a checkout loop leaves no half sale.

A child process (tests/helpers/checkout_loop.py) sells continuously on a real SQLite file
(WAL, synchronous=FULL) and prints each sale id after its commit; the parent kills it with
SIGKILL at random moments, 24 times. Afterwards every acknowledged sale is there with all its
lines and moves, no move points at a missing sale, every sale is whole, the caches equal the
ledger (check_database, which also runs SQLite's integrity check), and the shop still sells.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from shop_desk.db.engine import open_database
from shop_desk.db.models import Product, Sale, SaleLine, StockMove
from shop_desk.inventory.check import check_database
from shop_desk.inventory.counter import Cart, checkout
from shop_desk.inventory.stock import receive_stock
from tests.factories import make_product

pytestmark = pytest.mark.slow

KILLS = 24
REPO = Path(__file__).resolve().parent.parent
HELPER = REPO / "tests" / "helpers" / "checkout_loop.py"
NAMES = [
    "可口可乐 330ml",
    "康师傅红烧牛肉面",
    "农夫山泉 550ml",
    "乐事薯片 原味",
    "旺仔牛奶",
    "绿箭口香糖",
]


def _stock_shop(folder: Path) -> None:
    db = open_database(folder=folder)
    with db.session() as s:
        for i, name in enumerate(NAMES * 2):
            product = make_product(s, name=f"{name} {i}", price=250 + 40 * i)
            receive_stock(s, product.id, 30, 30 * (150 + 20 * i))
    db.dispose()


def _run_and_kill(folder: Path, seed: int, delay: float) -> tuple[list[int], int]:
    """One child: wait until it sells, kill it after `delay`; (acknowledged ids, receipts)."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }
    proc = subprocess.Popen(
        [sys.executable, str(HELPER), str(folder), str(seed)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        cwd=REPO,
        env=env,
    )
    try:
        first = proc.stdout.readline()
        assert first == "ready\n", proc.stderr.read()
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read()
    out = proc.stdout.read()
    proc.stdout.close()
    proc.stderr.close()
    complete = out.split("\n")[:-1]  # a line cut by the kill has no newline: not acknowledged
    sales = [int(line) for line in complete if line.isdigit()]
    receipts = sum(1 for line in complete if line.startswith("r "))
    return sales, receipts


def test_kill_9_during_checkouts_leaves_no_half_sale(tmp_path):
    folder = tmp_path / "shop"
    _stock_shop(folder)
    rng = random.Random(20261127)
    acknowledged: list[int] = []
    for round_ in range(KILLS):
        sales, _ = _run_and_kill(folder, seed=round_, delay=rng.uniform(0.0, 0.4))
        acknowledged += sales
    assert len(acknowledged) > KILLS  # the children really sold between the kills

    db = open_database(folder=folder)
    with db.read() as s:
        report = check_database(s)
        assert report.ok, (report.integrity, report.problems[:5])
        sales = {sale.id: sale for sale in s.scalars(select(Sale))}
        assert set(acknowledged) <= set(sales)
        lines_by_sale = Counter(s.scalars(select(SaleLine.sale_id)))
        moves = s.execute(
            select(StockMove.reference, StockMove.product_id, StockMove.qty).where(
                StockMove.kind == "sale"
            )
        ).all()
        moves_by_sale = Counter(int(ref.removeprefix("sale:")) for ref, _, _ in moves)
        assert set(moves_by_sale) <= set(sales), "moves of a sale that does not exist"
        for sale_id, sale in sales.items():
            lines = s.scalars(select(SaleLine).where(SaleLine.sale_id == sale_id)).all()
            assert lines, f"sale {sale_id} has no lines"
            assert lines_by_sale[sale_id] == moves_by_sale[sale_id], f"half sale {sale_id}"
            assert sale.total_fen == sum(line.line_total_fen for line in lines)
            assert sale.change_fen == sale.paid_fen - sale.total_fen
            sold = {(pid, -qty) for ref, pid, qty in moves if ref == f"sale:{sale_id}"}
            assert sold == {(line.product_id, line.qty) for line in lines}
    # The shop opens again and sells.
    with db.session() as s:
        cart = Cart()
        cart.add(s.scalars(select(Product)).first(), 1)
        receipt = checkout(s, cart)
    with db.read() as s:
        assert s.get(Sale, receipt.sale_id) is not None
        assert check_database(s).ok
    db.dispose()
