"""A Qt table model over a ReportTable (shop_desk.reports.table): typed cells, the totals
row in bold at the bottom, sorting in memory (a report is at most a few thousand rows here;
big lists are cut by the report itself)."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from shop_desk.reports.table import Kind, ReportTable, display

_ROOT = QModelIndex()
NEGATIVE = QColor("#b00020")
TOTALS_BACKGROUND = QColor("#f3f4f6")
_NUMERIC = (Kind.INT, Kind.MONEY, Kind.PERCENT, Kind.DECIMAL)


def _sort_key(value: Any) -> tuple:
    """None last whatever the direction is handled by the caller; mixed types by kind."""
    if value is None:
        return (1, 0)
    if isinstance(value, date):
        return (0, value.toordinal())
    return (0, value)


class ReportTableModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.table: ReportTable | None = None
        self._rows: list[tuple] = []

    def set_table(self, table: ReportTable | None) -> None:
        self.beginResetModel()
        self.table = table
        self._rows = list(table.rows) if table else []
        self.endResetModel()

    def _has_totals(self) -> bool:
        return self.table is not None and self.table.totals is not None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        if parent.isValid() or self.table is None:
            return 0
        return len(self._rows) + (1 if self._has_totals() else 0)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() or self.table is None else len(self.table.columns)

    def row_values(self, row: int) -> tuple:
        return self._rows[row] if row < len(self._rows) else self.table.totals

    def is_totals(self, row: int) -> bool:
        return row >= len(self._rows)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if self.table is None or orientation != Qt.Orientation.Horizontal:
            return None
        column = self.table.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._alignment(column.kind)
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or self.table is None:
            return None
        column = self.table.columns[index.column()]
        value = self.row_values(index.row())[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return display(column.kind, value)
        if role == Qt.ItemDataRole.EditRole:
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._alignment(column.kind)
        if role == Qt.ItemDataRole.ForegroundRole and column.kind in _NUMERIC:
            return NEGATIVE if isinstance(value, int | float) and value < 0 else None
        if self.is_totals(index.row()):
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            if role == Qt.ItemDataRole.BackgroundRole:
                return TOTALS_BACKGROUND
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if self.table is None or not 0 <= column < len(self.table.columns):
            return
        descending = order == Qt.SortOrder.DescendingOrder
        present = [r for r in self._rows if r[column] is not None]
        missing = [r for r in self._rows if r[column] is None]
        present.sort(key=lambda r: _sort_key(r[column]), reverse=descending)
        self.layoutAboutToBeChanged.emit()
        self._rows = present + missing  # empty cells last either way; totals stay at the end
        self.layoutChanged.emit()

    @staticmethod
    def _alignment(kind: Kind) -> int:
        horizontal = Qt.AlignmentFlag.AlignRight if kind in _NUMERIC else Qt.AlignmentFlag.AlignLeft
        return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
