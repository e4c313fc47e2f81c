"""A catalog sync's writes on SQLite: plain tuples, short transactions that give way to the shop.

A BulkWriter holds one raw sqlite3 connection for a whole file. Each of its transactions begins
only when no other write of this process waits (db.gate; of the window's process too when the
sync runs in a child process, db.turns) and ends after TRANSACTION_BUDGET, or at once when a
write arrives, so a checkout at the counter waits a few tens of milliseconds at most
(CATALOG_FEED.md, client behaviour 5). Staged rows are invisible until the checkpoint
moves, so their commits need not reach the disk before the switch (synchronous=NORMAL); the
switch is written with synchronous=FULL, which makes it and everything before it durable.

The steps mirror catalog.apply (which serves PostgreSQL): recover, stage, close_missing,
switch, purge. The offers' search index is another file (catalog/search_index.py), written
outside these transactions.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from shop_desk.catalog.apply import BatchResult
from shop_desk.catalog.decode import PRICE, ROW_COLUMNS
from shop_desk.catalog.row_image import TABLE, RowImage
from shop_desk.catalog.transport import Cancelled
from shop_desk.catalog.wal_copier import WalCopier
from shop_desk.clock import utcnow
from shop_desk.db.engine import Database, storage_error

CHUNK = 500  # rows written between two looks at the clock and the gate
# Staging adapts its pieces so one takes about this long: a checkout that arrives meanwhile
# waits for the piece under way. With a million offers, their indexes no longer fit in the
# cache and 500 rows took up to 200 ms.
PIECE_S = 0.012
PIECE_ROWS = (25, 2000)
# Seconds one bulk transaction may hold SQLite's write lock (a checkout waits at most this,
# plus its own commit).
TRANSACTION_BUDGET = 0.06
CACHE_KIB = 32 << 10  # page cache of the sync's connection: the indexes' upper levels stay
# The sync copies its WAL pages into the database itself, at most this often, in a thread of
# its own (wal_copier.py; no turn held: a checkpoint does not need the write lock, so a
# checkout never waits for it behind the gate, as it did when the commit ran it); the
# tidying finishes it.
# Often, so that each copy is small: a sale's fsync at the counter waits for the disk to
# finish what a checkpoint's fsync sent it (traced in the benchmark: every 2 s, each copy
# was 30-130 MB and a sale committing meanwhile waited 190-300 ms).
CHECKPOINT_EVERY_S = 0.5
# ...and only once this many rows were staged since the last one: a small file (a day's
# changes) leaves its pages in the WAL for the tidying instead of paying for a checkpoint.
CHECKPOINT_ROWS = 15_000
IMAGE = "feed_image"  # the schema a RowImage is read from (row_image.py)


class BulkWriter:
    """Short write transactions on one connection; `with` closes it (rolling back on error)."""

    def __init__(self, db: Database) -> None:
        self.gate = db.gate
        self.gate.job_started()  # the window's idle checkpoints stand aside meanwhile
        try:
            self._raw = db.engine.raw_connection()
            self.conn: sqlite3.Connection = self._raw.driver_connection
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
            # Fewer, larger checkpoints (a page changed by many transactions is copied once),
            # run by checkpoint() outside the transactions.
            self.conn.execute("PRAGMA wal_autocheckpoint=0")
        except BaseException:
            self.gate.job_ended()
            raise
        self._checkpointed = time.perf_counter()
        self._began: float | None = None
        self.piece = CHUNK  # rows staged per statement (stage() adapts it)
        self.rows_since_checkpoint = 0
        self._image_attached = False
        self._copier = WalCopier(Path(db.engine.url.database))

    def __enter__(self) -> BulkWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            self._copier.close()
            if exc_type is None:
                self.commit()
            else:
                self.rollback()
            self.conn.execute("PRAGMA synchronous=FULL")
            self.conn.execute("PRAGMA cache_size=-2000")  # SQLite's defaults, for the pool
            self.conn.execute("PRAGMA wal_autocheckpoint=1000")
            if self._image_attached:  # the connection goes back to the pool as it came
                self.conn.execute(f"DETACH DATABASE {IMAGE}")
        finally:
            self._raw.close()
            self.gate.job_ended()

    def attach(self, image: RowImage) -> None:
        """Make `image` readable as the schema IMAGE (between transactions)."""
        self.commit()
        if not self._image_attached:
            self.conn.execute(f"ATTACH DATABASE ':memory:' AS {IMAGE}")
            self._image_attached = True
        self.conn.deserialize(image.data, name=IMAGE)

    def begin(self) -> None:
        if self._began is not None:
            return
        self.gate.begin_bulk()
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except BaseException:
            self.gate.end_bulk()
            raise
        self._began = time.perf_counter()

    def commit(self) -> None:
        if self._began is None:
            return
        try:
            self.conn.execute("COMMIT")
        except BaseException:
            self._abandon()
            raise
        self._end()
        if (
            self.rows_since_checkpoint >= CHECKPOINT_ROWS
            and time.perf_counter() - self._checkpointed > CHECKPOINT_EVERY_S
        ):
            self._copier.request()  # in its own thread (wal_copier.py)
            self._checkpointed = time.perf_counter()
            self.rows_since_checkpoint = 0

    def checkpoint(self) -> None:
        """Copy the WAL's pages into the database now (PASSIVE: never waits for, nor
        blocks, the shop's readers and writers)."""
        self.commit()
        self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        self._checkpointed = time.perf_counter()
        self.rows_since_checkpoint = 0

    def rollback(self) -> None:
        if self._began is not None:
            self._abandon()
            self._end()

    def _abandon(self) -> None:
        if self.conn.in_transaction:  # an error such as a full disk may have ended it
            self.conn.execute("ROLLBACK")

    def _end(self) -> None:
        self._began = None
        self.gate.end_bulk()

    def step(self) -> None:
        """Between two pieces of work: end the transaction if its time is up or a write waits."""
        if self._began is not None and self._due():
            self.commit()

    def timed(self, rows: int, seconds: float) -> None:
        """A piece of `rows` took `seconds`: size the next ones to take about PIECE_S."""
        if rows and seconds > 0:
            wanted = int(self.piece * PIECE_S / seconds) if rows >= self.piece else rows * 2
            self.piece = max(PIECE_ROWS[0], min(PIECE_ROWS[1], (self.piece + wanted) // 2))

    def _due(self) -> bool:
        return self.gate.wanted or time.perf_counter() - self._began > TRANSACTION_BUDGET

    @contextmanager
    def durable(self) -> Iterator[sqlite3.Connection]:
        """One transaction that reaches the disk, with every commit before it (the switch)."""
        self.commit()
        self.conn.execute("PRAGMA synchronous=FULL")
        try:
            self.begin()
            yield self.conn
            self.commit()
        except BaseException:
            self.rollback()
            raise
        finally:
            self.conn.execute("PRAGMA synchronous=NORMAL")


@contextmanager
def bulk_writer(db: Database) -> Iterator[BulkWriter]:
    """A BulkWriter whose driver errors become the owner's sentences (disk full, locked…)."""
    try:
        with BulkWriter(db) as writer:
            yield writer
    except sqlite3.OperationalError as exc:
        raise storage_error(exc) from exc


def _ids(conn: sqlite3.Connection, sql: str, params: tuple) -> list[tuple[int]]:
    return conn.execute(sql, params).fetchall()


def _delete_ids(writer: BulkWriter, table: str, ids: list[tuple[int]], key: str = "id") -> None:
    for start in range(0, len(ids), CHUNK):
        writer.begin()
        writer.conn.execute(
            f"DELETE FROM {table} WHERE {key} IN (SELECT value FROM json_each(?))",
            (json.dumps([i for (i,) in ids[start : start + CHUNK]]),),
        )
        writer.step()
    writer.commit()


def recover(writer: BulkWriter, supplier_id: int, checkpoint: int | None) -> None:
    """Forget what an interrupted sync staged beyond the checkpoint (found without the lock):
    rows staged (valid_from beyond it, ix_offers_from), closures beyond it (the rows they
    closed are open again) and prices."""
    seen = checkpoint if checkpoint is not None else -1
    conn = writer.conn
    closures = _ids(
        conn,
        "SELECT offer_id FROM offer_closures WHERE supplier_id = ? AND valid_to > ?",
        (supplier_id, seen),
    )
    _delete_ids(writer, "offer_closures", closures, key="offer_id")
    staged = _ids(
        conn,
        "SELECT id FROM offers INDEXED BY ix_offers_from WHERE valid_from > ? AND supplier_id = ?",
        (seen, supplier_id),
    )
    _delete_ids(writer, "offers", staged)
    prices = _ids(
        conn,
        "SELECT id FROM offer_prices WHERE supplier_id = ? AND sequence > ?",
        (supplier_id, seen),
    )
    _delete_ids(writer, "offer_prices", prices)


def has_offers(writer: BulkWriter, supplier_id: int) -> bool:
    row = writer.conn.execute(
        "SELECT 1 FROM offers WHERE supplier_id = ? LIMIT 1", (supplier_id,)
    ).fetchone()
    return row is not None


_COLUMNS = ", ".join(ROW_COLUMNS)
_MARKS = ", ".join("?" for _ in ROW_COLUMNS)
_INSERT_CHANGED = (
    f"INSERT INTO offers (supplier_id, valid_from, {_COLUMNS}, first_seen) "
    f"VALUES (?, ?, {_MARKS}, ?)"
)
_CLOSE = "INSERT INTO offer_closures (offer_id, supplier_id, valid_to) VALUES (?, ?, ?)"
_INSERT_PRICE = (
    "INSERT INTO offer_prices (supplier_id, sku, sequence, day, price_fen, previous_fen) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)


def _insert_fresh_sql(supplier_id: int, sequence: int, today: date) -> str:
    # The file's constants are written into the statement: fewer values to bind per row.
    return (
        f"INSERT INTO offers (supplier_id, valid_from, first_seen, {_COLUMNS}) "
        f"VALUES ({int(supplier_id)}, {int(sequence)}, '{today.isoformat()}', {_MARKS}) "
        "ON CONFLICT (supplier_id, sku, valid_from) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in ROW_COLUMNS[1:])
    )


def stage(
    writer: BulkWriter,
    supplier_id: int,
    sequence: int,
    ops: dict[str, tuple | None],
    today: date,
    *,
    fresh: bool,
) -> BatchResult:
    """Stage one batch at `sequence` ({sku: row, or None to delete}), a piece at a time.

    fresh: the supplier had no rows when the file began (a first sync), so there is nothing
    to look up or close; a SKU restated later in the file replaces its staged row.
    """
    # A change file's SKUs in order: their rows, found and closed by SKU, then lie near each
    # other (a first sync wrote them in feed order), so each short transaction dirties fewer
    # pages, and the WAL written and synced at the switch is smaller. A batch states each
    # SKU once: the order within it does not change what is staged.
    items = list(ops.items()) if fresh else sorted(ops.items())
    writer.rows_since_checkpoint += len(items)
    result = BatchResult()
    start = 0
    while start < len(items):
        writer.begin()
        piece = items[start : start + writer.piece]
        started = time.perf_counter()
        if fresh:
            _stage_fresh(writer, supplier_id, sequence, piece, today, result)
        else:
            _stage_changes(writer, supplier_id, sequence, piece, today, result)
        writer.timed(len(piece), time.perf_counter() - started)
        start += len(piece)
        writer.step()
    writer.commit()  # never hold the lock while the next batch is parsed
    return result


def _stage_fresh(writer, supplier_id, sequence, piece, today, result: BatchResult) -> None:
    conn = writer.conn
    rows = [row for _, row in piece if row is not None]
    conn.executemany(_insert_fresh_sql(supplier_id, sequence, today), rows)
    deletes = [sku for sku, row in piece if row is None]
    if deletes:  # SKUs staged by an earlier batch of this file
        conn.execute(
            "DELETE FROM offers WHERE supplier_id = ? AND valid_from = ? "
            "AND sku IN (SELECT value FROM json_each(?))",
            (supplier_id, sequence, json.dumps(deletes)),
        )
    result.upserts += len(rows)
    result.deletes += len(deletes)


def stage_image(
    writer: BulkWriter, supplier_id: int, sequence: int, image: RowImage, today: date
) -> BatchResult:
    """stage(fresh=True) for a block decoded by a parsing process: its rows are copied from
    the image by INSERT … SELECT, a piece at a time, without passing through Python."""
    writer.attach(image)
    conn = writer.conn
    deletes = conn.execute(f"SELECT count(*) FROM {IMAGE}.{TABLE} WHERE name IS NULL")
    result = BatchResult(deletes=deletes.fetchone()[0])
    result.upserts = image.count - result.deletes
    writer.rows_since_checkpoint += image.count
    insert = _insert_image_sql(supplier_id, sequence, today)
    done = 0
    while done < image.count:
        writer.begin()
        upto = done + writer.piece
        started = time.perf_counter()
        conn.execute(insert, (done, upto))
        if result.deletes:  # SKUs staged by an earlier block of this file
            conn.execute(
                "DELETE FROM offers WHERE supplier_id = ? AND valid_from = ? AND sku IN "
                f"(SELECT sku FROM {IMAGE}.{TABLE} WHERE n > ? AND n <= ? AND name IS NULL)",
                (supplier_id, sequence, done, upto),
            )
        writer.timed(min(upto, image.count) - done, time.perf_counter() - started)
        done = upto
        writer.step()
    writer.commit()
    return result


def _insert_image_sql(supplier_id: int, sequence: int, today: date) -> str:
    return (
        f"INSERT INTO offers (supplier_id, valid_from, first_seen, {_COLUMNS}) "
        f"SELECT {int(supplier_id)}, {int(sequence)}, '{today.isoformat()}', {_COLUMNS} "
        f"FROM {IMAGE}.{TABLE} WHERE n > ? AND n <= ? AND name IS NOT NULL "
        "ON CONFLICT (supplier_id, sku, valid_from) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in ROW_COLUMNS[1:])
    )


def _stage_changes(writer, supplier_id, sequence, piece, today, result: BatchResult) -> None:
    conn = writer.conn
    skus = json.dumps([sku for sku, _ in piece])
    # Each SKU's open row, or the row an earlier batch of this file closed (or staged).
    found = conn.execute(
        "SELECT o.id, o.sku, o.valid_from, o.price_fen, o.first_seen, x.valid_to "
        "FROM offers o LEFT JOIN offer_closures x ON x.offer_id = o.id "
        "WHERE o.supplier_id = ? AND o.sku IN (SELECT value FROM json_each(?)) "
        "AND (x.valid_to IS NULL OR x.valid_to = ?)",
        (supplier_id, skus, sequence),
    ).fetchall()
    before = {}
    restaged = []
    for row_id, sku, valid_from, price, first_seen, valid_to in found:
        if valid_from < sequence:
            before[sku] = (row_id, price, first_seen, valid_to)
        else:
            restaged.append((row_id,))
    if restaged:  # a later batch of the same file states these SKUs again
        conn.execute(
            "DELETE FROM offers WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps([i for (i,) in restaged]),),
        )
        conn.execute(
            "DELETE FROM offer_prices WHERE supplier_id = ? AND sequence = ? "
            "AND sku IN (SELECT value FROM json_each(?))",
            (supplier_id, sequence, skus),
        )
    conn.executemany(
        _CLOSE, [(old[0], supplier_id, sequence) for old in before.values() if old[3] is None]
    )
    day = today.isoformat()
    rows, prices = [], []
    for sku, row in piece:
        old = before.get(sku)
        if row is None:
            result.deletes += 1
            continue
        rows.append((supplier_id, sequence, *row, old[2] if old else day))
        if old is not None and old[1] != row[PRICE]:
            prices.append((supplier_id, sku, sequence, day, row[PRICE], old[1]))
    conn.executemany(_INSERT_CHANGED, rows)
    conn.executemany(_INSERT_PRICE, prices)
    result.upserts += len(rows)
    result.price_changes += len(prices)


def close_missing(writer: BulkWriter, supplier_id: int, sequence: int, cancel=None) -> int:
    """After a snapshot is staged: what it lacks stops being current at `sequence`.

    The supplier's rows are read in id order (one pass over the table: through an index
    led by the sequence, each piece sorted a million ids again), a piece at a time and
    without the lock; the open ones older than the snapshot are closed in short
    transactions."""
    conn = writer.conn
    closed = 0
    after = 0  # the id of the last row looked at
    while True:
        rows = conn.execute(
            "SELECT o.id, x.offer_id IS NULL FROM offers o NOT INDEXED "
            "LEFT JOIN offer_closures x ON x.offer_id = o.id "
            "WHERE o.id > ? AND o.supplier_id = ? AND o.valid_from < ? ORDER BY o.id LIMIT ?",
            (after, supplier_id, sequence, CHUNK * 4),
        ).fetchall()
        if not rows:
            break
        after = rows[-1][0]
        still_open = [(row_id, supplier_id, sequence) for row_id, is_open in rows if is_open]
        writer.begin()
        conn.executemany(_CLOSE, still_open)
        closed += len(still_open)
        writer.step()
        if cancel is not None and cancel.is_set():
            writer.commit()  # staged, not switched: the next sync clears it
            raise Cancelled
    writer.commit()
    return closed


def switch(writer: BulkWriter, source_id: int, sequence: int, etag: str | None) -> None:
    """The one short, durable transaction that makes a staged file the current copy."""
    with writer.durable() as conn:
        conn.execute(
            "UPDATE catalog_sources SET sequence = ?, last_success_at = ?, last_error = '' "
            + (", etag = ? " if etag is not None else "")
            + "WHERE id = ?",
            (
                sequence,
                utcnow().strftime("%Y-%m-%d %H:%M:%S.%f"),
                *([etag] if etag is not None else []),
                source_id,
            ),
        )


def purge(writer: BulkWriter, supplier_id: int, checkpoint: int, cancel=None) -> int:
    """Delete the rows no reader can see any more, with their closures, a piece at a time
    (what a cancel leaves, the next sync deletes)."""
    purged = 0
    while cancel is None or not cancel.is_set():
        ids = json.dumps(
            [
                row_id
                for (row_id,) in writer.conn.execute(
                    "SELECT offer_id FROM offer_closures WHERE supplier_id = ? AND valid_to <= ? "
                    "LIMIT ?",
                    (supplier_id, checkpoint, CHUNK),
                )
            ]
        )
        writer.begin()
        gone = writer.conn.execute(
            "DELETE FROM offer_closures WHERE offer_id IN (SELECT value FROM json_each(?))", (ids,)
        ).rowcount
        writer.conn.execute(
            "DELETE FROM offers WHERE id IN (SELECT value FROM json_each(?))", (ids,)
        )
        purged += gone
        writer.step()
        if gone < CHUNK:
            break
    writer.commit()
    return purged
