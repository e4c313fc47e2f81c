"""Small shared widgets and helpers: money labels, yes/no questions, inline messages."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from shop_desk.money import format_fen

ERROR_STYLE = "color: #b91c1c;"
WARNING_STYLE = "color: #92400e; background: #fef3c7; padding: 4px; border-radius: 4px;"
OK_STYLE = "color: #166534;"


def sized_font(widget: QWidget, point_size: float, bold: bool = False) -> QFont:
    font = QFont(widget.font())
    font.setPointSizeF(point_size)
    font.setBold(bold)
    return font


class MoneyLabel(QLabel):
    """Shows an amount of fen as ¥1,234.50 (the only place the formatting happens)."""

    def __init__(self, point_size: float = 0, bold: bool = False, parent=None) -> None:
        super().__init__(parent)
        self.fen = 0
        if point_size:
            self.setFont(sized_font(self, point_size, bold))
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.set_fen(0)

    def set_fen(self, fen: int) -> None:
        self.fen = fen
        self.setText(format_fen(fen))


class MessageLine(QLabel):
    """A one-line inline message (error, warning or done) that does not block the keyboard."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.hide()

    def show_error(self, text: str) -> None:
        self._show(text, ERROR_STYLE)

    def show_warning(self, text: str) -> None:
        self._show(text, WARNING_STYLE)

    def show_ok(self, text: str) -> None:
        self._show(text, OK_STYLE)

    def clear_message(self) -> None:
        self.setText("")
        self.hide()

    def _show(self, text: str, style: str) -> None:
        self.setStyleSheet(style)
        self.setText(text)
        self.setVisible(bool(text))


def ask_yes_no(parent: QWidget, title: str, text: str, default_yes: bool = True) -> bool:
    """A modal yes/no question; the buttons are translated by Qt's qtbase catalog."""
    yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
    box = QMessageBox(QMessageBox.Icon.Question, title, text, yes | no, parent)
    box.setDefaultButton(yes if default_yes else no)
    return box.exec() == yes
