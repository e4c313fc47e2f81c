"""A large feed file is decoded in a worker process: what comes back (rows as a database
image, row_image.py) equals what decoding in this process gives, lines and rejects included."""

import gzip
import json
import threading

import pytest

from shop_desk.catalog import parsing
from shop_desk.catalog.decode import decode_block
from shop_desk.catalog.files import iter_gzip_blocks
from shop_desk.catalog.row_image import RowImage, pairs_of
from shop_desk.catalog.transport import Cancelled
from tests.test_catalog_records import GOOD


def write_feed(path, lines: int) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for n in range(lines):
            record = {**GOOD, "sku": f"S{n:06d}", "name": f"可口可乐 {n} 号"}
            if n % 997 == 5:
                record["tiers"] = [{"min_packs": 1, "unit_price_fen": -3}]  # rejected
            if n % 1009 == 7:
                record["brand"] = "  雪碧 "  # accepted, trimmed (the slow way)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            if n % 2003 == 11:
                out.write("{not json\n")


def test_a_worker_decodes_as_this_process_does(tmp_path):
    path = tmp_path / "feed.ndjson.gz"
    write_feed(path, 12_000)
    limit = 1 << 30
    here = [decode_block(first, block, True) for first, block in iter_gzip_blocks(path, limit)]
    cancel = threading.Event()
    # `size` says how big the file is announced: big enough, the blocks go to a worker.
    batches = parsing.decoded_batches(
        path, limit, snapshot=True, size=parsing.IN_PROCESS_BELOW, cancel=cancel
    )
    there = list(batches)
    assert all(type(rows) is RowImage for rows, _ in there)
    # An image states each SKU of its block once (here every SKU is stated once anyway).
    assert [(pairs_of(rows), rejects) for rows, rejects in there] == here
    pairs = [pair for rows, _ in there for pair in pairs_of(rows)]
    rejects = [reject for _, batch in there for reject in batch]
    assert len(pairs) == 12_000 - len(range(5, 12_000, 997))
    assert all(type(row) is tuple for _, row in pairs)
    # Line 6 holds S000005 (a negative price), line 13 the "{not json" after S000011.
    assert {line for line, _ in rejects} >= {6, 13}
    trimmed = dict(pairs)["S000007"]
    assert trimmed[5] == "雪碧"


def test_a_cancel_stops_the_worker_decoding(tmp_path):
    path = tmp_path / "feed.ndjson.gz"
    write_feed(path, 3_000)
    cancel = threading.Event()
    batches = parsing.decoded_batches(
        path, 1 << 30, snapshot=True, size=parsing.IN_PROCESS_BELOW, cancel=cancel
    )
    cancel.set()
    with pytest.raises(Cancelled):
        next(batches)


def in_workers(path, limit: int) -> list:
    """Every block of the file at `path`, decoded by workers (announced big enough)."""
    cancel = threading.Event()
    batches = parsing.decoded_batches(
        path, limit, snapshot=True, size=parsing.IN_PROCESS_BELOW, cancel=cancel
    )
    return list(batches)


def test_a_bad_file_read_for_the_workers_says_why(tmp_path):
    """The blocks for workers are read in a thread of their own: what goes wrong there (a
    truncated file, a bomb) reaches the sync with the reader's own message."""
    from shop_desk.errors import InputError

    path = tmp_path / "feed.ndjson.gz"
    write_feed(path, 6_000)
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(InputError, match="truncated"):
        in_workers(path, 1 << 30)
    path.write_bytes(whole)
    with pytest.raises(InputError, match="unpacks to more"):
        in_workers(path, 1 << 20)
    # ...and no reader is left running
    assert not [t for t in threading.enumerate() if t.name == "feed-reader"]
