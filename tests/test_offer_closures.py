"""Offer rows closed by rows of offer_closures (migration 0013): what readers see, what a
tidy-up purges, what recovery reopens, and the migration there and back with closed rows."""

from datetime import date

import pytest
from alembic import command
from sqlalchemy import text

from shop_desk.catalog import apply
from shop_desk.catalog.manifest import SupplierInfo
from shop_desk.catalog.publisher import publish
from shop_desk.catalog.records import OfferRecord
from shop_desk.catalog.sync import sync_source, tidy
from shop_desk.db.migrate import alembic_config
from shop_desk.db.models import CatalogSource
from shop_desk.progress import run_job
from tests.helpers.folder_source import add_folder_source

SUPPLIER = SupplierInfo(code="hz", name="杭州零食批发", lead_time_days=2)


def rec(sku: str, price: int = 800) -> OfferRecord:
    return OfferRecord(sku=sku, name=f"薯片{sku}", pack_size=20, tiers=((1, price),))


@pytest.fixture
def source(db, tmp_path):
    feed = tmp_path / "feed"
    return add_folder_source(db, feed, "杭州"), feed


def current(db) -> dict[str, int]:
    with db.session(write=False) as s:
        return dict(s.execute(text("SELECT sku, price_fen FROM current_offers")).all())


def scalar(db, sql: str):
    with db.session(write=False) as s:
        return s.scalar(text(sql))


def synced_with_a_change(db, source) -> int:
    """Sequence 1: A1..A4; sequence 2: A1 repriced, A2 gone, A5 new; not tidied yet."""
    source_id, feed = source
    publish([rec(f"A{i}") for i in range(1, 5)], SUPPLIER, feed)
    run_job(sync_source(db, source_id))
    tidy(db, source_id)
    publish([rec("A1", 750), rec("A3"), rec("A4"), rec("A5")], SUPPLIER, feed)
    outcome = run_job(sync_source(db, source_id))
    assert outcome.to_sequence == 2
    return source_id


def test_replaced_and_deleted_rows_are_closed_then_purged_with_their_closures(db, source):
    source_id = synced_with_a_change(db, source)
    assert current(db) == {"A1": 750, "A3": 800, "A4": 800, "A5": 800}
    # the old A1 and A2 stay until the tidy-up, closed at 2; no row was rewritten
    assert scalar(db, "SELECT count(*) FROM offers") == 6
    assert scalar(db, "SELECT count(*) FROM offer_closures WHERE valid_to = 2") == 2
    tidy(db, source_id)
    assert scalar(db, "SELECT count(*) FROM offers") == 4
    assert scalar(db, "SELECT count(*) FROM offer_closures") == 0
    assert current(db) == {"A1": 750, "A3": 800, "A4": 800, "A5": 800}


def test_recovery_reopens_rows_closed_beyond_the_checkpoint(db, source):
    source_id, feed = source
    publish([rec("A1"), rec("A2")], SUPPLIER, feed)
    run_job(sync_source(db, source_id))
    with db.session() as s:
        supplier_id = s.get(CatalogSource, source_id).supplier_id
        ops = apply.group_ops([("upsert", rec("A1", 700)), ("delete", "A2")])
        apply.stage_batch(s, supplier_id, 2, ops, date.today())
    assert scalar(db, "SELECT count(*) FROM offer_closures") == 2  # staged, not switched
    assert current(db) == {"A1": 800, "A2": 800}
    with db.session() as s:
        apply.recover(s, supplier_id, 1)
    assert scalar(db, "SELECT count(*) FROM offer_closures") == 0
    assert scalar(db, "SELECT count(*) FROM offers") == 2
    # the next sync of the same change applies it whole
    publish([rec("A1", 700)], SUPPLIER, feed)
    run_job(sync_source(db, source_id))
    assert current(db) == {"A1": 700}


def test_a_snapshot_closes_what_it_lacks_in_pieces(db, source, monkeypatch):
    from shop_desk.catalog import bulk

    monkeypatch.setattr(bulk, "CHUNK", 2)  # pieces of 8 rows: several of them
    source_id, feed = source
    publish([rec(f"B{i:02d}") for i in range(30)], SUPPLIER, feed)
    run_job(sync_source(db, source_id))
    # Three more sequences, the last lacking every odd SKU; the feed keeps one change file,
    # so the shop (at 1) resyncs from the newest snapshot and closes what it lacks.
    for price in (790, 780):
        publish(
            [rec(f"B{i:02d}", price) for i in range(30)],
            SUPPLIER,
            feed,
            snapshot_every=2,
            retention=1,
        )
    evens = [rec(f"B{i:02d}", 770) for i in range(0, 30, 2)]
    publish(evens, SUPPLIER, feed, snapshot_every=2, retention=1)
    outcome = run_job(sync_source(db, source_id))
    assert current(db) == {f"B{i:02d}": 770 for i in range(0, 30, 2)}
    assert (outcome.to_sequence, outcome.deletes) == (4, 15)  # closed by close_missing
    assert current(db) == {f"B{i:02d}": 770 for i in range(0, 30, 2)}
    tidy(db, source_id)
    assert scalar(db, "SELECT count(*) FROM offers") == 15
    assert scalar(db, "SELECT count(*) FROM offer_closures") == 0


def test_migration_0013_keeps_what_readers_see_there_and_back(db, source):
    source_id = synced_with_a_change(db, source)
    seen = current(db)
    with db.engine.connect() as conn:
        command.downgrade(alembic_config(conn), "0012_gtin_in_search_file")
        conn.commit()
    assert current(db) == seen
    assert scalar(db, "SELECT count(*) FROM offers WHERE valid_to = 2") == 2
    with db.engine.connect() as conn:
        command.upgrade(alembic_config(conn), "head")
        conn.commit()
    assert current(db) == seen
    assert scalar(db, "SELECT count(*) FROM offer_closures WHERE valid_to = 2") == 2
    tidy(db, source_id)  # the closures made by the migration purge as any
    assert scalar(db, "SELECT count(*) FROM offers") == 4
    assert current(db) == seen


def test_removing_a_source_removes_its_closures_too(db, source):
    from shop_desk.catalog.sources import remove_source

    synced_with_a_change(db, source)
    with db.session() as s:
        remove_source(s, "杭州")
    assert scalar(db, "SELECT count(*) FROM offers") == 0
    assert scalar(db, "SELECT count(*) FROM offer_closures") == 0
