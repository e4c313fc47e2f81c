"""The window's database checkpoints its WAL between sales, not inside them (db/checkpoint.py)."""

from __future__ import annotations

import sqlite3
import time

import pytest

from shop_desk.db import checkpoint
from shop_desk.db.engine import open_database
from shop_desk.inventory.counter import Cart, checkout
from shop_desk.paths import database_path
from tests.factories import make_product


def wal_frames_left(path) -> tuple[int, int]:
    """(frames in the log, frames already copied back) as a fresh connection sees them."""
    connection = sqlite3.connect(path)
    try:
        _busy, log_frames, copied = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return log_frames, copied
    finally:
        connection.close()


def sell(db, product, times: int) -> None:
    for _ in range(times):
        cart = Cart()
        cart.add(product, 1)
        with db.session() as session:
            checkout(session, cart)


def stocked_product(db):
    with db.session() as session:
        product = make_product(session)
        session.flush()
        session.expunge(product)
    return product


def test_commits_never_checkpoint_and_a_pause_does(tmp_path, monkeypatch):
    monkeypatch.setattr(checkpoint, "IDLE_S", 1.0)
    db = open_database(folder=tmp_path, idle_checkpoints=True)
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
        product = stocked_product(db)
        before = db.checkpointer.checkpoints
        sell(db, product, 20)
        assert db.checkpointer.checkpoints == before  # no pause yet: nothing copied back
        deadline = time.monotonic() + 5
        while db.checkpointer.checkpoints == before and time.monotonic() < deadline:
            time.sleep(0.05)
        assert db.checkpointer.checkpoints > before
        log_frames, copied = wal_frames_left(database_path(tmp_path))
        assert log_frames > 0 and copied == log_frames  # the whole log is in the database
    finally:
        db.dispose()


def test_a_long_burst_is_checkpointed_without_a_pause(tmp_path, monkeypatch):
    monkeypatch.setattr(checkpoint, "FORCE_AFTER_COMMITS", 30)
    db = open_database(folder=tmp_path, idle_checkpoints=True)
    try:
        product = stocked_product(db)
        before = db.checkpointer.checkpoints
        deadline = time.monotonic() + 20
        while db.checkpointer.checkpoints == before and time.monotonic() < deadline:
            sell(db, product, 5)  # never idle for IDLE_S
        assert db.checkpointer.checkpoints > before
    finally:
        db.dispose()


class _Peer:
    """A bulk writer in another process, as db.turns.Turns stands for a child sync."""

    writers_waiting = 0

    def wait_idle(self, deadline: float) -> None:
        return None


def _wait_for_checkpoint(db, before: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while db.checkpointer.checkpoints == before and time.monotonic() < deadline:
        time.sleep(0.05)
    return db.checkpointer.checkpoints > before


@pytest.mark.parametrize("where", ["this process", "a child process"])
def test_the_pauses_are_left_to_a_sync_while_it_runs(tmp_path, monkeypatch, where):
    """A sync copies its own log back (catalog/bulk.py); the window's checkpoint would copy
    the sync's pages too and make the next sale wait for their fsync."""
    from shop_desk.catalog.bulk import BulkWriter

    monkeypatch.setattr(checkpoint, "IDLE_S", 0.2)
    monkeypatch.setattr(checkpoint, "POLL_S", 0.05)
    db = open_database(folder=tmp_path, idle_checkpoints=True)
    try:
        product = stocked_product(db)
        assert _wait_for_checkpoint(db, db.checkpointer.checkpoints, 5)
        peer = _Peer()
        if where == "this process":
            writer = BulkWriter(db)  # open: a sync under way, between its transactions
        else:
            db.gate.attach(peer)
        assert db.gate.bulk_under_way
        before = db.checkpointer.checkpoints
        sell(db, product, 3)
        assert not _wait_for_checkpoint(db, before, 1.0)  # paused many times over: stood aside
        if where == "this process":
            writer.__exit__(None, None, None)
        else:
            db.gate.detach(peer)
        assert not db.gate.bulk_under_way
        assert _wait_for_checkpoint(db, before, 5)  # the sales' log is copied back after
        log_frames, copied = wal_frames_left(database_path(tmp_path))
        assert copied == log_frames
    finally:
        db.dispose()


def test_one_shot_commands_keep_sqlites_automatic_checkpoint(tmp_path):
    db = open_database(folder=tmp_path)
    try:
        assert db.checkpointer is None
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000
    finally:
        db.dispose()


def test_sales_survive_closing_with_the_log_not_yet_copied(tmp_path):
    db = open_database(folder=tmp_path, idle_checkpoints=True)
    product = stocked_product(db)
    sell(db, product, 3)
    db.dispose()  # at once: the thread had no pause to checkpoint in
    reopened = open_database(folder=tmp_path)
    try:
        with reopened.read() as session:
            sold = session.connection().exec_driver_sql("SELECT count(*) FROM sales").scalar()
        assert sold == 3
    finally:
        reopened.dispose()
