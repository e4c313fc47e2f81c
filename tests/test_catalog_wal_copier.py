"""A bulk sync copies its write-ahead log into the database in a thread of its own."""

import sqlite3
import threading
import time

from shop_desk.catalog import bulk
from shop_desk.catalog.manifest import SupplierInfo
from shop_desk.catalog.publisher import publish
from shop_desk.catalog.records import OfferRecord
from shop_desk.catalog.sync import sync_source
from shop_desk.catalog.wal_copier import WalCopier
from shop_desk.db.engine import open_database
from shop_desk.progress import run_job
from tests.helpers.folder_source import add_folder_source


def test_the_copier_copies_what_another_connection_committed(tmp_path):
    path = tmp_path / "shop.sqlite3"
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("CREATE TABLE t (x TEXT)")
    writer.executemany("INSERT INTO t VALUES (?)", [("可口可乐" * 50,)] * 2000)
    before = path.stat().st_size
    copier = WalCopier(path)
    copier.request()
    deadline = time.monotonic() + 10
    while not copier.copies and time.monotonic() < deadline:
        time.sleep(0.01)
    copier.close()
    assert path.stat().st_size > before + 200_000  # the pages are in the database now
    busy, frames, copied = writer.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert (busy, copied) == (0, frames)
    writer.close()


def test_a_copier_never_asked_starts_no_thread(tmp_path):
    copier = WalCopier(tmp_path / "none.sqlite3")
    copier.close()  # nothing to wait for
    assert not (tmp_path / "none.sqlite3").exists()


def test_a_large_sync_asks_for_copies_and_leaves_none_running(tmp_path, monkeypatch):
    monkeypatch.setattr(bulk, "CHECKPOINT_ROWS", 100)
    monkeypatch.setattr(bulk, "CHECKPOINT_EVERY_S", 0)
    asked = []
    request = WalCopier.request
    monkeypatch.setattr(WalCopier, "request", lambda self: asked.append(1) or request(self))
    feed = tmp_path / "feed"
    records = [
        OfferRecord(sku=f"S{n:05d}", name=f"货{n}", pack_size=1, tiers=((1, 100),))
        for n in range(3000)
    ]
    publish(records, SupplierInfo(code="w", name="批发"), feed)
    db = open_database(folder=tmp_path / "shop")
    run_job(sync_source(db, add_folder_source(db, feed, "批发")))
    assert asked
    assert not [t for t in threading.enumerate() if t.name == "wal-copier"]
    db.dispose()
