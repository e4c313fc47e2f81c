"""Shared fixtures: a real SQLite file per test, and the same tests on PostgreSQL when
SHOP_DESK_TEST_DATABASE_URL points at a server (.ci/run starts one)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("SHOP_DESK_LANGUAGE", "en")

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from shop_desk import i18n
from shop_desk.db.engine import Database, open_database

DATA = Path(__file__).resolve().parent / "data"
PG_URL = os.environ.get("SHOP_DESK_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """Never touch the developer's real data folder; messages in English for assertions.
    The data folder's path holds Chinese characters, as a Windows user name often does."""
    monkeypatch.setenv("SHOP_DESK_HOME", str(tmp_path_factory.mktemp("店铺数据")))
    i18n.set_language("en")
    yield
    i18n.set_language("en")


def _postgres_database() -> tuple[str, callable]:
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"shopdesk_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


@pytest.fixture(params=BACKENDS)
def db(request, tmp_path) -> Database:
    """A migrated, empty shop database on each available backend."""
    if request.param == "sqlite":
        database = open_database(folder=tmp_path / "shop")
        yield database
        database.dispose()
    else:
        url, drop = _postgres_database()
        database = open_database(url=url)
        yield database
        database.dispose()
        drop()


@pytest.fixture
def sqlite_db(tmp_path) -> Database:
    database = open_database(folder=tmp_path / "shop")
    yield database
    database.dispose()


@pytest.fixture(autouse=True)
def _file_keyring(tmp_path_factory, monkeypatch):
    """A file keyring (keyrings.alt) where there is no desktop keyring; never the real one."""
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    ring = PlaintextKeyring()
    ring.file_path = str(tmp_path_factory.mktemp("keyring") / "keyring.cfg")
    previous = keyring.get_keyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)
