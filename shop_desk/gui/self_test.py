"""`shop-desk --self-test`: the real window, a throw-away database, one sale typed as a cashier.

Run by CI and by the frozen build after packaging, so it checks what packaging can break:
the .qm translations and Qt's own, the icon, the migrations, the counter's keys, a commit,
pinyin search (pypinyin's data files), an online backup, the CA bundle, libpq and NumPy.
The temporary folder has Chinese characters in its name on purpose (user names often do).
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, Qt
from PySide6.QtGui import QKeyEvent, QPixmap
from PySide6.QtWidgets import QApplication, QWidget


class SelfTestError(Exception):
    pass


def check(condition: object, what: str) -> None:
    if not condition:
        raise SelfTestError(what)


def pump(app: QApplication, until, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        if until():
            return True
        time.sleep(0.005)
    return bool(until())


def press(widget: QWidget, key: Qt.Key, text: str = "") -> None:
    """A key press and release, delivered as the keyboard (or a scanner) would.

    Plain events, not QtTest: the frozen build leaves QtTest out.
    """
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        event = QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, text)
        QApplication.sendEvent(widget, event)


def type_text(widget: QWidget, text: str) -> None:
    for char in text:
        key = Qt.Key(ord(char.upper())) if char.isascii() else Qt.Key.Key_unknown
        press(widget, key, char)


def check_resources() -> None:
    from shop_desk.gui.app import use_language
    from shop_desk.gui.i18n_qt import app_icon, icon_path, our_qm

    installed = use_language("zh_CN")
    check(installed.loaded.get("shop_desk"), f"cannot load the translation {our_qm('zh_CN')}")
    check(installed.loaded.get("qtbase"), "cannot load Qt's own Chinese translation (qtbase)")
    counter = QCoreApplication.translate("MainWindow", "Counter")
    check(counter == "收银", f"the translation does not apply (Counter -> {counter!r})")
    check(QPixmap(str(icon_path("png"))).width() >= 32, f"cannot load {icon_path('png')}")
    check(not app_icon().isNull(), "the application icon is empty")


def check_libraries() -> None:
    """What the PyInstaller bundle must carry beside Qt (each has been left out by a spec)."""
    import numpy
    import requests.certs

    bundle = Path(requests.certs.where())
    check(bundle.is_file() and bundle.stat().st_size > 1000, f"no CA certificates at {bundle}")
    check(int(numpy.arange(4).sum()) == 6, "NumPy does not compute")
    try:
        import psycopg
    except ImportError as exc:
        if getattr(sys, "frozen", False):  # the bundle must carry it; a source install may not
            raise SelfTestError(f"the PostgreSQL driver is missing: {exc}") from exc
    else:
        check(psycopg.pq.version() >= 100000, "libpq (PostgreSQL client library) is not loaded")
    _check_row_images()
    memory = sqlite3.connect(":memory:")
    try:  # product and offer search use FTS5 with the trigram tokenizer
        memory.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='trigram')")
    except sqlite3.Error as exc:
        raise SelfTestError(f"this SQLite has no FTS5 trigram: {exc}") from exc
    finally:
        memory.close()


def _check_row_images() -> None:
    """A large feed's blocks come back from the parsing workers as SQLite database images
    (catalog/row_image.py): this SQLite must serialize and deserialize."""
    from shop_desk.catalog.row_image import image_of, pairs_of

    ops = {"T1": ("T1", None, "自检", *("",) * 16), "T2": None}
    try:
        back = pairs_of(image_of(ops))
    except (AttributeError, sqlite3.Error) as exc:
        raise SelfTestError(f"this SQLite cannot serialize a database: {exc}") from exc
    check(back == list(ops.items()), f"a database image changed its rows: {back}")


def run_self_test(app: QApplication) -> None:
    from shop_desk.gui.dialogs.error import ExceptionHook

    hook = ExceptionHook(show_dialogs=False).install()
    try:
        check_resources()
        check_libraries()
        with tempfile.TemporaryDirectory(prefix="shop-desk-自检-") as tmp:
            _sell_once(app, Path(tmp) / "数据", hook)
    finally:
        hook.uninstall()


def _sell_once(app: QApplication, folder: Path, hook) -> None:
    from shop_desk.db import SCHEMA_HEAD
    from shop_desk.db.engine import open_database
    from shop_desk.gui.context import AppContext, Events
    from shop_desk.gui.main_window import MainWindow
    from shop_desk.gui.tasks import TaskRunner
    from shop_desk.settings import load_settings

    db = open_database(folder=folder, idle_checkpoints=True)
    try:
        check(db.current_revision() == SCHEMA_HEAD, "the database was not migrated to the head")
        with db.read() as session:
            settings = load_settings(session)
        ctx = AppContext(db, settings, TaskRunner(), Events(), folder)
        window = MainWindow(ctx)
        try:
            window.show()
            window.activateWindow()
            pump(app, lambda: window.isVisible(), 2)
            product_id, code = _stock_one_product(db)
            _checkout_by_keys(app, window.counter_page)
            check(hook.count == 0, f"an error was raised:\n{hook.last_details}")
            _check_stock(db, product_id, code)
            _check_search_and_backup(db, product_id, folder)
            _sync_in_a_child(db, folder)
        finally:
            window.close()
            ctx.tasks.shutdown()
    finally:
        db.dispose()


def _sync_in_a_child(db, folder: Path) -> None:
    """A catalog sync as the window runs it: in a child process (spawn). In the bundle this
    is what proves multiprocessing.freeze_support() and the frozen child's imports work."""
    from sqlalchemy import text

    from shop_desk.catalog.manifest import SupplierInfo
    from shop_desk.catalog.publisher import publish
    from shop_desk.catalog.records import OfferRecord
    from shop_desk.catalog.sync_process import ChildSync
    from shop_desk.db.models import CatalogSource
    from shop_desk.progress import run_job

    feed = folder / "自检货源"
    from shop_desk.text import gtin_with_check_digit

    offers = [
        OfferRecord(
            sku=f"T{i:03d}",
            name=f"自检饮料 {i} 号",
            pack_size=12,
            tiers=((1, 3600),),
            gtin=gtin_with_check_digit(f"69500000{i:04d}"),
        )
        for i in range(20)
    ]
    publish(offers, SupplierInfo(code="selftest", name="自检批发部"), feed)
    with db.session() as session:
        source = CatalogSource(kind="folder", name="自检批发部", location=str(feed))
        session.add(source)
        session.flush()
        source_id = source.id
    child = ChildSync(db, [(source_id, "自检批发部", "folder")])
    ((_name, outcome, error),) = run_job(child.run())
    child.finish()
    check(outcome is not None, f"the catalog sync in a child process failed: {error}")
    with db.read() as session:
        count = session.scalar(text("SELECT count(*) FROM current_offers"))
    check(count == len(offers), f"the child's sync left {count} offers, not {len(offers)}")
    _check_offer_search(db, len(offers))


def _check_offer_search(db, count: int) -> None:
    """The child built the offers' search index file (FTS5 in a file of its own, attached),
    and search answers from it by name, by pinyin initials and by barcode prefix."""
    import sqlite3
    from contextlib import closing

    from shop_desk.catalog import search_index
    from shop_desk.catalog.offers import search_offers

    shop = search_index.shop_path(db)
    with closing(sqlite3.connect(shop)) as conn:
        path = search_index.file_for(shop, search_index.generation(conn))
        top = conn.execute("SELECT max(id) FROM offers").fetchone()[0]
    with closing(sqlite3.connect(path)) as conn:
        indexed_to = search_index.read_meta(conn)["indexed_to"]
        gtins = sum(
            conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in search_index.GTIN_TABLES
        )
    check(indexed_to >= top, f"the search index file covers offers up to {indexed_to}, not {top}")
    check(gtins == count, f"the search index file holds {gtins} GTINs, not {count}")
    with db.read() as session:
        for term in ("自检饮料", "zjyl", "69500000"):
            found = len(search_offers(session, term, limit=100))
            check(found == count, f"offer search for {term} found {found}, not {count}")


def _stock_one_product(db) -> tuple[int, str]:
    from shop_desk.inventory.products import ProductData, create_product
    from shop_desk.inventory.stock import receive_stock
    from shop_desk.text import gtin_with_check_digit

    code = gtin_with_check_digit("690123456789")
    with db.session() as session:
        data = ProductData(name="自检矿泉水 550ml", retail_price_fen=200, barcodes=[(code, 1)])
        product = create_product(session, data)
        receive_stock(session, product.id, 5, 500)
        return product.id, code


def _checkout_by_keys(app: QApplication, page) -> None:
    from shop_desk.text import gtin_with_check_digit

    code = gtin_with_check_digit("690123456789")
    page.scan_box.setFocus()
    type_text(page.scan_box, code)
    press(page.scan_box, Qt.Key.Key_Return, "\r")
    type_text(page.scan_box, code)  # a second scan adds to the line
    press(page.scan_box, Qt.Key.Key_Return, "\r")
    check(len(page.cart.lines) == 1, "the scanned barcode did not add a line")
    check(page.cart.lines[0].qty == 2, "a second scan did not add to the line")
    press(page.scan_box, Qt.Key.Key_F12)
    check(page.pay_box.isVisible(), "F12 did not open the payment box")
    receipts, failures = [], []
    page.sold.connect(receipts.append)
    page.sale_failed.connect(failures.append)
    type_text(page.pay_box.cash, "10")
    press(page.pay_box.cash, Qt.Key.Key_Return, "\r")
    check(pump(app, lambda: receipts or failures, 20), "the checkout did not finish in 20 s")
    check(not failures, f"the checkout failed: {failures[:1]}")
    check(receipts[0].change_fen == 600, f"wrong change: {receipts[0].change_fen} fen")
    check(not page.cart.lines, "the cart was not cleared after the sale")


def _check_stock(db, product_id: int, code: str) -> None:
    from shop_desk.inventory.products import get_product, lookup_code

    with db.read() as session:
        check(lookup_code(session, code) is not None, "the barcode is not found after the sale")
        on_hand = get_product(session, product_id).on_hand
    check(on_hand == 3, f"stock should be 3 after selling 2 of 5, it is {on_hand}")


def _check_search_and_backup(db, product_id: int, folder: Path) -> None:
    from shop_desk.backup import backup_now, verify_backup
    from shop_desk.inventory.search import search_products

    with db.read() as session:
        found = [p.id for p in search_products(session, "zjkqs")]  # 自检矿泉水 by initials
    check(found == [product_id], f"pinyin search did not find the product: {found}")
    copy = backup_now(db, folder / "备份", label="self-test")
    verify_backup(copy)
