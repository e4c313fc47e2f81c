"""WAL checkpoints moved off the counter's commits, into the pauses between sales.

SQLite copies the write-ahead log back into the database file (a checkpoint) inside whichever
commit pushes the log past 1,000 pages: about one sale in 80 then waits for that copy and its
fsync (measured: the worst sale 742 ms, p99 36 ms against 26 ms without). The window's
connections turn that off; this thread checkpoints instead once writes have paused, and
anyway after many commits so that the log stays small during a long burst of writes.

PASSIVE never waits for the write lock, so a sale that starts during a checkpoint still
commits at once (both only share the disk).

While a catalog sync runs, the log holds mostly the sync's pages: a checkpoint here would
copy tens of megabytes of them and fsync the database, and a sale committing meanwhile
waits for the disk behind that fsync (traced in the benchmark with the sync's own big
checkpoints: 190-300 ms). The sync checkpoints its own pages between its transactions,
a little at a time (catalog/bulk.py), so this thread stands aside until it ends
(`stand_aside`).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

IDLE_S = 0.5  # no commit for this long: the counter is between customers
POLL_S = 0.25
FORCE_AFTER_COMMITS = 200  # ~2,500 pages of log at a checkout's ~12 pages


class IdleCheckpointer:
    """One background thread per database file, fed by note_commit() after each write."""

    def __init__(self, path: str, stand_aside: Callable[[], bool] = lambda: False) -> None:
        self._path = path
        self._stand_aside = stand_aside
        self._lock = threading.Lock()
        self._pending = 0  # commits since the last checkpoint
        self._last_commit = 0.0
        self._stop = threading.Event()
        self.checkpoints = 0
        self._thread = threading.Thread(target=self._run, name="wal-checkpoint", daemon=True)
        self._thread.start()

    def note_commit(self) -> None:
        with self._lock:
            self._pending += 1
            self._last_commit = time.monotonic()

    def _due(self) -> bool:
        with self._lock:
            if not self._pending:
                return False
            idle = time.monotonic() - self._last_commit >= IDLE_S
            return idle or self._pending >= FORCE_AFTER_COMMITS

    def _run(self) -> None:
        connection: sqlite3.Connection | None = None
        try:
            while not self._stop.wait(POLL_S):
                if not self._due() or self._stand_aside():
                    continue
                if connection is None:
                    connection = sqlite3.connect(self._path, timeout=0, check_same_thread=False)
                self.checkpoint(connection)
        finally:
            if connection is not None:
                connection.close()

    def checkpoint(self, connection: sqlite3.Connection) -> None:
        with self._lock:
            self._pending = 0
        try:
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            self.checkpoints += 1
        except sqlite3.Error as exc:  # busy or a full disk: the next pause tries again
            log.debug("checkpoint skipped: %s", exc)
            with self._lock:
                self._pending += 1

    def stop(self) -> None:
        """End the thread; closing the engine's last connection checkpoints what is left."""
        self._stop.set()
        self._thread.join(timeout=5)
