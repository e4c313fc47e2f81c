"""Offers' GTINs in the search file (SQLite, migration 0012): barcode prefixes in the catalog
search and the auto-link by barcode, with the index, without it, and for what it lacks."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import replace

from alembic import command
from sqlalchemy import func, select, text

from shop_desk.catalog import apply, search_index
from shop_desk.catalog.publisher import publish
from shop_desk.catalog.records import OfferRecord
from shop_desk.catalog.sync import sync_source, tidy
from shop_desk.db.engine import open_database
from shop_desk.db.migrate import alembic_config
from shop_desk.db.models import ProductOfferLink
from shop_desk.inventory.products import ProductData, create_product
from shop_desk.progress import run_job
from shop_desk.text import gtin_with_check_digit
from tests.helpers.search_index import assert_index_matches_offers, indexed_offers
from tests.test_catalog_search_index import (
    SUPPLIER,
    current_file,
    skus,
    synced_shop,
    wait_for_index,
)


def gtin(i: int) -> str:
    return gtin_with_check_digit(f"690123{i:06d}")


def offers(count: int) -> list[OfferRecord]:
    # SKUs run against the GTINs' order: results in GTIN order are not those in id order
    return [
        OfferRecord(
            sku=f"S{count - i:05d}",
            name=f"雪碧 {i} 号",
            pack_size=12,
            tiers=((1, 3600),),
            gtin=gtin(i),
        )
        for i in range(count)
    ]


def links(db) -> set[tuple[int, str, int]]:
    with db.session(write=False) as s:
        rows = s.execute(
            select(
                ProductOfferLink.product_id, ProductOfferLink.sku, ProductOfferLink.units_per_pack
            )
        )
        return set(rows.all())


def product_with_barcode(db, code: str) -> int:
    with db.session() as s:
        return create_product(
            s, ProductData(name=f"雪碧 {code}", retail_price_fen=350, barcodes=[(code, 1)])
        ).id


def test_barcode_prefixes_are_found_in_gtin_order(tmp_path):
    db, _ = synced_shop(tmp_path, offers(300))
    assert len(indexed_offers(db)) == 300
    # 690123000120 .. 690123000129 (+ check digit): ten offers, in GTIN order
    assert skus(db, "69012300012") == [f"S{300 - i:05d}" for i in range(120, 130)]
    assert skus(db, gtin(42)) == ["S00258"]
    assert skus(db, "69012300099") == []
    db.dispose()


def test_gtins_changed_or_added_behind_the_index_are_found(tmp_path):
    db, _ = synced_shop(tmp_path, offers(50))
    with db.session() as s:
        # a GTIN rewritten in place (logged by 0012's trigger) and an offer the index lacks
        s.execute(text("UPDATE offers SET gtin = :g WHERE sku = 'S00050'"), {"g": gtin(777)})
        s.execute(
            text(
                "INSERT INTO offers (supplier_id, sku, valid_from, gtin, name, name_initials, "
                "brand, category, unit, pack_size, pack_name, tiers, price_fen, moq_packs, "
                "multiple_packs, dropship, first_seen, search_text) "
                "SELECT supplier_id, 'NEW', valid_from, :g, '芬达', 'fd', '', '', '', 1, '', "
                "'[[1, 100]]', 100, 1, 1, 0, first_seen, '芬 达' FROM offers LIMIT 1"
            ),
            {"g": gtin(778)},
        )
        logged = s.scalar(text("SELECT count(*) FROM offers_reindex"))
    assert logged == 1
    assert skus(db, gtin(0)) == []  # S00050's old GTIN
    assert skus(db, "690123000777") == ["S00050"]
    assert skus(db, "69012300077") == ["S00050", "NEW"]  # the index's first, then the rest
    new_product = product_with_barcode(db, gtin(778))
    changed_product = product_with_barcode(db, gtin(777))
    with db.session(write=False) as s:
        supplier_id = s.scalar(text("SELECT supplier_id FROM catalog_sources"))
    assert apply.auto_link(db, supplier_id) == 2
    assert {(new_product, "NEW", 1), (changed_product, "S00050", 12)} <= links(db)
    search_index.update(search_index.shop_path(db))
    assert_index_matches_offers(db)
    assert skus(db, "69012300077") == ["S00050", "NEW"]
    db.dispose()


def test_auto_link_by_barcode_with_and_without_the_index_file(tmp_path):
    records = offers(200)
    folder = tmp_path
    db, _ = synced_shop(folder, records[:1])  # a shop with products first, then its feed
    with db.session(write=False) as s:
        supplier_id = s.scalar(text("SELECT supplier_id FROM catalog_sources"))
    products = {i: product_with_barcode(db, gtin(i)) for i in (3, 150, 199)}
    publish(records, SUPPLIER, folder / "feed")
    outcome = run_job(sync_source(db, 1))
    assert outcome.links == 3
    expected = {(products[i], f"S{200 - i:05d}", 12) for i in products}
    assert links(db) == expected
    # the index file lost: the links are found by scanning (and the file is rebuilt)
    path = current_file(db)
    db.dispose()
    path.unlink()
    db = open_database(folder=folder / "shop")
    with db.session() as s:
        s.execute(text("DELETE FROM product_offer_links"))
    assert apply.auto_link(db, supplier_id) == 3
    assert links(db) == expected
    wait_for_index(db)
    assert current_file(db).exists()
    with db.session() as s:
        s.execute(text("DELETE FROM product_offer_links"))
        assert s.scalar(select(func.count()).select_from(ProductOfferLink)) == 0
    assert apply.auto_link(db, supplier_id) == 3  # through the rebuilt file
    assert links(db) == expected
    db.dispose()


def test_migration_0012_moves_the_gtin_lookup_and_back(tmp_path):
    db, _ = synced_shop(tmp_path, offers(20))
    shop = search_index.shop_path(db)

    def schema() -> tuple[set[str], str]:
        with closing(sqlite3.connect(shop)) as conn:
            indexes = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
            }
            trigger = conn.execute(
                "SELECT sql FROM sqlite_master WHERE name = 'offers_reindex_au'"
            ).fetchone()[0]
        return indexes, trigger

    indexes, trigger = schema()
    assert "ix_offers_gtin" not in indexes and "gtin" in trigger
    with db.engine.connect() as conn:
        command.downgrade(alembic_config(conn), "0011_search_file")
        conn.commit()
    indexes, trigger = schema()
    assert "ix_offers_gtin" in indexes and "gtin" not in trigger
    with db.engine.connect() as conn:
        command.upgrade(alembic_config(conn), "head")
        conn.commit()
    indexes, trigger = schema()
    assert "ix_offers_gtin" not in indexes and "gtin" in trigger
    assert skus(db, gtin(7)) == ["S00013"]
    db.dispose()


def test_an_index_file_of_the_older_format_is_rebuilt_with_gtins(tmp_path):
    db, _ = synced_shop(tmp_path, offers(30))
    path = current_file(db)
    db.dispose()
    with closing(sqlite3.connect(path)) as conn:  # as a file written before 0012
        conn.execute("DROP TABLE gtins")
        conn.execute("UPDATE meta SET value = 1 WHERE key = 'format'")
        conn.commit()
    db = open_database(folder=tmp_path / "shop")
    assert skus(db, gtin(5)) == ["S00025"]  # by scanning, while it is rebuilt
    wait_for_index(db)
    assert current_file(db) != path and not path.exists()
    assert_index_matches_offers(db)
    assert skus(db, gtin(5)) == ["S00025"]
    db.dispose()


def gtin_rows(db) -> dict[str, int]:
    """How many GTINs each of the index file's GTIN tables holds."""
    with closing(sqlite3.connect(current_file(db))) as conn:
        return {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in search_index.GTIN_TABLES
        }


def test_a_small_catch_up_keeps_its_gtins_apart_until_compacted(tmp_path, monkeypatch):
    """A sync's small catch-up writes its GTINs to gtins_recent; searches and the auto-link
    read both tables in GTIN order; compact() moves them over once there are enough; a large
    catch-up's GTINs are placed in gtins at its end."""
    monkeypatch.setattr(search_index, "RECENT_SPAN", 250)
    records = offers(300)
    db, _ = synced_shop(tmp_path, records)  # 300 offers: more than RECENT_SPAN
    assert gtin_rows(db) == {"gtins": 300, "gtins_recent": 0, "gtins_pending": 0}
    # A change file: the offers 100-199 renamed (new rows), one new offer.
    changed = [replace(r, name=f"{r.name} 新") for r in records[100:200]]
    extra = OfferRecord(sku="NEW", name="芬达", pack_size=12, tiers=((1, 3000),), gtin=gtin(500))
    publish([*records[:100], *changed, *records[200:], extra], SUPPLIER, tmp_path / "feed")
    new_product = product_with_barcode(db, gtin(500))
    changed_product = product_with_barcode(db, gtin(150))
    assert run_job(sync_source(db, 1)).links == 2  # found in gtins_recent
    assert {(new_product, "NEW", 12), (changed_product, "S00150", 12)} <= links(db)
    assert gtin_rows(db) == {"gtins": 300, "gtins_recent": 101, "gtins_pending": 0}
    # 0-99 and 200-299 from gtins, 100-199 and 500 from gtins_recent: in GTIN order
    in_order = [f"S{300 - i:05d}" for i in range(300)] + ["NEW"]
    assert skus(db, "690123000") == in_order
    tidy(db, 1)  # the 100 rows replaced leave gtins; too few recent ones to compact
    assert gtin_rows(db) == {"gtins": 200, "gtins_recent": 101, "gtins_pending": 0}
    shop = search_index.shop_path(db)
    assert search_index.compact(shop, least=102) == 0
    assert search_index.compact(shop, least=101) == 101
    assert gtin_rows(db) == {"gtins": 301, "gtins_recent": 0, "gtins_pending": 0}
    assert skus(db, "690123000") == in_order
    assert skus(db, "6901230001") == in_order[100:200]
    assert_index_matches_offers(db)
    db.dispose()


def test_a_large_catch_up_leaves_its_gtins_pending_until_placed(tmp_path, monkeypatch):
    """A follower's catch-ups (place=False) leave a large catch-up's GTINs in gtins_pending:
    searches and the auto-link find them there by scanning, a deleted offer's GTIN leaves
    it, and the next catch-up that places moves the rest into gtins in GTIN order."""
    monkeypatch.setattr(search_index, "RECENT_SPAN", 50)
    records = offers(300)
    db, _ = synced_shop(tmp_path, records)
    shop = search_index.shop_path(db)
    search_index.invalidate(shop)
    search_index.update(shop, place=False)  # a rebuild: 300 offers, a large catch-up
    assert gtin_rows(db) == {"gtins": 0, "gtins_recent": 0, "gtins_pending": 300}
    in_order = [f"S{300 - i:05d}" for i in range(300)]
    assert skus(db, "690123000") == in_order
    assert skus(db, gtin(7)) == ["S00293"]
    product = product_with_barcode(db, gtin(7))
    assert apply.auto_link(db, supplier_id(db)) == 1
    assert (product, "S00293", 12) in links(db)
    with closing(sqlite3.connect(shop)) as conn:  # the log's trigger records the deletion
        conn.execute("DELETE FROM offers WHERE sku = 'S00290'")  # GTIN 10
        conn.commit()
    search_index.update(shop, place=False)
    assert gtin_rows(db) == {"gtins": 0, "gtins_recent": 0, "gtins_pending": 299}
    assert skus(db, gtin(10)) == []
    search_index.update(shop)
    assert gtin_rows(db) == {"gtins": 299, "gtins_recent": 0, "gtins_pending": 0}
    assert skus(db, "690123000") == [sku for sku in in_order if sku != "S00290"]
    assert_index_matches_offers(db)
    db.dispose()


def supplier_id(db) -> int:
    with db.session(write=False) as s:
        return s.execute(text("SELECT supplier_id FROM catalog_sources")).scalar_one()


def test_a_catch_up_that_chases_past_the_recent_span_leaves_the_rest_pending(tmp_path, monkeypatch):
    """A follower woken with a small backlog chases rows a sync keeps committing: once it
    has indexed more than RECENT_SPAN, the rest of its GTINs wait in gtins_pending (to be
    placed in GTIN order), not in gtins_recent."""
    monkeypatch.setattr(search_index, "RECENT_SPAN", 50)
    monkeypatch.setattr(search_index, "CHUNK_IDS", 40)
    db, _ = synced_shop(tmp_path, offers(100))
    shop = search_index.shop_path(db)
    copy_offers(shop, 10, "a")  # a small backlog when the catch-up begins...
    index_rows = search_index._index_rows
    calls = []

    def while_a_sync_commits(conn, rows, args, recent):
        if not calls:
            copy_offers(shop, 100, "b")  # ...and 100 more committed meanwhile
        calls.append(recent)
        index_rows(conn, rows, args, recent)

    monkeypatch.setattr(search_index, "_index_rows", while_a_sync_commits)
    search_index.update(shop, place=False)  # as a follower
    assert calls == [True, True, False, False]  # 10 and 40 GTINs recent, 40 and 20 pending
    counts = gtin_rows(db)
    assert counts["gtins_recent"] == 50 and counts["gtins_pending"] == 60
    search_index.update(shop)  # the sync's own catch-up places them
    assert gtin_rows(db) == {"gtins": 160, "gtins_recent": 50, "gtins_pending": 0}
    assert_index_matches_offers(db)
    db.dispose()


def copy_offers(shop, count: int, tag: str) -> None:
    """`count` more offers, copies of the first ones under other SKUs, committed at once."""
    with closing(sqlite3.connect(shop)) as conn:
        columns = [r[1] for r in conn.execute("PRAGMA table_info(offers)") if r[1] != "id"]
        listed = ", ".join(columns)
        chosen = listed.replace("sku", f"sku || '{tag}'", 1)
        conn.execute(
            f"INSERT INTO offers ({listed}) SELECT {chosen} FROM offers ORDER BY id LIMIT ?",
            (count,),
        )
        conn.commit()
