"""Main window, start-up pieces (single instance, language, probe), error hook, self-test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QLockFile, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox

from shop_desk.errors import StorageError
from shop_desk.gui.app import peek_language, single_instance
from shop_desk.gui.context import AppContext, Events
from shop_desk.gui.dialogs.error import ErrorDialog, ExceptionHook
from shop_desk.gui.main_window import PAGES, MainWindow, describe_database
from shop_desk.gui.pages.counter import CounterPage
from shop_desk.gui.pages.settings import SettingsPage
from shop_desk.gui.tasks import TaskRunner
from shop_desk.settings import ShopSettings, save_settings

from .modal import answer, when_modal

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("numpy", "pypinyin", "openpyxl", "alembic", "requests", "keyring")


@pytest.fixture
def ctx(sqlite_db, qtbot):
    tasks = TaskRunner()
    context = AppContext(sqlite_db, ShopSettings(shop_name="幸福便利店"), tasks, Events())
    yield context
    tasks.shutdown()


@pytest.fixture
def window(ctx, qtbot) -> MainWindow:
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitActive(win)
    return win


def test_opens_on_the_counter_and_ctrl_n_switches_pages(qtbot, window):
    assert window.current_key == "counter"
    assert isinstance(window.stack.currentWidget(), CounterPage)
    assert set(window.pages) == {"counter"}  # other pages are built when first shown
    qtbot.keyClick(window, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(window.stack.currentWidget(), SettingsPage)
    assert window.nav.currentRow() == PAGES.index("settings")
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert type(window.stack.currentWidget()).__name__ == "ReorderPage"
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert type(window.stack.currentWidget()).__name__ == "StockPage"
    window.nav.setCurrentRow(PAGES.index("reports"))  # a click on the list
    assert window.current_key == "reports"
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.counter_page


def test_every_page_builds(qtbot, window):
    for key in PAGES:
        window.show_page(key)
        assert window.current_key == key
        assert window.stack.currentWidget() is window.pages[key]


def test_status_bar_shows_shop_database_progress_and_busy(qtbot, ctx, window):
    assert window.shop_label.text() == "幸福便利店"
    assert window.db_label.text().endswith("shop.sqlite3")
    assert "幸福便利店" in window.windowTitle()
    ctx.events.progress.emit(3, 10, "syncing")
    assert window.progress.isVisible() and window.progress.value() == 3
    assert window.statusBar().currentMessage() == "syncing"
    ctx.events.progress.emit(-1, 0, "")
    assert not window.progress.isVisible()
    assert window.statusBar().currentMessage() == ""  # the finished job's message goes
    ctx.events.status_message.emit("hello")
    assert window.statusBar().currentMessage() == "hello"
    ctx.tasks.run(lambda: time.sleep(0.6))
    qtbot.waitUntil(window.busy.isVisible, timeout=3000)
    qtbot.waitUntil(lambda: not window.busy.isVisible(), timeout=3000)


def test_postgres_url_is_shown_without_password():
    from shop_desk.db.engine import Database

    db = Database("postgresql+psycopg://shop:secret@10.0.0.5:5433/shop")
    assert describe_database(db) == "PostgreSQL 10.0.0.5:5433/shop"
    db.dispose()


def test_window_shown_before_the_database_then_attached(qtbot, ctx):
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    win.show_page("settings")  # ignored while the shop opens
    assert win.pages == {} and win.statusBar().currentMessage() == "Opening the shop…"
    win.attach(ctx)
    assert win.current_key == "counter" and win.shop_label.text() == "幸福便利店"


def test_settings_change_updates_the_status_bar(qtbot, ctx, window):
    ctx.settings = ShopSettings(shop_name="平安超市")
    ctx.events.settings_changed.emit()
    assert window.shop_label.text() == "平安超市"


def test_single_instance_per_data_folder(tmp_path):
    first = single_instance(tmp_path)
    assert first is not None and first.isLocked()
    assert single_instance(tmp_path) is None  # a second copy on the same folder
    first.unlock()
    again = single_instance(tmp_path)
    assert again is not None
    again.unlock()


def test_stale_lock_of_a_crashed_copy_is_taken_over(tmp_path):
    code = (
        "import os, sys; from PySide6.QtCore import QLockFile; "
        "lock = QLockFile(sys.argv[1]); assert lock.tryLock(0); os._exit(0)"
    )
    lock_path = tmp_path / "shop-desk.lock"
    subprocess.run([sys.executable, "-c", code, str(lock_path)], check=True, timeout=60)
    assert lock_path.exists()  # left behind, as after a crash
    lock = single_instance(tmp_path)
    assert isinstance(lock, QLockFile) and lock.isLocked()
    lock.unlock()


def test_language_is_read_before_the_database_stack(sqlite_db, tmp_path):
    assert peek_language(None, tmp_path / "shop") is None
    with sqlite_db.session() as s:
        save_settings(s, ShopSettings(language="en"))
    assert peek_language(None, tmp_path / "shop") == "en"
    assert peek_language("postgresql://x/y", tmp_path / "shop") is None
    assert peek_language(None, tmp_path / "nowhere") is None


def test_error_hook_logs_and_shows_copyable_details(qtbot, caplog):
    hook = ExceptionHook().install()
    dialogs = []

    def copy_and_close(dialog: ErrorDialog) -> None:
        dialogs.append(dialog.details.toPlainText())
        dialog.copy_button.click()
        dialog.accept()

    try:
        when_modal(copy_and_close, kind=ErrorDialog)
        try:
            raise ValueError("boom in a slot")
        except ValueError:
            sys.excepthook(*sys.exc_info())
    finally:
        hook.uninstall()
    assert "ValueError: boom in a slot" in dialogs[0]
    assert "boom in a slot" in QGuiApplication.clipboard().text()
    assert "boom in a slot" in caplog.text and hook.count == 1


def test_known_errors_show_just_their_sentence(qtbot):
    hook = ExceptionHook()
    texts = []

    def close(box: QMessageBox) -> None:
        texts.append(box.text())
        box.accept()

    when_modal(close, kind=QMessageBox)
    hook.handle(StorageError, StorageError("The disk is full."), None)
    assert texts == ["The disk is full."]


def test_error_in_a_worker_thread_reaches_the_gui_thread(qtbot):
    hook = ExceptionHook().install()
    shown = []
    when_modal(lambda d: (shown.append(d.details.toPlainText()), d.accept()), kind=ErrorDialog)
    try:
        thread = threading.Thread(target=lambda: 1 / 0)
        thread.start()
        thread.join()
        qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    finally:
        hook.uninstall()
    assert "ZeroDivisionError" in shown[0]


def test_error_hook_is_safe_without_stdout_and_stderr(qtbot, monkeypatch):
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    hook = ExceptionHook(show_dialogs=False)
    hook.handle(RuntimeError, RuntimeError("windowed exe"), None)
    from shop_desk.gui.app import say

    say("nothing to print to")
    assert hook.count == 1 and "windowed exe" in hook.last_details


def _env(home: Path) -> dict:
    env = dict(os.environ)
    env.update(QT_QPA_PLATFORM="offscreen", SHOP_DESK_HOME=str(home))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.pop("SHOP_DESK_DATABASE_URL", None)
    return env


@pytest.mark.slow
def test_self_test_passes(tmp_path):
    # Qt modules build.spec leaves out of the frozen build must not be needed.
    excluded = ["PySide6.QtTest", "PySide6.QtNetwork", "PySide6.QtSql", "PySide6.QtQml"]
    code = (
        f"import sys; sys.modules.update(dict.fromkeys({excluded!r})); "
        "from shop_desk.gui.app import self_test; raise SystemExit(self_test())"
    )
    env = _env(tmp_path / "home")
    env.pop("QT_QPA_PLATFORM")  # it must choose offscreen by itself without a display
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "self-test ok" in done.stdout


@pytest.mark.slow
def test_startup_probe_and_lean_imports(tmp_path):
    env = _env(tmp_path / "home")
    env["SHOP_DESK_STARTUP_PROBE"] = "1"
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "shop_desk"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    probe = json.loads(done.stdout.strip().splitlines()[-1])
    assert 0 < probe["shown_s"] <= probe["ready_s"] and probe["rss_mb"] >= 0
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    # Only a first run migrates (Alembic); none of the others may load at start-up.
    heavy = {name for name in imported if name.split(".")[0] in HEAVY}
    assert {name.split(".")[0] for name in heavy} <= {"alembic"}, sorted(heavy)[:10]


def test_window_code_does_not_import_heavy_modules():
    code = (
        "import sys; import shop_desk.gui.app, shop_desk.gui.main_window, "
        "shop_desk.gui.pages.counter, shop_desk.gui.pages.settings; "
        f"print([m for m in sys.modules if m.split('.')[0] in {HEAVY!r}])"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_demo_flag_marks_the_window(qtbot, ctx):
    ctx.demo = True
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    assert "demo" in win.shop_label.text()
    QTimer.singleShot(0, win.close)


def test_unopenable_data_folder_says_so(qtbot, tmp_path):
    from PySide6.QtWidgets import QApplication

    from shop_desk.gui.app import Startup

    not_a_folder = tmp_path / "shop"
    not_a_folder.write_text("a file where the data folder should be", encoding="utf-8")
    tasks = TaskRunner()
    startup = Startup(QApplication.instance(), tasks, None, not_a_folder, False)
    qtbot.addWidget(startup.window)
    texts: list[str] = []
    when_modal(lambda box: (texts.append(box.text()), box.accept()), kind=QMessageBox)
    try:
        with qtbot.waitSignal(startup.exit_requested, timeout=10000) as exit_requested:
            startup.begin()
    finally:
        tasks.shutdown()
    assert exit_requested.args == [2]
    assert "Cannot create the data folder" in texts[0]
    assert startup.ctx is None and startup.window.pages == {}


def test_startup_attaches_the_context_once_the_database_is_open(qtbot, tmp_path):
    from PySide6.QtWidgets import QApplication

    from shop_desk.gui.app import Startup

    tasks = TaskRunner()
    startup = Startup(QApplication.instance(), tasks, None, tmp_path / "数据", False)
    qtbot.addWidget(startup.window)
    try:
        startup.begin()
        qtbot.waitUntil(lambda: startup.ctx is not None, timeout=20000)
        assert startup.window.current_key == "counter"
        assert startup.window.db_label.text().endswith("shop.sqlite3")
    finally:
        tasks.shutdown()
        if startup.ctx is not None:
            startup.ctx.db.dispose()


def test_error_raised_in_a_qt_slot_reaches_the_hook(qtbot):
    hook = ExceptionHook().install()
    shown = []
    when_modal(lambda d: (shown.append(d.details.toPlainText()), d.accept()), kind=ErrorDialog)

    def slot() -> None:
        raise KeyError("raised in a timer slot")

    try:
        QTimer.singleShot(0, slot)
        qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    finally:
        hook.uninstall()
    assert "raised in a timer slot" in shown[0]


SECOND_COPY = """
import sys
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from shop_desk.gui.app import application, run_gui

app = application()
said = []

def answer():
    box = QApplication.activeModalWidget()
    if box is None:
        QTimer.singleShot(20, answer)
        return
    said.append(box.text())
    box.accept()

QTimer.singleShot(0, answer)
code = run_gui(None, Path(sys.argv[1]), False)
print(code, said[0] if said else "")
"""


@pytest.mark.slow
def test_second_copy_on_the_same_folder_says_so_and_exits_1(tmp_path):
    home = tmp_path / "home"
    first = single_instance(home)
    try:
        done = subprocess.run(
            [sys.executable, "-c", SECOND_COPY, str(home)],
            env=_env(home),
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        first.unlock()
    assert done.stdout.startswith("1 Shop Desk is already open"), done.stdout + done.stderr


def test_demo_shop_is_generated_under_a_progress_dialog(qtbot, ctx):
    from sqlalchemy import func, select

    from shop_desk.db.models import Product
    from shop_desk.gui.app import fill_demo

    ctx.demo = True
    ctx.settings = ShopSettings()
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    with qtbot.waitSignal(ctx.events.products_changed, timeout=120000):
        dialog = fill_demo(ctx, win, products=30, days=30)
        assert dialog is not None and dialog.isVisible()
    assert not dialog.isVisible()
    with ctx.db.read() as s:
        assert s.scalar(select(func.count(Product.id))) == 30
    assert ctx.settings.shop_name and ctx.settings.shop_name in win.shop_label.text()
    assert fill_demo(ctx, win) is None  # not empty any more: nothing to do


def _opened_startup(qtbot, folder: Path):
    from PySide6.QtWidgets import QApplication

    from shop_desk.gui.app import Startup

    tasks = TaskRunner()
    startup = Startup(QApplication.instance(), tasks, None, folder, False)
    qtbot.addWidget(startup.window)
    startup.begin()
    qtbot.waitUntil(lambda: startup.ctx is not None, timeout=20000)
    return startup, tasks


def test_restart_now_after_a_new_language_quits_to_start_again(qtbot, tmp_path):
    startup, tasks = _opened_startup(qtbot, tmp_path / "数据")
    exits = []
    startup.exit_requested.connect(exits.append)
    try:
        window = startup.window
        window.show_page("settings")
        page = window.page("settings")
        assert not page.restart_button.isVisibleTo(page)
        page.language.setCurrentIndex(page.language.findData("zh_CN"))
        page.save_button.click()
        qtbot.waitUntil(lambda: page.restart_button.isVisibleTo(page), timeout=10000)
        page.restart_button.click()
        assert startup.restart_wanted and exits == [0] and not window.isVisible()
    finally:
        tasks.shutdown()
        startup.ctx.db.dispose()


def test_restart_asks_before_dropping_a_sale_in_progress(qtbot, tmp_path):
    from tests.factories import make_product

    startup, tasks = _opened_startup(qtbot, tmp_path / "数据")
    try:
        with startup.ctx.db.session() as s:
            product = make_product(s, "农夫山泉 550ml", 200)
            s.flush()
            s.expunge(product)
        startup.window.counter_page.add_product(product, 1)
        texts = []
        answer(QMessageBox.StandardButton.No, texts)
        startup.ctx.events.restart_requested.emit()
        assert texts and "sale is in progress" in texts[0]
        assert not startup.restart_wanted and startup.window.isVisible()
        assert len(startup.window.counter_page.cart.lines) == 1  # the sale is still there
    finally:
        tasks.shutdown()
        startup.ctx.db.dispose()


def test_restart_command_starts_this_program_with_the_same_options(tmp_path, monkeypatch):
    from shop_desk.gui.app import restart_command

    monkeypatch.setattr(sys, "argv", ["shop-desk", "--self-test"])
    program, arguments = restart_command()
    done = subprocess.run(
        [program, *arguments], env=_env(tmp_path), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "self-test ok" in done.stdout


def test_navigation_fits_its_longest_title(qtbot, window):
    metrics = window.nav.fontMetrics()
    for row in range(window.nav.count()):
        title = window.nav.item(row).text()
        assert window.nav.viewport().width() >= metrics.horizontalAdvance(title) + 20, title
