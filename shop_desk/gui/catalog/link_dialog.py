"""Link an offer to one of the shop's products, with how many units one pack holds."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from shop_desk.catalog.links import MAX_UNITS_PER_PACK, link_offer, unlink_offer
from shop_desk.catalog.offers import OfferRow
from shop_desk.errors import ShopDeskError
from shop_desk.gui.context import AppContext
from shop_desk.inventory.search import search_products

PRODUCT_ROLE = Qt.ItemDataRole.UserRole


class LinkDialog(QDialog):
    def __init__(self, ctx: AppContext, offer: OfferRow, parent=None) -> None:
        super().__init__(parent)
        self.ctx, self.offer = ctx, offer
        self.setWindowTitle(self.tr("Link offer to a product"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                self.tr("{supplier} · {sku} · {name}").format(
                    supplier=offer.supplier, sku=offer.sku, name=offer.name
                )
            )
        )
        form = QFormLayout()
        self.search = QLineEdit(placeholderText=self.tr("Name, pinyin initials or barcode"))
        self.search.textChanged.connect(self._search)
        self.results = QListWidget()
        self.units = QSpinBox(minimum=1, maximum=MAX_UNITS_PER_PACK, value=offer.pack_size)
        self.units.setSuffix(self.tr(" units per pack"))
        form.addRow(self.tr("Product"), self.search)
        form.addRow("", self.results)
        form.addRow(self.tr("One pack holds"), self.units)
        layout.addLayout(form)
        self.linked = QLabel()
        layout.addWidget(self.linked)
        self.unlink_button = QPushButton(self.tr("Remove the link"))
        self.unlink_button.clicked.connect(self.unlink)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.addButton(self.unlink_button, QDialogButtonBox.ButtonRole.ResetRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._show_linked()
        self.search.setText(offer.name.split()[0] if offer.name else "")

    def _show_linked(self) -> None:
        self.unlink_button.setEnabled(bool(self.offer.linked_products))
        if self.offer.linked_products:
            from shop_desk.db.models import Product

            with self.ctx.db.session(write=False) as session:
                names = [session.get(Product, pid).name for pid in self.offer.linked_products]
            self.linked.setText(self.tr("Linked now to: {names}").format(names="、".join(names)))

    def _search(self, text: str) -> None:
        self.results.clear()
        with self.ctx.db.session(write=False) as session:
            for product in search_products(session, text, limit=20):
                item = QListWidgetItem(f"{product.name}  {product.spec}".strip())
                item.setData(PRODUCT_ROLE, product.id)
                self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)

    def chosen_product(self) -> int | None:
        item = self.results.currentItem()
        return item.data(PRODUCT_ROLE) if item else None

    def save(self) -> None:
        product_id = self.chosen_product()
        if product_id is None:
            QMessageBox.warning(self, self.windowTitle(), self.tr("Choose a product first."))
            return
        try:
            with self.ctx.db.session() as session:
                link_offer(
                    session, product_id, self.offer.supplier_id, self.offer.sku, self.units.value()
                )
        except ShopDeskError as exc:
            QMessageBox.warning(self, self.windowTitle(), str(exc))
            return
        self.accept()

    def unlink(self) -> None:
        with self.ctx.db.session() as session:
            for product_id in self.offer.linked_products:
                unlink_offer(session, product_id, self.offer.supplier_id, self.offer.sku)
        self.accept()
