"""The counter's cart as a table: name, quantity, unit price, line total; oversold lines shown."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from shop_desk.errors import ShopDeskError
from shop_desk.inventory.counter import Cart
from shop_desk.money import format_fen

OVERSOLD = QColor("#fde68a")  # amber: allowed, but the owner should count the shelf later

Index = QModelIndex | QPersistentModelIndex


class CartModel(QAbstractTableModel):
    NAME, QTY, PRICE, TOTAL = range(4)
    rejected = Signal(str)  # an edit that was refused, with the reason

    def __init__(self, cart: Cart, parent=None) -> None:
        super().__init__(parent)
        self.cart = cart
        self._headers = [self.tr("Product"), self.tr("Qty"), self.tr("Price"), self.tr("Total")]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else len(self.cart.lines)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 4

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headers[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        line = self.cart.lines[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == self.NAME:
                return line.name
            if column == self.QTY:
                return line.qty if role == Qt.ItemDataRole.EditRole else str(line.qty)
            if column == self.PRICE:
                return format_fen(line.unit_price_fen)
            return format_fen(line.total_fen)
        if role == Qt.ItemDataRole.TextAlignmentRole and column != self.NAME:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if line.oversold and role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(OVERSOLD)
        if line.oversold and role == Qt.ItemDataRole.ToolTipRole:
            return self.tr("Only {n} on the books — sold anyway; count the shelf later.").format(
                n=line.on_hand
            )
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.column() == self.QTY:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() != self.QTY:
            return False
        try:
            self.cart.set_qty(index.row(), int(value))
        except (ShopDeskError, ValueError, TypeError) as exc:
            self.rejected.emit(str(exc))
            return False
        self.line_changed(index.row())
        return True

    # --- changes go through here, so the view always matches the cart --------------------
    def add(self, product, units: int) -> int:
        """Add a scan (a repeated product adds to its line); returns the row. May raise."""
        before = len(self.cart.lines)
        self.beginResetModel()
        try:
            row = self.cart.add(product, units)
        except ShopDeskError:
            # Cart.add may have appended the new line before refusing its quantity.
            del self.cart.lines[before:]
            raise
        finally:
            self.endResetModel()
        return row

    def set_qty(self, row: int, qty: int) -> None:
        self.cart.set_qty(row, qty)
        self.line_changed(row)

    def remove(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        self.cart.remove(row)
        self.endRemoveRows()

    def clear(self) -> None:
        self.beginResetModel()
        self.cart.clear()
        self.endResetModel()

    def line_changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.TOTAL))
