"""Drive modal dialogs from a test: they block in exec(), so act on them from a timer."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget


def when_modal(act: Callable[[QWidget], None], timeout_s: float = 5.0, kind: type = QWidget):
    """Call act(dialog) on the next modal widget of the given kind that opens."""
    deadline = time.monotonic() + timeout_s
    seen: list[QWidget] = []

    def poll() -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, kind) and widget.isVisible():
            seen.append(widget)
            act(widget)
        elif time.monotonic() < deadline:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)
    return seen


def answer(button: QMessageBox.StandardButton, texts: list[str] | None = None):
    """Click a button of the next message box, keeping its text in texts."""

    def act(box: QMessageBox) -> None:
        if texts is not None:
            texts.append(box.text())
        box.button(button).click()

    return when_modal(act, kind=QMessageBox)
