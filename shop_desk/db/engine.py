"""Engine, sessions and start-up migration for SQLite (default) or PostgreSQL."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from shop_desk import paths
from shop_desk.clock import utcnow
from shop_desk.db import SCHEMA_HEAD
from shop_desk.errors import StorageError
from shop_desk.i18n import tr

log = logging.getLogger(__name__)
BUSY_TIMEOUT_MS = 5000


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.as_posix()}"


def _set_sqlite_pragmas(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    # Let SQLAlchemy own transactions: pysqlite's own BEGIN handling defers it badly.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    _wal(cur)
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=FULL")  # a sale acknowledged is a sale on disk
    cur.close()


def _wal(cur: sqlite3.Cursor, attempts: int = 40) -> None:
    """Switch to WAL, waiting for another installation that is creating or migrating the
    same file: the journal-mode change can report "locked" at once, without the busy wait."""
    for attempt in range(attempts):
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.25)


def _begin(conn) -> None:
    # A unit of work that writes takes the write lock at BEGIN: a read-then-write transaction
    # can then never fail half-way with "database is locked" (SQLite's deferred upgrade cannot
    # wait on busy_timeout). Reads begin deferred and never wait for a writer (WAL).
    immediate = conn.get_execution_options().get("sqlite_immediate", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _no_autocheckpoint(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    dbapi_conn.execute("PRAGMA wal_autocheckpoint=0")  # db/checkpoint.py does it when idle


def make_engine(url: str, *, idle_checkpoints: bool = False) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 5})
        event.listen(engine, "connect", _set_sqlite_pragmas)
        if idle_checkpoints:
            event.listen(engine, "connect", _no_autocheckpoint)
        event.listen(engine, "begin", _begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


class WriteGate:
    """Turn-taking between this process's own writes and bulk background writes.

    SQLite has one writer at a time, and a writer that finds the lock taken polls for it with
    growing sleeps (up to 100 ms), so a bulk job that commits and begins again at once can keep
    a checkout waiting for seconds. Here a bulk job (a catalog sync) writes in short
    transactions, each begun only when no other write of this process waits or runs, and ended
    early when one arrives; a waiting write is woken the moment the bulk transaction ends.
    Writes from another process still meet SQLite's own locking and busy timeout.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._writers = 0  # ordinary writes waiting or running
        self._bulk = 0  # bulk transactions open (a sync and the tidying after another)
        # Bulk writers in other processes (a sync run in a child process: db.turns.Turns):
        # told how many writes wait here, and waited for like the bulk transactions above.
        self._peers: list = []
        self._jobs = 0  # bulk writers open in this process, between their transactions too

    @property
    def bulk_under_way(self) -> bool:
        """A bulk job (a catalog sync, its tidying) is under way, here or in a peer process:
        it copies its write-ahead log back itself (catalog/bulk.py), so the window's idle
        checkpoints stand aside (db/checkpoint.py)."""
        return self._jobs > 0 or bool(self._peers)

    def job_started(self) -> None:
        with self._cond:
            self._jobs += 1

    def job_ended(self) -> None:
        with self._cond:
            self._jobs -= 1

    @property
    def wanted(self) -> bool:
        """An ordinary write is waiting: the bulk transaction should end now."""
        return self._writers > 0

    @contextmanager
    def write(self) -> Iterator[None]:
        # Bounded: a bulk transaction is short; a bug must not hang a checkout for good.
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        with self._cond:
            self._writers += 1
            self._publish()
            self._cond.wait_for(lambda: self._bulk == 0, timeout=BUSY_TIMEOUT_MS / 1000)
            peers = list(self._peers)
        for peer in peers:
            peer.wait_idle(deadline)
        try:
            yield
        finally:
            with self._cond:
                self._writers -= 1
                self._publish()
                self._cond.notify_all()

    def attach(self, peer) -> None:
        """Take turns with a bulk writer in another process too, until detach(peer)."""
        with self._cond:
            self._peers.append(peer)
            self._publish()

    def detach(self, peer) -> None:
        with self._cond:
            if peer in self._peers:
                self._peers.remove(peer)

    def _publish(self) -> None:
        for peer in self._peers:
            peer.writers_waiting = self._writers

    def begin_bulk(self) -> None:
        """One bulk transaction's turn: given when no ordinary write waits or runs."""
        with self._cond:
            self._cond.wait_for(lambda: self._writers == 0)
            self._bulk += 1

    def end_bulk(self) -> None:
        with self._cond:
            self._bulk -= 1
            self._cond.notify_all()


_gates: dict[str, WriteGate] = {}
_gates_lock = threading.Lock()


def gate_for(url: str) -> WriteGate:
    """One gate per database: every Database opened on the same file in this process (the
    window's, a second till's) takes turns through it."""
    with _gates_lock:
        return _gates.setdefault(url, WriteGate())


class Database:
    """One database: an engine, a session factory and the migration on open.

    idle_checkpoints: the window's database (SQLite) copies its write-ahead log back between
    sales instead of inside one (db/checkpoint.py); one-shot commands keep SQLite's default.
    """

    def __init__(
        self, url: str, folder: Path | None = None, *, idle_checkpoints: bool = False
    ) -> None:
        self.url = url
        self.folder = folder
        idle_checkpoints = idle_checkpoints and url.startswith("sqlite")
        self.engine = make_engine(url, idle_checkpoints=idle_checkpoints)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.gate = gate_for(url)
        self.checkpointer = None
        if idle_checkpoints:
            from shop_desk.db.checkpoint import IdleCheckpointer

            gate = self.gate
            self.checkpointer = IdleCheckpointer(
                self.engine.url.database, stand_aside=lambda: gate.bulk_under_way
            )

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self, *, write: bool = True) -> Iterator[Session]:
        """A unit of work: committed on success, rolled back on any error."""
        if write and self.is_sqlite:
            with self.gate.write(), self._session(write=True) as session:
                yield session
            if self.checkpointer is not None:
                self.checkpointer.note_commit()
        else:
            with self._session(write=write) as session:
                yield session

    @contextmanager
    def _session(self, *, write: bool) -> Iterator[Session]:
        with self.sessions() as session:
            try:
                if write and self.is_sqlite:
                    session.connection(execution_options={"sqlite_immediate": True})
                yield session
                session.commit()
            except OperationalError as exc:
                session.rollback()
                raise storage_error(exc) from exc
            except BaseException:
                session.rollback()
                raise

    def read(self) -> Session:
        """A session for queries only (the caller closes it)."""
        return self.sessions()

    def current_revision(self) -> str | None:
        try:
            with self.engine.connect() as conn:
                if not inspect(conn).has_table("alembic_version"):
                    return None
                return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except OperationalError as exc:
            raise storage_error(exc) from exc

    def migrate(self) -> bool:
        """Bring the schema to SCHEMA_HEAD; back up first. Returns True if anything ran.

        Under the "migrate" lock: when two installations start at once on one database, one
        migrates and the other waits, then finds the schema current.
        """
        if self.current_revision() == SCHEMA_HEAD:
            return False
        from shop_desk.db.locks import exclusive
        from shop_desk.db.migrate import upgrade_to_head  # Alembic only when a migration is due

        with exclusive(self, "migrate"):
            revision = self.current_revision()
            if revision == SCHEMA_HEAD:
                return False  # another installation migrated while this one waited
            if revision is not None:
                self._backup_before_migration()
            with self.engine.connect() as conn:
                upgrade_to_head(conn)
                refresh_statistics(conn)
                conn.commit()
        return True

    def _backup_before_migration(self) -> None:
        if self.is_sqlite:
            if self.folder is not None:
                backup_sqlite(self, paths.backups_dir(self.folder), label="pre-migration")
            return
        from shop_desk.db.pg_dump import dump

        target = paths.backups_dir(self.folder or paths.data_dir())
        try:  # best effort: the server may be elsewhere and this PC without pg_dump
            target.mkdir(parents=True, exist_ok=True)
            dump(self, target / f"shop-pre-migration-{utcnow():%Y%m%d-%H%M%S-%f}.pgdump")
        except (StorageError, OSError) as exc:
            log.warning("no backup before the migration: %s", exc)

    def dispose(self) -> None:
        if self.is_sqlite:
            # Let SQLite refresh the statistics its planner needs (cheap; what SQLite advises
            # before closing): after an import, without them a page of the stock list can
            # pick a poor index.
            try:
                with self.engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA optimize")
            except OperationalError:
                pass
        self.close()

    def close(self) -> None:
        """Release the connections (and the checkpoint thread) without further work."""
        if self.checkpointer is not None:
            self.checkpointer.stop()
        self.engine.dispose()


# Rows an import must write before the planner's statistics are refreshed right away.
STATISTICS_AFTER_ROWS = 1000
# ANALYZE reads at most about this many index entries each (SQLite): ~40 ms on a shop of
# 100,000 products and 2 million moves, and estimates as good as a full pass for the planner.
ANALYSIS_LIMIT = 1000


def refresh_statistics(conn, tables: tuple[str, ...] = ()) -> None:
    """Give the planner statistics for `tables` (all when empty), in the caller's transaction.

    Run after a migration and after a large import: without them SQLite plans from guesses
    (a fresh shop has none at all), and PRAGMA optimize at close only refreshes tables the
    connection happened to query."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
        for target in tables or ("",):
            conn.exec_driver_sql(f"ANALYZE {target}".strip())
    else:
        conn.exec_driver_sql("ANALYZE " + ", ".join(tables))


BULK_CACHE_KIB = 65_536


@contextmanager
def bulk_write_cache(conn) -> Iterator[None]:
    """A bigger SQLite page cache while one transaction writes thousands of rows: with the
    default 2 MB the search indexes' pages are spilled and read back over and over (10,000
    products: 30 s instead of 10 s). The connection returns to the default afterwards."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={int(before)}")
        conn.exec_driver_sql("PRAGMA shrink_memory")


def storage_error(exc: Exception) -> StorageError:
    """Turn a driver error into a sentence the owner can act on."""
    message = str(getattr(exc, "orig", exc)).lower()
    if "locked" in message or "busy" in message:
        return StorageError(
            tr("The database is busy (another program is writing). Try again in a moment.")
        )
    if "full" in message or "no space" in message:
        return StorageError(
            tr("The disk is full: nothing was saved. Free some space and try again.")
        )
    if "readonly" in message or "read-only" in message or "permission" in message:
        return StorageError(
            tr("The data folder is read-only: nothing was saved. Check the folder's permissions.")
        )
    if "unable to open" in message:
        return StorageError(tr("The database file cannot be opened. Check the data folder."))
    return StorageError(tr("The database reported an error: {detail}", detail=str(exc)[:300]))


def backup_sqlite(db: Database, folder: Path, *, label: str = "manual") -> Path:
    """Copy the live database with SQLite's online backup API (safe while it is in use).

    Written under a .partial name and renamed when whole: a backup cut short (a full or
    pulled-out USB stick) never looks like a backup.
    """
    folder.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"shop-{label}-{stamp}.sqlite3"
    partial = target.with_name(target.name + ".partial")
    src = sqlite3.connect(db.engine.url.database)
    try:
        dst = sqlite3.connect(partial)
        try:
            with dst:
                src.backup(dst)
        finally:
            dst.close()
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        src.close()
    log.info("backup written to %s", target)
    return target


def open_database(
    url: str | None = None,
    folder: Path | None = None,
    migrate: bool = True,
    *,
    idle_checkpoints: bool = False,
):
    """Open (creating when needed) the shop's database and bring its schema up to date.

    idle_checkpoints: for the window, where sales must not pay for WAL checkpoints."""
    if url is None:
        folder = folder or paths.data_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(
                tr("Cannot create the data folder {folder}: {error}", folder=folder, error=exc)
            ) from exc
        url = sqlite_url(paths.database_path(folder))
    else:
        from shop_desk.local_config import with_password

        url = with_password(url)  # a PostgreSQL password lives in the OS keyring
    db = Database(url, folder, idle_checkpoints=idle_checkpoints)
    if migrate:
        try:
            db.migrate()
        except StorageError as exc:
            db.close()
            if folder is not None and db.is_sqlite and not _folder_writable(folder):
                # SQLite says only "unable to open database file" when it cannot create the
                # -wal and -shm files beside the database: say what is wrong instead.
                raise StorageError(
                    tr(
                        "The data folder {folder} is read-only, so the shop cannot be opened. "
                        "Check the folder's permissions (or copy the data somewhere writable), "
                        "then start again.",
                        folder=folder,
                    )
                ) from exc
            raise
    return db


def _folder_writable(folder: Path) -> bool:
    """Whether a file can be created in `folder` (permission bits, read-only mounts and
    immutable folders alike: only trying tells)."""
    probe = folder / f".shop-desk-probe-{os.getpid()}"
    try:
        fd = os.open(probe, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except OSError:
        return False
    os.close(fd)
    probe.unlink(missing_ok=True)
    return True
