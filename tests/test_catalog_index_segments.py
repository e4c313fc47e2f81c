"""The sync reads how many segments the offers' search index has (FTS5 refuses more than
2,000), so it merges in time whatever earlier syncs left."""

from __future__ import annotations

from shop_desk.catalog import bulk
from shop_desk.catalog.manifest import SupplierInfo
from shop_desk.catalog.publisher import publish
from shop_desk.catalog.records import OfferRecord
from shop_desk.catalog.sync import sync_source, tidy
from shop_desk.db.models import CatalogSource
from shop_desk.progress import run_job


def test_segments_counted_as_syncs_write_them_and_one_after_tidying(sqlite_db, tmp_path):
    with bulk.bulk_writer(sqlite_db) as writer:
        assert writer.segments == bulk.index_segments(writer.conn) == 0
    records = [
        OfferRecord(sku=f"S{i}", name=f"可口可乐 {i}", pack_size=24, tiers=((1, 5000),))
        for i in range(10_000)
    ]
    publish(records, SupplierInfo(code="gz", name="广州"), tmp_path / "feed")
    with sqlite_db.session() as s:
        source = CatalogSource(kind="folder", name="广州", location=str(tmp_path / "feed"))
        s.add(source)
        s.flush()
        source_id = source.id
    budget = bulk.TRANSACTION_BUDGET
    bulk.TRANSACTION_BUDGET = 0  # a transaction per piece: several segments
    try:
        run_job(sync_source(sqlite_db, source_id))
    finally:
        bulk.TRANSACTION_BUDGET = budget
    with bulk.bulk_writer(sqlite_db) as writer:
        written = writer.segments
    assert written >= 10_000 // bulk.CHUNK
    tidy(sqlite_db, source_id)
    with bulk.bulk_writer(sqlite_db) as writer:
        # Merged: FTS5 merges a level once it holds 16 segments ('usermerge').
        assert 1 <= writer.segments < 16 <= written
