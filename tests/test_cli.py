"""The headless commands, run as a user would: a real process on a real data folder."""

import json
import os
import subprocess
import sys

import pytest

from shop_desk.db.engine import open_database
from shop_desk.inventory.stock import receive_stock
from tests.factories import make_product
from tests.helpers.cli import cli


@pytest.fixture
def home(tmp_path):
    db = open_database(folder=tmp_path)
    with db.session() as s:
        cola = make_product(s, "可口可乐 500ml", 300, min_display_qty=5)
        tea = make_product(s, "康师傅冰红茶", 350)
        receive_stock(s, cola.id, 4, 800)
        receive_stock(s, tea.id, 24, 4800)
    db.dispose()
    return tmp_path


def test_stock_json(home):
    result = cli(home, "stock", "--json")
    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows["可口可乐 500ml"]["on_hand"] == 4 and rows["可口可乐 500ml"]["low"]
    assert rows["康师傅冰红茶"]["stock_value_fen"] == 4800
    low = json.loads(cli(home, "stock", "--json", "--low").stdout)
    assert [row["name"] for row in low] == ["可口可乐 500ml"]


def test_check_clean_then_spoiled(home):
    result = cli(home, "check")
    assert result.returncode == 0 and "integrity: ok" in result.stdout
    import sqlite3

    conn = sqlite3.connect(home / "shop.sqlite3")
    with conn:
        conn.execute("UPDATE products SET on_hand = 1000")
    conn.close()
    assert cli(home, "check").returncode == 1
    assert cli(home, "check", "--repair").returncode == 0
    assert cli(home, "check").returncode == 0


def test_backup_and_restore(home):
    result = cli(home, "backup")
    assert result.returncode == 0, result.stderr
    backup = next((home / "backups").glob("shop-manual-*.sqlite3"))
    db = open_database(folder=home)
    with db.session() as s:
        make_product(s, "后来加的商品", 100)
    db.dispose()
    result = cli(home, "restore", str(backup))
    assert result.returncode == 0, result.stderr
    names = [row["name"] for row in json.loads(cli(home, "stock", "--json").stdout)]
    assert "后来加的商品" not in names and "康师傅冰红茶" in names
    assert list((home / "backups").glob("shop-pre-restore-*.sqlite3"))


def test_restore_refuses_a_file_that_is_not_a_backup(home, tmp_path):
    bogus = tmp_path / "notes.sqlite3"
    bogus.write_text("hello", encoding="utf-8")
    result = cli(home, "restore", str(bogus))
    assert result.returncode == 1
    assert "not a Shop Desk backup" in result.stderr
    assert "康师傅冰红茶" in cli(home, "stock").stdout


def test_chinese_messages_when_asked(home):
    env = {**os.environ, "SHOP_DESK_HOME": str(home), "SHOP_DESK_LANGUAGE": "zh_CN"}
    result = subprocess.run(
        [sys.executable, "-m", "shop_desk", "check"], capture_output=True, text=True, env=env
    )
    assert "数据库完整性" in result.stdout


def test_logs_written_in_the_data_folder(home):
    cli(home, "check")
    assert (home / "logs").is_dir()


def test_demo_flag_builds_the_demo_shop_for_commands_too(tmp_path):
    first = cli(tmp_path, "--demo", "sources", "list")
    assert first.returncode == 0, first.stderr
    assert "The demo shop is ready." in first.stdout
    assert "[folder]" in first.stdout and "[pricelist]" in first.stdout  # its demo sources
    stock = cli(tmp_path, "--demo", "stock", "--json")
    assert stock.returncode == 0, stock.stderr
    assert len(json.loads(stock.stdout)) > 700  # the demo's ~800 products, built once
    assert "ready" not in stock.stdout
    own = cli(tmp_path, "stock", "--json")  # the owner's own shop stays empty
    assert own.returncode == 0, own.stderr
    assert json.loads(own.stdout) == []
