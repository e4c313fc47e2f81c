"""Ranked horizontal bars with their labels and values: top sellers, categories."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from shop_desk.gui.charts.axis import short_money

TEXT = QColor("#374151")
NEGATIVE = "#dc2626"


@dataclass(frozen=True)
class BarItem:
    label: str
    value: float
    note: str = ""  # after the value, e.g. "margin 32.1%"


class BarChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items: list[BarItem] = []
        self.color = "#2563eb"
        self.format_value: Callable[[float], str] = short_money
        self.empty_text = ""
        self.row_height = 24
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(120)

    def sizeHint(self) -> QSize:
        return QSize(480, max(160, len(self.items) * self.row_height + 16))

    def set_items(self, items: Sequence[BarItem]) -> None:
        self.items = list(items)
        self.updateGeometry()
        self.update()

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.paint(painter)
        painter.end()

    def paint(self, painter: QPainter) -> None:
        metrics = QFontMetricsF(self.font())
        if not self.items:
            painter.setPen(TEXT)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.empty_text)
            return
        label_w = min(
            max(metrics.horizontalAdvance(i.label) for i in self.items) + 12, self.width() * 0.38
        )
        texts = [self._value_text(i) for i in self.items]
        value_w = max(metrics.horizontalAdvance(t) for t in texts) + 12
        left, right = label_w, self.width() - value_w
        biggest = max((abs(i.value) for i in self.items), default=0) or 1
        row_h = min(self.row_height, (self.height() - 8) / len(self.items))
        for n, (item, text) in enumerate(zip(self.items, texts, strict=True)):
            top = 4 + n * row_h
            painter.setPen(TEXT)
            label = metrics.elidedText(item.label, Qt.TextElideMode.ElideRight, label_w - 8)
            flags = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            painter.drawText(QRectF(0, top, label_w - 8, row_h), flags, label)
            length = (right - left) * abs(item.value) / biggest
            color = QColor(NEGATIVE if item.value < 0 else self.color)
            painter.fillRect(QRectF(left, top + row_h * 0.18, max(length, 1), row_h * 0.64), color)
            painter.setPen(TEXT)
            flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            painter.drawText(QRectF(left + length + 6, top, value_w, row_h), flags, text)

    def _value_text(self, item: BarItem) -> str:
        text = self.format_value(item.value)
        return f"{text}  {item.note}" if item.note else text
