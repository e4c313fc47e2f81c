"""The main window: a navigation list, the pages, and a status bar. Thin on purpose.

Pages are built the first time they are shown, so start-up builds only the counter (and
imports only what the counter needs). The window can be shown before the database is open
(attach() brings the context): the owner sees it at once while SQLAlchemy loads and the
database opens in a worker. Ctrl+1..7 switch pages.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QProgressBar,
    QStackedWidget,
    QWidget,
)

from shop_desk.gui.i18n_qt import app_icon
from shop_desk.gui.widgets import sized_font

if TYPE_CHECKING:  # the context module imports SQLAlchemy: not before the window is shown
    from shop_desk.gui.context import AppContext

PAGES = ("counter", "stock", "reorder", "orders", "catalog", "reports", "settings")


def describe_database(db) -> str:
    """The SQLite file, or the PostgreSQL server (never a password)."""
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        return str(url.database)
    return f"PostgreSQL {url.host or 'localhost'}:{url.port or 5432}/{url.database}"


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx: AppContext | None = None
        self.pages: dict[str, QWidget] = {}
        self.geometry_folder: Path | None = None  # where the size is remembered (run_gui sets it)
        self.setWindowIcon(app_icon())
        self.setWindowTitle(self.tr("Shop Desk"))
        self.resize(1280, 800)
        self.setMinimumSize(QSize(960, 600))
        self._build()
        self._status_bar()
        if ctx is not None:
            self.attach(ctx)
        else:
            self.statusBar().showMessage(self.tr("Opening the shop…"))

    def attach(self, ctx: AppContext) -> None:
        """The database is open: connect the context and show the counter."""
        self.ctx = ctx
        ctx.events.settings_changed.connect(self.show_shop)
        ctx.events.status_message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        ctx.events.progress.connect(self.show_progress)
        ctx.tasks.busy_changed.connect(self._busy_changed)
        self.statusBar().clearMessage()
        self.show_shop()
        self.show_page("counter")

    def retranslate(self) -> None:
        """Before attach() only the navigation has text: redo it in a newly chosen language."""
        for row, title in enumerate(self._titles().values()):
            self.nav.item(row).setText(title)
        self._fit_nav()
        self.setWindowTitle(self.tr("Shop Desk"))
        if self.ctx is None:
            self.statusBar().showMessage(self.tr("Opening the shop…"))

    def _fit_nav(self) -> None:
        """As wide as its longest title ("Purchase orders" in English), never narrower than
        the Chinese layout's 150 px: a cut title or a scroll bar there looks broken."""
        metrics = self.nav.fontMetrics()
        widest = max(metrics.horizontalAdvance(title) for title in self._titles().values())
        self.nav.setFixedWidth(max(150, widest + 2 * 10 + 2 * self.nav.frameWidth() + 8))

    def _titles(self) -> dict[str, str]:
        return {
            "counter": self.tr("Counter"),
            "stock": self.tr("Stock"),
            "reorder": self.tr("Reorder"),
            "orders": self.tr("Purchase orders"),
            "catalog": self.tr("Catalog"),
            "reports": self.tr("Reports"),
            "settings": self.tr("Settings"),
        }

    def _build(self) -> None:
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 0)
        self.nav = QListWidget()
        self.nav.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the scanner's Enter stays in the page
        self.nav.setFont(sized_font(self, 14))
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.nav.setStyleSheet("QListWidget::item { padding: 8px 10px; }")
        self.stack = QStackedWidget()
        for number, (key, title) in enumerate(self._titles().items(), start=1):
            self.nav.addItem(title)
            self.nav.item(number - 1).setToolTip(f"Ctrl+{number}")
            self.stack.addWidget(QWidget())  # replaced by the real page when first shown
            QShortcut(QKeySequence(f"Ctrl+{number}"), self, lambda k=key: self.show_page(k))
        self._fit_nav()
        self.nav.currentRowChanged.connect(lambda row: self.show_page(PAGES[row]))
        self.nav.setCurrentRow(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

    def _status_bar(self) -> None:
        bar = self.statusBar()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.hide()
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # an indefinite "working" bar
        self.busy.setMaximumWidth(80)
        self.busy.setToolTip(self.tr("Working…"))
        self.busy.hide()
        self._busy_timer = QTimer(self, singleShot=True, interval=300)  # no flicker per sale
        self._busy_timer.timeout.connect(self.busy.show)
        self.shop_label = QLabel()
        self.db_label = QLabel()
        self.db_label.setStyleSheet("color: #6b7280;")
        for widget in (self.progress, self.busy, self.shop_label, self.db_label):
            bar.addPermanentWidget(widget)

    # --- pages ----------------------------------------------------------------------------
    def page(self, key: str) -> QWidget:
        """The page for key, built on first use."""
        if key not in self.pages:
            index = PAGES.index(key)
            page = self._make_page(key)
            old = self.stack.widget(index)
            self.stack.insertWidget(index, page)
            self.stack.removeWidget(old)
            old.deleteLater()
            self.pages[key] = page
        return self.pages[key]

    def show_page(self, key: str) -> None:
        if self.ctx is None:
            return  # still opening the database
        page = self.page(key)
        self.stack.setCurrentWidget(page)
        row = PAGES.index(key)
        if self.nav.currentRow() != row:
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(row)
            self.nav.blockSignals(False)

    @property
    def current_key(self) -> str:
        return PAGES[self.stack.currentIndex()]

    @property
    def counter_page(self):
        return self.page("counter")

    def _make_page(self, key: str) -> QWidget:
        factories: dict[str, Callable[[], QWidget | None]] = {
            "counter": self._counter,
            "stock": self._stock,
            "reorder": self._reorder,
            "orders": self._orders,
            "catalog": self._catalog,
            "reports": self._reports,
            "settings": self._settings,
        }
        page = factories.get(key, lambda: None)()
        return page if page is not None else self._placeholder(key)

    def _counter(self) -> QWidget:
        from shop_desk.gui.pages.counter import CounterPage

        return CounterPage(self.ctx)

    def _stock(self) -> QWidget | None:
        try:
            from shop_desk.gui.pages.stock import StockPage
        except ImportError:
            return None
        return StockPage(self.ctx)

    def _reorder(self) -> QWidget:
        from shop_desk.gui.pages.reorder import ReorderPage

        return ReorderPage(self.ctx)

    def _orders(self) -> QWidget:
        from shop_desk.gui.pages.orders import OrdersPage

        return OrdersPage(self.ctx)

    def _catalog(self) -> QWidget | None:
        try:
            from shop_desk.gui.catalog.page import CatalogPage
        except ImportError:
            return None
        return CatalogPage(self.ctx)

    def _reports(self) -> QWidget:
        from shop_desk.gui.pages.reports import ReportsPage

        return ReportsPage(self.ctx)

    def _settings(self) -> QWidget:
        from shop_desk.gui.pages.settings import SettingsPage

        return SettingsPage(self.ctx)

    def _placeholder(self, key: str) -> QWidget:
        from shop_desk.gui.pages.placeholder import PlaceholderPage

        what = {
            "stock": self.tr(
                "Here you will see every product with its stock on hand, cost and "
                "value, with low stock and goods near expiry highlighted."
            ),
            "reorder": self.tr(
                "Here you will see what to order today: how much of each product, from which "
                "wholesale source, at first-hand wholesale prices, with the reason in plain "
                "numbers (sells about 4 a day, 6 left, arrives in 2 days)."
            ),
            "orders": self.tr(
                "Here you will turn the reorder list into a purchase order per supplier, send it "
                "(PDF, Excel or a WeChat message), and receive the goods when they arrive, even "
                "in part or at another price."
            ),
            "catalog": self.tr(
                "Here you will browse your wholesalers' catalogs, kept up to date on this "
                "computer: prices, quantity breaks, new arrivals and price drops."
            ),
        }
        return PlaceholderPage(self._titles()[key], what.get(key, ""))

    # --- status bar -----------------------------------------------------------------------
    def show_shop(self) -> None:
        name = self.ctx.settings.shop_name
        if self.ctx.demo:
            name = self.tr("{name} (demo shop)").format(name=name or self.tr("Shop Desk")).strip()
        self.shop_label.setText(name)
        self.db_label.setText(describe_database(self.ctx.db))
        title = self.tr("Shop Desk — {shop}").format(shop=name) if name else self.tr("Shop Desk")
        self.setWindowTitle(title)

    def show_progress(self, done: int, total: int, message: str) -> None:
        if done < 0:  # finished: "Downloading and applying…" must not stay on
            self.progress.hide()
            if message:
                self.statusBar().showMessage(message, 8000)
            else:
                self.statusBar().clearMessage()
            return
        self.progress.setRange(0, max(total, 0))
        if total > 0:
            self.progress.setValue(min(done, total))
        self.progress.show()
        if message:
            self.statusBar().showMessage(message)

    def _busy_changed(self, busy: bool) -> None:
        if busy:
            self._busy_timer.start()
        else:
            self._busy_timer.stop()
            self.busy.hide()

    def closeEvent(self, event) -> None:
        if self.geometry_folder is not None:
            from shop_desk.gui import window_state

            window_state.save(self, self.geometry_folder)  # QSettings never raises on I/O
        super().closeEvent(event)
