"""The benchmark shop builder (benchmarks/make_big_shop.py) writes a shop whose caches agree
with its ledger, through the current migrations: built small here, checked with
check_database, then opened and sold from like any shop."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from shop_desk.db.engine import open_database
from shop_desk.db.models import Barcode, Product, Sale, StockMove
from shop_desk.inventory.check import check_database
from shop_desk.inventory.counter import Cart, checkout
from shop_desk.inventory.products import lookup_code
from shop_desk.inventory.search import search_products

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent


def test_small_big_shop_is_consistent_and_usable(tmp_path):
    run = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "make_big_shop.py"), "--products", "600",
         "--moves", "12000", "--days", "120", "--out", str(tmp_path), "--check"],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout)
    assert result["check"]["ok"], result["check"]
    assert result["counts"]["moves"] == 12000
    db = open_database(folder=Path(result["folder"]))
    with db.read() as s:
        assert s.scalar(select(func.count(Product.id))) == 600
        assert s.scalar(select(func.count(StockMove.id))) == 12000
        assert s.scalar(select(func.count(func.distinct(Product.name)))) == 600
        assert check_database(s).ok
        code = s.scalar(select(Barcode.code).join(Product).where(Product.active.is_(True)))
        assert search_products(s, "kkkl")  # names and pinyin keys are searchable
    with db.session() as s:
        product, units = lookup_code(s, code)
        cart = Cart()
        cart.add(product, units)
        sale_id = checkout(s, cart).sale_id
    with db.read() as s:
        assert s.get(Sale, sale_id) is not None
        assert check_database(s).ok
    db.dispose()
