"""A page whose work lands later: it says, in a friendly sentence, what it will hold."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from shop_desk.gui.widgets import sized_font


class PlaceholderPage(QWidget):
    def __init__(self, title: str, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        self.title_label = QLabel(title)
        self.title_label.setFont(sized_font(self, 20, True))
        self.text_label = QLabel(what)
        self.text_label.setWordWrap(True)
        self.text_label.setFont(sized_font(self, 13))
        self.text_label.setMaximumWidth(640)
        self.soon_label = QLabel(self.tr("Coming in a later version of Shop Desk."))
        self.soon_label.setStyleSheet("color: #6b7280;")
        for label in (self.title_label, self.text_label, self.soon_label):
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            layout.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
