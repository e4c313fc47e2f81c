"""Several installations on one database, each a separate process (tests/helpers/
installation.py), on SQLite and on PostgreSQL when SHOP_DESK_TEST_DATABASE_URL is set:

- three start at once on a new database: one migrates, the others wait, none fails;
- a named lock excludes the others, and is freed when its holder is killed (kill -9);
- two catalog syncs at once: the second is refused with a clear message, the copy is whole;
- counters sell the same few products (past zero) at once, four on PostgreSQL, two on SQLite
  (one PC: the window and a command; SQLite's write lock is not fair, and four tight loops
  on a busy disk can starve one past the 5 s busy timeout, which a shop with several
  counters avoids by using PostgreSQL): every acknowledged sale is there, and the ledger, the
  caches and the daily summary agree.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from shop_desk.catalog.manifest import SupplierInfo
from shop_desk.catalog.publisher import publish
from shop_desk.catalog.records import OfferRecord
from shop_desk.db import SCHEMA_HEAD
from shop_desk.db.engine import Database, open_database, sqlite_url
from shop_desk.db.models import DailySummary, Product, Sale, SaleLine, StockMove
from shop_desk.inventory.check import check_database
from shop_desk.inventory.stock import receive_stock
from tests.conftest import BACKENDS, _postgres_database
from tests.factories import make_product
from tests.helpers.folder_source import add_folder_source

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parent.parent
HELPER = REPO / "tests" / "helpers" / "installation.py"


@pytest.fixture(params=BACKENDS)
def shared(request, tmp_path):
    """(url, folder) of a database that does not exist yet, on each backend."""
    folder = tmp_path / "共享"
    folder.mkdir()
    if request.param == "sqlite":
        yield sqlite_url(folder / "shop.sqlite3"), folder
        return
    url, drop = _postgres_database()
    yield url, folder
    drop()


class Installation:
    def __init__(self, action: str, url: str, *args: object) -> None:
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
        }
        self.proc = subprocess.Popen(
            [sys.executable, str(HELPER), action, url, *map(str, args)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            cwd=REPO,
            env=env,
        )
        assert self.line() == "ready", self.proc.stderr.read()

    def line(self) -> str:
        return self.proc.stdout.readline().rstrip("\n")

    def go(self) -> None:
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()

    def finish(self, timeout: float = 120) -> list[str]:
        """Close stdin, wait, and return what it printed after the last line read."""
        try:
            out, err = self.proc.communicate(timeout=timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
        assert self.proc.returncode == 0, err[-3000:]
        return out.splitlines()


def test_installations_starting_at_once_migrate_once(shared):
    url, folder = shared
    starting = [Installation("migrate", url, folder) for _ in range(3)]
    for installation in starting:
        installation.go()
    said = [installation.finish() for installation in starting]
    assert sorted(lines[-1] for lines in said) == [
        "migrated False",
        "migrated False",
        "migrated True",
    ]
    db = Database(url, folder)
    assert db.current_revision() == SCHEMA_HEAD
    with db.read() as s:
        assert check_database(s).ok
    db.dispose()


def test_a_lock_excludes_the_others_and_dies_with_its_holder(shared):
    url, folder = shared
    open_database(url=url, folder=folder).dispose()
    holder = Installation("hold", url, "catalog-sync")
    holder.go()
    assert holder.line() == "held"
    other = Installation("try", url, "catalog-sync")
    other.go()
    refused = other.finish()
    assert refused[0].startswith("busy Another Shop Desk is updating the wholesale catalogs")
    unrelated = Installation("try", url, "migrate")  # other names are not held
    unrelated.go()
    assert unrelated.finish() == ["got"]
    holder.proc.kill()  # kill -9 (TerminateProcess on Windows): no clean release
    holder.proc.wait()
    holder.proc.stdout.close()
    holder.proc.stderr.close()
    holder.proc.stdin.close()
    after = Installation("try", url, "catalog-sync")
    after.go()
    assert after.finish() == ["got"]


def _feed(folder: Path, offers: int) -> dict[str, int]:
    rng = random.Random(5)
    prices = {f"S{i:05d}": rng.randint(100, 9000) for i in range(offers)}
    records = [
        OfferRecord(sku=sku, name=f"商品 {sku}", pack_size=12, tiers=((1, price),))
        for sku, price in prices.items()
    ]
    publish(records, SupplierInfo(code="gz", name="广州批发"), folder, snapshot_every=50)
    return prices


def test_one_catalog_sync_at_a_time(shared, tmp_path):
    url, folder = shared
    # Large enough that the first sync is still running when the second asks (a few seconds).
    prices = _feed(tmp_path / "feed", 40_000)
    db = open_database(url=url, folder=folder)
    source_id = add_folder_source(db, tmp_path / "feed", "广州批发")
    first = Installation("sync", url, source_id, tmp_path / "dl1")
    second = Installation("sync", url, source_id, tmp_path / "dl2")
    first.go()
    assert first.line() == "started"  # it holds the lock now
    second.go()
    refused = second.finish()
    assert refused[0].startswith("busy Another Shop Desk is updating the wholesale catalogs")
    assert first.finish(timeout=300)[-1] == "synced 1"
    with db.read() as s:
        rows = dict(s.execute(text("SELECT sku, price_fen FROM current_offers")).all())
    assert rows == prices
    db.dispose()


def test_counters_selling_the_same_last_units(shared):
    url, folder = shared
    how_many = 2 if url.startswith("sqlite") else 4
    db = open_database(url=url, folder=folder)
    with db.session() as s:
        ids = [make_product(s, name=f"可口可乐 330ml {i}", price=300 + i).id for i in range(3)]
        for pid in ids:
            receive_stock(s, pid, 5, 5 * 180)
    sales_each = 25
    counters = [
        Installation("sell", url, seed, sales_each, ",".join(map(str, ids)))
        for seed in range(how_many)
    ]
    for counter in counters:
        counter.go()
    acknowledged = [int(line) for counter in counters for line in counter.finish(timeout=300)]
    assert len(acknowledged) == how_many * sales_each == len(set(acknowledged))
    with db.read() as s:
        assert set(s.scalars(select(Sale.id))) == set(acknowledged)
        sold = Counter()
        for pid, qty in s.execute(select(SaleLine.product_id, SaleLine.qty)):
            sold[pid] += qty
        for pid in ids:
            moved = s.scalar(
                select(func.sum(StockMove.qty)).where(
                    StockMove.product_id == pid, StockMove.kind == "sale"
                )
            )
            summary = s.scalar(
                select(func.sum(DailySummary.units_sold)).where(DailySummary.product_id == pid)
            )
            assert -moved == sold[pid] == summary
            assert s.get(Product, pid).on_hand == 5 - sold[pid]
        report = check_database(s)
        assert report.ok, report.problems[:5]
    db.dispose()
