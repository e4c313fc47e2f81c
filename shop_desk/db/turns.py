"""Turn-taking between the shop's writes and a bulk writer in another process (SQLite).

The window runs a catalog sync in a child process (catalog.sync_process), so the sync's
Python work never competes with the window for one interpreter lock. SQLite still has one
writer at a time: the child's bulk transactions must stay short and end as soon as a write
of the window (a checkout at the counter) waits, as db.engine.WriteGate does within one
process. Two integers in shared memory carry that across the process boundary:

- writers_waiting: the window's ordinary writes waiting or running (its WriteGate publishes
  the count); the child's bulk transaction ends at its next look (every few milliseconds)
  and begins no new one while it is not zero;
- bulk_open: 1 while the child holds a bulk transaction; the window's write waits for 0
  before it asks SQLite for the lock (SQLite's own busy wait sleeps up to 100 ms at a time).

Plain shared memory, no lock: a child killed mid-transaction (kill -9, a crash) can leave no
lock held. The window polls the flag every half millisecond, bounded by its busy timeout, and
detaches the child when it ends, so a stale flag cannot stall the counter. The two sides
raise their own flag before they look at the other's, so both cannot go ahead at once; if
they ever did, SQLite's locking still keeps the data right and only the wait grows.
"""

from __future__ import annotations

import time
from multiprocessing.context import BaseContext

from shop_desk.db.engine import WriteGate

POLL_S = 0.0005


class Turns:
    """The two shared flags; created by the window and handed to the child when it starts."""

    def __init__(self, context: BaseContext) -> None:
        self._flags = context.RawArray("i", 2)

    @property
    def writers_waiting(self) -> int:
        return self._flags[0]

    @writers_waiting.setter
    def writers_waiting(self, count: int) -> None:
        self._flags[0] = count

    @property
    def bulk_open(self) -> bool:
        return bool(self._flags[1])

    def wait_idle(self, deadline: float) -> None:
        """The window's side: until the child's bulk transaction has ended (or the deadline)."""
        while self._flags[1] and time.monotonic() < deadline:
            time.sleep(POLL_S)

    def claim(self) -> None:
        """The child's side: the lock's turn, once no write of the window waits."""
        while True:
            self._flags[1] = 1
            if not self._flags[0]:
                return
            self._flags[1] = 0
            while self._flags[0]:
                time.sleep(POLL_S)

    def release(self) -> None:
        self._flags[1] = 0

    def reset(self) -> None:
        """The child has ended: whatever it left raised means nothing now."""
        self._flags[1] = 0


class PeerGate(WriteGate):
    """The child's WriteGate: its bulk transactions also give way to the window's writes."""

    def __init__(self, turns: Turns) -> None:
        super().__init__()
        self.turns = turns

    @property
    def wanted(self) -> bool:
        return self._writers > 0 or self.turns.writers_waiting > 0

    def begin_bulk(self) -> None:
        super().begin_bulk()
        try:
            self.turns.claim()
        except BaseException:
            super().end_bulk()
            raise

    def end_bulk(self) -> None:
        self.turns.release()
        super().end_bulk()
