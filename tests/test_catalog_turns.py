"""Turn-taking across processes (db.turns): a bulk writer in a child process ends its
transaction when the window's write waits, and begins none while one runs."""

from __future__ import annotations

import multiprocessing
import time

from sqlalchemy import text

from shop_desk.catalog.bulk import bulk_writer
from shop_desk.db.engine import Database
from shop_desk.db.turns import PeerGate, Turns


def _bulk_child(conn, url: str, turns: Turns) -> None:
    db = Database(url)
    db.gate = PeerGate(turns)
    with bulk_writer(db) as writer:
        writer.begin()
        writer.conn.execute("INSERT INTO scratch VALUES ('bulk')")
        conn.send("began")
        deadline = time.monotonic() + 20
        while not writer.gate.wanted and time.monotonic() < deadline:
            time.sleep(0.001)
        conn.send(("gave way", writer.gate.wanted))
        writer.step()  # a write waits: the transaction ends here
        conn.send("committed")
        conn.recv()  # the window's write is running now
        writer.begin()  # waits for it to end
        conn.send("began again")
        writer.commit()
    db.dispose()


def test_a_bulk_writer_in_another_process_gives_way_and_waits(sqlite_db):
    with sqlite_db.session() as s:
        s.execute(text("CREATE TABLE scratch (v TEXT)"))
    context = multiprocessing.get_context("spawn")
    turns = Turns(context)
    conn, child_end = context.Pipe()
    child = context.Process(target=_bulk_child, args=(child_end, sqlite_db.url, turns))
    sqlite_db.gate.attach(turns)
    try:
        child.start()
        assert conn.poll(60) and conn.recv() == "began"
        assert turns.bulk_open
        with sqlite_db.session() as s:  # waits for the child's transaction to end
            assert conn.recv() == ("gave way", True)
            assert conn.recv() == "committed"
            s.execute(text("INSERT INTO scratch VALUES ('shop')"))
            conn.send("go on")
            time.sleep(0.3)
            assert not conn.poll()  # no bulk transaction begins while this write runs
        assert conn.poll(20) and conn.recv() == "began again"
        child.join(20)
        assert child.exitcode == 0
    finally:
        sqlite_db.gate.detach(turns)
        if child.is_alive():
            child.kill()
    with sqlite_db.session(write=False) as s:
        assert sorted(s.scalars(text("SELECT v FROM scratch"))) == ["bulk", "shop"]
