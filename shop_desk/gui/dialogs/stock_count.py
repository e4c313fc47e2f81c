"""Stock count (盘点): scan a shelf, type what is there, see the variance, apply it.

Keyboard first, like the counter: the scanner's Enter picks the product and puts the cursor
in the counted box; Enter there records the line and goes back to the scan box. The count
lives in the database from the first line, so closing the dialog and coming back tomorrow
resumes it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from shop_desk.clock import to_local
from shop_desk.errors import ShopDeskError
from shop_desk.gui.context import AppContext
from shop_desk.gui.dialogs.product_editor import ERROR_STYLE, show_message
from shop_desk.gui.dialogs.receive import PickedProduct, ProductPicker, StockDialog, product_title
from shop_desk.gui.table_model import Column, PagedTableModel, RowStyle, list_fetch
from shop_desk.inventory.counts import (
    MAX_COUNT,
    Variance,
    apply_count,
    cancel_count,
    latest_open_count,
    record_count,
    start_count,
    variances,
)
from shop_desk.money import format_fen

SHORT = QColor("#fde2e1")  # fewer on the shelf than on the books
OVER = QColor("#e3f4e1")  # more on the shelf than on the books


def count_totals(lines: list[Variance]) -> tuple[int, int, int]:
    """(lines that differ, variance in units, variance value in fen)."""
    differing = [line for line in lines if line.units]
    return (
        len(differing),
        sum(line.units for line in lines),
        sum(line.value_fen for line in lines),
    )


def _ask(parent: QWidget, title: str, text: str) -> bool:
    answer = QMessageBox.question(parent, title, text)
    return answer == QMessageBox.StandardButton.Yes


class StockCountDialog(StockDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.product: PickedProduct | None = None
        self.confirm = _ask  # (parent, title, text) -> bool; a test answers for the owner
        self.setMinimumSize(760, 520)
        with ctx.db.session() as session:
            count = latest_open_count(session) or start_count(session)
            self.count_id = count.id
            started = to_local(count.started_at)
            self.resumed = bool(count.lines)
        self.setWindowTitle(
            self.tr("Stock count #{id}, started {time}").format(
                id=self.count_id, time=started.strftime("%Y-%m-%d %H:%M")
            )
        )
        self._build()
        self.model.reload()
        self._update_totals()
        self.picker.search_edit.setFocus()

    def _build(self) -> None:
        self.picker = ProductPicker(self.ctx)
        self.picker.picked.connect(self._picked)
        self.product_label = QLabel(self.tr("Scan or search a product, then type what is there."))
        self.counted_spin = QSpinBox()
        self.counted_spin.setRange(0, MAX_COUNT)
        self.counted_spin.setMinimumWidth(110)
        self.counted_spin.setEnabled(False)
        self.counted_spin.installEventFilter(self)
        self.record_button = QPushButton(self.tr("Record"))
        self.record_button.setAutoDefault(False)
        self.record_button.setEnabled(False)
        self.record_button.clicked.connect(self.record)
        entry = QHBoxLayout()
        entry.addWidget(self.picker, 3)
        entry.addWidget(QLabel(self.tr("Counted")))
        entry.addWidget(self.counted_spin)
        entry.addWidget(self.record_button)
        self.error_label = QLabel()
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.hide()
        self.model = PagedTableModel(
            self._columns(),
            list_fetch(self._lines, {"name": lambda v: v.name, "value": lambda v: v.value_fen}),
            row_style=self._style,
            row_key=lambda v: v.product_id,
            page_size=100_000,
        )
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self._recount)
        self.totals_label = QLabel()
        buttons = QHBoxLayout()
        self.apply_button = QPushButton(self.tr("Apply count…"))
        self.cancel_count_button = QPushButton(self.tr("Cancel count…"))
        self.close_button = QPushButton(self.tr("Close (continue later)"))
        for button in (self.apply_button, self.cancel_count_button, self.close_button):
            button.setAutoDefault(False)
        self.apply_button.clicked.connect(self.apply)
        self.cancel_count_button.clicked.connect(self.cancel_count)
        self.close_button.clicked.connect(self.reject)
        buttons.addWidget(self.totals_label, 1)
        buttons.addWidget(self.cancel_count_button)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.apply_button)
        layout = QVBoxLayout(self)
        layout.addLayout(entry)
        layout.addWidget(self.product_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def _columns(self) -> list[Column]:
        return [
            Column(self.tr("Product"), lambda v: v.name, sort_key="name"),
            Column(self.tr("On the books"), lambda v: v.expected, "int"),
            Column(self.tr("Counted"), lambda v: v.counted, "int"),
            Column(self.tr("Variance"), lambda v: v.units, "int"),
            Column(self.tr("Unit cost"), lambda v: v.unit_cost_fen, "money"),
            Column(self.tr("Variance value"), lambda v: v.value_fen, "money", "value"),
        ]

    def _lines(self) -> list[Variance]:
        with self.ctx.db.read() as session:
            return variances(session, self.count_id)

    @staticmethod
    def _style(line: Variance) -> RowStyle | None:
        if line.units < 0:
            return RowStyle(background=SHORT)
        if line.units > 0:
            return RowStyle(background=OVER)
        return None

    def _picked(self, product: PickedProduct, _units: int) -> None:
        self.product = product
        row = self.model.find(product.id)
        already = self.model.row(row) if row >= 0 else None
        text = self.tr("{name}: the books say {qty} {unit}.").format(
            name=product_title(product.name, product.spec),
            qty=f"{product.on_hand:,}",
            unit=product.unit,
        )
        if already is not None:
            text += " " + self.tr("Already counted: {qty} (typing replaces it).").format(
                qty=f"{already.counted:,}"
            )
            self.table.selectRow(row)
        self.product_label.setText(text)
        self.counted_spin.setEnabled(True)
        self.record_button.setEnabled(True)
        self.counted_spin.setValue(already.counted if already is not None else 0)
        self.counted_spin.setFocus()
        self.counted_spin.selectAll()

    def _recount(self, index) -> None:
        self.picker.choose(self.model.row(index.row()).product_id)

    def record(self) -> None:
        if self.product is None:
            return
        try:
            with self.ctx.db.session() as session:
                record_count(session, self.count_id, self.product.id, self.counted_spin.value())
        except ShopDeskError as exc:
            show_message(self.error_label, str(exc))
            return
        show_message(self.error_label, "")
        self.product = None
        self.counted_spin.setEnabled(False)
        self.record_button.setEnabled(False)
        self.model.reload()
        self._update_totals()
        self.picker.search_edit.setFocus()

    def _update_totals(self) -> None:
        lines = self.model.rows()
        differing, units, value = count_totals(lines)
        self.totals_label.setText(
            self.tr("{n} products counted, {d} differ · variance {units} units, {value}").format(
                n=len(lines), d=differing, units=f"{units:+,}", value=format_fen(value)
            )
        )
        self.apply_button.setEnabled(bool(lines))

    def apply(self) -> None:
        differing, units, value = count_totals(self.model.rows())
        text = self.tr(
            "Apply this count? {d} products change, {units} units in all; the stock value "
            "changes by {value}. The books then match the shelf."
        ).format(d=differing, units=f"{units:+,}", value=format_fen(value))
        if not self.confirm(self, self.tr("Apply stock count"), text):
            return
        try:
            with self.ctx.db.session() as session:
                apply_count(session, self.count_id)
        except ShopDeskError as exc:
            show_message(self.error_label, str(exc))
            return
        self.ctx.events.stock_changed.emit()
        self.accept()

    def cancel_count(self) -> None:
        text = self.tr("Throw this count away? The stock stays as it is on the books.")
        if not self.confirm(self, self.tr("Cancel stock count"), text):
            return
        try:
            with self.ctx.db.session() as session:
                cancel_count(session, self.count_id)
        except ShopDeskError as exc:
            show_message(self.error_label, str(exc))
            return
        self.reject()

    def shortcut_confirm(self) -> None:
        self.apply()  # Ctrl+Enter asks before applying, like the button

    def eventFilter(self, watched, event) -> bool:
        if (
            watched is self.counted_spin
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self.counted_spin.interpretText()
            self.record()
            return True
        return super().eventFilter(watched, event)
