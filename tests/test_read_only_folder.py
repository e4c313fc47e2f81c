"""Opening a shop whose data folder is read-only says so, naming the folder, even before
SQLite has made its -wal and -shm files (it then reports only "unable to open database
file"). Read-only is enforced as tests/test_storage_faults.py does: chattr +i as root (root
ignores permission bits), chmod otherwise; skipped where neither holds."""

from __future__ import annotations

import os

import pytest

from shop_desk import paths
from shop_desk.db.engine import _folder_writable, open_database
from shop_desk.errors import StorageError
from shop_desk.i18n import set_language
from tests.helpers.till import ledger_counts
from tests.test_storage_faults import _shop, _writable, read_only


def test_read_only_folder_without_wal_files_names_the_folder(tmp_path):
    folder = tmp_path / "店铺数据"
    db, _ = _shop(folder)
    before = ledger_counts(db)
    db.dispose()
    assert _sqlite_files(folder) == ["shop.sqlite3"]  # no -wal, no -shm yet
    with read_only(paths.database_path(folder), folder) as enforced:
        if not enforced or _writable(folder):
            pytest.skip("cannot make a folder read-only here (root without chattr +i)")
        assert not _folder_writable(folder)
        with pytest.raises(StorageError, match="read-only") as caught:
            open_database(folder=folder)
        assert str(folder) in str(caught.value) and "permissions" in str(caught.value)
        set_language("zh_CN")
        with pytest.raises(StorageError, match="只读") as caught:
            open_database(folder=folder)
        set_language("en")
        assert _sqlite_files(folder) == ["shop.sqlite3"]  # nothing was left behind
    db = open_database(folder=folder)  # writable again: as it was
    assert ledger_counts(db) == before
    db.dispose()


def test_a_writable_folder_passes_the_probe_and_keeps_no_probe_file(tmp_path):
    assert _folder_writable(tmp_path)
    assert os.listdir(tmp_path) == []
    assert not _folder_writable(tmp_path / "missing")


def _sqlite_files(folder) -> list[str]:
    """The database and its journals (the migration lock file may stay beside them)."""
    return sorted(name for name in os.listdir(folder) if not name.endswith(".lock"))
