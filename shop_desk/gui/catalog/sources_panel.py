"""Settings → Sources: the suppliers' feeds, feed folders and price lists of this shop."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from shop_desk.catalog.sources import add_source, list_sources, remove_source
from shop_desk.clock import to_local
from shop_desk.errors import ShopDeskError
from shop_desk.gui.catalog.sync_runner import SyncRunner
from shop_desk.gui.context import AppContext


class AddSourceDialog(QDialog):
    KINDS = ("http", "folder", "pricelist")

    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.source_id: int | None = None
        self.setWindowTitle(self.tr("Add a catalog source"))
        self.setMinimumWidth(560)
        form = QFormLayout(self)
        self.kind = QComboBox()
        for key, label in zip(
            self.KINDS,
            (
                self.tr("Supplier's feed on the web (URL)"),
                self.tr("Feed folder (e.g. on a USB stick)"),
                self.tr("Excel or CSV price list"),
            ),
            strict=True,
        ):
            self.kind.addItem(label, key)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.location = QLineEdit()
        self.browse = QPushButton(self.tr("Browse…"))
        self.browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.location, 1)
        where.addWidget(self.browse)
        self.name = QLineEdit(placeholderText=self.tr("e.g. 广州饮料批发"))
        self.token = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText(self.tr("only if the supplier gave you one"))
        form.addRow(self.tr("Kind"), self.kind)
        form.addRow(self.tr("Where"), where)
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Access token"), self.token)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._kind_changed()

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        self.browse.setEnabled(kind != "http")
        self.token.setEnabled(kind == "http")
        self.location.setPlaceholderText(
            "https://…/feed/" if kind == "http" else self.tr("Choose with Browse…")
        )

    def _browse(self) -> None:
        if self.kind.currentData() == "folder":
            path = QFileDialog.getExistingDirectory(self, self.tr("Feed folder"))
        else:
            path, _ = QFileDialog.getOpenFileName(
                self, self.tr("Price list"), "", self.tr("Price lists (*.xlsx *.csv)")
            )
        if path:
            self.location.setText(path)

    def save(self) -> None:
        try:
            with self.ctx.db.session() as session:
                source = add_source(
                    session,
                    self.location.text().strip(),
                    name=self.name.text().strip(),
                    kind=self.kind.currentData(),
                    token=self.token.text().strip() or None,
                )
                self.source_id = source.id
        except ShopDeskError as exc:
            QMessageBox.warning(self, self.windowTitle(), str(exc))
            return  # the dialog stays open with what was typed
        self.accept()


class SourcesPanel(QWidget):
    def __init__(self, ctx: AppContext, sync_runner: SyncRunner | None = None, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.sync_runner = sync_runner or SyncRunner(ctx, self)
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Name"),
                self.tr("Kind"),
                self.tr("Where"),
                self.tr("Offers"),
                self.tr("Last good sync / problem"),
            ]
        )
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table)
        buttons = QHBoxLayout()
        for text, slot in (
            (self.tr("Add…"), self.add),
            (self.tr("Remove"), self.remove),
            (self.tr("Sync now"), self.sync),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        ctx.events.catalog_changed.connect(self.reload)
        self.reload()

    def reload(self) -> None:
        with self.ctx.db.session(write=False) as session:
            self.rows = list_sources(session)
        kinds = {
            "http": self.tr("web feed"),
            "folder": self.tr("feed folder"),
            "pricelist": self.tr("price list"),
        }
        self.table.setRowCount(len(self.rows))
        for i, row in enumerate(self.rows):
            status = (
                to_local(row.last_success_at).strftime("%Y-%m-%d %H:%M")
                if row.last_success_at
                else self.tr("never")
            )
            if row.last_error:
                status += " · " + row.last_error.splitlines()[0]
            for j, value in enumerate(
                (row.name, kinds.get(row.kind, row.kind), row.location, str(row.offers), status)
            ):
                self.table.setItem(i, j, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()

    def selected(self):
        index = self.table.currentRow()
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def add(self) -> None:
        dialog = AddSourceDialog(self.ctx, self)
        if dialog.exec():
            self.ctx.events.catalog_changed.emit()
            self.sync_runner.sync([dialog.source_id])

    def remove(self) -> None:
        row = self.selected()
        if row is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Remove source"),
            self.tr(
                "Remove {name} and its {n} offers from this shop's copy? Links to your "
                "products are removed too."
            ).format(name=row.name, n=row.offers),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        with self.ctx.db.session() as session:
            remove_source(session, row.id)
        self.ctx.events.catalog_changed.emit()

    def sync(self) -> None:
        row = self.selected()
        self.sync_runner.sync([row.id] if row else None)
