"""The offers' search index (FTS5) in a SQLite file of its own beside the shop's (SQLite only).

SQLite locks per file: writing this index never holds the shop database's write lock, so a
checkout at the counter never waits on it, and the index is built in large transactions (a
million offers in one pass after a first sync) instead of one small segment per short
transaction of the sync, which then had to be merged, holding the shop's lock for seconds.

The index is derived data, rebuilt from the offers whenever it is missing, damaged or of
another format; backups leave it out. It is kept up to date by catch_up(): offers whose id is
above the file's `indexed_to` are new; offers deleted or renamed since are listed by triggers
in the shop's `offers_reindex` log (migrations 0011, 0012), read from the file's `logged_to`.
Besides the words of names, the file holds each offer's GTIN (`gtins`, 0012): GTINs come in no
order, and their B-tree in the shop's file, rewritten all over by each of a sync's short
transactions, cost a million-offer first sync a good part of its time. The same holds in
this file for a small catch-up: 10,000 changed offers' GTINs land on most leaf pages of a
million-offer `gtins_by_code`, and writing them cost 0.4 s of an incremental sync's 1.5 (the
words, 0.08). A small catch-up (RECENT_SPAN offers or fewer) puts its GTINs in
`gtins_recent` (format 3), a small table read beside the main one; housekeeping after a sync
moves them over in GTIN order once there are COMPACT_AT of them (compact()), each leaf page
then written once for all of them. Readers
(catalog/search.py) trust the index up to `indexed_to` except for the ids logged since
`logged_to`, and check the rest by scanning, so a late index makes search slower, never wrong.

Files are `<shop>.search-<generation>.sqlite3`; the shop's `search_index` row names the
current generation. A rebuild writes the next generation and then switches the row: on
Windows a file open in another connection cannot be deleted or replaced, so old generations
are deleted when nothing holds them any more. Every write to an index file happens under
the "search-index" file lock, one writer across the window, its sync process and the CLI.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from pathlib import Path

from sqlalchemy import text

from shop_desk.catalog.transport import Cancelled
from shop_desk.db.engine import BUSY_TIMEOUT_MS, Database
from shop_desk.db.locks import LockBusy, file_lock

log = logging.getLogger(__name__)

FORMAT = 5  # of the file's tables; a file of another format is rebuilt (2: GTINs, 0012;
# 3: gtins_recent; 4: GTIN tables in GTIN order, gtins_pending; 5: contentless FTS5 and
# `indexed`)
# Offers indexed per transaction of the index file. Its checkpoint after each (_connect:
# NORMAL) then fsyncs a fifth of what 250,000 wrote (see bulk.CHECKPOINT_EVERY_S: a sale's
# fsync waits behind a big one).
CHUNK_IDS = 50_000
LOG_CHUNK = 20_000  # log rows deleted per short transaction of the shop's database
SCHEMA = (
    # Each Chinese character is a token (text.search_text): a two-character fragment is a
    # phrase. Prefix indexes answer pinyin initials and words of names (0007); a prefix of
    # four or more matches few words, read without one. No sizes of columns: nothing ranks
    # by them, and a million offers' sizes cost a sixth of the build. Contentless: searches
    # read rowids only, and FTS5 keeping its own copy of the words cost a million-offer
    # build a third of its time (the words are kept once, in `indexed`).
    "CREATE VIRTUAL TABLE offers_fts USING fts5(search_text, name_initials, content='', "
    "prefix='2 3', columnsize=0, tokenize='unicode61 remove_diacritics 0')",
    # Merge 16 segments of a level at a time, not 4: each posting is rewritten half as
    # often. A million offers indexed in 11.3 s of CPU before, 9.0 after (three runs each);
    # a search reads a few more segments: 0.4 ms instead of 0.25.
    "INSERT INTO offers_fts(offers_fts, rank) VALUES ('automerge', 16)",
    "INSERT INTO offers_fts(offers_fts, rank) VALUES ('crisismerge', 64)",
    # Offers by GTIN (barcode look-ups and prefixes): one B-tree in GTIN order each.
    "CREATE TABLE gtins (gtin TEXT NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (gtin, id))"
    " WITHOUT ROWID",
    "CREATE TABLE gtins_recent (gtin TEXT NOT NULL, id INTEGER NOT NULL, "
    "PRIMARY KEY (gtin, id)) WITHOUT ROWID",
    # A large catch-up's GTINs in id order, until _place() moves them into gtins in GTIN
    # order; read by scanning meanwhile.
    "CREATE TABLE gtins_pending (id INTEGER PRIMARY KEY, gtin TEXT NOT NULL)",
    # Every offer the index holds, as it was indexed: a contentless FTS5 table forgets a row
    # only when given the words it indexed, and the GTIN says which GTIN table row to take
    # out, when an offer is deleted or renamed.
    "CREATE TABLE indexed (id INTEGER PRIMARY KEY, gtin TEXT, search_text TEXT NOT NULL, "
    "name_initials TEXT NOT NULL)",
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
    f"INSERT INTO meta VALUES ('format', {FORMAT}), ('indexed_to', 0), ('logged_to', 0)",
)
# The GTIN tables readers look in: B-trees in GTIN order, then gtins_pending, read by
# scanning (search.py).
SORTED_GTIN_TABLES = ("gtins", "gtins_recent")
GTIN_TABLES = (*SORTED_GTIN_TABLES, "gtins_pending")
# Out of the index: the offers `WHERE {rows}`, their words and their GTINs.
_FORGET = (
    "INSERT INTO offers_fts(offers_fts, rowid, search_text, name_initials) "
    "SELECT 'delete', id, search_text, name_initials FROM indexed WHERE {rows}",
    *(
        f"DELETE FROM {table} WHERE (gtin, id) IN "
        f"(SELECT gtin, id FROM indexed WHERE {{rows}} AND gtin IS NOT NULL)"
        for table in SORTED_GTIN_TABLES
    ),
    "DELETE FROM gtins_pending WHERE {rows}",
    "DELETE FROM indexed WHERE {rows}",
)
# Each offer `WHERE {rows}` into the index (afresh): its words, and its GTIN (into
# gtins_recent or gtins_pending).
_INDEX_ROWS = (
    *_FORGET,
    "INSERT INTO indexed (id, gtin, search_text, name_initials) "
    "SELECT id, gtin, search_text, name_initials FROM shop.offers WHERE {rows}",
    "INSERT INTO offers_fts(rowid, search_text, name_initials) "
    "SELECT id, search_text, name_initials FROM indexed WHERE {rows}",
    "INSERT INTO {table} (gtin, id) SELECT gtin, id FROM indexed WHERE {rows} AND gtin IS NOT NULL",
)
RECENT_SPAN = 25_000  # offers or fewer to index: their GTINs go to gtins_recent
COMPACT_AT = 100_000  # GTINs in gtins_recent that compact() moves to gtins
_RANGE = "id > ? AND id <= ?"
_LOGGED = "SELECT offer_id FROM shop.offers_reindex WHERE seq > ? AND seq <= ? AND offer_id <= ?"


class IndexBroken(Exception):
    """The index file is missing, unreadable or of another format."""


def file_for(shop: Path, generation: int) -> Path:
    return shop.with_name(f"{shop.stem}.search-{generation}{shop.suffix}")


def generation(shop_conn: sqlite3.Connection) -> int:
    row = shop_conn.execute("SELECT generation FROM search_index WHERE id = 1").fetchone()
    return row[0] if row else 0


def current_file(shop: Path) -> Path:
    """The path of the index file the shop's database names (it may not exist)."""
    with _shop_connection(shop) as shop_conn:
        return file_for(shop, generation(shop_conn))


def read_meta(conn: sqlite3.Connection, schema: str = "main") -> dict[str, int]:
    """The file's bookkeeping; IndexBroken if it is not a whole index file of this format."""
    try:
        meta = dict(conn.execute(f"SELECT key, value FROM {schema}.meta").fetchall())
    except sqlite3.DatabaseError as exc:
        raise IndexBroken(str(exc)) from exc
    if meta.get("format") != FORMAT or "indexed_to" not in meta or "logged_to" not in meta:
        raise IndexBroken(f"format {meta.get('format')}")
    return meta


def _connect(path: Path, shop: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute("PRAGMA journal_mode=WAL")
    # Derived data: its commits never wait for the disk (a power cut may damage the file;
    # a search or sync that finds it so builds a new one). Its checkpoints do (NORMAL): with
    # OFF, a first sync left the index's pages to the kernel, which wrote them out in bursts
    # 30 s later, and a sale's fsync at the counter queued behind them (traced: 130-290 ms;
    # the checkout p99 during a million-offer sync went from 130-139 ms to 89-95).
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA cache_size=-65536")
    conn.execute("ATTACH DATABASE ? AS shop", (str(shop),))
    return conn


@contextmanager
def _writing(conn: sqlite3.Connection) -> Iterator[None]:
    """A transaction that writes the index file only. Deferred: BEGIN IMMEDIATE would take
    the write lock of every attached file, the shop's too. Its first statement writes the
    index file, so the lock is waited for (busy timeout) before the shop is read."""
    conn.execute("BEGIN")
    try:
        conn.execute("UPDATE meta SET value = value WHERE key = 'format'")
        yield
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _create(path: Path, shop: Path) -> sqlite3.Connection:
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)
    conn = _connect(path, shop)
    conn.execute("BEGIN")
    for statement in SCHEMA:
        conn.execute(statement)
    conn.execute("COMMIT")
    return conn


def _catch_up(
    conn: sqlite3.Connection,
    cancel: threading.Event | None = None,
    *,
    chase: bool = True,
    place: bool = True,
) -> int:
    """Index what changed in the shop since the file's bookkeeping; returns offers indexed.
    Without `chase`, only the offers there when it began: a follower polling a sync that
    commits every few tens of milliseconds would otherwise index them a few at a time, and
    each transaction of the index writes an FTS5 segment that must be merged later.
    A large catch-up leaves its GTINs in gtins_pending; with `place` they go into gtins in
    GTIN order at the end (a sync's follower leaves that to the sync's own catch-up)."""
    done, bound = 0, None
    with _writing(conn):
        meta = read_meta(conn)
        top = conn.execute("SELECT coalesce(max(seq), 0) FROM shop.offers_reindex").fetchone()[0]
        newest = conn.execute("SELECT coalesce(max(id), 0) FROM shop.offers").fetchone()[0]
        recent = newest - meta["indexed_to"] + top - meta["logged_to"] <= RECENT_SPAN
        if top > meta["logged_to"]:
            # Deleted or renamed offers already indexed: out, and back in as they are now.
            args = (meta["logged_to"], top, meta["indexed_to"])
            for statement in _FORGET:
                conn.execute(statement.format(rows=f"id IN ({_LOGGED})"), args)
            # A new offer takes the id above the highest one left, so when the highest were
            # deleted (an interrupted sync's rows), ids come again: those above the highest
            # offer the index still holds are indexed afresh, logged or not.
            kept = conn.execute("SELECT coalesce(max(id), 0) FROM indexed")
            kept_to = kept.fetchone()[0]
            # Two passes: each reads offers by their primary key.
            _index_rows(conn, f"id <= ? AND id IN ({_LOGGED})", (kept_to, *args), recent)
            _index_rows(conn, _RANGE, (kept_to, meta["indexed_to"]), recent)
            conn.execute("UPDATE meta SET value = ? WHERE key = 'logged_to'", (top,))
            # ...and ids above the highest offer now will come again: they count as new.
            if newest < meta["indexed_to"]:
                conn.execute("UPDATE meta SET value = ? WHERE key = 'indexed_to'", (newest,))
    while cancel is None or not cancel.is_set():
        with _writing(conn):
            after = read_meta(conn)["indexed_to"]
            last = conn.execute("SELECT coalesce(max(id), 0) FROM shop.offers").fetchone()[0]
            if not chase:
                bound = last if bound is None else bound
                last = min(last, bound)
            if last <= after:
                if place:
                    _place(conn)
                return done
            last = min(last, after + CHUNK_IDS)
            # A catch-up that chases a sync's new rows past RECENT_SPAN is a large one, though
            # it began small (a follower woken while rows kept coming): a first sync's
            # follower put four fifths of a million GTINs in gtins_recent that way.
            small = recent and done + last - after <= RECENT_SPAN
            _index_rows(conn, _RANGE, (after, last), small)
            conn.execute("UPDATE meta SET value = ? WHERE key = 'indexed_to'", (last,))
            done += last - after
    raise Cancelled


def _index_rows(conn: sqlite3.Connection, rows: str, args: tuple, recent: bool) -> None:
    table = "gtins_recent" if recent else "gtins_pending"
    for statement in _INDEX_ROWS:
        conn.execute(statement.format(rows=rows, table=table), args)


def _place(conn: sqlite3.Connection) -> int:
    """Move gtins_pending into gtins in GTIN order (in the caller's transaction): each leaf
    page of gtins written once, where a million GTINs inserted in id order cost 3.5 s more."""
    moved = conn.execute(
        "INSERT INTO gtins (gtin, id) SELECT gtin, id FROM gtins_pending ORDER BY gtin, id"
    ).rowcount
    conn.execute("DELETE FROM gtins_pending")
    return moved


def compact(shop: Path, *, least: int = COMPACT_AT, wait: float | None = 0) -> int:
    """Move the GTINs of gtins_recent into gtins, in GTIN order, once there are `least` of
    them; returns how many moved. Skipped (0) while another program indexes."""
    try:
        with file_lock(lock_path(shop), "search-index", wait):
            path = current_file(shop)
            if not path.exists():
                return 0
            conn = _connect(path, shop)
            try:
                count = conn.execute("SELECT count(*) FROM gtins_recent").fetchone()[0]
                if count < max(least, 1):
                    return 0
                with _writing(conn):
                    conn.execute(
                        "INSERT INTO gtins (gtin, id) "
                        "SELECT gtin, id FROM gtins_recent ORDER BY gtin, id"
                    )
                    conn.execute("DELETE FROM gtins_recent")
                return count
            finally:
                conn.close()
    except (LockBusy, sqlite3.DatabaseError) as exc:
        log.info("search index GTINs not compacted: %s", exc)
        return 0


def update(
    shop: Path,
    *,
    cancel: threading.Event | None = None,
    wait: float | None = 60,
    chase: bool = True,
    place: bool = True,
) -> None:
    """Bring the current index file up to date with the shop's offers, rebuilding it (as a
    new generation) if it is missing, damaged or of another format (`chase`, `place`:
    _catch_up)."""
    with file_lock(lock_path(shop), "search-index", wait):
        with _shop_connection(shop) as shop_conn:
            current = generation(shop_conn)
        path = file_for(shop, current)
        if path.exists():
            conn = None
            try:
                conn = _connect(path, shop)
                _catch_up(conn, cancel, chase=chase, place=place)
                remove_old(shop, current)  # what a reader still held at the last rebuild
                return
            except (IndexBroken, sqlite3.DatabaseError) as exc:
                log.warning("search index %s is unusable (%s): rebuilding it", path, exc)
            finally:
                if conn is not None:
                    conn.close()
        _rebuild(shop, current + 1, cancel, place)


def _rebuild(shop: Path, new: int, cancel: threading.Event | None, place: bool) -> None:
    path = file_for(shop, new)
    conn = _create(path, shop)
    try:
        with _writing(conn):  # what the log holds now is older than every row indexed next
            top = conn.execute("SELECT coalesce(max(seq), 0) FROM shop.offers_reindex")
            conn.execute("UPDATE meta SET value = ? WHERE key = 'logged_to'", (top.fetchone()[0],))
        _catch_up(conn, cancel, place=place)
    except BaseException:
        conn.close()
        _remove(path)
        raise
    conn.close()
    with _shop_connection(shop) as shop_conn:
        shop_conn.execute("BEGIN IMMEDIATE")
        shop_conn.execute(
            "INSERT INTO search_index (id, generation) VALUES (1, ?) "
            "ON CONFLICT (id) DO UPDATE SET generation = excluded.generation",
            (new,),
        )
        shop_conn.execute("COMMIT")
    remove_old(shop, new)


def invalidate(shop: Path) -> None:
    """The shop's database was replaced (a restore): its index files describe other offers.
    Point the shop at a generation no file has, so the next search or sync builds one."""
    with _shop_connection(shop) as shop_conn:
        numbers = [generation(shop_conn), *_generations(shop)]
        shop_conn.execute("BEGIN IMMEDIATE")
        shop_conn.execute(
            "UPDATE search_index SET generation = ? WHERE id = 1", (max(numbers) + 1,)
        )
        shop_conn.execute("COMMIT")


def _generations(shop: Path) -> list[int]:
    found = []
    for path in shop.parent.glob(f"{shop.stem}.search-*{shop.suffix}"):
        number = path.name[len(shop.stem) + len(".search-") : -len(shop.suffix) or None]
        if number.isdigit():
            found.append(int(number))
    return found


def remove_old(shop: Path, current: int) -> None:
    """Delete the files of other generations that nothing holds open (Windows refuses
    while a reader holds one: a later call deletes it)."""
    for number in _generations(shop):
        if number != current:
            _remove(file_for(shop, number))


def _remove(path: Path) -> None:
    for name in (f"{path}-wal", f"{path}-shm", str(path)):
        with suppress(OSError):
            Path(name).unlink(missing_ok=True)


def forget_logged(db: Database) -> None:
    """Delete the log rows the current index file has read, in short transactions of the
    shop's database (through its write gate). Skipped while another program indexes."""
    shop = shop_path(db)
    try:
        with file_lock(lock_path(shop), "search-index", 0):
            with _shop_connection(shop) as shop_conn:
                path = file_for(shop, generation(shop_conn))
                first = shop_conn.execute("SELECT min(seq) FROM offers_reindex").fetchone()[0]
            if first is None or not path.exists():
                return
            conn = sqlite3.connect(path, isolation_level=None)
            try:
                logged_to = read_meta(conn)["logged_to"]
            finally:
                conn.close()
            for low in range(first - 1, logged_to, LOG_CHUNK):
                with db.session() as session:
                    session.execute(
                        text("DELETE FROM offers_reindex WHERE seq > :low AND seq <= :high"),
                        {"low": low, "high": min(low + LOG_CHUNK, logged_to)},
                    )
    except (LockBusy, IndexBroken):
        return


def shop_path(db: Database) -> Path:
    return Path(db.engine.url.database)


@contextmanager
def _shop_connection(shop: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(shop, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        yield conn
    finally:
        conn.close()


def lock_path(shop: Path) -> Path:
    return shop.with_name(f"{shop.name}.search-index.lock")


# ---- in the background, when a search finds the index unusable --------------------------

_rebuilding: dict[Path, threading.Thread] = {}
_rebuilding_lock = threading.Lock()


def rebuild_in_background(shop: Path) -> None:
    """Bring the index up to date in a thread of this process (at most one per file); if
    another program holds the index's lock, it is doing the same."""
    with _rebuilding_lock:
        if shop in _rebuilding:
            return
        thread = _rebuilding[shop] = threading.Thread(
            target=_background, args=(shop,), daemon=True, name="search-index"
        )
    thread.start()


def wait_for_background(shop: Path) -> None:
    """Let this process's background rebuild of the index end, if one runs: a command-line
    program that exits ends it half done, and its searches scanned until a window ran."""
    with _rebuilding_lock:
        thread = _rebuilding.get(shop)
    if thread is not None:
        thread.join()


def usable(shop: Path) -> bool:
    """Whether the shop's current index file is there, whole and of this format."""
    try:
        path = current_file(shop)
        if not path.exists():
            return False
        with closing(sqlite3.connect(path)) as conn:
            read_meta(conn)
    except (IndexBroken, sqlite3.DatabaseError):
        return False
    return True


def _background(shop: Path) -> None:
    try:
        update(shop, wait=0)
    except LockBusy:
        pass
    except Exception:  # logged: search keeps answering by scanning, the next sync retries
        log.exception("rebuilding the search index of %s failed", shop)
    finally:
        with _rebuilding_lock:
            _rebuilding.pop(shop, None)


def rebuilding(shop: Path) -> bool:
    with _rebuilding_lock:
        return shop in _rebuilding


# ---- during a large sync: indexing what is staged while more is staged --------------------

FOLLOW_ROWS = 100_000  # staged offers between two catch-ups of the follower
# A change file is staged in one call, committed piece by piece (bulk.TRANSACTION_BUDGET):
# the follower looks for committed rows this often instead of being told.
POLL_S = 0.1


class Follower:
    """Catches the index up in a thread of its own while a sync stages a large file: the
    index is another file (no lock shared with the staging) and SQLite works without the
    interpreter lock, so indexing the first rows overlaps staging the next ones on another
    core; the sync's own catch-up before the switch is then left with the last rows.

    For a change file it polls (poll()): 10,000 changed offers staged in 0.5 s were then
    indexed during their staging instead of after it."""

    def __init__(self, shop: Path, cancel: threading.Event) -> None:
        self.shop = shop
        self.cancel = cancel
        self._pending = 0
        self._wake = threading.Event()
        self._stop = False
        self._thread: threading.Thread | None = None
        self._every: float | None = None  # polling: seconds between two looks

    def poll(self) -> None:
        """Look for committed rows every POLL_S seconds, from now until finish()."""
        self._every = POLL_S
        self._start()

    def staged(self, rows: int) -> None:
        """`rows` more offers were staged (and committed)."""
        self._pending += rows
        if self._pending < FOLLOW_ROWS:
            return
        self._pending = 0
        self._start()
        self._wake.set()

    def _start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, daemon=True, name="search-follow")
            self._thread.start()

    def _run(self) -> None:
        while True:
            self._wake.wait(self._every)
            self._wake.clear()
            if self._stop or self.cancel.is_set():
                return
            try:
                # The sync's own catch-up places the pending GTINs, once.
                update(self.shop, cancel=self.cancel, chase=self._every is None, place=False)
            except Exception as exc:  # the sync's own catch-up tries again, and says so
                log.info("search index not followed: %s", exc)
                return

    def finish(self) -> None:
        """Stop (after the catch-up under way, if any)."""
        self._stop = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join()
