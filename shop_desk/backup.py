"""Backups of the SQLite database (online backup API) and restore from one."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from shop_desk import paths
from shop_desk.db.engine import Database, backup_sqlite
from shop_desk.errors import InputError, StorageError
from shop_desk.i18n import tr

KEEP_AUTOMATIC = 30


def backup_now(db: Database, folder: Path | None = None, *, label: str = "manual") -> Path:
    if not db.is_sqlite:
        raise StorageError(
            tr("This shop's database is on a PostgreSQL server: back it up with pg_dump there.")
        )
    target = folder or paths.backups_dir(_db_folder(db))
    try:
        written = backup_sqlite(db, target, label=label)
    except (OSError, sqlite3.Error) as exc:
        raise StorageError(
            tr("The backup could not be written to {folder}: {error}", folder=target, error=exc)
        ) from exc
    prune(target, label)
    return written


def prune(folder: Path, label: str, keep: int = KEEP_AUTOMATIC) -> None:
    """Keep the newest `keep` backups of one kind; manual ones are never pruned."""
    if label == "manual":
        return
    old = sorted(folder.glob(f"shop-{label}-*.sqlite3"))[:-keep]
    for path in old:
        path.unlink(missing_ok=True)


def list_backups(folder: Path) -> list[Path]:
    return sorted(folder.glob("shop-*.sqlite3"), key=lambda p: p.stat().st_mtime, reverse=True)


def _db_folder(db: Database) -> Path:
    return db.folder or Path(db.engine.url.database).parent


def verify_backup(path: Path) -> None:
    """Refuse a file that is not a sound Shop Desk database."""
    if not path.is_file():
        raise InputError(tr("No such backup file: {path}", path=path))
    try:
        conn = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise InputError(
            tr("{path} is not a Shop Desk backup ({error}).", path=path.name, error=exc)
        ) from exc
    if result != "ok":
        raise InputError(tr("The backup {path} is damaged: {error}", path=path.name, error=result))
    if not {"products", "stock_moves", "alembic_version"} <= tables:
        raise InputError(tr("{path} is not a Shop Desk backup.", path=path.name))


def restore(db: Database, backup_file: Path) -> Path:
    """Replace the shop's data with a backup. The current data is backed up first; returns
    the path of that safety copy."""
    verify_backup(backup_file)
    safety = backup_now(db, label="pre-restore")
    db.dispose()
    src = sqlite3.connect(f"file:{backup_file.as_posix()}?mode=ro", uri=True)
    dst = sqlite3.connect(db.engine.url.database)
    try:
        with dst:
            src.backup(dst)
    finally:
        src.close()
        dst.close()
    db.migrate()  # an older backup is brought up to today's schema
    return safety
