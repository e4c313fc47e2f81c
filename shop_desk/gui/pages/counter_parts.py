"""The counter's own inputs: the scan box (scanner and keyboard) and the inline pay box."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shop_desk.errors import InputError
from shop_desk.gui.widgets import MoneyLabel, sized_font
from shop_desk.money import format_fen, parse_fen
from shop_desk.text import clean_barcode


def looks_like_code(text: str) -> bool:
    """Digits only and long enough to be a barcode (names and initials are not)."""
    code = clean_barcode(text)
    return code.isdigit() and len(code) >= 6


class CommandEdit(QLineEdit):
    """A line edit that passes the counter's function keys on as commands.

    The page's shortcuts normally take these keys; when they cannot (the window is not the
    active one, e.g. just after a dialog closed), the key still reaches the focused input.
    """

    command = Signal(str)
    KEYS = {
        Qt.Key.Key_F12: "pay",
        Qt.Key.Key_F9: "void",
        Qt.Key.Key_F8: "returns",
        Qt.Key.Key_Escape: "escape",
    }

    def keyPressEvent(self, event: QKeyEvent) -> None:
        name = self.KEYS.get(Qt.Key(event.key()))
        if name is not None and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self.command.emit(name)
            return
        super().keyPressEvent(event)


class ScanBox(CommandEdit):
    """The one input a scanner and the keyboard talk to; keys act on the cart when it is empty."""

    submitted = Signal(str)
    step = Signal(int)  # +1 / -1 on the current line's quantity
    move = Signal(int)  # Up / Down: the current line, or the pick list when it is open
    remove_line = Signal()
    multiply = Signal(int)  # "3*" sets the current line's quantity to 3
    pay = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, text, empty = event.key(), event.text(), not self.text()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.pay.emit()
            else:
                self.submitted.emit(self.text())
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.move.emit(-1 if key == Qt.Key.Key_Up else 1)
        elif empty and text in ("+", "-"):
            self.step.emit(1 if text == "+" else -1)
        elif empty and key == Qt.Key.Key_Delete:
            self.remove_line.emit()
        elif text in ("*", "×") and self.text().isdigit() and len(self.text()) <= 4:
            self.multiply.emit(int(self.text()))
            self.clear()
        else:
            super().keyPressEvent(event)


def no_focus(widget: QWidget) -> QWidget:
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return widget


class PayBox(QFrame):
    """Inline payment: cash received, change shown large. Enter confirms, Esc goes back."""

    confirmed = Signal()
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.total_fen = 0
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("PayBox { background: #ecfdf5; border: 2px solid #10b981; }")
        layout = QVBoxLayout(self)
        caption = QLabel(self.tr("Cash received (Enter = exact amount)"))
        self.cash = CommandEdit()
        self.cash.setFont(sized_font(self, 22, True))
        self.cash.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.cash.textChanged.connect(self.update_change)
        self.cash.returnPressed.connect(self.confirmed)
        quick = QHBoxLayout()
        self.exact_button = self._button(self.tr("Exact"), self.confirm_exact)
        quick.addWidget(self.exact_button)
        for yuan in (20, 50, 100):
            quick.addWidget(self._button(f"¥{yuan}", lambda _=False, y=yuan: self.set_cash(y)))
        self.change_caption = QLabel(self.tr("Change"))
        self.change = MoneyLabel(34, True)
        self.change.setStyleSheet("color: #047857;")
        buttons = QHBoxLayout()
        self.confirm_button = self._button(self.tr("Confirm (Enter)"), self.confirmed.emit)
        self.confirm_button.setStyleSheet("font-weight: bold;")
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self._button(self.tr("Back (Esc)"), self.cancelled.emit))
        for item in (caption, self.cash, quick, self.change_caption, self.change, buttons):
            (layout.addLayout if isinstance(item, QHBoxLayout) else layout.addWidget)(item)

    def _button(self, text: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.setMinimumHeight(44)
        button.clicked.connect(slot)
        return no_focus(button)

    def start(self, total_fen: int) -> None:
        self.total_fen = total_fen
        self.cash.clear()
        self.cash.setPlaceholderText(format_fen(total_fen, symbol=False))
        self.update_change()
        self.show()
        self.cash.setFocus()

    def set_cash(self, yuan: int) -> None:
        self.cash.setText(str(yuan))
        self.cash.setFocus()

    def confirm_exact(self) -> None:
        self.cash.clear()
        self.confirmed.emit()

    def paid_fen(self) -> int | None:
        """None = exact amount (nothing typed). Raises InputError for a bad amount."""
        text = self.cash.text().strip()
        return parse_fen(text) if text else None

    def update_change(self) -> None:
        try:
            paid = self.paid_fen()
        except InputError:
            paid = -1
        paid = self.total_fen if paid is None else paid
        short = paid < self.total_fen
        self.change_caption.setText(self.tr("Still due") if short else self.tr("Change"))
        self.change.set_fen(abs(paid - self.total_fen) if paid >= 0 else 0)
        self.change.setStyleSheet("color: #b91c1c;" if short else "color: #047857;")
