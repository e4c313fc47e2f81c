"""Product editor (placeholder while the full editor is written)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from shop_desk.errors import ShopDeskError
from shop_desk.gui.context import AppContext
from shop_desk.inventory.products import ProductData, create_product, update_product
from shop_desk.money import parse_fen


class ProductEditor(QDialog):
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
        self.name_edit = QLineEdit()
        self.price_edit = QLineEdit()
        self.barcode_edit = QLineEdit(barcode or "")
        self.error_label = QLabel()
        form = QFormLayout(self)
        form.addRow(self.tr("Name"), self.name_edit)
        form.addRow(self.tr("Retail price"), self.price_edit)
        form.addRow(self.tr("Barcode"), self.barcode_edit)
        form.addRow(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def accept(self) -> None:
        try:
            code = self.barcode_edit.text().strip()
            data = ProductData(
                name=self.name_edit.text(),
                retail_price_fen=parse_fen(self.price_edit.text() or "0"),
                barcodes=[(code, 1)] if code else [],
            )
            with self.ctx.db.session() as session:
                if self.product_id is None:
                    product = create_product(session, data)
                else:
                    product = update_product(session, self.product_id, data)
                self.product_id = product.id
        except ShopDeskError as exc:
            self.error_label.setText(str(exc))
            return
        self.ctx.events.products_changed.emit()
        super().accept()
