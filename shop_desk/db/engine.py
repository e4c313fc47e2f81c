"""Engine, sessions and start-up migration for SQLite (default) or PostgreSQL."""

from __future__ import annotations

import logging
import sqlite3
import threading
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
_PG_MIGRATION_LOCK = 0x5D0D_E5C0  # advisory lock id: one migrating installation at a time


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.as_posix()}"


def _set_sqlite_pragmas(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    # Let SQLAlchemy own transactions: pysqlite's own BEGIN handling defers it badly.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA synchronous=FULL")  # a sale acknowledged is a sale on disk
    cur.close()


def _begin(conn) -> None:
    # A unit of work that writes takes the write lock at BEGIN: a read-then-write transaction
    # can then never fail half-way with "database is locked" (SQLite's deferred upgrade cannot
    # wait on busy_timeout). Reads begin deferred and never wait for a writer (WAL).
    immediate = conn.get_execution_options().get("sqlite_immediate", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 5})
        event.listen(engine, "connect", _set_sqlite_pragmas)
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

    @property
    def wanted(self) -> bool:
        """An ordinary write is waiting: the bulk transaction should end now."""
        return self._writers > 0

    @contextmanager
    def write(self) -> Iterator[None]:
        with self._cond:
            self._writers += 1
            # Bounded: a bulk transaction is short; a bug must not hang a checkout for good.
            self._cond.wait_for(lambda: self._bulk == 0, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            yield
        finally:
            with self._cond:
                self._writers -= 1
                self._cond.notify_all()

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
    """One database: an engine, a session factory and the migration on open."""

    def __init__(self, url: str, folder: Path | None = None) -> None:
        self.url = url
        self.folder = folder
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.gate = gate_for(url)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self, *, write: bool = True) -> Iterator[Session]:
        """A unit of work: committed on success, rolled back on any error."""
        if write and self.is_sqlite:
            with self.gate.write(), self._session(write=True) as session:
                yield session
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
        """Bring the schema to SCHEMA_HEAD; back up first. Returns True if anything ran."""
        if self.current_revision() == SCHEMA_HEAD:
            return False
        from shop_desk.db.migrate import upgrade_to_head  # Alembic only when a migration is due

        if self.is_sqlite and self.folder is not None and self.current_revision() is not None:
            backup_sqlite(self, paths.backups_dir(self.folder), label="pre-migration")
        if self.engine.dialect.name == "postgresql":
            with self.engine.connect() as conn:
                conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
                try:
                    upgrade_to_head(conn)
                    conn.commit()
                finally:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_MIGRATION_LOCK})
                    conn.commit()
        else:
            with self.engine.connect() as conn:
                upgrade_to_head(conn)
                conn.commit()
        return True

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
        self.engine.dispose()


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
    """Copy the live database with SQLite's online backup API (safe while it is in use)."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"shop-{label}-{stamp}.sqlite3"
    source_path = db.engine.url.database
    src = sqlite3.connect(source_path)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        dst.close()
        src.close()
    log.info("backup written to %s", target)
    return target


def open_database(url: str | None = None, folder: Path | None = None, migrate: bool = True):
    """Open (creating when needed) the shop's database and bring its schema up to date."""
    if url is None:
        folder = folder or paths.data_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(
                tr("Cannot create the data folder {folder}: {error}", folder=folder, error=exc)
            ) from exc
        url = sqlite_url(paths.database_path(folder))
    db = Database(url, folder)
    if migrate:
        db.migrate()
    return db
