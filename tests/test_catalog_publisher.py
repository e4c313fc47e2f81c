import gzip
import json

import pytest

from shop_desk.catalog.files import sha256_file
from shop_desk.catalog.manifest import SupplierInfo, parse_manifest
from shop_desk.catalog.publisher import load_published, publish
from shop_desk.catalog.records import OfferRecord
from shop_desk.errors import InputError

SUPPLIER = SupplierInfo(
    code="gz-drinks",
    name="广州饮料批发",
    lead_time_days=2,
    shipping_fee_fen=1500,
    free_over_fen=30000,
)


def offer(sku: str, price: int = 5400, name: str = "可口可乐 500ml") -> OfferRecord:
    return OfferRecord(
        sku=sku,
        name=name,
        pack_size=24,
        tiers=((1, price), (5, price - 300)),
        gtin=None,
        pack_name="箱",
    )


def read(path):
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def test_first_publish_writes_a_snapshot_and_a_verifiable_manifest(tmp_path):
    result = publish([offer("A1"), offer("A2")], SUPPLIER, tmp_path)
    assert (result.sequence, result.upserts, result.snapshot_written) == (1, 2, True)
    manifest = parse_manifest((tmp_path / "feed.json").read_bytes())
    assert manifest.sequence == 1 and manifest.changes == []
    snap = manifest.snapshot
    assert snap.sha256 == sha256_file(tmp_path / snap.path)
    assert snap.bytes == (tmp_path / snap.path).stat().st_size
    assert [r["sku"] for r in read(tmp_path / snap.path)] == ["A1", "A2"]
    assert manifest.supplier == SUPPLIER


def test_changes_hold_only_the_difference_and_unchanged_publishes_nothing(tmp_path):
    publish([offer("A1"), offer("A2"), offer("A3")], SUPPLIER, tmp_path)
    result = publish([offer("A1"), offer("A2", 5000), offer("A4")], SUPPLIER, tmp_path)
    assert (result.sequence, result.upserts, result.deletes) == (2, 2, 1)
    change = read(tmp_path / "changes/2.ndjson.gz")
    assert change[-1] == {"op": "delete", "sku": "A3"}
    assert {r["sku"] for r in change[:-1]} == {"A2", "A4"}
    again = publish([offer("A1"), offer("A2", 5000), offer("A4")], SUPPLIER, tmp_path)
    assert not again.changed and again.sequence == 2
    _, catalog = load_published(tmp_path)
    assert sorted(catalog) == ["A1", "A2", "A4"]


def test_snapshot_every_n_and_pruning(tmp_path):
    for price in range(5400, 5400 - 12, -1):
        publish(
            [offer("A1", price), offer("B1")], SUPPLIER, tmp_path, snapshot_every=5, retention=4
        )
    manifest = parse_manifest((tmp_path / "feed.json").read_bytes())
    assert manifest.sequence == 12
    assert manifest.snapshot.sequence == 11
    assert [c.sequence for c in manifest.changes] == [9, 10, 11, 12]
    files = {p.name for p in (tmp_path / "changes").iterdir()}
    # the previous manifest's files survive one more round for readers mid-download
    assert files == {"8.ndjson.gz", "9.ndjson.gz", "10.ndjson.gz", "11.ndjson.gz", "12.ndjson.gz"}
    _, catalog = load_published(tmp_path)
    assert json.loads(catalog["A1"])["tiers"][0]["unit_price_fen"] == 5400 - 11
    files_after, needs_snapshot = manifest.plan(10)
    assert [f.sequence for f in files_after] == [11, 12] and not needs_snapshot
    files_after, needs_snapshot = manifest.plan(3)
    assert needs_snapshot and [f.sequence for f in files_after] == [11, 12]


def test_supplier_change_alone_rewrites_the_manifest_only(tmp_path):
    publish([offer("A1")], SUPPLIER, tmp_path)
    changed = SupplierInfo(**{**SUPPLIER.__dict__, "lead_time_days": 3})
    result = publish([offer("A1")], changed, tmp_path)
    assert result.sequence == 1 and not result.changed
    assert parse_manifest((tmp_path / "feed.json").read_bytes()).supplier.lead_time_days == 3


def test_duplicate_skus_refused_and_nothing_written(tmp_path):
    with pytest.raises(InputError, match="twice"):
        publish([offer("A1"), offer("A1")], SUPPLIER, tmp_path)
    assert not (tmp_path / "feed.json").exists()
