"""sources add|list|remove, sync and offers, as a shop owner would type them."""

import json
import sqlite3
from contextlib import closing

from shop_desk.catalog import search_index
from shop_desk.catalog.manifest import SupplierInfo
from shop_desk.catalog.publisher import publish
from shop_desk.catalog.records import OfferRecord
from tests.test_cli import cli


def test_sources_sync_offers(tmp_path):
    feed = tmp_path / "feed"
    publish(
        [
            OfferRecord(
                sku="A1",
                name="可口可乐 500ml",
                pack_size=24,
                tiers=((1, 5400),),
                gtin="6908512108211",
            ),
            OfferRecord(sku="A2", name="雪碧 500ml", pack_size=24, tiers=((1, 5200), (10, 5000))),
        ],
        SupplierInfo(code="gz", name="广州饮料批发"),
        feed,
    )
    home = tmp_path / "home"
    added = cli(home, "sources", "add", str(feed), "--name", "广州")
    assert added.returncode == 0, added.stderr
    assert cli(home, "sources", "add", str(feed)).returncode == 1  # already added
    synced = cli(home, "sync")
    assert synced.returncode == 0, synced.stderr
    assert "now at sequence 1" in synced.stdout and "2 offers added" in synced.stdout
    assert "up to date" in cli(home, "sync", "广州").stdout
    offers = json.loads(cli(home, "offers", "kkkl", "--json").stdout)
    assert [o["sku"] for o in offers] == ["A1"]
    assert offers[0]["tiers"] == [{"min_packs": 1, "unit_price_fen": 5400}]
    assert [o["sku"] for o in json.loads(cli(home, "offers", "雪碧", "--json").stdout)] == ["A2"]
    sources = json.loads(cli(home, "sources", "list", "--json").stdout)
    assert sources[0]["offers"] == 2 and sources[0]["sequence"] == 1
    assert cli(home, "sources", "remove", "广州").returncode == 0
    assert json.loads(cli(home, "offers", "--json").stdout) == []


def test_sync_failure_is_reported_and_exit_code_is_1(tmp_path):
    feed = tmp_path / "feed"
    publish(
        [OfferRecord(sku="A1", name="x", pack_size=1, tiers=((1, 1),))],
        SupplierInfo(code="gz", name="gz"),
        feed,
    )
    home = tmp_path / "home"
    cli(home, "sources", "add", str(feed), "--name", "坏货源")
    (feed / "feed.json").write_text("{broken", encoding="utf-8")
    result = cli(home, "sync")
    assert result.returncode == 1 and "坏货源" in result.stderr and "JSON" in result.stderr


def test_an_unusable_search_index_is_built_before_the_program_ends(tmp_path):
    """After an update of the program changed the index file's format, the CLI builds it:
    a search waits for the build its scan started, a sync that finds nothing new does it."""
    feed = tmp_path / "feed"
    records = [
        OfferRecord(sku=f"S{i}", name=f"雪碧 {i} 号", pack_size=24, tiers=((1, 5200),))
        for i in range(50)
    ]
    publish(records, SupplierInfo(code="gz", name="广州饮料批发"), feed)
    home = tmp_path / "home"
    cli(home, "sources", "add", str(feed), "--name", "广州")
    assert cli(home, "sync").returncode == 0
    for command in (("offers", "雪碧 7", "--json"), ("sync",)):
        (index,) = home.rglob("*.search-*.sqlite3")
        shop = index.with_name(index.name.split(".search-")[0] + ".sqlite3")
        with closing(sqlite3.connect(index)) as conn:
            conn.execute("UPDATE meta SET value = 3 WHERE key = 'format'")  # as of an update
            conn.commit()
        assert not search_index.usable(shop)
        done = cli(home, *command)
        assert done.returncode == 0, done.stderr
        assert "Building the offers' search index" in done.stderr
        assert search_index.usable(shop)
        if command[0] == "offers":
            assert [o["sku"] for o in json.loads(done.stdout)] == ["S7"]
        else:
            assert "up to date" in done.stdout
    assert "Building" not in cli(home, "offers", "雪碧 8").stderr  # once only
