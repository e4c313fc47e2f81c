"""The global exception hook and its dialog: a plain sentence, and details one can copy.

Every uncaught error is written to the log first; then the owner sees what happened. Errors we
know (ShopDeskError: disk full, database busy, bad input) show just their sentence. Safe in a
windowed executable, where sys.stdout and sys.stderr are None: nothing here prints.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from logging.handlers import RotatingFileHandler
from types import TracebackType

from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shop_desk.errors import ShopDeskError

log = logging.getLogger(__name__)


def log_file_path() -> str:
    for handler in logging.getLogger().handlers:
        if isinstance(handler, RotatingFileHandler):
            return handler.baseFilename
    return ""


class ErrorDialog(QDialog):
    def __init__(self, details: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Shop Desk: something went wrong"))
        self.setMinimumSize(620, 380)
        layout = QVBoxLayout(self)
        sentence = self.tr(
            "Shop Desk met an unexpected problem. What you were doing may not have been saved: "
            "check it, then carry on. If it happens again, copy the details below and send them "
            "to whoever looks after this computer."
        )
        path = log_file_path()
        if path:
            sentence += " " + self.tr("The details are also in the log file {path}.").format(
                path=path
            )
        label = QLabel(sentence)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.details = QPlainTextEdit(details)
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        layout.addWidget(self.details, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(self.tr("Copy details"))
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.details.toPlainText())
        self.copy_button.setText(self.tr("Copied"))


def show_known_error(parent: QWidget | None, error: ShopDeskError) -> None:
    QMessageBox.warning(parent, QApplication.translate("ErrorHook", "Shop Desk"), str(error))


class _Bridge(QObject):
    """Carries an error from any thread to the GUI thread (queued signal)."""

    raised = Signal(object, object, str)


class ExceptionHook:
    """sys.excepthook + threading.excepthook: log, then one dialog at a time on the GUI thread."""

    def __init__(self, show_dialogs: bool = True) -> None:
        self.show_dialogs = show_dialogs  # False in the self-test: nobody is there to click
        self._bridge = _Bridge()
        self._bridge.raised.connect(self._show)
        self._showing = False
        self.count = 0  # how many uncaught errors were seen (tests and the self-test read it)
        self.last_details = ""
        self._previous = (sys.excepthook, threading.excepthook)

    def install(self) -> ExceptionHook:
        sys.excepthook = self.handle
        threading.excepthook = self._handle_thread
        return self

    def uninstall(self) -> None:
        sys.excepthook, threading.excepthook = self._previous

    def _handle_thread(self, args: threading.ExceptHookArgs) -> None:
        self.handle(args.exc_type, args.exc_value, args.exc_traceback)

    def handle(
        self, exc_type: type[BaseException], exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            app = QApplication.instance()
            if app is not None:
                app.quit()
            return
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("uncaught error\n%s", details)
        self.count += 1
        self.last_details = details
        if QApplication.instance() is None or not self.show_dialogs:
            return
        if QThread.currentThread() is QApplication.instance().thread():
            self._show(exc_type, exc, details)
        else:
            self._bridge.raised.emit(exc_type, exc, details)

    def _show(self, exc_type, exc, details: str) -> None:
        if self._showing:
            return  # one dialog at a time; the rest is in the log
        self._showing = True
        try:
            parent = QApplication.activeWindow()
            if isinstance(exc, ShopDeskError):
                show_known_error(parent, exc)
            else:
                ErrorDialog(details, parent).exec()
        finally:
            self._showing = False
