"""How a sync stages a file: a change file's blocks staged together, the search index caught
up beside the switch, the garbage collector paused and given back."""

import gc
import gzip
import hashlib
import json

import pytest
from sqlalchemy import select, text

from shop_desk.catalog import bulk, search_index, sync
from shop_desk.catalog.decode import decode_block
from shop_desk.catalog.files import BLOCK
from shop_desk.catalog.manifest import SupplierInfo
from shop_desk.catalog.publisher import publish
from shop_desk.catalog.records import OfferRecord
from shop_desk.catalog.sync import sync_source
from shop_desk.db.models import OfferPrice
from shop_desk.errors import InputError
from shop_desk.progress import run_job
from tests.helpers.folder_source import add_folder_source
from tests.helpers.search_index import assert_index_matches_offers, indexed_to

SUPPLIER = SupplierInfo(code="sz", name="深圳日用批发", lead_time_days=3)
LONG = "加厚耐用家庭装多用途清洁湿巾" * 12  # lines of about 500 bytes: a few thousand fill a block


def rec(sku: str, price: int = 5400, name: str = "") -> OfferRecord:
    return OfferRecord(sku=sku, name=name or f"湿巾{sku}", pack_size=12, tiers=((1, price),))


@pytest.fixture
def feed(tmp_path):
    return tmp_path / "feed"


@pytest.fixture
def source_id(db, feed):
    return add_folder_source(db, feed, "深圳")


def current(db) -> dict[str, int]:
    with db.session(write=False) as s:
        rows = s.execute(text("SELECT sku, price_fen FROM current_offers")).all()
        return dict(rows)


def append_to_change(feed, sequence: int, lines: list[dict]) -> None:
    """Add lines to the end of a published change file (a publisher states a SKU once; a
    feed may restate it), keeping the manifest's size, hash and count right."""
    manifest = json.loads((feed / "feed.json").read_text(encoding="utf-8"))
    entry = next(c for c in manifest["changes"] if c["sequence"] == sequence)
    path = feed / entry["path"]
    body = gzip.decompress(path.read_bytes())
    extra = b"".join(json.dumps(line, ensure_ascii=False).encode() + b"\n" for line in lines)
    path.write_bytes(gzip.compress(body + extra, mtime=0))
    entry.update(
        bytes=path.stat().st_size,
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        records=entry["records"] + len(lines),
    )
    (feed / "feed.json").write_text(json.dumps(manifest), encoding="utf-8")


def upsert(sku: str, price: int) -> dict:
    return {
        "op": "upsert",
        "sku": sku,
        "name": f"湿巾{sku}",
        "pack_size": 12,
        "tiers": [{"min_packs": 1, "unit_price_fen": price}],
    }


@pytest.mark.parametrize("merge", [1, sync.MERGE_CHANGES], ids=["block-by-block", "merged"])
def test_a_change_file_of_several_blocks_ends_as_its_last_lines_say(
    db, feed, source_id, monkeypatch, merge
):
    monkeypatch.setattr(sync, "MERGE_CHANGES", merge)
    skus = [f"S{i:05d}" for i in range(4000)]
    publish([rec(sku) for sku in skus], SUPPLIER, feed)
    run_job(sync_source(db, source_id))
    # Every offer renamed and repriced but S00007, deleted; then, in the file's last block,
    # S00001 repriced again and S00007 back.
    publish([rec(s, 5000, name=LONG + s) for s in skus if s != "S00007"], SUPPLIER, feed)
    append_to_change(feed, 2, [upsert("S00001", 4242), upsert("S00007", 3900)])
    change = feed / "changes" / "2.ndjson.gz"
    assert len(gzip.decompress(change.read_bytes())) > 2 * BLOCK  # three blocks or more

    outcome = run_job(sync_source(db, source_id))

    assert (outcome.status, outcome.to_sequence) == ("updated", 2)
    expected = {sku: 5000 for sku in skus} | {"S00001": 4242, "S00007": 3900}
    assert current(db) == expected
    with db.session(write=False) as s:
        history = s.execute(
            select(OfferPrice.previous_fen, OfferPrice.price_fen).where(OfferPrice.sku == "S00001")
        ).all()
        names = s.execute(
            text("SELECT name FROM current_offers WHERE sku IN ('S00001', 'S00002')")
        ).scalars()
        assert set(names) == {"湿巾S00001", LONG + "S00002"}
    assert history == [(5400, 4242)]  # one change in sequence 2, from the old price
    assert_index_matches_offers(db)


@pytest.mark.parametrize("beside", [0, sync.INDEX_BESIDE_SWITCH], ids=["before", "beside"])
def test_the_sync_leaves_the_search_index_caught_up(db, feed, source_id, monkeypatch, beside):
    if not db.is_sqlite:
        pytest.skip("the search index file is SQLite's")
    monkeypatch.setattr(sync, "INDEX_BESIDE_SWITCH", beside)
    publish([rec(f"A{i}") for i in range(50)], SUPPLIER, feed)
    run_job(sync_source(db, source_id))
    publish([rec(f"A{i}", 5100) for i in range(1, 60)], SUPPLIER, feed)

    run_job(sync_source(db, source_id))

    with db.session(write=False) as s:
        newest = s.scalar(text("SELECT max(id) FROM offers"))
    assert indexed_to(db) == newest  # without a search or a tidy asking for it
    assert current(db) == {f"A{i}": 5100 for i in range(1, 60)}
    assert_index_matches_offers(db)


def test_the_garbage_collector_runs_again_after_a_sync_good_or_bad(db, feed, source_id):
    publish([rec("A1")], SUPPLIER, feed)
    assert gc.isenabled()
    run_job(sync_source(db, source_id))
    assert gc.isenabled()
    publish([rec("A1", 5000)], SUPPLIER, feed)
    change = feed / "changes" / "2.ndjson.gz"
    change.write_bytes(change.read_bytes()[:-5])
    with pytest.raises(InputError):
        run_job(sync_source(db, source_id))
    assert gc.isenabled()


def test_decoding_a_block_leaves_the_collector_as_it_found_it():
    line = json.dumps(upsert("B1", 100), ensure_ascii=False).encode()
    gc.disable()
    try:
        pairs, rejects = decode_block(1, line, True)
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert [sku for sku, _ in pairs] == ["B1"] and rejects == []
    decode_block(1, line, True)
    assert gc.isenabled()


def test_a_cancel_during_the_catch_up_beside_the_switch_keeps_the_switch(db, feed, source_id):
    import threading

    if not db.is_sqlite:
        pytest.skip("the search index file is SQLite's")
    publish([rec("A1")], SUPPLIER, feed)
    run_job(sync_source(db, source_id))
    cancel = threading.Event()
    cancel.set()  # as if the owner closed the window during the catch-up
    switched = []
    with sync.indexing_beside(db, cancel):  # no Cancelled: the body (the switch) is done
        switched.append(True)
    assert switched == [True]


def test_a_change_file_is_indexed_while_it_is_staged(db, feed, source_id, monkeypatch):
    """The follower looks for the rows each staging transaction committed, without chasing
    them, while the one staging call runs; the sync's own catch-up takes the rest."""

    if not db.is_sqlite:
        pytest.skip("the search index file is SQLite's")
    publish([rec(f"A{i}") for i in range(50)], SUPPLIER, feed)
    run_job(sync_source(db, source_id))
    publish([rec(f"A{i}", 5100) for i in range(3000)], SUPPLIER, feed)
    monkeypatch.setattr(search_index, "POLL_S", 0.001)
    monkeypatch.setattr(bulk, "TRANSACTION_BUDGET", 0.001)  # many commits to look at
    staging, looks = [], []
    stage, update = bulk.stage, search_index.update

    def watched_stage(*args, **kwargs):
        staging.append(True)
        try:
            return stage(*args, **kwargs)
        finally:
            staging.clear()

    def watched_update(shop, **kwargs):
        looks.append((bool(staging), kwargs.get("chase", True)))
        return update(shop, **kwargs)

    monkeypatch.setattr(bulk, "stage", watched_stage)
    monkeypatch.setattr(search_index, "update", watched_update)

    run_job(sync_source(db, source_id))

    assert (True, False) in looks  # a look during staging, not chasing
    with db.session(write=False) as s:
        newest = s.scalar(text("SELECT max(id) FROM offers"))
    assert indexed_to(db) == newest
    assert current(db) == {f"A{i}": 5100 for i in range(3000)}
    assert_index_matches_offers(db)
