"""What belongs to this PC, not to the shop: which database to open and where backups go.

Kept in connection.json in the data folder, not in the database: the database URL must be
known before the database is opened, and two counters sharing one PostgreSQL database each
have their own backup folder (a USB stick on each PC). The database password goes to the OS
keyring, never into the file. Reading the file is cheap (start-up reads it before the window
shows); SQLAlchemy and the keyring are imported only to check, save or connect.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from shop_desk.errors import InputError, StorageError
from shop_desk.i18n import tr

log = logging.getLogger(__name__)
FILE_NAME = "connection.json"
KEYRING_SERVICE = "ShopDesk"


@dataclass
class LocalConfig:
    database_url: str = ""  # "" = the SQLite file in the data folder; never holds a password
    backup_folder: str = ""  # "" = the backups folder inside the data folder


def config_path(folder: Path) -> Path:
    return folder / FILE_NAME


def load_local(folder: Path) -> LocalConfig:
    """The saved choices; a missing or damaged file gives the defaults (and a log line)."""
    path = config_path(folder)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return LocalConfig()
    except (OSError, ValueError) as exc:
        log.warning("ignoring %s: %s", path, exc)
        return LocalConfig()
    known = {k: str(v) for k, v in data.items() if k in LocalConfig.__dataclass_fields__}
    return LocalConfig(**known)


def save_local(folder: Path, config: LocalConfig, password: str | None = None) -> None:
    """Write the file whole (temp file, then rename) and the password to the keyring.

    password None leaves a stored password as it is; "" removes it.
    """
    url = normalize_url(config.database_url) if config.database_url else ""
    if url and password is None:
        from sqlalchemy.engine import make_url

        password = make_url(config.database_url).password  # typed into the URL itself
    clean = LocalConfig(database_url=url, backup_folder=config.backup_folder.strip())
    path = config_path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".json.tmp")
        temporary.write_text(
            json.dumps(asdict(clean), ensure_ascii=False, indent=1), encoding="utf-8"
        )
        os.replace(temporary, path)
    except OSError as exc:
        raise StorageError(tr("Cannot save {path}: {error}", path=path, error=exc)) from exc
    if url and password is not None:
        store_password(url, password)


def normalize_url(url: str) -> str:
    """The URL as stored: the psycopg driver named, no password. Refuses what is not a
    PostgreSQL or SQLite URL, with a sentence the owner can act on."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url.strip())
    except ArgumentError as exc:
        raise InputError(
            tr(
                "This is not a database address. Write it like "
                "postgresql://user@192.168.1.10:5432/shop"
            )
        ) from exc
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif backend != "sqlite":
        raise InputError(
            tr("Only PostgreSQL (or a SQLite file) is supported, not {kind}.", kind=backend)
        )
    return parsed.set(password=None).render_as_string(hide_password=False)


def _password_key(url: str) -> str:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return f"database:{parsed.username}@{parsed.host}:{parsed.port or 5432}/{parsed.database}"


def store_password(url: str, password: str) -> None:
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        if password:
            keyring.set_password(KEYRING_SERVICE, _password_key(url), password)
        else:
            with contextlib.suppress(PasswordDeleteError):
                keyring.delete_password(KEYRING_SERVICE, _password_key(url))
    except KeyringError as exc:
        raise StorageError(
            tr("The password could not be kept in the system keyring: {error}", error=exc)
        ) from exc


def with_password(url: str) -> str:
    """The URL to connect with: the stored one plus the password from the keyring."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql" or parsed.password:
        return url
    import keyring
    from keyring.errors import KeyringError

    try:
        password = keyring.get_password(KEYRING_SERVICE, _password_key(url))
    except KeyringError:
        password = None
    if not password:
        return url
    return parsed.set(password=password).render_as_string(hide_password=False)


def stored_database_url(folder: Path) -> str | None:
    """The database this installation opens (without its password), None for the local file.
    open_database adds the password from the keyring."""
    return load_local(folder).database_url or None
