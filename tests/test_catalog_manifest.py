import gzip
import json
import zlib

import pytest

from shop_desk.catalog.files import iter_gzip_lines
from shop_desk.catalog.manifest import parse_manifest, safe_relative_path
from shop_desk.errors import InputError

SHA = "a" * 64


def manifest(**change) -> bytes:
    doc = {
        "format": "shop-desk-catalog/1",
        "supplier": {
            "id": "gz",
            "name": "广州",
            "shipping": {"fee_fen": 1500, "free_over_fen": 30000},
            "member_tiers": [
                {"name": "B2", "monthly_spend_fen": 1000000, "discount_bp": 300},
                {"name": "B1", "monthly_spend_fen": 200000, "discount_bp": 100},
            ],
            "mixed_batch": {"min_amount_fen": 10000, "min_units": 5},
        },
        "sequence": 125,
        "snapshot": {
            "sequence": 123,
            "path": "snapshots/123.ndjson.gz",
            "sha256": SHA,
            "bytes": 10,
            "records": 1,
        },
        "changes": [
            {"sequence": s, "path": f"changes/{s}.ndjson.gz", "sha256": SHA, "bytes": 10}
            for s in (124, 125)
        ],
    }
    doc.update(change)
    return json.dumps(doc).encode()


def test_parse_and_plan():
    m = parse_manifest(manifest())
    assert [t.name for t in m.supplier.member_tiers] == ["B1", "B2"]
    assert (m.supplier.mixed_min_amount_fen, m.supplier.free_over_fen) == (10000, 30000)
    assert m.plan(125) == ([], False)
    files, snap = m.plan(123)
    assert [f.sequence for f in files] == [124, 125] and not snap
    files, snap = m.plan(None)
    assert snap and [f.sequence for f in files] == [123, 124, 125]
    files, snap = m.plan(100)  # older than the oldest change kept: full resync
    assert snap and files[0].path == "snapshots/123.ndjson.gz"


def test_minor_version_accepted_major_refused():
    assert parse_manifest(manifest(format="shop-desk-catalog/1.3")).sequence == 125
    with pytest.raises(InputError, match="cannot read"):
        parse_manifest(manifest(format="shop-desk-catalog/2"))


@pytest.mark.parametrize(
    "path",
    [
        "../etc/passwd",
        "/abs/file.gz",
        "https://evil.example/x.gz",
        "a\\b.gz",
        "a/../b.gz",
        "c:/x.gz",
        "",
        "changes//1.gz",
        "./x.gz",
    ],
)
def test_unsafe_paths_refused(path):
    with pytest.raises(InputError, match="unsafe"):
        safe_relative_path(path)
    bad = {"sequence": 125, "path": path, "sha256": SHA, "bytes": 1}
    with pytest.raises(InputError):
        parse_manifest(manifest(changes=[bad]))


def test_gaps_and_garbage_refused():
    gap = [
        {"sequence": s, "path": f"changes/{s}.gz", "sha256": SHA, "bytes": 1}
        for s in (122, 124, 125)
    ]
    with pytest.raises(InputError, match="contiguous"):
        parse_manifest(manifest(changes=gap))
    with pytest.raises(InputError, match="JSON"):
        parse_manifest(b"{not json")
    with pytest.raises(InputError, match="supplier"):
        parse_manifest(manifest(supplier={"name": "no id"}))
    with pytest.raises(InputError, match="sha256"):
        parse_manifest(
            manifest(snapshot={"sequence": 1, "path": "s.gz", "sha256": "x", "bytes": 1})
        )


def test_gzip_reader_limits(tmp_path):
    good = tmp_path / "good.gz"
    good.write_bytes(gzip.compress(b'{"a":1}\n{"b":2}\n'))
    assert [n for n, _ in iter_gzip_lines(good, 1000)] == [1, 2]
    truncated = tmp_path / "truncated.gz"
    truncated.write_bytes(good.read_bytes()[:-6])
    with pytest.raises(InputError, match="truncated"):
        list(iter_gzip_lines(truncated, 1000))
    bomb = tmp_path / "bomb.gz"
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    bomb.write_bytes(compressor.compress(b"\n" * 50_000_000) + compressor.flush())
    assert bomb.stat().st_size < 100_000
    with pytest.raises(InputError, match="more than"):
        list(iter_gzip_lines(bomb, 1_000_000))
    not_gzip = tmp_path / "plain.gz"
    not_gzip.write_bytes(b'{"a":1}\n')
    with pytest.raises(InputError, match="not gzip"):
        list(iter_gzip_lines(not_gzip, 1000))
