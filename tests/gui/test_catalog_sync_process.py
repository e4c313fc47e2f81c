"""The window's catalog sync runs in a child process: driven through a real offscreen Catalog
page against a real feed (a folder, or HTTP on 127.0.0.1), over a real SQLite shop."""

from __future__ import annotations

import itertools
import multiprocessing
import os
import signal
import threading
import time

import pytest
from sqlalchemy import text

from shop_desk import i18n
from shop_desk.catalog.http_transport import set_token
from shop_desk.catalog.manifest import SupplierInfo
from shop_desk.catalog.publisher import publish
from shop_desk.catalog.records import OfferRecord
from shop_desk.catalog.sync import sync_source
from shop_desk.db.engine import open_database
from shop_desk.db.models import CatalogSource, Product
from shop_desk.gui.catalog.page import CatalogPage
from shop_desk.i18n import tr
from shop_desk.inventory.counter import Cart, checkout
from shop_desk.inventory.stock import receive_stock
from shop_desk.progress import run_job
from tests.factories import make_product
from tests.feed_server import FeedServer

SUPPLIER = SupplierInfo(code="gz", name="广州饮料批发")
CHILD = "shop-desk-catalog-sync"


def catalog(count: int, price: int) -> list[OfferRecord]:
    return [
        OfferRecord(sku=f"S{i:06d}", name=f"可口可乐 {i} 号", pack_size=24, tiers=((1, price),))
        for i in range(count)
    ]


def add_source(db, kind: str, location: str) -> int:
    with db.session() as s:
        source = CatalogSource(kind=kind, name="广州", location=location)
        s.add(source)
        s.flush()
        return source.id


def copy_of(db) -> tuple[int | None, int, set[int]]:
    with db.session(write=False) as s:
        sequence = s.scalar(text("SELECT sequence FROM catalog_sources"))
        count = s.scalar(text("SELECT count(*) FROM current_offers"))
        prices = set(s.scalars(text("SELECT DISTINCT price_fen FROM current_offers")))
    return sequence, count, prices


def sync_children() -> list[multiprocessing.Process]:
    return [p for p in multiprocessing.active_children() if p.name == CHILD]


@pytest.fixture
def page(ctx, qtbot):
    widget = CatalogPage(ctx)
    qtbot.addWidget(widget)
    widget.show()
    return widget


@pytest.fixture
def server(tmp_path):
    srv = FeedServer(tmp_path / "served")
    yield srv
    srv.close()


def test_progress_arrives_from_the_child_and_the_report_shows(ctx, qtbot, page, server):
    publish(catalog(3000, 5000), SUPPLIER, server.root)
    server.faults.token = "s3cret"
    source_id = add_source(ctx.db, "http", server.url)
    set_token(source_id, "s3cret")  # in the window's keyring: the child must read it there
    progress, children = [], []

    def seen(done: int, total: int, message: str) -> None:
        progress.append((done, total, message))
        children.extend(p.pid for p in sync_children())

    ctx.events.progress.connect(seen)
    with qtbot.waitSignal(page.sync_runner.finished, timeout=60_000) as finished:
        page.sync_runner.sync([source_id])
    ((name, outcome, error),) = finished.args[0]
    assert (name, error, outcome.status, outcome.upserts) == ("广州", "", "updated", 3000)
    assert children and os.getpid() not in children  # the work ran in a child process
    assert any(total > 0 and 0 < done <= total for done, total, _m in progress)
    assert all(message.startswith("广州: ") for done, _t, message in progress if done >= 0)
    assert progress[-1][0] == -1  # the status bar's progress is cleared at the end
    assert copy_of(ctx.db) == (1, 3000, {5000})
    assert "3000" in page.last_report.text.toPlainText()
    qtbot.waitUntil(lambda: not page.sync_runner._tidying, timeout=30_000)
    assert not sync_children() and not ctx.db.gate._peers  # ended, no longer taking turns


def test_an_error_in_the_child_reaches_the_window_in_the_owners_language(ctx, qtbot, page, server):
    i18n.set_language("zh_CN")  # the owner's language; the tests' own is English
    publish(catalog(10, 5000), SUPPLIER, server.root)
    server.faults.token = "s3cret"  # and none in the keyring
    source_id = add_source(ctx.db, "http", server.url)
    with qtbot.waitSignal(page.sync_runner.finished, timeout=60_000) as finished:
        page.sync_runner.sync([source_id])
    ((_name, outcome, error),) = finished.args[0]
    expected = tr(
        "The supplier's server refused access ({status}): the token is wrong or missing. "
        "Check the token the supplier gave you.",
        status=401,
    )
    assert outcome is None and error == expected
    assert "401" in error and any("\u4e00" <= ch <= "\u9fff" for ch in error)
    assert error in page.last_report.text.toPlainText()
    with ctx.db.session(write=False) as s:
        assert s.scalar(text("SELECT last_error FROM catalog_sources")) == expected
    assert copy_of(ctx.db) == (None, 0, set())


def test_a_child_killed_mid_sync_is_reported_and_the_copy_stays_whole(ctx, qtbot, page, tmp_path):
    feed = tmp_path / "feed"
    publish(catalog(200, 5000), SUPPLIER, feed)
    source_id = add_source(ctx.db, "folder", str(feed))
    run_job(sync_source(ctx.db, source_id))
    publish(catalog(60_000, 4000), SUPPLIER, feed)
    killed = []

    def kill_once(done: int, total: int, _message: str) -> None:
        if not killed and done * 2 > total > 0:  # downloaded, now applying
            for child in sync_children():
                os.kill(child.pid, signal.SIGKILL)
                killed.append(child.pid)

    ctx.events.progress.connect(kill_once)
    with qtbot.waitSignal(page.sync_runner.finished, timeout=60_000) as finished:
        page.sync_runner.sync([source_id])
    assert killed
    ((_name, outcome, error),) = finished.args[0]
    assert outcome is None
    assert error == tr(
        "The catalog update stopped unexpectedly (exit code {code}). The files already "
        "applied are kept; try again.",
        code=-signal.SIGKILL,
    )
    assert error in page.last_report.text.toPlainText()
    assert copy_of(ctx.db) == (1, 200, {5000})
    qtbot.waitUntil(lambda: not page.sync_runner._tidying, timeout=30_000)
    assert not ctx.db.gate._peers  # a dead child's raised flag stalls no checkout
    with ctx.db.gate.write():
        pass

    with qtbot.waitSignal(page.sync_runner.finished, timeout=120_000) as finished:
        page.sync_runner.sync([source_id])  # the next sync clears what was staged, finishes
    ((_name, outcome, error),) = finished.args[0]
    assert error == "" and outcome.status == "updated"
    assert copy_of(ctx.db) == (2, 60_000, {4000})


def test_the_window_and_the_counter_keep_going_during_a_large_sync(ctx, qtbot, page, tmp_path):
    """Responsiveness, not its figures (benchmarks/bench_catalog_sync.py measures those): the
    event loop keeps turning and sales go through while the child writes 60,000 offers."""
    from PySide6.QtCore import QTimer

    with ctx.db.session() as s:
        product_id = make_product(s, "可口可乐 500ml", 300).id
        receive_stock(s, product_id, 100_000, 100_000 * 200)
    feed = tmp_path / "feed"
    publish(catalog(60_000, 4000), SUPPLIER, feed)
    source_id = add_source(ctx.db, "folder", str(feed))
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    sales: list[tuple[float, float]] = []
    stop = threading.Event()

    def counter() -> None:
        till = open_database(folder=ctx.db.folder)  # another window of the same shop
        try:
            while not stop.is_set():
                started = time.perf_counter()
                with till.session() as s:
                    cart = Cart()
                    cart.add(s.get(Product, product_id))
                    checkout(s, cart)
                sales.append((started, time.perf_counter()))
                time.sleep(0.05)
        finally:
            till.dispose()

    thread = threading.Thread(target=counter)
    applying = []
    ctx.events.progress.connect(
        lambda done, total, _m: (
            applying.append(time.perf_counter()) if done * 2 > total > 0 else None
        )
    )
    timer.start()
    thread.start()
    try:
        with qtbot.waitSignal(page.sync_runner.finished, timeout=180_000) as finished:
            started = time.perf_counter()
            page.sync_runner.sync([source_id])
        ended = time.perf_counter()
    finally:
        stop.set()
        thread.join()
        timer.stop()
    ((_name, outcome, error),) = finished.args[0]
    assert error == "" and outcome.upserts == 60_000
    assert copy_of(ctx.db) == (1, 60_000, {4000})
    during = [t for t in ticks if started <= t <= ended]
    gaps = [b - a for a, b in itertools.pairwise(during)]
    assert len(during) > 10 and max(gaps) < 1.0
    sold_while_applying = [
        (a, b) for a, b in sales if applying and applying[0] <= a and b <= applying[-1]
    ]
    assert sold_while_applying and max(b - a for a, b in sold_while_applying) < 1.0
