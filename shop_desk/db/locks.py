"""Named locks shared by every program on one database: one migration at a time, one catalog
sync at a time, across counters and across the window and the command line.

PostgreSQL: a session-level advisory lock, held on a connection of its own; the server drops
it when that connection ends, so a program that dies never leaves it behind.
SQLite: an OS file lock on a file beside the database (fcntl / msvcrt through filelock); the
OS drops it when the process ends. A write transaction (BEGIN IMMEDIATE) would serialise too,
but it would also stop every sale for as long as a sync runs.
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import text

from shop_desk.errors import StorageError
from shop_desk.i18n import tr

if TYPE_CHECKING:
    from shop_desk.db.engine import Database

POLL_S = 0.1


class LockBusy(StorageError):
    """Another program holds the lock and the caller chose not to wait (longer)."""


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory-lock key for a name (the same in every installation)."""
    digest = hashlib.sha256(f"shop-desk:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def busy_message(name: str) -> str:
    if name == "catalog-sync":
        return tr(
            "Another Shop Desk is updating the wholesale catalogs. Try again when it has "
            "finished (usually within a minute)."
        )
    return tr(
        "Another Shop Desk is busy with the same task ({name}). Try again shortly.", name=name
    )


@contextmanager
def exclusive(db: Database, name: str, *, wait: float | None = None) -> Iterator[None]:
    """Hold the lock `name` for the block. wait=None waits as long as it takes; otherwise
    LockBusy is raised after `wait` seconds (0: at once)."""
    if db.engine.dialect.name == "postgresql":
        with _advisory(db, lock_key(name), name, wait):
            yield
        return
    path = lock_path(db, name)
    if path is None:  # an in-memory database: no other program can reach it
        yield
        return
    with _file_lock(path, name, wait):
        yield


def exclusive_job(name: str, *, wait: float | None = 0) -> Callable:
    """Decorate a job (a generator function taking the Database first) so that it runs under
    exclusive(db, name): the lock is taken at the job's first step and released when it
    finishes, fails or is closed."""

    def decorate(job: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
        @functools.wraps(job)
        def locked(db: Database, *args: Any, **kwargs: Any) -> Iterator[Any]:
            with exclusive(db, name, wait=wait):
                return (yield from job(db, *args, **kwargs))

        return locked

    return decorate


def lock_path(db: Database, name: str) -> Path | None:
    database = db.engine.url.database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return None
    database = database.removeprefix("file:").split("?", 1)[0]
    return Path(database).with_name(f"{Path(database).name}.{name}.lock")


@contextmanager
def _advisory(db: Database, key: int, name: str, wait: float | None) -> Iterator[None]:
    with db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")  # no transaction held open
        if wait is None:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
        else:
            deadline = time.monotonic() + wait
            while not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
                if time.monotonic() >= deadline:
                    raise LockBusy(busy_message(name))
                time.sleep(POLL_S)
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})


@contextmanager
def _file_lock(path: Path, name: str, wait: float | None) -> Iterator[None]:
    from filelock import FileLock, Timeout

    lock = FileLock(path, timeout=-1 if wait is None else wait, thread_local=False)
    try:
        lock.acquire(poll_interval=POLL_S)
    except Timeout as exc:
        raise LockBusy(busy_message(name)) from exc
    except OSError as exc:
        raise StorageError(
            tr("Cannot create the lock file {path}: {error}", path=path, error=exc)
        ) from exc
    try:
        yield
    finally:
        lock.release()


def file_lock(path: Path, name: str, wait: float | None):
    """An OS file lock at `path` held for a `with` block (for what has no Database, such as
    a file derived from the shop's: the offers' search index)."""
    return _file_lock(path, name, wait)
