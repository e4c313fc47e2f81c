"""Automatic, rotating backups; the backup folder of this PC (a USB stick) and its fallback;
a full stick; pg_dump backups and restore of a PostgreSQL shop."""

from __future__ import annotations

import os
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, func, select

from shop_desk.backup import (
    KEEP_DAILY,
    KEEP_OTHER,
    KEEP_WEEKLY,
    auto_backup,
    available_backups,
    backup_due,
    last_backup_time,
    make_backup,
    prune,
    restore,
    verify_backup,
)
from shop_desk.clock import utcnow
from shop_desk.db import pg_dump
from shop_desk.db.engine import Database, open_database
from shop_desk.db.migrate import alembic_config
from shop_desk.db.models import Product, Sale
from shop_desk.errors import InputError, StorageError
from shop_desk.inventory.check import check_database
from shop_desk.inventory.counter import Cart, checkout
from shop_desk.inventory.stock import receive_stock
from shop_desk.local_config import LocalConfig, save_local
from tests.conftest import PG_URL, _postgres_database
from tests.factories import make_product
from tests.helpers.small_disk import fill, small_disk

needs_pg = pytest.mark.skipif(not PG_URL, reason="needs SHOP_DESK_TEST_DATABASE_URL")


def _shop(folder: Path, products: int = 3) -> Database:
    db = open_database(folder=folder)
    with db.session() as s:
        for i in range(products):
            product = make_product(s, name=f"农夫山泉 550ml {i}", price=200 + i)
            receive_stock(s, product.id, 10, 1000)
    return db


def _on_hand(db: Database) -> int:
    with db.read() as s:
        return s.scalar(select(func.sum(Product.on_hand)))


def _sell_one(db: Database) -> None:
    with db.session() as s:
        cart = Cart()
        cart.add(s.scalars(select(Product).order_by(Product.id)).first(), 1)
        checkout(s, cart)


def test_the_daily_backup_is_taken_once_a_day(tmp_path):
    db = _shop(tmp_path / "店铺")
    assert backup_due(db) and last_backup_time(db) is None
    first = auto_backup(db)
    assert first is not None and first.note == ""
    assert first.path.parent == tmp_path / "店铺" / "backups"
    assert first.path.name.startswith("shop-daily-")
    verify_backup(first.path)
    assert auto_backup(db) is None  # the same day: nothing to do
    assert abs(last_backup_time(db) - utcnow()) < timedelta(minutes=1)
    later = auto_backup(db, now=utcnow() + timedelta(hours=25))
    assert later is not None and later.path != first.path
    db.dispose()


def _fake_backups(folder: Path, label: str, days: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    start = datetime(2026, 11, 26, 20, 0)
    made = []
    for day in range(days):
        path = folder / f"shop-{label}-{start - timedelta(days=day):%Y%m%d-%H%M%S-%f}.sqlite3"
        path.write_bytes(b"")
        made.append(path)
    return made  # newest first


def test_rotation_keeps_two_weeks_of_days_then_one_per_week(tmp_path):
    folder = tmp_path / "backups"
    daily = _fake_backups(folder, "daily", 100)
    manual = _fake_backups(folder, "manual", 3)
    migration = _fake_backups(folder, "pre-migration", 15)
    dropped = prune(folder, "daily")
    kept = sorted(set(daily) - set(dropped), reverse=True)
    assert kept[:KEEP_DAILY] == daily[:KEEP_DAILY]
    older = kept[KEEP_DAILY:]
    weeks = [datetime.strptime(p.stem[11:26], "%Y%m%d-%H%M%S").isocalendar()[:2] for p in older]
    assert len(older) == KEEP_WEEKLY and len(set(weeks)) == KEEP_WEEKLY  # one per week
    assert all(p.exists() for p in manual) and prune(folder, "manual") == []
    prune(folder, "pre-migration")
    assert [p for p in migration if p.exists()] == migration[:KEEP_OTHER]


def test_backups_go_to_the_chosen_folder_and_fall_back_when_it_is_missing(tmp_path):
    folder = tmp_path / "店铺"
    db = _shop(folder)
    stick = tmp_path / "U盘" / "店铺备份"
    stick.mkdir(parents=True)
    save_local(folder, LocalConfig(backup_folder=str(stick)))
    on_stick = make_backup(db)
    assert on_stick.path.parent == stick and on_stick.note == ""
    shutil.rmtree(stick.parent)  # the stick is pulled out
    fallback = make_backup(db)
    assert fallback.path.parent == folder / "backups"
    assert str(stick) in fallback.note and "USB" in fallback.note
    assert available_backups(db) == [fallback.path]  # the stick's backup went with it
    verify_backup(fallback.path)
    db.dispose()


def test_a_full_usb_stick_gives_a_clear_message_and_no_half_backup(tmp_path):
    folder = tmp_path / "店铺"
    db = _shop(folder, products=400)  # a database bigger than what is left on the stick
    with small_disk(tmp_path / "U盘", 1024) as stick:
        fill(stick, leave_bytes=64 * 1024)
        save_local(folder, LocalConfig(backup_folder=str(stick)))
        with pytest.raises(StorageError, match="is full") as caught:
            make_backup(db)
        assert str(stick) in str(caught.value)
        assert [p.name for p in stick.iterdir()] == ["filler.bin"]  # no partial backup
    with db.read() as s:
        assert check_database(s).ok  # the shop's own data is untouched
    db.dispose()


def test_restore_refuses_a_backup_of_another_kind(tmp_path):
    db = _shop(tmp_path / "shop")
    dump = tmp_path / "shop-manual-20261127-010203-000000.pgdump"
    dump.write_bytes(b"PGDMP not really")
    with pytest.raises(InputError):
        restore(db, dump)
    db.dispose()


# --- PostgreSQL ----------------------------------------------------------------------------


@pytest.fixture
def pg(tmp_path):
    url, drop = _postgres_database()
    db = open_database(url=url, folder=tmp_path / "本机")
    yield db
    db.dispose()
    drop()


@needs_pg
def test_pg_dump_backup_then_restore_brings_the_data_back(pg, tmp_path):
    with pg.session() as s:
        product = make_product(s, name="可口可乐 330ml", price=300)
        receive_stock(s, product.id, 10, 1800)
    result = make_backup(pg)
    assert result.path.suffix == ".pgdump" and result.path.parent == tmp_path / "本机" / "backups"
    verify_backup(result.path)
    _sell_one(pg)
    assert _on_hand(pg) == 9
    safety = restore(pg, result.path)
    assert safety.suffix == ".pgdump" and safety.name.startswith("shop-pre-restore-")
    assert _on_hand(pg) == 10
    with pg.read() as s:
        assert s.scalar(select(func.count(Sale.id))) == 0
        assert check_database(s).ok
    _sell_one(pg)  # the restored shop sells
    assert _on_hand(pg) == 9


@needs_pg
def test_missing_pg_dump_is_explained(pg, tmp_path, monkeypatch):
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv("SHOP_DESK_PG_BIN", raising=False)
    monkeypatch.setattr(pg_dump, "INSTALL_GLOBS", [])  # this PC has no PostgreSQL installed
    with pytest.raises(StorageError, match="pg_dump was not found") as caught:
        make_backup(pg)
    assert "client tools" in str(caught.value)
    assert list((tmp_path / "本机").glob("backups/*")) == []


@needs_pg
def test_pg_migration_is_preceded_by_a_dump(tmp_path):
    url, drop = _postgres_database()
    try:
        engine = create_engine(url)
        with engine.connect() as conn:
            command.upgrade(alembic_config(conn), "0003")  # a shop from an older version
            conn.commit()
        engine.dispose()
        db = Database(url, tmp_path / "本机")
        assert db.migrate()
        dumps = list((tmp_path / "本机" / "backups").glob("shop-pre-migration-*.pgdump"))
        assert len(dumps) == 1 and pg_dump.dump_revision(dumps[0]) == "0003"
        db.dispose()
    finally:
        drop()


def test_pg_dump_is_looked_for_beside_the_server_binaries(monkeypatch, tmp_path):
    """SHOP_DESK_PG_BIN and the install folders come before the PATH."""
    tools = tmp_path / "PostgreSQL" / "16" / "bin"
    tools.mkdir(parents=True)
    fake = tools / ("pg_dump.exe" if os.name == "nt" else "pg_dump")
    fake.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 16.4'\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setattr(pg_dump, "INSTALL_GLOBS", [str(tmp_path / "PostgreSQL" / "*" / "bin")])
    assert pg_dump.candidates("pg_dump")[0] == fake
    assert pg_dump.tool_major(fake) == 16
    assert pg_dump.find_tool("pg_dump", 16) == fake
    with pytest.raises(StorageError, match="older than the PostgreSQL server"):
        monkeypatch.setenv("PATH", str(tmp_path))
        pg_dump.find_tool("pg_dump", 17)
