"""Receive stock: which product, how many (units or packs), what it cost, when it expires.

Also home of ProductPicker, the scan-or-search box the stock dialogs share: a scanner types
digits + Enter (an exact barcode or short code picks at once, a case barcode brings its pack
size); typing pinyin initials or a name fragment lists candidates to choose with the arrows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QDate, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from shop_desk.clock import shop_day, utcnow
from shop_desk.errors import InputError, ShopDeskError
from shop_desk.gui.context import AppContext
from shop_desk.gui.dialogs.product_editor import ERROR_STYLE, show_message
from shop_desk.inventory.products import average_cost_fen, get_product, lookup_code
from shop_desk.inventory.search import search_products
from shop_desk.inventory.stock import receive_stock
from shop_desk.money import format_fen, mul_div_round, parse_fen

MAX_QTY = 1_000_000


@dataclass(frozen=True)
class PickedProduct:
    """What the stock dialogs need to know about the chosen product."""

    id: int
    name: str
    spec: str
    unit: str
    on_hand: int
    avg_cost_fen: int
    shelf_life_days: int | None
    packs: tuple[int, ...]  # pack sizes of its case barcodes (units > 1)


def product_title(name: str, spec: str) -> str:
    """Name and size, without saying the size twice ("可口可乐 500ml", not "...500ml 500ml")."""
    if spec and spec.lower() not in name.lower():
        return f"{name} {spec}"
    return name


def picked_product(session, product_id: int) -> PickedProduct:
    product = get_product(session, product_id)
    packs = sorted({b.units for b in product.barcodes if b.units > 1})
    return PickedProduct(
        product.id,
        product.name,
        product.spec,
        product.unit,
        product.on_hand,
        average_cost_fen(product),
        product.shelf_life_days,
        tuple(packs),
    )


class ProductPicker(QWidget):
    """Scan or search a product. Emits picked(PickedProduct, units per scan)."""

    picked = Signal(object, int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.product: PickedProduct | None = None
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(
            self.tr("Scan a barcode, or type pinyin initials, a name or a short code")
        )
        self.search_edit.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setMaximumHeight(140)
        self.results.hide()
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.results)
        layout.addWidget(self.message)
        self._timer = QTimer(self, singleShot=True, interval=150)
        self._timer.timeout.connect(self._live_search)
        self.search_edit.textEdited.connect(self._typed)
        self.search_edit.installEventFilter(self)
        self.results.installEventFilter(self)
        self.results.itemClicked.connect(self._choose_item)

    def _typed(self, text: str) -> None:
        show_message(self.message, "")
        # Digits come from the scanner (or a barcode typed by hand): wait for Enter.
        if text.strip() and not text.strip().isdigit():
            self._timer.start()
        else:
            self._timer.stop()
            self.results.hide()

    def _search(self, text: str) -> list[tuple[int, str]]:
        with self.ctx.db.read() as session:
            found = search_products(session, text, limit=20)
            return [(p.id, self._describe(p.name, p.spec, p.on_hand, p.unit)) for p in found]

    def _describe(self, name: str, spec: str, on_hand: int, unit: str) -> str:
        title = product_title(name, spec)
        return self.tr("{name} (on hand {qty} {unit})").format(
            name=title, qty=f"{on_hand:,}", unit=unit
        )

    def _live_search(self) -> None:
        self._show_results(self._search(self.search_edit.text()))

    def _show_results(self, found: list[tuple[int, str]]) -> None:
        self.results.clear()
        for pid, text in found:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, pid)
            self.results.addItem(item)
        self.results.setVisible(bool(found))
        if found:
            self.results.setCurrentRow(0)

    def submit(self) -> None:
        """Enter: an exact code picks; a search with one answer picks; else choose from a list."""
        text = self.search_edit.text().strip()
        if not text:
            return
        if self.results.isVisible() and self.results.currentItem() is not None:
            self._choose_item(self.results.currentItem())
            return
        with self.ctx.db.read() as session:
            exact = lookup_code(session, text)
            if exact is not None:
                self.choose(exact[0].id, exact[1])
                return
        found = self._search(text)
        if len(found) == 1:
            self.choose(found[0][0])
        elif found:
            self._show_results(found)
            self.results.setFocus()
        else:
            show_message(self.message, self.tr("Nothing matches “{text}”.").format(text=text))

    def _choose_item(self, item: QListWidgetItem) -> None:
        self.choose(int(item.data(Qt.ItemDataRole.UserRole)))

    def choose(self, product_id: int, units: int = 1) -> None:
        with self.ctx.db.read() as session:
            self.product = picked_product(session, product_id)
        self.search_edit.clear()
        self.results.hide()
        show_message(self.message, "")
        self.picked.emit(self.product, units)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.search_edit and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.submit()  # consumed: the dialog must not also act on this Enter
                return True
            if key == Qt.Key.Key_Down and self.results.isVisible():
                self.results.setFocus()  # walk into the candidates
                return True
        if (
            watched is self.results
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            if self.results.currentItem() is not None:
                self._choose_item(self.results.currentItem())
            return True
        return super().eventFilter(watched, event)


class StockDialog(QDialog):
    """Shared behaviour: Enter moves on (the scanner's Enter must never confirm)."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.shortcut_confirm()
            else:
                self.focusNextChild()
            return
        super().keyPressEvent(event)

    def shortcut_confirm(self) -> None:
        self.accept()

    def _buttons(self, ok_text: str) -> QDialogButtonBox:
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.ok_button.setToolTip("Ctrl+Enter")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        for button in buttons.buttons():
            button.setAutoDefault(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        return buttons


def to_qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


class ReceiveDialog(StockDialog):
    """Goods arrived: on hand and the moving-average cost go up, a lot is opened."""

    def __init__(
        self, ctx: AppContext, product_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.product: PickedProduct | None = None
        self.setWindowTitle(self.tr("Receive stock"))
        self.setMinimumWidth(520)
        self._build()
        if product_id is not None:
            self.picker.choose(product_id)
        self._update_summary()

    def _build(self) -> None:
        self.picker = ProductPicker(self.ctx)
        self.picker.picked.connect(self._picked)
        self.product_label = QLabel(self.tr("No product chosen yet."))
        self.product_label.setWordWrap(True)
        self.qty_spin = QSpinBox()
        self.qty_spin.setRange(1, MAX_QTY)
        self.pack_combo = QComboBox()
        self.cost_mode = QComboBox()
        self.cost_mode.addItem(self.tr("Total cost"), "total")
        self.cost_mode.addItem(self.tr("Cost per unit or pack"), "each")
        self.cost_edit = QLineEdit()
        self.cost_edit.setPlaceholderText("0.00")
        self.expiry_check = QCheckBox(self.tr("Expires on"))
        self.expiry_edit = QDateEdit(to_qdate(shop_day(utcnow())))
        self.expiry_edit.setCalendarPopup(True)
        self.expiry_edit.setDisplayFormat("yyyy-MM-dd")
        self.expiry_edit.setEnabled(False)
        self.note_edit = QLineEdit()
        self.note_edit.setMaxLength(500)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.error_label = QLabel()
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        qty_row = QHBoxLayout()
        qty_row.addWidget(self.qty_spin, 1)
        qty_row.addWidget(self.pack_combo, 2)
        cost_row = QHBoxLayout()
        cost_row.addWidget(self.cost_mode, 2)
        cost_row.addWidget(self.cost_edit, 1)
        expiry_row = QHBoxLayout()
        expiry_row.addWidget(self.expiry_check)
        expiry_row.addWidget(self.expiry_edit, 1)
        form = QFormLayout()
        form.addRow(self.tr("Product"), self.picker)
        form.addRow("", self.product_label)
        form.addRow(self.tr("Quantity"), qty_row)
        form.addRow(self.tr("Cost (¥)"), cost_row)
        form.addRow(self.tr("Expiry"), expiry_row)
        form.addRow(self.tr("Note"), self.note_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.error_label)
        layout.addWidget(self._buttons(self.tr("Receive")))
        self.expiry_check.toggled.connect(self.expiry_edit.setEnabled)
        for signal in (
            self.qty_spin.valueChanged,
            self.pack_combo.currentIndexChanged,
            self.cost_mode.currentIndexChanged,
            self.cost_edit.textChanged,
        ):
            signal.connect(self._update_summary)

    def _picked(self, product: PickedProduct, units: int) -> None:
        self.product = product
        self.product_label.setText(
            self.tr("{name} · on hand {qty} {unit} · average cost {cost}").format(
                name=product_title(product.name, product.spec),
                qty=f"{product.on_hand:,}",
                unit=product.unit,
                cost=format_fen(product.avg_cost_fen),
            )
        )
        self.pack_combo.clear()
        self.pack_combo.addItem(product.unit or self.tr("units"), 1)
        for pack in product.packs:
            self.pack_combo.addItem(self.tr("packs of {n}").format(n=pack), pack)
        self.pack_combo.setCurrentIndex(max(0, self.pack_combo.findData(units)))
        if product.shelf_life_days:
            expiry = shop_day(utcnow()) + timedelta(days=product.shelf_life_days)
            self.expiry_edit.setDate(to_qdate(expiry))
            self.expiry_check.setChecked(True)
        self._update_summary()
        self.qty_spin.setFocus()
        self.qty_spin.selectAll()

    def units(self) -> int:
        return self.qty_spin.value() * int(self.pack_combo.currentData() or 1)

    def total_cost_fen(self) -> int:
        """The receipt's total cost in fen; raises InputError for an unreadable amount."""
        text = self.cost_edit.text().strip()
        amount = parse_fen(text) if text else 0
        if self.cost_mode.currentData() == "each":
            return amount * self.qty_spin.value()
        return amount

    def _update_summary(self) -> None:
        if self.product is None:
            self.summary.setText("")
            return
        try:
            total = self.total_cost_fen()
        except InputError as exc:
            show_message(self.error_label, str(exc))
            return
        show_message(self.error_label, "")
        units = self.units()
        self.summary.setText(
            self.tr("Adds {units} {unit} for {total} ({each} per {unit}).").format(
                units=f"{units:,}",
                unit=self.product.unit or self.tr("units"),
                total=format_fen(total),
                each=format_fen(mul_div_round(total, 1, units)),
            )
        )

    def accept(self) -> None:
        if self.product is None:
            show_message(self.error_label, self.tr("Scan or search the product first."))
            self.picker.search_edit.setFocus()
            return
        try:
            total = self.total_cost_fen()
            expiry = from_qdate(self.expiry_edit.date()) if self.expiry_check.isChecked() else None
            with self.ctx.db.session() as session:
                receive_stock(
                    session,
                    self.product.id,
                    self.units(),
                    total,
                    expiry_date=expiry,
                    note=self.note_edit.text().strip(),
                )
        except ShopDeskError as exc:
            show_message(self.error_label, str(exc))
            return
        self.ctx.events.stock_changed.emit()
        super().accept()
