"""Product editor: every field of a product, checked as it is typed, saved all at once.

Nothing typed is ever lost: a problem is shown beside its field (or at the bottom when the
database refuses, e.g. a barcode that belongs to another product) and the dialog stays open.
Enter moves to the next field (a scanner ends every barcode with Enter, which must not save
half a product); Ctrl+S or Ctrl+Enter saves.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from shop_desk.errors import InputError, ShopDeskError
from shop_desk.gui.context import AppContext
from shop_desk.inventory.products import (
    MAX_CASE_UNITS,
    ProductData,
    average_cost_fen,
    create_product,
    data_of,
    get_product,
    update_product,
)
from shop_desk.inventory.stock_list import categories, units_in_use
from shop_desk.money import format_fen, parse_fen
from shop_desk.settings import load_settings
from shop_desk.text import validate_barcode

ERROR_STYLE = "color: #b00020;"
HIGH_PRICE_FEN = 1_000_000  # ¥10,000: possible, but more often a slip of the keyboard
WARNING_STYLE = "color: #8a5a00;"


def _error_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


def show_message(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


class BarcodeRow(QWidget):
    """One barcode: the code, how many base units one scan stands for, and its problem."""

    def __init__(self, code: str = "", units: int = 1, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code_edit = QLineEdit(code)
        self.code_edit.setPlaceholderText(self.tr("Scan or type the barcode"))
        self.units_spin = QSpinBox()
        self.units_spin.setRange(1, MAX_CASE_UNITS)
        self.units_spin.setValue(units)
        self.units_spin.setPrefix(self.tr("× "))
        self.units_spin.setToolTip(
            self.tr("Base units one scan stands for: 1 for the item, e.g. 24 for a case")
        )
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.setAutoDefault(False)
        self.error = _error_label()
        line = QHBoxLayout()
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.code_edit, 1)
        line.addWidget(self.units_spin)
        line.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(line)
        layout.addWidget(self.error)
        self.code_edit.textChanged.connect(self.check)
        if code:
            self.check()  # a scanned or stored code is judged at once, not after an edit

    def value(self) -> tuple[str, int] | None:
        """(code, units), None for an empty row; raises InputError for a bad code."""
        if not self.code_edit.text().strip():
            return None
        return validate_barcode(self.code_edit.text()), self.units_spin.value()

    def check(self) -> bool:
        try:
            self.value()
        except InputError as exc:
            show_message(self.error, str(exc))
            return False
        show_message(self.error, "")
        return True


class ProductEditor(QDialog):
    """New product (product_id None, optionally with a scanned barcode) or edit one."""

    def __init__(
        self,
        ctx: AppContext,
        product_id: int | None = None,
        barcode: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.product_id = product_id
        self.barcode_rows: list[BarcodeRow] = []
        self.setMinimumWidth(560)
        self._build()
        self._load(barcode)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.accept)
        self.name_edit.setFocus()

    # --- layout -------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(self._basics_box())
        layout.addWidget(self._barcodes_box())
        layout.addWidget(self._reorder_box())
        self.error_label = _error_label()
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        for button in buttons.buttons():
            button.setAutoDefault(False)  # Enter moves between fields; it never saves
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.save_button.setToolTip(self.tr("Save (Ctrl+S)"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _basics_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Product"))
        form = QFormLayout(box)
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(200)
        self.category_combo = QComboBox()
        self.category_combo.setEditable(True)
        self.unit_combo = QComboBox()
        self.unit_combo.setEditable(True)
        self.spec_edit = QLineEdit()
        self.spec_edit.setPlaceholderText(self.tr("e.g. 500ml, 1.25L, 100g"))
        self.price_edit = QLineEdit()
        self.price_edit.setPlaceholderText("0.00")
        self.price_error = _error_label()
        self.cost_edit = QLineEdit()
        self.cost_edit.setPlaceholderText("0.00")
        self.cost_error = _error_label()
        self.short_code_edit = QLineEdit()
        self.short_code_edit.setMaxLength(32)
        self.short_code_edit.setPlaceholderText(self.tr("For loose goods without a barcode"))
        self.active_check = QCheckBox(self.tr("On sale (uncheck to archive)"))
        self.stock_label = QLabel()
        self.stock_label.setStyleSheet("color: #555;")
        form.addRow(self.tr("Name"), self.name_edit)
        unit_row = QHBoxLayout()
        unit_row.addWidget(self.unit_combo, 1)
        unit_row.addWidget(QLabel(self.tr("Size")))
        unit_row.addWidget(self.spec_edit, 2)
        form.addRow(self.tr("Category"), self.category_combo)
        form.addRow(self.tr("Unit"), unit_row)
        form.addRow(self.tr("Retail price (¥)"), self.price_edit)
        form.addRow("", self.price_error)
        form.addRow(self.tr("Starting cost (¥ per unit)"), self.cost_edit)
        form.addRow("", self.cost_error)
        form.addRow(self.tr("Short code"), self.short_code_edit)
        form.addRow("", self.active_check)
        form.addRow("", self.stock_label)
        self.price_edit.textChanged.connect(self._check_money)
        self.cost_edit.textChanged.connect(self._check_money)
        return box

    def _barcodes_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Barcodes (item and case)"))
        self._barcode_layout = QVBoxLayout(box)
        self.add_barcode_button = QPushButton(self.tr("Add barcode"))
        self.add_barcode_button.setAutoDefault(False)
        self.add_barcode_button.clicked.connect(lambda: self.add_barcode_row(focus=True))
        self._barcode_layout.addWidget(self.add_barcode_button, 0, Qt.AlignmentFlag.AlignLeft)
        return box

    def _reorder_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Shelf life and reorder"))
        form = QFormLayout(box)
        self.shelf_life_spin = self._optional_spin(self.tr(" days"), 3650)
        self.service_spin = QDoubleSpinBox()
        self.service_spin.setRange(50.0, 99.9)
        self.service_spin.setDecimals(1)
        self.service_spin.setSuffix(" %")
        self.service_spin.setToolTip(
            self.tr("How often a customer should find it on the shelf (97% is usual)")
        )
        self.review_spin = QSpinBox()
        self.review_spin.setRange(1, 90)
        self.review_spin.setSuffix(self.tr(" days"))
        self.capacity_spin = self._optional_spin("", 1_000_000)
        self.min_display_spin = QSpinBox()
        self.min_display_spin.setRange(0, 1_000_000)
        self.min_display_spin.setToolTip(
            self.tr("At or below this quantity the product is shown as low stock")
        )
        form.addRow(self.tr("Shelf life"), self.shelf_life_spin)
        form.addRow(self.tr("Target service level"), self.service_spin)
        form.addRow(self.tr("Review every"), self.review_spin)
        form.addRow(self.tr("Shelf capacity"), self.capacity_spin)
        form.addRow(self.tr("Minimum display quantity"), self.min_display_spin)
        return box

    def _optional_spin(self, suffix: str, maximum: int) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(0, maximum)
        spin.setSuffix(suffix)
        spin.setSpecialValueText(self.tr("not set"))  # shown for 0
        return spin

    def add_barcode_row(self, code: str = "", units: int = 1, *, focus: bool = False) -> BarcodeRow:
        row = BarcodeRow(code, units)
        row.remove_button.clicked.connect(lambda: self._remove_barcode_row(row))
        self.barcode_rows.append(row)
        self._barcode_layout.insertWidget(self._barcode_layout.count() - 1, row)
        if focus:
            row.code_edit.setFocus()
        return row

    def _remove_barcode_row(self, row: BarcodeRow) -> None:
        self.barcode_rows.remove(row)
        row.setParent(None)
        row.deleteLater()

    # --- data ---------------------------------------------------------------------------
    def _load(self, barcode: str | None) -> None:
        with self.ctx.db.read() as session:
            self.category_combo.addItems(["", *categories(session)])
            self.unit_combo.addItems(self._unit_choices(units_in_use(session)))
            if self.product_id is None:  # the reorder settings start at the shop's defaults
                defaults = load_settings(session)
                data = ProductData(
                    name="",
                    retail_price_fen=0,
                    barcodes=[],
                    service_level_bp=defaults.default_service_level_bp,
                    review_days=defaults.default_review_days,
                )
                on_hand, average, unit = 0, 0, ""
            else:
                product = get_product(session, self.product_id)
                data = data_of(product)
                on_hand, average, unit = product.on_hand, average_cost_fen(product), product.unit
        if barcode:
            data.barcodes.insert(0, (barcode, 1))
        self._fill(data)
        if self.product_id is None:
            self.setWindowTitle(self.tr("New product"))
            self.stock_label.hide()
        else:
            self.setWindowTitle(self.tr("Edit product: {name}").format(name=data.name))
            self.stock_label.setText(
                self.tr("On hand: {qty} {unit} · average cost {cost}").format(
                    qty=f"{on_hand:,}", unit=unit, cost=format_fen(average)
                )
            )
            if on_hand > 0:
                # Once stock is on the books its cost comes from receipts, not from here.
                self.cost_edit.setEnabled(False)
                self.cost_edit.setToolTip(self.tr("The cost now follows the goods received."))

    def _unit_choices(self, in_use: list[str]) -> list[str]:
        common = [
            self.tr("piece"),
            self.tr("bottle"),
            self.tr("can"),
            self.tr("bag"),
            self.tr("box"),
            self.tr("pack"),
            self.tr("carton"),
            self.tr("jin"),
            self.tr("kg"),
        ]
        return ["", *dict.fromkeys([*in_use, *common])]

    def _fill(self, data: ProductData) -> None:
        self.name_edit.setText(data.name)
        self.category_combo.setCurrentText(data.category)
        self.unit_combo.setCurrentText(data.unit)
        self.spec_edit.setText(data.spec)
        self.price_edit.setText(format_fen(data.retail_price_fen, symbol=False).replace(",", ""))
        self.cost_edit.setText(format_fen(data.cost_fen, symbol=False).replace(",", ""))
        self.short_code_edit.setText(data.short_code or "")
        self.active_check.setChecked(data.active)
        for code, units in data.barcodes or [("", 1)]:
            self.add_barcode_row(code, units)
        self.shelf_life_spin.setValue(data.shelf_life_days or 0)
        self.service_spin.setValue(data.service_level_bp / 100)
        self.review_spin.setValue(data.review_days)
        self.capacity_spin.setValue(data.shelf_capacity or 0)
        self.min_display_spin.setValue(data.min_display_qty)

    def _money(self, edit: QLineEdit, label: QLabel) -> int | None:
        text = edit.text().strip()
        try:
            fen = parse_fen(text) if text else 0
        except InputError as exc:
            label.setStyleSheet(ERROR_STYLE)
            show_message(label, str(exc))
            return None
        show_message(label, "")
        return fen

    def _check_money(self) -> None:
        price = self._money(self.price_edit, self.price_error)
        cost = self._money(self.cost_edit, self.cost_error)
        warning = ""
        if price is not None and price > HIGH_PRICE_FEN:
            warning = self.tr("Note: {price} is an unusually high price; check it.").format(
                price=format_fen(price)
            )
        elif price is not None and cost is not None and 0 < price < cost:
            warning = self.tr("Note: the price is below the cost.")
        if warning:
            self.price_error.setStyleSheet(WARNING_STYLE)
            show_message(self.price_error, warning)
        else:
            self.price_error.setStyleSheet(ERROR_STYLE)

    def collect(self) -> ProductData | None:
        """The typed product, or None after showing every problem beside its field."""
        price = self._money(self.price_edit, self.price_error)
        cost = self._money(self.cost_edit, self.cost_error)
        rows_ok = all([row.check() for row in self.barcode_rows])
        if price is None or cost is None or not rows_ok:
            show_message(self.error_label, self.tr("Please correct the fields marked in red."))
            return None
        barcodes = [value for row in self.barcode_rows if (value := row.value()) is not None]
        return ProductData(
            name=self.name_edit.text(),
            retail_price_fen=price,
            category=self.category_combo.currentText(),
            unit=self.unit_combo.currentText(),
            spec=self.spec_edit.text(),
            barcodes=barcodes,
            short_code=self.short_code_edit.text() or None,
            shelf_life_days=self.shelf_life_spin.value() or None,
            service_level_bp=round(self.service_spin.value() * 100),
            review_days=self.review_spin.value(),
            shelf_capacity=self.capacity_spin.value() or None,
            min_display_qty=self.min_display_spin.value(),
            cost_fen=cost,
            active=self.active_check.isChecked(),
        )

    def accept(self) -> None:
        data = self.collect()
        if data is None:
            return
        try:
            with self.ctx.db.session() as session:
                if self.product_id is None:
                    product = create_product(session, data)
                else:
                    product = update_product(session, self.product_id, data)
                saved_id = product.id
        except ShopDeskError as exc:
            show_message(self.error_label, str(exc))  # the dialog keeps what was typed
            return
        self.product_id = saved_id
        self.ctx.events.products_changed.emit()
        super().accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.accept()
            else:
                self.focusNextChild()
            return
        super().keyPressEvent(event)
