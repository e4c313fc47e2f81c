"""The offers' search index in a file of its own (catalog/search_index.py): kept up to date by
the syncs, rebuilt when missing or damaged, never holding the shop's write lock."""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing

import pytest
from alembic import command
from sqlalchemy import text

from shop_desk.catalog import search_index
from shop_desk.catalog.manifest import SupplierInfo
from shop_desk.catalog.offers import count_offers, search_offers
from shop_desk.catalog.publisher import publish
from shop_desk.catalog.records import OfferRecord
from shop_desk.catalog.sync import sync_source, tidy
from shop_desk.db.engine import open_database
from shop_desk.db.migrate import alembic_config
from shop_desk.db.models import CatalogSource, Supplier
from shop_desk.progress import run_job
from tests.helpers.folder_source import add_folder_source
from tests.helpers.search_index import (
    assert_index_matches_offers,
    indexed_offers,
    indexed_to,
)

SUPPLIER = SupplierInfo(code="gz", name="广州批发")


def offers(count: int, price: int = 5000, name: str = "可口可乐") -> list[OfferRecord]:
    return [
        OfferRecord(sku=f"S{i:05d}", name=f"{name} {i} 号", pack_size=24, tiers=((1, price),))
        for i in range(count)
    ]


def synced_shop(folder, records) -> tuple:
    publish(records, SUPPLIER, folder / "feed")
    db = open_database(folder=folder / "shop")
    source_id = add_folder_source(db, folder / "feed", "广州")
    run_job(sync_source(db, source_id))
    return db, source_id


def skus(db, term: str) -> list[str]:
    with db.session(write=False) as s:
        return [row.sku for row in search_offers(s, term, limit=1000)]


def current_file(db):
    shop = search_index.shop_path(db)
    with closing(sqlite3.connect(shop)) as conn:
        return search_index.file_for(shop, search_index.generation(conn))


def wait_for_index(db, timeout: float = 30) -> None:
    shop = search_index.shop_path(db)
    deadline = time.monotonic() + timeout
    while search_index.rebuilding(shop) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not search_index.rebuilding(shop)


def test_search_after_a_sync_and_after_a_restart(tmp_path):
    db, source_id = synced_shop(tmp_path, offers(300))
    path = current_file(db)
    assert path.exists() and path.parent == search_index.shop_path(db).parent
    assert len(indexed_offers(db)) == 300  # indexed by the sync, before its switch
    with closing(sqlite3.connect(path)) as conn:  # merging 16 segments at a time
        config = dict(conn.execute("SELECT k, v FROM offers_fts_config").fetchall())
    assert (config["automerge"], config["crisismerge"]) == (16, 64)
    assert skus(db, "可乐 142") == ["S00142"]
    assert len(skus(db, "kkkl")) == 300
    db.dispose()
    db = open_database(folder=tmp_path / "shop")
    assert skus(db, "可乐 142") == ["S00142"]
    with db.session(write=False) as s:
        assert count_offers(s, "可乐") == 300
    # a change: the renamed offers are found by their new name only, once tidied too
    publish(offers(300)[:100] + offers(200, name="农夫山泉")[100:], SUPPLIER, tmp_path / "feed")
    run_job(sync_source(db, source_id))
    assert len(skus(db, "农夫")) == 100
    assert len(skus(db, "可乐")) == 100
    tidy(db, source_id)
    assert len(skus(db, "农夫")) == 100 and len(skus(db, "可乐")) == 100
    assert_index_matches_offers(db)
    with db.session(write=False) as s:  # the tidying forgot what the index has read
        assert s.scalar(text("SELECT count(*) FROM offers_reindex")) == 0
    db.dispose()


@pytest.mark.parametrize("damage", ["deleted", "corrupt"])
def test_a_lost_or_damaged_index_is_rebuilt_and_search_answers_meanwhile(tmp_path, damage):
    db, _ = synced_shop(tmp_path, offers(500))
    path = current_file(db)
    db.dispose()  # no connection holds the file (as on Windows, where one could not delete it)
    if damage == "deleted":
        path.unlink()
    else:
        path.write_bytes(b"not a database" * 1000)
    db = open_database(folder=tmp_path / "shop")
    # answered by scanning the offers while a background thread rebuilds the index
    assert skus(db, "可乐 442") == ["S00442"]
    wait_for_index(db)
    rebuilt = current_file(db)
    assert rebuilt != path and rebuilt.exists()
    assert not path.exists()  # the old generation is gone
    assert len(indexed_offers(db)) == 500
    assert skus(db, "可乐 442") == ["S00442"]
    with db.session(write=False) as s:
        assert count_offers(s, "kkkl") == 500
    db.dispose()


def test_offers_the_index_lacks_are_found_by_scanning(tmp_path):
    db, source_id = synced_shop(tmp_path, offers(50))
    # offers written while the index could not follow (as a sync killed before its update)
    with db.session() as s:
        s.execute(
            text(
                "INSERT INTO offers (supplier_id, sku, valid_from, name, name_initials, brand, "
                "category, unit, pack_size, pack_name, tiers, price_fen, moq_packs, "
                "multiple_packs, dropship, first_seen, search_text) "
                "SELECT supplier_id, 'NEW', valid_from, '农夫山泉', 'nfsq', '', '', '', 1, '', "
                "'[[1, 100]]', 100, 1, 1, 0, first_seen, '农 夫 山 泉' FROM offers LIMIT 1"
            )
        )
        s.execute(
            text("UPDATE offers SET search_text = '怡 宝', name = '怡宝' WHERE sku = 'S00003'")
        )
    assert skus(db, "山泉") == ["NEW"]
    assert skus(db, "怡宝") == ["S00003"]
    assert "S00003" not in skus(db, "可乐")
    tidy(db, source_id)  # catches the index up
    assert_index_matches_offers(db)
    assert skus(db, "山泉") == ["NEW"] and skus(db, "怡宝") == ["S00003"]
    db.dispose()


def test_the_counter_writes_while_the_index_is_being_written(tmp_path):
    db, _ = synced_shop(tmp_path, offers(2000))
    shop = search_index.shop_path(db)
    conn = search_index._connect(current_file(db), shop)
    till = sqlite3.connect(shop, isolation_level=None, timeout=0)  # no waiting at all
    try:
        with search_index._writing(conn):
            # the index transaction reads the shop's offers and writes the index file...
            conn.execute("INSERT INTO offers_fts(offers_fts) VALUES ('delete-all')")
            conn.execute("DELETE FROM indexed")
            conn.execute(
                "INSERT INTO indexed (id, gtin, search_text, name_initials) "
                "SELECT id, gtin, search_text, name_initials FROM shop.offers"
            )
            conn.execute(
                "INSERT INTO offers_fts(rowid, search_text, name_initials) "
                "SELECT id, search_text, name_initials FROM indexed"
            )
            # ...while a checkout takes the shop's write lock at once and commits
            till.execute("BEGIN IMMEDIATE")
            till.execute("UPDATE catalog_sources SET last_error = 'written meanwhile'")
            till.execute("COMMIT")
        # whereas a transaction holding the index's lock keeps another index writer out
        with search_index._writing(conn):
            other = sqlite3.connect(current_file(db), isolation_level=None, timeout=0)
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            other.close()
    finally:
        till.close()
        conn.close()
    with db.session(write=False) as s:
        assert s.scalar(text("SELECT last_error FROM catalog_sources")) == "written meanwhile"
    db.dispose()


def test_migration_0011_from_0009_with_offers_leaves_search_working(tmp_path):
    folder = tmp_path / "shop"
    db = open_database(folder=folder, migrate=False)
    with db.engine.connect() as conn:
        command.upgrade(alembic_config(conn), "0009_report_totals")
        conn.commit()
    with db.session() as s:  # the models are those of 0009 (0011 changes SQLite's by-hand part)
        supplier = Supplier(code="gz", name="广州")
        s.add(supplier)
        s.flush()
        s.add(
            CatalogSource(
                kind="folder", name="广州", location="/nowhere", supplier_id=supplier.id, sequence=1
            )
        )
    with db.engine.connect() as conn:
        for i, (name, spaced, initials) in enumerate(
            [("可口可乐", "可 口 可 乐", "kkkl"), ("农夫山泉", "农 夫 山 泉", "nfsq")]
        ):
            conn.execute(
                text(
                    "INSERT INTO offers (supplier_id, sku, valid_from, name, name_initials, "
                    "brand, category, unit, pack_size, pack_name, tiers, price_fen, moq_packs, "
                    "multiple_packs, dropship, first_seen, search_text) SELECT id, :sku, 1, "
                    ":name, :initials, '', '', '', 1, '', '[[1, 100]]', 100, 1, 1, 0, "
                    "'2026-01-01', :spaced FROM suppliers"
                ),
                {"sku": f"S{i}", "name": name, "spaced": spaced, "initials": initials},
            )
        conn.commit()
        assert conn.execute(text("SELECT count(*) FROM offers_fts")).scalar() == 2
    db.dispose()
    db = open_database(folder=folder)  # migrates to 0011
    with db.engine.connect() as conn:
        tables = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master"))}
    assert "offers_fts" not in tables and {"search_index", "offers_reindex"} <= tables
    assert skus(db, "可乐") == ["S0"]  # at once, by scanning; the index is built meanwhile
    wait_for_index(db)
    assert skus(db, "nfsq") == ["S1"] and skus(db, "山泉") == ["S1"]
    assert_index_matches_offers(db)
    db.dispose()


def _add_offers(db, count: int, name: str) -> None:
    """New offer rows (ids from SQLite: above the highest id left, so deleted ids return)."""
    with db.session() as s:
        for i in range(count):
            s.execute(
                text(
                    "INSERT INTO offers (supplier_id, sku, valid_from, name, name_initials, "
                    "brand, category, unit, pack_size, pack_name, tiers, price_fen, moq_packs, "
                    "multiple_packs, dropship, first_seen, search_text) SELECT supplier_id, "
                    ":sku, valid_from, :name, 'x', '', '', '', 1, '', '[[1, 100]]', 100, 1, 1, "
                    "0, first_seen, :spaced FROM offers LIMIT 1"
                ),
                {"sku": f"{name}{i}", "name": name, "spaced": " ".join(name)},
            )


def _delete_offers_above(db, offer_id: int) -> None:
    with db.session() as s:
        s.execute(text("DELETE FROM offers WHERE id > :i"), {"i": offer_id})


def test_ids_deleted_and_given_again_are_indexed_afresh(tmp_path):
    # An interrupted sync's rows are the highest ids; deleted, their ids come again.
    db, _ = synced_shop(tmp_path, offers(100))
    update = lambda: search_index.update(search_index.shop_path(db))  # noqa: E731
    with db.session() as s:  # an offer in the middle goes, and the index hears of it
        s.execute(text("DELETE FROM offers WHERE id = 55"))
    update()
    _delete_offers_above(db, 54)  # then the top goes, and 55.. are given again at once
    _add_offers(db, 20, "怡宝")
    update()
    assert_index_matches_offers(db)
    assert len(skus(db, "怡宝")) == 20
    _delete_offers_above(db, 60)  # the top goes and the index hears of it first...
    update()
    _add_offers(db, 10, "冰露")  # ...then ids above 60 are given again
    update()
    assert_index_matches_offers(db)
    assert len(skus(db, "冰露")) == 10 and len(skus(db, "怡宝")) == 6
    db.dispose()


def test_a_restored_shop_searches_the_offers_it_holds(tmp_path):
    from shop_desk.backup import make_backup, restore

    db, source_id = synced_shop(tmp_path, offers(200))
    backup = make_backup(db, folder=tmp_path / "backups").path
    publish(offers(200, name="农夫山泉"), SUPPLIER, tmp_path / "feed")
    run_job(sync_source(db, source_id))
    tidy(db, source_id)
    assert len(skus(db, "山泉")) == 200 and skus(db, "可乐") == []
    restore(db, backup)  # the index file describes the offers of after the backup
    assert len(skus(db, "可乐")) == 200 and skus(db, "山泉") == []
    wait_for_index(db)
    assert_index_matches_offers(db)
    assert len(skus(db, "可乐")) == 200 and skus(db, "山泉") == []
    db.dispose()


def test_a_catch_up_without_chase_stops_at_the_offers_there_when_it_began(tmp_path, monkeypatch):
    """A follower polling a sync indexes what was committed when it looked, in whole
    transactions; offers committed meanwhile wait for its next look (or the sync's own
    catch-up), which chasing them a few at a time would index in many small segments."""
    db, _ = synced_shop(tmp_path, offers(10))
    _add_offers(db, 6, "怡宝")  # six offers not yet indexed
    monkeypatch.setattr(search_index, "CHUNK_IDS", 2)  # three transactions for them
    index_rows, landed = search_index._index_rows, []

    def a_sync_commits_meanwhile(conn, rows, args, recent):
        index_rows(conn, rows, args, recent)
        if not landed:  # a staging transaction commits during the first chunk
            landed.append(True)
            _add_offers(db, 3, "冰露")

    monkeypatch.setattr(search_index, "_index_rows", a_sync_commits_meanwhile)
    shop = search_index.shop_path(db)

    search_index.update(shop, chase=False)
    first_look = max_offer_id(db) - 3  # the 冰露 committed meanwhile wait
    assert indexed_to(db) == first_look and max(indexed_offers(db)) == first_look

    search_index.update(shop, chase=False)  # the next look takes them
    assert indexed_to(db) == max_offer_id(db)
    assert_index_matches_offers(db)
    db.dispose()


def test_a_chasing_catch_up_indexes_offers_committed_while_it_runs(tmp_path, monkeypatch):
    db, _ = synced_shop(tmp_path, offers(10))
    _add_offers(db, 4, "怡宝")
    monkeypatch.setattr(search_index, "CHUNK_IDS", 2)
    index_rows, landed = search_index._index_rows, []

    def a_sync_commits_meanwhile(conn, rows, args, recent):
        index_rows(conn, rows, args, recent)
        if not landed:
            landed.append(True)
            _add_offers(db, 3, "冰露")

    monkeypatch.setattr(search_index, "_index_rows", a_sync_commits_meanwhile)
    search_index.update(search_index.shop_path(db))
    assert indexed_to(db) == max_offer_id(db)
    assert_index_matches_offers(db)
    db.dispose()


def max_offer_id(db) -> int:
    with db.session(write=False) as s:
        return s.scalar(text("SELECT max(id) FROM offers"))
