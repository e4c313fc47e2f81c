"""Backups of a PostgreSQL shop with pg_dump / pg_restore (the server's own tools).

pg_dump must be at least as new as the server (it refuses an older one), so the newest
suitable copy is taken from: SHOP_DESK_PG_BIN, the PATH, and the folders where PostgreSQL
installs its programs (C:\\Program Files\\PostgreSQL\\<major>\\bin on Windows,
/usr/lib/postgresql/<major>/bin on Debian). The password goes through PGPASSWORD, never on
the command line (where other users of the PC could read it).
"""

from __future__ import annotations

import glob
import logging
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import make_url

from shop_desk.errors import StorageError
from shop_desk.i18n import tr

if TYPE_CHECKING:
    from shop_desk.db.engine import Database

log = logging.getLogger(__name__)
DUMP_TIMEOUT_S = 1800
EXE = ".exe" if sys.platform == "win32" else ""
INSTALL_GLOBS = [
    r"C:\Program Files\PostgreSQL\*\bin",
    r"C:\Program Files (x86)\PostgreSQL\*\bin",
    "/usr/lib/postgresql/*/bin",
    "/usr/pgsql-*/bin",
    "/Library/PostgreSQL/*/bin",
    "/Applications/Postgres.app/Contents/Versions/*/bin",
    "/opt/homebrew/opt/postgresql@*/bin",
    "/usr/local/opt/postgresql@*/bin",
]


def server_major(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(text("SHOW server_version_num")).scalar()) // 10000


def tool_major(tool: Path) -> int | None:
    """The major version a pg_dump / pg_restore reports ("pg_dump (PostgreSQL) 16.4" -> 16)."""
    try:
        out = subprocess.run(
            [str(tool), "--version"], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"(\d+)(?:\.\d+)?", out)
    return int(found.group(1)) if found else None


def candidates(name: str) -> list[Path]:
    found: list[Path] = []
    folders = [os.environ.get("SHOP_DESK_PG_BIN", "")]
    folders += sorted((g for pattern in INSTALL_GLOBS for g in glob.glob(pattern)), reverse=True)
    for folder in folders:
        if folder and (Path(folder) / f"{name}{EXE}").is_file():
            found.append(Path(folder) / f"{name}{EXE}")
    on_path = shutil.which(name)
    if on_path:
        found.append(Path(on_path))
    return list(dict.fromkeys(found))


def find_tool(name: str, at_least: int) -> Path:
    """The newest `name` (pg_dump / pg_restore) whose major version is >= the server's."""
    best: tuple[int, Path] | None = None
    seen: list[str] = []
    for tool in candidates(name):
        major = tool_major(tool)
        seen.append(f"{tool} ({major})")
        if major is not None and major >= at_least and (best is None or major > best[0]):
            best = (major, tool)
    if best is not None:
        return best[1]
    if seen:
        raise StorageError(
            tr(
                "The {tool} on this computer is older than the PostgreSQL server (version "
                "{version}): {found}. Install the PostgreSQL {version} client tools.",
                tool=name,
                version=at_least,
                found=", ".join(seen),
            )
        )
    raise StorageError(
        tr(
            "{tool} was not found, so the shared PostgreSQL database cannot be backed up from "
            "this computer. Install the PostgreSQL {version} client tools (they come with the "
            "server's installer), or put {tool} on the PATH.",
            tool=name,
            version=at_least,
        )
    )


def _connection(db: Database) -> tuple[str, dict[str, str]]:
    """(libpq URI without password, environment with PGPASSWORD) for the tools."""
    url = make_url(db.url)
    uri = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return uri, env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=DUMP_TIMEOUT_S,
            env=env,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise StorageError(tr("{what} failed: {error}", what=what, error=exc)) from exc
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip()[-500:]
        raise StorageError(tr("{what} failed: {error}", what=what, error=detail))


def dump(db: Database, target: Path) -> None:
    """Write a custom-format dump of the whole shop database to target."""
    tool = find_tool("pg_dump", server_major(db))
    uri, env = _connection(db)
    _run([str(tool), "--format=custom", "--no-owner", f"--file={target}", uri], env, "pg_dump")


def restore(db: Database, source: Path) -> None:
    """Replace the shop database's contents by a dump, in one transaction (all or nothing)."""
    tool = find_tool("pg_restore", server_major(db))
    uri, env = _connection(db)
    command = [
        str(tool), "--clean", "--if-exists", "--no-owner", "--single-transaction",
        "--exit-on-error", f"--dbname={uri}", str(source),
    ]  # fmt: skip
    _run(command, env, "pg_restore")


def check_dump(source: Path) -> None:
    """Refuse a file pg_restore cannot read (its table of contents)."""
    tool = find_tool("pg_restore", 0)
    _run([str(tool), "--list", str(source)], dict(os.environ), "pg_restore --list")


def dump_revision(source: Path) -> str | None:
    """The schema revision (alembic_version) recorded in a dump, None if it has none."""
    tool = find_tool("pg_restore", 0)
    try:
        out = subprocess.run(
            [str(tool), "--data-only", "--table=alembic_version", "--file=-", str(source)],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=120,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"^COPY [^\n]*alembic_version[^\n]*\n([^\n\\]+)\n", out, re.MULTILINE)
    return found.group(1).strip() if found else None
