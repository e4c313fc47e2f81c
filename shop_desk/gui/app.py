"""The window's composition root: Qt application, single instance, database, translations,
main window; plus the self-test (CI, the frozen build) and the start-up probe (benchmarks).

Start-up is on the owner's critical path (about a second): nothing heavy is imported here;
pages other than the counter are built when first opened.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import sys
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QLockFile, QObject, QProcess, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMessageBox

from shop_desk import APP_NAME, i18n, paths
from shop_desk.errors import ShopDeskError

log = logging.getLogger(__name__)
_IMPORTED = time.perf_counter()
LOCK_NAME = "shop-desk.lock"


def say(text: str) -> None:
    """Print where there is a console (a windowed exe has sys.stdout = None)."""
    stream = sys.stdout
    if stream is None:
        return
    try:
        stream.write(text + "\n")
        stream.flush()
    except (OSError, UnicodeEncodeError, ValueError):
        pass


def application() -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationDisplayName("Shop Desk")
    font = app.font()
    if 0 < font.pointSizeF() < 10.5:  # readable at the counter (Qt's default is often 9 pt)
        font.setPointSizeF(10.5)
        app.setFont(font)
    from shop_desk.gui.i18n_qt import app_icon

    app.setWindowIcon(app_icon())
    return app


def choose_language(setting: str | None) -> str:
    """SHOP_DESK_LANGUAGE, else the saved setting, else the system (Chinese by default)."""
    return i18n.resolve_language(os.environ.get("SHOP_DESK_LANGUAGE") or setting or None)


def use_language(language: str):
    from shop_desk.gui.i18n_qt import install_translators

    i18n.set_language(language)
    return install_translators(language)


def single_instance(folder: Path) -> QLockFile | None:
    """The lock for this data folder, or None if another Shop Desk holds it.

    A lock left by a crashed process is taken over (QLockFile checks the PID); age alone never
    makes a live lock stale (stale time 0), since the program runs all day.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return QLockFile("")  # the database open will say what is wrong with the folder
    lock = QLockFile(str(folder / LOCK_NAME))
    lock.setStaleLockTime(0)
    if lock.tryLock(100):
        return lock
    if lock.error() == QLockFile.LockError.LockFailedError:
        return None
    log.warning("single-instance lock unavailable (%s); going on without it", lock.error())
    return lock


def peek_language(db_url: str | None, folder: Path) -> str | None:
    """The saved language, read with the stdlib sqlite3 before SQLAlchemy is even imported,
    so the first window is already in the right language (None: not known yet)."""
    path = paths.database_path(folder)
    if db_url or not path.is_file():
        return None
    try:
        connection = sqlite3.connect(str(path), timeout=0.5)
        try:
            row = connection.execute("SELECT value FROM settings WHERE key = 'language'").fetchone()
        finally:
            connection.close()
        return json.loads(row[0]) if row else None
    except (sqlite3.Error, ValueError, TypeError):
        return None


def open_storage(db_url: str | None, folder: Path):
    """In a worker: import the database stack, open (and migrate) the database, read settings."""
    from shop_desk.db.engine import open_database
    from shop_desk.settings import load_settings

    db = open_database(url=db_url, folder=folder, idle_checkpoints=True)
    try:
        with db.read() as session:
            return db, load_settings(session)
    except BaseException:
        db.dispose()
        raise


def run_gui(db_url: str | None, data_folder: Path, demo: bool = False) -> int:
    app = application()
    from shop_desk.gui.dialogs.error import ExceptionHook

    hook = ExceptionHook().install()
    use_language(choose_language(peek_language(db_url, data_folder)))
    lock = single_instance(data_folder)
    if lock is None:
        QMessageBox.information(
            None,
            "Shop Desk",
            QCoreApplication.translate(
                "App",
                "Shop Desk is already open on this computer. Look for its window on the "
                "taskbar; only one copy can use the shop's data at a time.",
            ),
        )
        hook.uninstall()
        return 1
    from shop_desk.gui.tasks import TaskRunner

    tasks = TaskRunner()
    startup = Startup(app, tasks, db_url, data_folder, demo)
    startup.exit_requested.connect(app.exit)
    try:
        startup.begin()
        return app.exec()
    finally:
        tasks.shutdown()
        if startup.ctx is not None:
            startup.ctx.db.dispose()
        lock.unlock()  # before the new instance looks for it
        hook.uninstall()
        if startup.restart_wanted:
            program, arguments = restart_command()
            QProcess.startDetached(program, arguments)


def restart_command() -> tuple[str, list[str]]:
    """This program with the same options: the bundle's own executable, or this Python
    running the package (started as `shop-desk` or `python -m shop_desk` alike)."""
    if getattr(sys, "frozen", False):
        return sys.executable, sys.argv[1:]
    return sys.executable, ["-m", "shop_desk", *sys.argv[1:]]


class Startup(QObject):
    """Show the window at once; open the database in the write lane; then attach the context."""

    exit_requested = Signal(int)  # the database cannot be opened: run_gui exits with this code

    def __init__(self, app, tasks, db_url: str | None, folder: Path, demo: bool) -> None:
        super().__init__()
        from shop_desk.gui.main_window import MainWindow

        self.app, self.tasks, self.db_url, self.folder, self.demo = app, tasks, db_url, folder, demo
        self.ctx = None
        self.restart_wanted = False
        self.window = MainWindow()
        self.probe = None
        if os.environ.get("SHOP_DESK_STARTUP_PROBE") == "1":
            self.probe = StartupProbe(self.window)

    def begin(self) -> None:
        from shop_desk.gui import window_state

        self.window.geometry_folder = self.folder
        screen = self.window.screen().availableGeometry()
        if window_state.restore(self.window, self.folder):
            self.window.show()  # restoreGeometry brings back a maximized window as such
        elif screen.width() < 1300 or screen.height() < 840:  # a 1366 x 768 counter PC
            self.window.showMaximized()
        else:
            self.window.show()
        self.window.raise_()
        self.window.activateWindow()  # the scanner's keystrokes must land here
        db_url, folder = self.db_url, self.folder
        self.tasks.run(lambda: open_storage(db_url, folder), self.opened, self.failed, write=True)

    def opened(self, result) -> None:
        from shop_desk.gui.context import AppContext, Events

        db, settings = result
        language = choose_language(settings.language)
        if language != i18n.current_language():
            use_language(language)  # e.g. a PostgreSQL shop: known only now
            self.window.retranslate()
        self.ctx = AppContext(db, settings, self.tasks, Events(), self.folder, self.demo)
        self.window.attach(self.ctx)
        self.ctx.events.restart_requested.connect(self.restart)
        from shop_desk.gui.reorder_jobs import RefitScheduler

        self.refit = RefitScheduler(self.ctx)
        if self.probe is not None:
            self.probe.watch_ready(self.window.counter_page)
        if self.demo:
            QTimer.singleShot(0, lambda: fill_demo(self.ctx, self.window))
        else:
            from shop_desk.gui.auto_backup import AutoBackup

            AutoBackup(self.ctx, parent=self.window).start()

    def restart(self) -> None:
        """Quit and start again (run_gui starts the new process once this one let go of the
        data folder). A sale in progress at the counter is not dropped without asking."""
        cart = getattr(self.window.counter_page, "cart", None)
        if cart is not None and cart.lines:
            question = QCoreApplication.translate(
                "App", "A sale is in progress at the counter. Restart anyway and drop it?"
            )
            yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
            if QMessageBox.question(self.window, "Shop Desk", question, yes | no, no) != yes:
                return
        self.restart_wanted = True
        self.window.close()  # saves the window's size and place
        self.exit_requested.emit(0)

    def failed(self, error: BaseException) -> None:
        if isinstance(error, ShopDeskError):
            text = str(error)
        else:
            log.error("cannot open the database", exc_info=error)
            text = QCoreApplication.translate(
                "App", "The shop's data could not be opened: {error}"
            ).format(error=error)
        if self._offer_local_data(text):
            return
        QMessageBox.critical(self.window, "Shop Desk", text)
        self.exit_requested.emit(2)

    def _offer_local_data(self, text: str) -> bool:
        """The shared database chosen in Settings cannot be opened: offer this PC's own data
        for this time, so the owner can still sell and fix the address in Settings."""
        from shop_desk.local_config import stored_database_url

        if not self.db_url or stored_database_url(self.folder) != self.db_url:
            return False
        question = QCoreApplication.translate(
            "App",
            "{error}\n\nOpen the shop's data on this PC instead, this time? "
            "(Settings > Database changes the database for good.)",
        ).format(error=text)
        yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
        if QMessageBox.question(self.window, "Shop Desk", question, yes | no, no) != yes:
            return False
        self.db_url = None
        folder = self.folder
        self.tasks.run(lambda: open_storage(None, folder), self.opened, self.failed, write=True)
        return True


# --- demo shop ----------------------------------------------------------------------------
def fill_demo(ctx, window, **options):
    """Generate the demo shop in the write lane under a progress dialog, if the shop is empty.

    options go to ensure_demo (products=, days=: a small demo for tests). Returns the
    progress dialog, or None when there is nothing to do.
    """
    try:
        from shop_desk.demo import ensure_demo
    except ImportError:
        ctx.events.status_message.emit(
            QCoreApplication.translate("App", "The demo data is not part of this version.")
        )
        return None
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QProgressDialog
    from sqlalchemy import func, select

    from shop_desk.db.models import Product
    from shop_desk.settings import load_settings

    with ctx.db.read() as session:
        if session.scalar(select(func.count(Product.id))):
            return None
    dialog = QProgressDialog(
        QCoreApplication.translate("App", "Preparing the demo shop…"), "", 0, 0, window
    )
    dialog.setCancelButton(None)
    dialog.setWindowTitle("Shop Desk")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)  # no sale into a half-made shop
    dialog.setMinimumDuration(0)
    dialog.show()

    def progress(p) -> None:
        dialog.setMaximum(max(p.total, 0))
        dialog.setValue(min(p.done, p.total) if p.total else 0)
        if p.message:
            dialog.setLabelText(p.message)

    def done(_created) -> None:
        with ctx.db.read() as session:
            ctx.settings = load_settings(session)  # the demo names the shop
        dialog.close()
        ctx.events.settings_changed.emit()
        ctx.events.products_changed.emit()
        ctx.events.stock_changed.emit()
        ctx.events.status_message.emit(QCoreApplication.translate("App", "The demo shop is ready."))

    def failed(error: BaseException) -> None:
        dialog.close()
        raise error  # the exception hook logs it and shows the details

    db = ctx.db
    ctx.tasks.run(lambda: ensure_demo(db, **options), done, failed, progress, write=True)
    return dialog


# --- start-up probe (benchmarks/bench_startup.py) ------------------------------------------
def started_at() -> float:
    """perf_counter() at process start: __main__.START, else /proc, else this module's import."""
    for name in ("__main__", "shop_desk.__main__"):
        start = getattr(sys.modules.get(name), "START", None)
        if isinstance(start, float):
            return start
    try:
        with open("/proc/self/stat", encoding="ascii") as stat:
            ticks = int(stat.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime", encoding="ascii") as uptime:
            since_boot = float(uptime.read().split()[0])
        return time.perf_counter() - (since_boot - ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError, AttributeError):
        return _IMPORTED


def rss_mb() -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


class StartupProbe(QObject):
    """SHOP_DESK_STARTUP_PROBE=1: print one JSON line and quit once the counter is ready.

    shown_s: the window's first paint (what the owner sees first, the yardstick's measure);
    ready_s: the counter's first paint, database open (when a scan can be taken).
    """

    def __init__(self, window) -> None:
        super().__init__(window)
        self.shown_s: float | None = None
        window.installEventFilter(self)
        self._ready_widget = None

    def watch_ready(self, widget) -> None:
        self._ready_widget = widget
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            if self.shown_s is None:
                self.shown_s = time.perf_counter() - started_at()
            if watched is self._ready_widget:
                self._ready_widget = None
                QTimer.singleShot(0, self.report)
        return False

    def report(self) -> None:
        ready = time.perf_counter() - started_at()
        line = {"shown_s": round(self.shown_s or ready, 4), "ready_s": round(ready, 4)}
        say(json.dumps({**line, "rss_mb": rss_mb()}))
        QApplication.instance().quit()


# --- self-test -------------------------------------------------------------------------------
def self_test() -> int:
    """Start the real window (offscreen without a display), sell once, exit 0; else non-zero."""
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from shop_desk.gui.self_test import run_self_test

    try:
        run_self_test(application())
    except Exception as exc:  # any failure is reported, never a traceback dialog
        log.exception("self-test failed")
        say(f"self-test FAILED: {type(exc).__name__}: {exc}")
        return 1
    say("self-test ok")
    return 0
