"""`shop-desk orders ...` as a user runs it: a real process on a real data folder, a real
order service on 127.0.0.1."""

from __future__ import annotations

import json
import unicodedata

import pytest

from shop_desk.db.engine import open_database
from shop_desk.db.models import Product
from shop_desk.purchasing.orders import DraftLine, create_drafts
from shop_desk.settings import ShopSettings, save_settings
from tests.orders_server import OrderServer
from tests.purchasing_shop import build_shop
from tests.test_cli import cli


@pytest.fixture
def server():
    srv = OrderServer()
    yield srv
    srv.close()


@pytest.fixture
def home(tmp_path, server):
    home = tmp_path / "home"
    db = open_database(folder=home)
    shop = build_shop(db, tmp_path / "feeds", orders_url=server.url)
    with db.session() as s:
        save_settings(s, ShopSettings(shop_name="张三便利店", shop_phone="020-1234"))
        create_drafts(
            s,
            [
                DraftLine(shop.drinks, "A1", shop.cola, 5),
                DraftLine(shop.drinks, "M1", shop.milk, 2),
                DraftLine(shop.snacks, "C1", shop.chips, 1),
            ],
        )
    db.dispose()
    return home, shop


def _on_hand(home, product_id: int) -> int:
    db = open_database(folder=home)
    with db.read() as s:
        value = s.get(Product, product_id).on_hand
    db.dispose()
    return value


def test_list_show_and_export(home, tmp_path):
    home, _shop = home
    result = cli(home, "orders", "list", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [(r["ref"], r["status"], r["total_fen"]) for r in rows] == [
        ("PO-00002", "draft", 9800),
        ("PO-00001", "draft", 32700),
    ]
    shown = json.loads(cli(home, "orders", "show", "1", "--json").stdout)
    assert [(x["sku"], x["packs"], x["pack_price_fen"]) for x in shown["lines"]] == [
        ("A1", 5, 5100),
        ("M1", 2, 3600),
    ]
    text = cli(home, "orders", "export", "1").stdout
    assert "[A1] 可口可乐 500ml×24 × 5 箱" in text
    pdf = tmp_path / "po1.pdf"
    result = cli(home, "orders", "export", "1", "--format", "pdf", "--out", str(pdf))
    assert result.returncode == 0, result.stderr
    from pypdf import PdfReader

    content = unicodedata.normalize("NFKC", PdfReader(pdf).pages[0].extract_text())
    assert "PO-00001" in content and "广州饮料批发" in content
    result = cli(home, "orders", "export", "1", "--out", str(tmp_path / "po1.xlsx"))
    assert result.returncode == 0 and (tmp_path / "po1.xlsx").stat().st_size > 0
    bad = cli(home, "orders", "show", "99")
    assert bad.returncode == 1 and "no purchase order PO-00099" in bad.stderr


def test_submit_then_receive_in_part_then_the_rest(home, server):
    home, shop = home
    result = cli(home, "orders", "submit", "1")
    assert result.returncode == 0, result.stderr
    assert "as order S0001 (accepted)" in result.stdout
    assert cli(home, "orders", "submit", "1").returncode == 0  # only asks for the status
    assert len(server.orders) == 1 and len(server.posts) == 1
    refused = cli(home, "orders", "receive", "1", "--line", "A1=200")
    assert refused.returncode == 1 and "more than the 120 still to come" in refused.stderr
    result = cli(home, "orders", "receive", "1", "--line", "A1=48@49.00")
    assert result.returncode == 0, result.stderr
    assert "worth ¥98.00" in result.stdout and "partly received" in result.stdout
    assert _on_hand(home, shop.cola) == 58
    result = cli(home, "orders", "receive", "1", "--all")
    assert result.returncode == 0 and "now received" in result.stdout
    assert _on_hand(home, shop.cola) == 130 and _on_hand(home, shop.milk) == 24
    again = cli(home, "orders", "receive", "1", "--all")
    assert again.returncode == 1 and "nothing is still to come" in again.stderr
    assert _on_hand(home, shop.cola) == 130


def test_send_cancel_and_chinese_messages(home):
    home, _shop = home
    assert cli(home, "orders", "send", "2").returncode == 0
    listing = json.loads(cli(home, "orders", "list", "--status", "sent", "--json").stdout)
    assert [r["ref"] for r in listing] == ["PO-00002"]
    assert listing[0]["due"] is not None
    assert cli(home, "orders", "cancel", "2").returncode == 0
    import os
    import subprocess
    import sys

    env = {**os.environ, "SHOP_DESK_HOME": str(home), "SHOP_DESK_LANGUAGE": "zh_CN"}
    result = subprocess.run(
        [sys.executable, "-m", "shop_desk", "orders", "receive", "2", "--all"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 1 and "PO-00002 已取消：没有待收的货了" in result.stderr
