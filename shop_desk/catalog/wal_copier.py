"""Copying a bulk sync's write-ahead log into the shop's database, in a thread of its own.

A large sync copies its WAL pages back often and a little at a time (bulk.CHECKPOINT_EVERY_S
says why). Run by the staging thread between two transactions, each copy held it for the
time the disk took: a sixth of a million-offer first sync's staging. A PASSIVE checkpoint
needs no lock the staging holds, and SQLite lets go of the interpreter lock for it, so this
thread copies while the staging goes on.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

from shop_desk.db.engine import BUSY_TIMEOUT_MS

log = logging.getLogger(__name__)


class WalCopier:
    """Copies the WAL of the database at `path` when asked (at most one copy at a time;
    asks made during a copy make one more). close() waits for the copy under way and skips
    one not begun (the housekeeping after a sync copies what is left)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._wanted = threading.Event()
        self._closing = False
        self._thread: threading.Thread | None = None
        self.copies = 0  # made so far

    def request(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, daemon=True, name="wal-copier")
            self._thread.start()
        self._wanted.set()

    def close(self) -> None:
        self._closing = True
        self._wanted.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        conn = sqlite3.connect(self._path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            conn.execute("PRAGMA synchronous=NORMAL")  # as the staging's own: one fsync a copy
            while True:
                self._wanted.wait()
                self._wanted.clear()
                if self._closing:
                    return
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                self.copies += 1
        except sqlite3.Error as exc:  # the staging's own commits meet the same trouble
            log.warning("copying the write-ahead log failed: %s", exc)
        finally:
            conn.close()
