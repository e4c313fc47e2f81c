"""kill -9 at random moments during catalog syncs: the local copy is always exactly the
catalog as of the checkpoint, never a partly applied file."""

import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import text

from shop_desk.catalog.manifest import SupplierInfo
from shop_desk.catalog.publisher import load_published, publish
from shop_desk.catalog.records import OfferRecord
from shop_desk.db.engine import open_database
from shop_desk.db.models import CatalogSource
from shop_desk.inventory.check import check_database
from tests.helpers.folder_source import add_folder_source
from tests.helpers.search_index import assert_index_matches_offers

pytestmark = pytest.mark.slow

SEQUENCES = 8
CHILD = """
import sys
from pathlib import Path
from shop_desk.db.engine import open_database
from shop_desk.catalog.sync import sync_source
from shop_desk.progress import run_job
db = open_database(folder=Path(sys.argv[1]))
print("syncing", flush=True)
run_job(sync_source(db, int(sys.argv[2]), work_dir=Path(sys.argv[3])))
print("done", flush=True)
"""


def _catalogs(feed, count):
    """Publish `count` sequences; return {sequence: {sku: price}} as each was published."""
    rng = random.Random(7)
    skus = {f"S{i:05d}": 1000 + i for i in range(12000)}
    expected = {}
    for sequence in range(1, count + 1):
        if sequence > 1:
            for sku in rng.sample(sorted(skus), 3000):
                skus[sku] -= rng.randint(1, 50)
            for sku in rng.sample(sorted(skus), 200):
                del skus[sku]
            for i in range(300):
                skus[f"N{sequence}-{i}"] = 2000 + i
        publish(
            [
                OfferRecord(sku=k, name=f"商品 {k}", pack_size=12, tiers=((1, v),))
                for k, v in skus.items()
            ],
            SupplierInfo(code="gz", name="广州"),
            feed,
            snapshot_every=100,
        )
        expected[sequence] = dict(skus)
    _, last = load_published(feed)
    assert {k: json.loads(v)["tiers"][0]["unit_price_fen"] for k, v in last.items()} == skus
    return expected


def test_kill_during_sync_never_leaves_a_partial_file(tmp_path):
    feed = tmp_path / "feed"
    expected = _catalogs(feed, SEQUENCES)
    folder = tmp_path / "shop"
    db = open_database(folder=folder)
    source_id = add_folder_source(db, feed, "广州")
    rng = random.Random(11)
    kills = completed = 0
    durations = []
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    for _ in range(14):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(folder), str(source_id), str(tmp_path / "dl")],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        # Timed from the sync's start, not the process's: how long Python takes to start
        # and import differs more between machines than the sync itself.
        child.stdout.readline()
        try:
            started = time.perf_counter()
            child.wait(timeout=rng.uniform(0.0, 0.8))
            durations.append(time.perf_counter() - started)
            completed += 1
            assert child.returncode == 0, child.stderr.read().decode()[-2000:]
        except subprocess.TimeoutExpired:
            child.send_signal(signal.SIGKILL)
            child.wait()
            kills += 1
        _assert_whole_sequence(db, source_id, expected)
        if completed and rng.random() < 0.5:
            with db.session() as s:  # start over from the snapshot on the next run
                s.get(CatalogSource, source_id).sequence = None
                s.get(CatalogSource, source_id).etag = None
    assert kills >= 5, f"syncs took {durations}"


def _assert_whole_sequence(db, source_id, expected):
    with db.session(write=False) as s:
        sequence = s.get(CatalogSource, source_id).sequence
        rows = dict(s.execute(text("SELECT sku, price_fen FROM current_offers")).all())
        assert check_database(s).integrity == "ok"
    # the search index, caught up, holds the offers exactly (whatever the kill interrupted)
    assert_index_matches_offers(db)
    if sequence is None:
        assert rows == {}
    else:
        assert rows == expected[sequence], f"copy differs from sequence {sequence}"
