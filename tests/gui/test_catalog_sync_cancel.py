"""Closing the program while a large file is being applied cancels the sync promptly; the copy
stays at the last whole sequence and the next sync finishes the job."""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication
from sqlalchemy import text

from shop_desk.catalog import parsing
from shop_desk.catalog.manifest import SupplierInfo
from shop_desk.catalog.publisher import publish
from shop_desk.catalog.records import OfferRecord
from shop_desk.catalog.sync import sync_source
from shop_desk.gui.catalog.sync_runner import SyncRunner
from shop_desk.progress import run_job
from tests.helpers.folder_source import add_folder_source
from tests.helpers.search_index import assert_index_matches_offers

SUPPLIER = SupplierInfo(code="gz", name="广州饮料批发")


def catalog(count: int, price: int) -> list[OfferRecord]:
    return [
        OfferRecord(sku=f"S{i:06d}", name=f"可口可乐 {i} 号", pack_size=24, tiers=((1, price),))
        for i in range(count)
    ]


def copy_of(db) -> tuple[int | None, int, set[int]]:
    with db.session(write=False) as s:
        sequence = s.scalar(text("SELECT sequence FROM catalog_sources"))
        count = s.scalar(text("SELECT count(*) FROM current_offers"))
        prices = set(s.scalars(text("SELECT DISTINCT price_fen FROM current_offers")))
    assert_index_matches_offers(db)
    return sequence, count, prices


def test_quitting_cancels_a_running_sync_and_keeps_the_last_copy(qtbot, ctx, tmp_path, monkeypatch):
    # The syncs this test runs itself parse in worker processes, as for 1M offers (the
    # window's sync runs in a child process of its own: catalog.sync_process).
    monkeypatch.setattr(parsing, "IN_PROCESS_BELOW", 0)
    feed = tmp_path / "feed"
    publish(catalog(200, 5000), SUPPLIER, feed)
    source_id = add_folder_source(ctx.db, feed, "广州")
    run_job(sync_source(ctx.db, source_id))
    publish(catalog(60_000, 4000), SUPPLIER, feed)

    runner = SyncRunner(ctx)
    progress: list[int] = []
    ctx.events.progress.connect(lambda done, total, _m: progress.append(done * 2 > total > 0))
    runner.sync([source_id])
    qtbot.waitUntil(lambda: any(progress), timeout=60_000)  # downloaded, now applying
    with qtbot.waitSignal(runner.finished, timeout=10_000) as finished:
        asked = time.perf_counter()
        QCoreApplication.instance().aboutToQuit.emit()
    assert time.perf_counter() - asked < 3.0
    ((_name, outcome, error),) = finished.args[0]
    assert error == "" and outcome.status == "cancelled"
    assert copy_of(ctx.db) == (1, 200, {5000})

    run_job(sync_source(ctx.db, source_id))  # the next sync clears the staged rows, finishes
    assert copy_of(ctx.db) == (2, 60_000, {4000})
