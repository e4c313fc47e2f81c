import sqlite3
import subprocess
import sys

import pytest
from sqlalchemy import inspect

from shop_desk.db import SCHEMA_HEAD
from shop_desk.db.engine import open_database
from shop_desk.db.migrate import head_revision
from shop_desk.errors import StorageError
from shop_desk.settings import ShopSettings, load_settings, save_settings


def test_schema_head_constant_matches_alembic():
    assert head_revision() == SCHEMA_HEAD


def test_migration_from_an_empty_database(db):
    assert db.current_revision() == SCHEMA_HEAD
    tables = set(inspect(db.engine).get_table_names())
    assert {"products", "barcodes", "stock_moves", "lots", "daily_summary", "sales"} <= tables
    assert db.migrate() is False  # nothing due the second time


def test_sqlite_pragmas(sqlite_db):
    with sqlite_db.engine.connect() as conn:
        pragma = lambda name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("synchronous") == 2  # FULL
        assert pragma("busy_timeout") == 5000


def test_backup_taken_before_a_migration(tmp_path):
    folder = tmp_path / "shop"
    open_database(folder=folder).dispose()
    conn = sqlite3.connect(folder / "shop.sqlite3")
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = '0000'")
    conn.close()
    # A revision this program does not know (a newer program wrote it): refused, backed up.
    with pytest.raises(StorageError, match="newer version"):
        open_database(folder=folder)
    backups = list((folder / "backups").glob("shop-pre-migration-*.sqlite3"))
    assert len(backups) == 1
    assert sqlite3.connect(backups[0]).execute("SELECT count(*) FROM products").fetchone() == (0,)


def test_startup_path_does_not_import_alembic_when_schema_is_current(tmp_path):
    open_database(folder=tmp_path / "shop").dispose()
    code = (
        "import sys; from pathlib import Path; from shop_desk.db.engine import open_database;"
        f"open_database(folder=Path({str(tmp_path / 'shop')!r}));"
        "print(sorted(m for m in ('alembic','numpy','pypinyin','openpyxl','requests')"
        " if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_settings_round_trip(db):
    with db.session() as s:
        assert load_settings(s) == ShopSettings()
        save_settings(s, ShopSettings(shop_name="示例便利店", shop_phone="020-1234", language="en"))
    with db.session() as s:
        loaded = load_settings(s)
        assert (loaded.shop_name, loaded.shop_phone, loaded.language) == (
            "示例便利店",
            "020-1234",
            "en",
        )


def test_data_folder_with_chinese_characters(tmp_path):
    folder = tmp_path / "店铺数据" / "张三"
    db = open_database(folder=folder)
    with db.session() as s:
        save_settings(s, ShopSettings(shop_name="张三的店"))
    assert (folder / "shop.sqlite3").exists()
    db.dispose()


def test_models_and_migrations_agree(db):
    """A model change without its migration would leave real shops without the column."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from shop_desk.db.migrate import include_name
    from shop_desk.db.models import Base

    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": include_name})
        diffs = compare_metadata(context, Base.metadata)
    assert diffs == []
