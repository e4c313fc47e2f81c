"""The Settings page's sections about this PC and its data: the data folder, the database
(with a connection test), backups (folder, last backup, back up now, restore in two clicks)
and the reorder defaults. Each section loads from and collects into the settings; slow work
(connecting, backing up, restoring) runs in the task runner, never on the GUI thread.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from shop_desk.clock import to_local
from shop_desk.errors import ShopDeskError
from shop_desk.gui.context import AppContext
from shop_desk.gui.widgets import MessageLine, ask_yes_no
from shop_desk.local_config import LocalConfig
from shop_desk.settings import ShopSettings

GREY = "color: #6b7280;"


def alive(widget: QWidget, callback):
    """callback, run only while widget still exists: a page closed while its worker ran
    (a test's teardown, a window closing) must not be touched when the result arrives."""

    def guarded(*args):
        if isValid(widget):
            callback(*args)

    return guarded


def error_text(error: BaseException) -> str:
    return str(error) if isinstance(error, ShopDeskError) else repr(error)


def _row(*widgets: QWidget) -> QWidget:
    holder = QWidget()
    layout = QHBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    layout.addStretch(1)
    return holder


def data_folder_of(ctx: AppContext) -> Path:
    from shop_desk.backup import data_folder

    return ctx.data_folder or data_folder(ctx.db)


# --- data folder -----------------------------------------------------------------------------
class DataFolderSection(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.path = QLabel(str(data_folder_of(ctx)))
        self.path.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.path.setWordWrap(True)
        self.open_button = QPushButton(self.tr("Open in file manager"))
        self.open_button.clicked.connect(self.open_folder)
        form.addRow(self.tr("Data folder"), self.path)
        form.addRow("", _row(self.open_button))

    def open_folder(self) -> bool:
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(data_folder_of(self.ctx))))


# --- database --------------------------------------------------------------------------------
class DatabaseSection(QWidget):
    """Which database this PC opens: the local file, or a shared PostgreSQL server."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.testing = False
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        from shop_desk.gui.main_window import describe_database

        self.current = QLabel(describe_database(ctx.db))
        self.current.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.url = QLineEdit()
        self.url.setPlaceholderText("postgresql://shop@192.168.1.10:5432/shop")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("kept in the Windows credential store"))
        self.password.setMaximumWidth(320)
        self.test_button = QPushButton(self.tr("Test connection"))
        self.test_button.clicked.connect(self.test_connection)
        self.result = MessageLine()
        self.result.setWordWrap(True)
        note = QLabel(
            self.tr(
                "Leave the address empty to keep the shop's data on this PC. Several counters "
                "share one PostgreSQL server. A new address is used from the next start."
            )
        )
        note.setWordWrap(True)
        note.setStyleSheet(GREY)
        form.addRow(self.tr("Open now"), self.current)
        form.addRow(self.tr("Shared database"), self.url)
        form.addRow(self.tr("Password"), self.password)
        form.addRow("", _row(self.test_button))
        form.addRow("", self.result)
        form.addRow("", note)

    def load(self, local: LocalConfig) -> None:
        self.url.setText(local.database_url)
        self.password.clear()

    def typed_url(self) -> str:
        """The typed address with the typed password (for a test; never saved like this).
        Without a typed password, the job adds the stored one (the keyring is not read on
        the GUI thread)."""
        from sqlalchemy.engine import make_url

        from shop_desk.local_config import normalize_url

        url = normalize_url(self.url.text())
        if self.password.text():
            return make_url(url).set(password=self.password.text()).render_as_string(False)
        return url

    def test_connection(self) -> None:
        if self.testing:
            return
        if not self.url.text().strip():
            self.result.show_warning(self.tr("Type the address of the PostgreSQL server first."))
            return
        try:
            url = self.typed_url()
        except ShopDeskError as exc:
            self.result.show_error(str(exc))
            return
        self.testing = True
        self.test_button.setEnabled(False)
        self.result.show_warning(self.tr("Connecting…"))

        def job() -> str:
            from shop_desk.db.connection_check import check_connection
            from shop_desk.local_config import with_password

            return check_connection(with_password(url))

        self.ctx.tasks.run(job, alive(self, self._tested), alive(self, self._test_failed))

    def _tested(self, text: str) -> None:
        self.testing = False
        self.test_button.setEnabled(True)
        self.result.show_ok(text)

    def _test_failed(self, error: BaseException) -> None:
        self.testing = False
        self.test_button.setEnabled(True)
        self.result.show_error(error_text(error))


# --- backups ---------------------------------------------------------------------------------
class BackupSection(QWidget):
    """Backup folder, last backup, back up now, and restore: pick one, confirm."""

    restored = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.busy = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        self.folder = QLineEdit()
        self.folder.setReadOnly(True)
        self.folder.setPlaceholderText(self.tr("the backups folder in the data folder"))
        self.choose_button = QPushButton(self.tr("Choose…"))
        self.choose_button.clicked.connect(self.choose_folder)
        self.default_button = QPushButton(self.tr("Use the data folder"))
        self.default_button.clicked.connect(lambda: self.folder.clear())
        self.last = QLabel()
        self.last.setWordWrap(True)
        self.backup_button = QPushButton(self.tr("Back up now"))
        self.backup_button.clicked.connect(self.back_up_now)
        form.addRow(self.tr("Backup folder"), self.folder)
        form.addRow("", _row(self.choose_button, self.default_button))
        form.addRow(self.tr("Last backup"), self.last)
        form.addRow("", _row(self.backup_button))
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Restore a backup (pick one, then Restore):")))
        self.backups = QListWidget()
        self.backups.setMinimumHeight(120)
        self.backups.setMaximumHeight(200)
        self.backups.itemSelectionChanged.connect(self._selection_changed)
        self.backups.itemDoubleClicked.connect(lambda _item: self.restore_selected())
        self.restore_button = QPushButton(self.tr("Restore…"))
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self.restore_selected)
        self.message = MessageLine()
        self.message.setWordWrap(True)
        layout.addWidget(self.backups)
        layout.addWidget(_row(self.restore_button))
        layout.addWidget(self.message)
        ctx.events.backups_changed.connect(self.refresh)

    # --- folder and list ----------------------------------------------------------------------
    def load(self, local: LocalConfig) -> None:
        self.folder.setText(local.backup_folder)
        self.refresh()

    def choose_folder(self) -> None:
        start = self.folder.text() or str(data_folder_of(self.ctx))
        chosen = QFileDialog.getExistingDirectory(self, self.tr("Backup folder"), start)
        if chosen:
            self.folder.setText(str(Path(chosen)))

    def refresh(self) -> None:
        """List the backups (a folder listing: in a worker, a USB stick can be slow)."""
        db = self.ctx.db

        def job():
            from shop_desk.backup import available_backups, backup_time

            return [
                (path, backup_time(path), path.stat().st_size) for path in available_backups(db)
            ]

        self.ctx.tasks.run(job, alive(self, self._listed), alive(self, self._list_failed))

    def _list_failed(self, error: BaseException) -> None:
        self.message.show_error(error_text(error))

    def _listed(self, backups: list) -> None:
        self.backups.clear()
        for path, taken, size in backups:
            label = f"{to_local(taken):%Y-%m-%d %H:%M}   {kind_name(path)}   {size / 1e6:.1f} MB"
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            item.setToolTip(str(path))
            self.backups.addItem(item)
        if backups:
            path, taken, _size = backups[0]
            self.last.setText(f"{to_local(taken):%Y-%m-%d %H:%M}  ({path.parent})")
        else:
            self.last.setText(self.tr("none yet"))
        self._selection_changed()

    def _selection_changed(self) -> None:
        self.restore_button.setEnabled(bool(self.backups.selectedItems()) and not self.busy)

    # --- back up now ---------------------------------------------------------------------------
    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.backup_button.setEnabled(not busy)
        self._selection_changed()

    def back_up_now(self) -> None:
        if self.busy:
            return
        self._set_busy(True)
        self.message.show_warning(self.tr("Backing up…"))
        db = self.ctx.db

        def job():
            from shop_desk.backup import make_backup

            return make_backup(db, label="manual")

        self.ctx.tasks.run(job, alive(self, self._backed_up), alive(self, self._failed))

    def _backed_up(self, result) -> None:
        self._set_busy(False)
        text = self.tr("Backup written: {path}").format(path=result.path)
        if result.note:
            self.message.show_warning(f"{result.note}\n{text}")
        else:
            self.message.show_ok(text)
        self.ctx.events.backups_changed.emit()

    def _failed(self, error: BaseException) -> None:
        self._set_busy(False)
        self.message.show_error(error_text(error))

    # --- restore -------------------------------------------------------------------------------
    def restore_selected(self) -> None:
        items = self.backups.selectedItems()
        if not items or self.busy:
            return
        path = Path(items[0].data(Qt.ItemDataRole.UserRole))
        question = self.tr(
            "Replace the shop's data with the backup of {when}?\n\nEverything recorded since "
            "then (sales, receipts, changes) is replaced. The data as it is now is backed up "
            "first, so this can be undone."
        ).format(when=items[0].text().split("   ")[0])
        if not self.ctx.db.is_sqlite:
            question += "\n\n" + self.tr(
                "The database is shared: close Shop Desk on the other counters first."
            )
        if not ask_yes_no(self, self.tr("Restore a backup"), question, default_yes=False):
            return
        self._set_busy(True)
        self.message.show_warning(self.tr("Restoring…"))
        db = self.ctx.db

        def job():
            from shop_desk.backup import restore
            from shop_desk.settings import load_settings

            safety = restore(db, path)
            with db.read() as session:
                return safety, load_settings(session)

        self.ctx.tasks.run(job, alive(self, self._restored), alive(self, self._failed), write=True)

    def _restored(self, result) -> None:
        safety, settings = result
        self._set_busy(False)
        self.ctx.settings = settings
        self.message.show_ok(
            self.tr("Restored. The data from before the restore is kept in {path}.").format(
                path=safety
            )
        )
        events = self.ctx.events
        for signal in (events.settings_changed, events.products_changed, events.stock_changed):
            signal.emit()
        events.catalog_changed.emit()
        events.backups_changed.emit()
        self.restored.emit()


def kind_name(path: Path) -> str:
    kinds = {
        "manual": QCoreApplication.translate("BackupSection", "by hand"),
        "daily": QCoreApplication.translate("BackupSection", "daily"),
        "pre-migration": QCoreApplication.translate("BackupSection", "before an update"),
        "pre-restore": QCoreApplication.translate("BackupSection", "before a restore"),
    }
    for label, name in kinds.items():
        if path.name.startswith(f"shop-{label}-"):
            return name
    return path.name


# --- reorder defaults ------------------------------------------------------------------------
class ReorderSection(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.service_level = self._percent(50.0, 99.9, 1)
        self.review_days = QSpinBox()
        self.review_days.setRange(1, 60)
        self.review_days.setSuffix(self.tr(" days"))
        self.review_days.setMaximumWidth(160)
        self.holding_cost = self._percent(0.0, 100.0, 1)
        self.budget = QDoubleSpinBox()
        self.budget.setRange(0, 10_000_000)
        self.budget.setDecimals(2)
        self.budget.setPrefix("¥")
        self.budget.setSpecialValueText(self.tr("no limit"))
        self.budget.setMaximumWidth(200)
        form.addRow(self.tr("Service level (new products)"), self.service_level)
        form.addRow(self.tr("Review every (new products)"), self.review_days)
        form.addRow(self.tr("Holding cost per year"), self.holding_cost)
        form.addRow(self.tr("Daily order budget"), self.budget)
        note = QLabel(
            self.tr(
                "The service level is the share of days a product should not run out. A "
                "product's own settings win over these."
            )
        )
        note.setWordWrap(True)
        note.setStyleSheet(GREY)
        form.addRow("", note)

    @staticmethod
    def _percent(low: float, high: float, decimals: int) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setRange(low, high)
        box.setDecimals(decimals)
        box.setSuffix(" %")
        box.setMaximumWidth(160)
        return box

    def load(self, settings: ShopSettings) -> None:
        self.service_level.setValue(settings.default_service_level_bp / 100)
        self.review_days.setValue(settings.default_review_days)
        self.holding_cost.setValue(settings.holding_cost_bp / 100)
        self.budget.setValue(settings.reorder_budget_fen / 100)

    def collect(self, settings: ShopSettings) -> ShopSettings:
        return replace(
            settings,
            default_service_level_bp=round(self.service_level.value() * 100),
            default_review_days=self.review_days.value(),
            holding_cost_bp=round(self.holding_cost.value() * 100),
            reorder_budget_fen=round(self.budget.value() * 100),
        )
