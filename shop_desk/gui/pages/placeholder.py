"""A page whose work lands later: it says, in a friendly sentence, what it will hold."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from shop_desk.gui.widgets import sized_font


class PlaceholderPage(QWidget):
    def __init__(self, title: str, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # A centred column of fixed width: wrapped labels get their full height in it.
        column = QWidget()
        column.setFixedWidth(620)
        inner = QVBoxLayout(column)
        self.title_label = QLabel(title)
        self.title_label.setFont(sized_font(self, 20, True))
        self.text_label = QLabel(what)
        self.text_label.setWordWrap(True)
        self.text_label.setFont(sized_font(self, 13))
        self.soon_label = QLabel(self.tr("Coming in a later version of Shop Desk."))
        self.soon_label.setStyleSheet("color: #6b7280;")
        for label in (self.title_label, self.text_label, self.soon_label):
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            inner.addWidget(label)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(column)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)
