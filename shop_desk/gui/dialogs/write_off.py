"""Write off expired, damaged or lost goods (from a chosen lot, or oldest first)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from shop_desk.errors import ShopDeskError
from shop_desk.gui.context import AppContext
from shop_desk.gui.dialogs.product_editor import ERROR_STYLE, WARNING_STYLE, show_message
from shop_desk.gui.dialogs.receive import (
    MAX_QTY,
    PickedProduct,
    ProductPicker,
    StockDialog,
    product_title,
)
from shop_desk.inventory.stock import WASTE_REASONS, write_off
from shop_desk.inventory.stock_list import open_lots
from shop_desk.money import format_fen


class WriteOffDialog(StockDialog):
    def __init__(
        self,
        ctx: AppContext,
        product_id: int | None = None,
        lot_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.product: PickedProduct | None = None
        self.setWindowTitle(self.tr("Write off stock"))
        self.setMinimumWidth(480)
        self._build()
        if product_id is not None:
            self.picker.choose(product_id)
            if lot_id is not None:
                self.select_lot(lot_id)

    def reason_labels(self) -> dict[str, str]:
        labels = {
            "expired": self.tr("Expired"),
            "damaged": self.tr("Damaged"),
            "lost": self.tr("Lost or stolen"),
            "other": self.tr("Other"),
        }
        return {reason: labels.get(reason, reason) for reason in WASTE_REASONS}

    def _build(self) -> None:
        self.picker = ProductPicker(self.ctx)
        self.picker.picked.connect(self._picked)
        self.product_label = QLabel(self.tr("No product chosen yet."))
        self.product_label.setWordWrap(True)
        self.qty_spin = QSpinBox()
        self.qty_spin.setRange(1, MAX_QTY)
        self.reason_combo = QComboBox()
        for reason, label in self.reason_labels().items():
            self.reason_combo.addItem(label, reason)
        self.lot_combo = QComboBox()
        self.note_edit = QLineEdit()
        self.note_edit.setMaxLength(500)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.error_label = QLabel()
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        form = QFormLayout()
        form.addRow(self.tr("Product"), self.picker)
        form.addRow("", self.product_label)
        form.addRow(self.tr("Quantity"), self.qty_spin)
        form.addRow(self.tr("Reason"), self.reason_combo)
        form.addRow(self.tr("From lot"), self.lot_combo)
        form.addRow(self.tr("Note"), self.note_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.error_label)
        layout.addWidget(self._buttons(self.tr("Write off")))
        self.qty_spin.valueChanged.connect(self._update_summary)
        self.lot_combo.currentIndexChanged.connect(self._update_summary)

    def _picked(self, product: PickedProduct, units: int) -> None:
        self.product = product
        self.product_label.setText(
            self.tr("{name} · on hand {qty} {unit}").format(
                name=product_title(product.name, product.spec),
                qty=f"{product.on_hand:,}",
                unit=product.unit,
            )
        )
        self.lot_combo.clear()
        self.lot_combo.addItem(self.tr("Oldest first (automatic)"), None)
        with self.ctx.db.read() as session:
            lots = open_lots(session, product.id)
        for lot in lots:
            if lot.expiry_date is not None:
                text = self.tr("Expires {date}, {qty} left").format(
                    date=lot.expiry_date.isoformat(), qty=f"{lot.qty_left:,}"
                )
            else:
                text = self.tr("Received {date}, {qty} left").format(
                    date=lot.received_at_day.isoformat(), qty=f"{lot.qty_left:,}"
                )
            self.lot_combo.addItem(text, (lot.id, lot.qty_left))
        self.qty_spin.setValue(max(1, units))
        self._update_summary()
        self.qty_spin.setFocus()
        self.qty_spin.selectAll()

    def select_lot(self, lot_id: int) -> None:
        """Opened from the near-expiry list: that lot, all of it, reason expired."""
        for i in range(self.lot_combo.count()):
            data = self.lot_combo.itemData(i)
            if data is not None and data[0] == lot_id:
                self.lot_combo.setCurrentIndex(i)
                self.qty_spin.setValue(data[1])
                self.reason_combo.setCurrentIndex(self.reason_combo.findData("expired"))

    def _update_summary(self) -> None:
        if self.product is None:
            return
        qty = self.qty_spin.value()
        text = self.tr("Leaves the books at about {value} (average cost).").format(
            value=format_fen(qty * self.product.avg_cost_fen)
        )
        lot = self.lot_combo.currentData()
        if qty > self.product.on_hand:
            self.summary.setStyleSheet(WARNING_STYLE)
            text += " " + self.tr("More than the books show on hand ({qty}).").format(
                qty=f"{self.product.on_hand:,}"
            )
        elif lot is not None and qty > lot[1]:
            self.summary.setStyleSheet(WARNING_STYLE)
            text += " " + self.tr("The rest comes from the oldest other lots.")
        else:
            self.summary.setStyleSheet("")
        self.summary.setText(text)

    def accept(self) -> None:
        if self.product is None:
            show_message(self.error_label, self.tr("Scan or search the product first."))
            self.picker.search_edit.setFocus()
            return
        lot = self.lot_combo.currentData()
        try:
            with self.ctx.db.session() as session:
                write_off(
                    session,
                    self.product.id,
                    self.qty_spin.value(),
                    self.reason_combo.currentData(),
                    lot_id=lot[0] if lot else None,
                    note=self.note_edit.text().strip(),
                )
        except ShopDeskError as exc:
            show_message(self.error_label, str(exc))
            return
        self.ctx.events.stock_changed.emit()
        super().accept()
