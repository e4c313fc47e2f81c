"""Backups of the shop's database, and restore from one.

SQLite: the online backup API (a consistent copy while the shop sells). PostgreSQL: pg_dump
(shop_desk.db.pg_dump). Backups go to the folder chosen for this PC (a USB stick is common,
see local_config); when it is missing, to the data folder's backups/, and the caller is told.

Kinds (the label in the file name): manual (never pruned), daily (automatic: at start-up
and on a timer once a day; the newest 14, then one per week for 8 weeks), pre-migration
and pre-restore (the newest 10 each).
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from shop_desk import paths
from shop_desk.clock import utcnow
from shop_desk.db.engine import Database, backup_sqlite
from shop_desk.errors import InputError, StorageError
from shop_desk.i18n import tr
from shop_desk.local_config import load_local

SUFFIXES = (".sqlite3", ".pgdump")
DAILY = "daily"
DAILY_INTERVAL = timedelta(days=1)
KEEP_DAILY, KEEP_WEEKLY, KEEP_OTHER = 14, 8, 10
KEEP_AUTOMATIC = KEEP_OTHER


@dataclass(frozen=True)
class Place:
    """Where backups go now; note says why it is not the chosen folder (else "")."""

    folder: Path
    note: str = ""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    note: str = ""


def data_folder(db: Database) -> Path:
    if db.folder is not None:
        return db.folder
    if db.is_sqlite:
        return Path(db.engine.url.database).parent
    return paths.data_dir()


def default_folder(db: Database) -> Path:
    return paths.backups_dir(data_folder(db))


def backup_place(db: Database) -> Place:
    """The chosen backup folder if it can be written now, else the default one and why."""
    default = default_folder(db)
    chosen = load_local(data_folder(db)).backup_folder
    if not chosen:
        return Place(default)
    folder = Path(chosen).expanduser()
    problem = folder_problem(folder)
    if problem is None:
        return Place(folder)
    return Place(
        default,
        tr(
            "The backup folder {folder} cannot be used ({problem}); is the USB stick plugged "
            "in? This backup went to {fallback} instead.",
            folder=folder,
            problem=problem,
            fallback=default,
        ),
    )


def folder_problem(folder: Path) -> str | None:
    """None when a backup can be written into folder, else a short reason."""
    if not folder.is_dir():
        return tr("it does not exist")
    probe = folder / f".shop-desk-probe-{os.getpid()}"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        return tr("it cannot be written: {error}", error=exc.strerror or exc)
    return None


def make_backup(db: Database, *, label: str = "manual", folder: Path | None = None) -> BackupResult:
    """Back up now into folder (default: this PC's backup folder, with its fallback)."""
    place = Place(folder) if folder is not None else backup_place(db)
    try:
        if db.is_sqlite:
            written = backup_sqlite(db, place.folder, label=label)
        else:
            written = _pg_backup(db, place.folder, label)
    except (OSError, sqlite3.Error) as exc:
        raise StorageError(_write_failed(place.folder, exc)) from exc
    prune(place.folder, label)
    return BackupResult(written, place.note)


def backup_now(db: Database, folder: Path | None = None, *, label: str = "manual") -> Path:
    return make_backup(db, label=label, folder=folder).path


def _write_failed(folder: Path, exc: Exception) -> str:
    text = str(exc).lower()
    if "full" in text or "no space" in text or getattr(exc, "errno", None) == 28:
        return tr(
            "The backup folder {folder} is full: no backup was written. Free some space or "
            "choose another folder.",
            folder=folder,
        )
    return tr("The backup could not be written to {folder}: {error}", folder=folder, error=exc)


def _pg_backup(db: Database, folder: Path, label: str) -> Path:
    from shop_desk.db.pg_dump import dump

    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"shop-{label}-{utcnow():%Y%m%d-%H%M%S-%f}.pgdump"
    partial = target.with_name(target.name + ".partial")
    try:
        dump(db, partial)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target


# --- rotation and listing --------------------------------------------------------------------
def prune(folder: Path, label: str) -> list[Path]:
    """Drop old automatic backups of one kind; manual ones are never pruned. Returns them."""
    if label == "manual":
        return []
    newest_first = sorted(
        (p for suffix in SUFFIXES for p in folder.glob(f"shop-{label}-*{suffix}")),
        key=lambda p: p.name,
        reverse=True,  # the name's UTC stamp sorts by time
    )
    if label == DAILY:
        keep = set(newest_first[:KEEP_DAILY])
        weeks: dict[tuple[int, int], Path] = {}
        for path in newest_first[KEEP_DAILY:]:
            week = _stamp(path).isocalendar()[:2]
            if week not in weeks and len(weeks) < KEEP_WEEKLY:
                weeks[week] = path
        keep |= set(weeks.values())
    else:
        keep = set(newest_first[:KEEP_OTHER])
    dropped = [p for p in newest_first if p not in keep]
    for path in dropped:
        path.unlink(missing_ok=True)
    return dropped


def _stamp(path: Path) -> datetime:
    """The UTC time in a backup's name (shop-<label>-YYYYmmdd-HHMMSS-ffffff.<suffix>)."""
    parts = path.stem.split("-")
    try:
        return datetime.strptime("-".join(parts[-3:]), "%Y%m%d-%H%M%S-%f")
    except ValueError:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(tzinfo=None)


def list_backups(folder: Path) -> list[Path]:
    """Backups in folder, newest first."""
    if not folder.is_dir():
        return []
    found = [p for suffix in SUFFIXES for p in folder.glob(f"shop-*{suffix}")]
    return sorted(found, key=_stamp, reverse=True)


def available_backups(db: Database) -> list[Path]:
    """Backups in the chosen folder and in the default one (fallbacks land there)."""
    folders = [default_folder(db)]
    chosen = load_local(data_folder(db)).backup_folder
    if chosen:
        folders.insert(0, Path(chosen).expanduser())
    found = {p.resolve(): p for folder in folders for p in list_backups(folder)}
    return sorted(found.values(), key=_stamp, reverse=True)


def backup_time(path: Path) -> datetime:
    """When a backup was taken (naive UTC)."""
    return _stamp(path)


def last_backup_time(db: Database) -> datetime | None:
    backups = available_backups(db)
    return backup_time(backups[0]) if backups else None


def backup_due(db: Database, now: datetime | None = None) -> bool:
    last = last_backup_time(db)
    return last is None or (now or utcnow()) - last >= DAILY_INTERVAL


def auto_backup(db: Database, now: datetime | None = None) -> BackupResult | None:
    """The daily backup, if the last backup (of any kind) is a day old; else None."""
    if not backup_due(db, now):
        return None
    return make_backup(db, label=DAILY)


# --- verify and restore ----------------------------------------------------------------------
def verify_backup(path: Path) -> None:
    """Refuse a file that is not a sound Shop Desk backup."""
    if not path.is_file():
        raise InputError(tr("No such backup file: {path}", path=path))
    if path.suffix == ".pgdump":
        from shop_desk.db.pg_dump import check_dump

        try:
            check_dump(path)
        except StorageError as exc:
            raise InputError(
                tr("{path} is not a Shop Desk backup ({error}).", path=path.name, error=exc)
            ) from exc
        return
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
    the path of that safety copy. The database is then at today's schema and ready to use
    (the engine reconnects on its next use)."""
    verify_backup(backup_file)
    if db.is_sqlite != (backup_file.suffix == ".sqlite3"):
        raise InputError(
            tr(
                "{path} is a backup of another kind of database (SQLite and PostgreSQL "
                "backups cannot be exchanged).",
                path=backup_file.name,
            )
        )
    if not db.is_sqlite:
        return _restore_pg(db, backup_file)
    safety = make_backup(db, label="pre-restore", folder=default_folder(db)).path
    db.dispose()
    src = sqlite3.connect(f"file:{backup_file.as_posix()}?mode=ro", uri=True)
    dst = sqlite3.connect(db.engine.url.database, timeout=30)
    try:
        with dst:
            src.backup(dst)
    finally:
        src.close()
        dst.close()
    db.migrate()  # an older backup is brought up to today's schema
    from shop_desk.catalog import search_index  # derived from the offers: built afresh

    search_index.invalidate(Path(db.engine.url.database))
    return safety


def _restore_pg(db: Database, backup_file: Path) -> Path:
    from shop_desk.db import pg_dump

    revision, current = pg_dump.dump_revision(backup_file), db.current_revision()
    if revision != current:
        raise InputError(
            tr(
                "{path} holds the data of another version of Shop Desk (schema {old}, this "
                "database has {new}). Restore it into an empty database with pg_restore.",
                path=backup_file.name,
                old=revision,
                new=current,
            )
        )
    safety = make_backup(db, label="pre-restore", folder=default_folder(db)).path
    db.dispose()
    pg_dump.restore(db, backup_file)
    return safety
