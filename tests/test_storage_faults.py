"""Storage faults at the counter: read-only data, a locked database, a full disk, and a data
folder whose path holds Chinese characters. Each fault gives a StorageError the owner can act
on, writes nothing half, and leaves the database intact; nothing in the cart is lost.

Read-only, as root: root ignores permission bits, so the tests make files and folders
immutable with `chattr +i` (ext4/xfs/btrfs; needs CAP_LINUX_IMMUTABLE, which root has on a
normal machine), which fails writes for root too. As another user, chmod does. Where neither
can be enforced (root in a container without the capability), the read-only file is opened
through SQLite's `mode=ro` URI instead, and the read-only folder test is skipped.

Full disk: SQLite's `PRAGMA max_page_count` caps the database at its current size on every
connection, so the first checkout that needs a new page fails with SQLITE_FULL, the same error
a full disk gives.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event, select

from shop_desk import paths
from shop_desk.db import engine as engine_module
from shop_desk.db.engine import backup_sqlite, open_database
from shop_desk.db.models import Product, Sale
from shop_desk.errors import StorageError
from shop_desk.inventory.check import check_database
from shop_desk.inventory.counter import Cart, checkout
from shop_desk.inventory.search import search_products
from shop_desk.inventory.stock import receive_stock
from tests.factories import make_product
from tests.helpers.till import ledger_counts, sell_until_refused

REPO = Path(__file__).resolve().parent.parent


def _shop(folder: Path) -> tuple[object, int]:
    db = open_database(folder=folder)
    with db.session() as s:
        pid = make_product(s, name="可口可乐 330ml", price=300).id
        receive_stock(s, pid, 50, 50 * 180)
    return db, pid


def _cart(db, pid: int, qty: int = 2) -> Cart:
    with db.read() as s:
        cart = Cart()
        cart.add(s.get(Product, pid), qty)
    return cart


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _writable(folder: Path) -> bool:
    probe = folder / ".probe"
    try:
        probe.write_text("x", encoding="utf-8")
    except OSError:
        return False
    probe.unlink()
    return True


@contextmanager
def read_only(*targets: Path) -> Iterator[bool]:
    """Make files and folders read-only for this user, root included; yields whether it held."""
    if _is_root():
        chattr = shutil.which("chattr")
        done = chattr and subprocess.run(
            [chattr, "+i", *map(str, targets)], capture_output=True
        ).returncode == 0  # fmt: skip
        try:
            yield bool(done)
        finally:
            if done:
                subprocess.run([chattr, "-i", *map(str, targets)], check=True)
        return
    modes = {t: t.stat().st_mode for t in targets}
    for target in targets:
        target.chmod(0o555 if target.is_dir() else 0o444)
    try:
        yield True
    finally:
        for target, mode in modes.items():
            target.chmod(mode)


# ------------------------------------------------------------------------- read-only


def test_read_only_database_file_refuses_the_sale_and_keeps_the_cart(tmp_path):
    folder = tmp_path / "shop"
    db, pid = _shop(folder)
    before = ledger_counts(db)
    cart = _cart(db, pid)
    db.dispose()
    path = paths.database_path(folder)
    with read_only(path) as enforced:
        url = None if enforced else f"sqlite:///file:{path.as_posix()}?mode=ro&uri=true"
        ro = open_database(url=url, folder=folder)
        try:
            assert ledger_counts(ro) == before  # the owner can still look
            with pytest.raises(StorageError, match="read-only") as caught, ro.session() as s:
                checkout(s, cart)
            assert "nothing was saved" in str(caught.value)
        finally:
            ro.dispose()
    assert cart.total_fen == 600  # what was scanned is still there
    db = open_database(folder=folder)
    assert ledger_counts(db) == before
    with db.session() as s:
        checkout(s, cart)  # writable again: the same cart goes through
    with db.read() as s:
        assert check_database(s).ok
    db.dispose()


def test_read_only_data_folder_gives_a_storage_error_naming_the_folder(tmp_path):
    folder = tmp_path / "shop"
    db, pid = _shop(folder)
    before = ledger_counts(db)
    db.dispose()  # a clean close leaves no -wal/-shm beside the file
    path = paths.database_path(folder)
    with read_only(path, folder) as enforced:
        if not enforced or _writable(folder):
            pytest.skip("cannot make a folder read-only here (root without chattr +i)")
        with pytest.raises(StorageError, match="data folder") as caught:
            ro = open_database(folder=folder)
            try:
                with ro.session() as s:
                    checkout(s, _cart(ro, pid))
            finally:
                ro.dispose()
        assert "Check" in str(caught.value)
    db = open_database(folder=folder)
    assert ledger_counts(db) == before
    db.dispose()


def test_data_folder_that_cannot_be_created_gives_a_storage_error(tmp_path):
    parent = tmp_path / "locked"
    parent.mkdir()
    with read_only(parent) as enforced:
        if not enforced or _writable(parent):
            pytest.skip("cannot make a folder read-only here (root without chattr +i)")
        with pytest.raises(StorageError, match="Cannot create the data folder"):
            open_database(folder=parent / "shop")


# ------------------------------------------------------------------------- locked


@pytest.fixture
def short_busy_timeout(monkeypatch):
    """Wait 300 ms for a lock instead of 5 s, so the test is quick (read at connect time)."""
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 300)


def test_locked_database_refuses_the_sale_after_waiting_and_writes_nothing(
    tmp_path, short_busy_timeout
):
    db, pid = _shop(tmp_path / "shop")
    before = ledger_counts(db)
    cart = _cart(db, pid)
    other = sqlite3.connect(paths.database_path(tmp_path / "shop"), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        started = time.monotonic()
        with pytest.raises(StorageError, match="busy") as caught, db.session() as s:
            checkout(s, cart)
        waited = time.monotonic() - started
        assert "Try again" in str(caught.value)
        assert 0.25 <= waited < 4  # it waited for the lock, then gave up
        assert ledger_counts(db) == before  # reading still works while the other writes (WAL)
    finally:
        other.execute("ROLLBACK")
        other.close()
    with db.session() as s:
        checkout(s, cart)  # the lock is gone: the same cart goes through
    assert ledger_counts(db)[0] == before[0] + 1
    db.dispose()


def test_a_short_lock_is_waited_out(tmp_path, short_busy_timeout):
    db, pid = _shop(tmp_path / "shop")
    cart = _cart(db, pid)
    other = sqlite3.connect(
        paths.database_path(tmp_path / "shop"), isolation_level=None, check_same_thread=False
    )
    other.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.1, lambda: other.execute("COMMIT"))
    release.start()
    try:
        with db.session() as s:
            receipt = checkout(s, cart)
    finally:
        release.join()
        other.close()
    with db.read() as s:
        assert s.get(Sale, receipt.sale_id) is not None
    db.dispose()


# ------------------------------------------------------------------------- full disk


def test_full_disk_during_checkout_leaves_no_trace_of_the_sale(tmp_path):
    folder = tmp_path / "shop"
    db, pid = _shop(folder)
    with db.read() as s:
        pages = s.connection().exec_driver_sql("PRAGMA page_count").scalar()

    def cap(dbapi_conn, _record) -> None:
        dbapi_conn.execute(f"PRAGMA max_page_count={pages}")

    event.listen(db.engine, "connect", cap)
    db.engine.dispose()  # every new connection is capped at today's size
    acknowledged, error, before, cart = sell_until_refused(
        db, lambda _n: _cart(db, pid, qty=1), limit=3000
    )
    assert "disk is full" in str(error) and "nothing was saved" in str(error)
    assert ledger_counts(db) == before  # the failed sale is entirely absent
    event.remove(db.engine, "connect", cap)
    db.dispose()

    db = open_database(folder=folder)  # space freed
    with db.read() as s:
        report = check_database(s)
        assert report.ok, (report.integrity, report.problems[:5])
        sales = set(s.scalars(select(Sale.id)))
        assert set(acknowledged) <= sales and len(sales) == len(acknowledged)
    with db.session() as s:
        checkout(s, cart)  # the cart that failed goes through now
    db.dispose()


# ------------------------------------------------------------------------- Chinese path


def test_data_folder_with_chinese_characters_works_end_to_end(tmp_path):
    folder = tmp_path / "店铺数据" / "张三"
    db, pid = _shop(folder)
    assert paths.database_path(folder).exists()
    with db.session() as s:
        receipt = checkout(s, _cart(db, pid, qty=3))
    with db.read() as s:
        assert [p.id for p in search_products(s, "kkkl")] == [pid]
        assert s.get(Product, pid).on_hand == 47
        assert s.get(Sale, receipt.sale_id).total_fen == 900
    backup = backup_sqlite(db, paths.backups_dir(folder), label="手动")
    assert backup.parent == folder / "backups" and backup.exists()
    with sqlite3.connect(backup) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("SELECT count(*) FROM sales").fetchone() == (1,)
    db.dispose()

    env = {
        **os.environ,
        "SHOP_DESK_HOME": str(folder),
        "SHOP_DESK_LANGUAGE": "zh_CN",
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
        "PYTHONIOENCODING": "utf-8",
    }
    env.pop("SHOP_DESK_DATABASE_URL", None)

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "shop_desk", *args],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
        )

    stock = cli("stock", "--json")
    assert stock.returncode == 0, stock.stderr
    assert '"可口可乐 330ml"' in stock.stdout and '"on_hand": 47' in stock.stdout
    check = cli("check")
    assert check.returncode == 0, check.stdout + check.stderr
    backup_run = cli("backup")
    assert backup_run.returncode == 0, backup_run.stderr
    assert len(list((folder / "backups").glob("*.sqlite3"))) >= 2
