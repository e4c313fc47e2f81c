"""Catalog sync from a feed folder: publish with the real publisher, sync with the client."""

import gzip
import json

import pytest
from sqlalchemy import func, select, text

from shop_desk.catalog import apply, parsing
from shop_desk.catalog.files import BLOCK
from shop_desk.catalog.manifest import SupplierInfo
from shop_desk.catalog.publisher import publish
from shop_desk.catalog.records import OfferRecord
from shop_desk.catalog.sync import sync_source, tidy
from shop_desk.db.models import CatalogSource, OfferPrice, ProductOfferLink, SyncReport
from shop_desk.errors import InputError
from shop_desk.progress import run_job
from tests.factories import make_product
from tests.helpers.folder_source import add_folder_source
from tests.helpers.search_index import assert_index_matches_offers

SUPPLIER = SupplierInfo(code="gz", name="广州饮料批发", lead_time_days=2)


def rec(sku, price=5400, gtin=None, name=None):
    return OfferRecord(
        sku=sku,
        name=name or f"商品{sku}",
        pack_size=24,
        tiers=((1, price), (5, price - 300)),
        gtin=gtin,
    )


@pytest.fixture
def feed(tmp_path):
    return tmp_path / "feed"


@pytest.fixture
def source_id(db, feed):
    return add_folder_source(db, feed, "广州")


def current(db):
    with db.session(write=False) as s:
        rows = s.execute(text("SELECT sku, price_fen FROM current_offers ORDER BY sku")).all()
        return {sku: price for sku, price in rows}


def test_first_sync_then_changes_then_nothing_new(db, feed, source_id):
    with db.session() as s:
        cola = make_product(s, "可口可乐", 300, barcodes=[("6908512108211", 1)])
    publish([rec("A1", gtin="6908512108211"), rec("A2")], SUPPLIER, feed)
    outcome = run_job(sync_source(db, source_id))
    assert (outcome.status, outcome.to_sequence, outcome.upserts, outcome.links) == (
        "updated",
        1,
        2,
        1,
    )
    assert current(db) == {"A1": 5400, "A2": 5400}
    with db.session(write=False) as s:
        link = s.scalar(select(ProductOfferLink))
        assert (link.product_id, link.sku, link.units_per_pack, link.auto) == (
            cola.id,
            "A1",
            24,
            True,
        )
    publish([rec("A1", 5100, gtin="6908512108211"), rec("A3")], SUPPLIER, feed)
    outcome = run_job(sync_source(db, source_id))
    assert (outcome.to_sequence, outcome.upserts, outcome.deletes, outcome.price_changes) == (
        2,
        2,
        1,
        1,
    )
    assert current(db) == {"A1": 5100, "A3": 5400}
    with db.session(write=False) as s:
        price = s.scalar(select(OfferPrice))
        assert (price.sku, price.previous_fen, price.price_fen) == ("A1", 5400, 5100)
        # superseded versions wait, invisible, for the tidying after the sync
        assert s.scalar(text("SELECT count(*) FROM offers")) == 4
    tidy(db, source_id)
    with db.session(write=False) as s:
        # superseded versions were purged: only current rows remain
        assert s.scalar(text("SELECT count(*) FROM offers")) == 2
        assert s.scalar(select(func.count()).select_from(ProductOfferLink)) == 1
    assert run_job(sync_source(db, source_id)).status == "unchanged"
    assert_index_matches_offers(db)


def test_old_checkpoint_resyncs_from_the_snapshot(db, feed, source_id):
    publish([rec("A1"), rec("A2")], SUPPLIER, feed, snapshot_every=2, retention=1)
    run_job(sync_source(db, source_id))
    for price in (5300, 5200, 5100):
        publish([rec("A1", price)], SUPPLIER, feed, snapshot_every=2, retention=1)
    outcome = run_job(sync_source(db, source_id))
    assert outcome.to_sequence == 4
    assert current(db) == {"A1": 5100}


def test_invalid_records_reported_not_applied(db, feed, source_id):
    publish([rec("A1")], SUPPLIER, feed)
    manifest = json.loads((feed / "feed.json").read_text(encoding="utf-8"))
    bad_lines = [
        b'{"op":"upsert","sku":"B1","name":"x","tiers":[{"min_packs":1,"unit_price_fen":10},'
        b'{"min_packs":5,"unit_price_fen":20}]}',
        b"not json at all",
        b'{"op":"upsert","sku":"B2","name":"ok","tiers":[{"min_packs":1,"unit_price_fen":99}]}',
    ]
    _rewrite_snapshot(feed, manifest, bad_lines)
    outcome = run_job(sync_source(db, source_id))
    assert current(db) == {"A1": 5400, "B2": 99}
    assert outcome.rejected_count == 2
    whys = [r["why"] for r in outcome.rejected]
    assert any("costs more" in w for w in whys) and any("JSON" in w for w in whys)
    with db.session(write=False) as s:
        report = s.scalar(select(SyncReport).order_by(SyncReport.id.desc()))
        assert report.rejected == 2 and json.loads(report.details)[0]["line"] == 2


def _rewrite_snapshot(feed, manifest, extra_lines):
    import hashlib

    snap = feed / manifest["snapshot"]["path"]
    lines = gzip.decompress(snap.read_bytes()).splitlines() + extra_lines
    snap.write_bytes(gzip.compress(b"\n".join(lines) + b"\n", mtime=0))
    manifest["snapshot"]["sha256"] = hashlib.sha256(snap.read_bytes()).hexdigest()
    manifest["snapshot"]["bytes"] = snap.stat().st_size
    (feed / "feed.json").write_text(json.dumps(manifest), encoding="utf-8")


def test_wrong_hash_or_truncated_file_keeps_the_previous_copy(db, feed, source_id):
    publish([rec("A1")], SUPPLIER, feed)
    run_job(sync_source(db, source_id))
    publish([rec("A1", 5000)], SUPPLIER, feed)
    change = feed / "changes" / "2.ndjson.gz"
    original = change.read_bytes()
    change.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
    with pytest.raises(InputError, match="checksum"):
        run_job(sync_source(db, source_id))
    assert current(db) == {"A1": 5400}
    change.write_bytes(original[:-5])
    with pytest.raises(InputError, match="incomplete"):
        run_job(sync_source(db, source_id))
    change.write_bytes(original + b"extra")
    with pytest.raises(InputError, match="larger than announced"):
        run_job(sync_source(db, source_id))
    change.write_bytes(original)
    assert run_job(sync_source(db, source_id)).to_sequence == 2
    assert current(db) == {"A1": 5000}
    with db.session(write=False) as s:
        assert s.get(CatalogSource, source_id).last_error == ""


def test_staged_rows_stay_invisible_until_switch_and_recover_clears_them(db, feed, source_id):
    publish([rec("A1"), rec("A2")], SUPPLIER, feed)
    run_job(sync_source(db, source_id))
    with db.session() as s:
        supplier_id = s.get(CatalogSource, source_id).supplier_id
        ops = apply.group_ops(
            [("upsert", rec("A1", 4000)), ("delete", "A2"), ("upsert", rec("A9"))]
        )
        apply.stage_batch(s, supplier_id, 2, ops, __import__("datetime").date.today())
    # a crash here: the copy is still exactly sequence 1
    assert current(db) == {"A1": 5400, "A2": 5400}
    with db.session() as s:
        apply.recover(s, supplier_id, 1)
    with db.session(write=False) as s:
        assert s.scalar(text("SELECT count(*) FROM offers")) == 2
        assert s.scalar(text("SELECT count(*) FROM offer_closures")) == 0
    assert current(db) == {"A1": 5400, "A2": 5400}


def test_unknown_major_format_is_refused(db, feed, source_id):
    publish([rec("A1")], SUPPLIER, feed)
    manifest = json.loads((feed / "feed.json").read_text(encoding="utf-8"))
    manifest["format"] = "shop-desk-catalog/2"
    (feed / "feed.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(InputError, match="cannot read"):
        run_job(sync_source(db, source_id))
    assert current(db) == {}


@pytest.mark.parametrize("worker", [False, True], ids=["here", "in-a-worker"])
@pytest.mark.parametrize("filler", [0, 3000], ids=["one-block", "two-blocks"])
def test_a_sku_stated_twice_in_a_first_snapshot_keeps_the_later_line(
    db, feed, source_id, filler, worker, monkeypatch
):
    # With enough lines between them, the two lines of A1 are decoded and staged in
    # different blocks (files.BLOCK of decompressed bytes each). In a worker, each block
    # comes back as a database image (row_image.py), staged by INSERT ... SELECT.
    if worker:
        monkeypatch.setattr(parsing, "IN_PROCESS_BELOW", 0)
    long = "加厚耐用家庭装多用途清洁湿巾" * 12
    publish([rec("A1"), *(rec(f"F{i:05d}", name=long) for i in range(filler))], SUPPLIER, feed)
    manifest = json.loads((feed / "feed.json").read_text(encoding="utf-8"))
    again = (
        b'{"op":"upsert","sku":"A1","name":"later","tiers":[{"min_packs":1,"unit_price_fen":4242}]}'
    )
    _rewrite_snapshot(feed, manifest, [again])
    snapshot = gzip.decompress((feed / manifest["snapshot"]["path"]).read_bytes())
    assert (len(snapshot) > BLOCK) == (filler > 0)
    run_job(sync_source(db, source_id))
    assert current(db)["A1"] == 4242
    assert len(current(db)) == 1 + filler
