"""The main window's size, place and maximized state, remembered per data folder.

Kept in an INI file beside the database (QSettings' own format, as Picard does) rather
than in the database: it belongs to this PC's screen, not to the shop, so two counters
on one PostgreSQL database keep their own.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow

KEY = "main_window/geometry"


def _settings(folder: Path) -> QSettings:
    return QSettings(str(folder / "window.ini"), QSettings.Format.IniFormat)


def restore(window: QMainWindow, folder: Path) -> bool:
    """Put the window where it was last closed; False when nothing usable was saved."""
    saved = _settings(folder).value(KEY)
    if not isinstance(saved, QByteArray) or saved.isEmpty():
        return False
    return window.restoreGeometry(saved)  # Qt moves it back on screen if that one is gone


def save(window: QMainWindow, folder: Path) -> None:
    settings = _settings(folder)
    settings.setValue(KEY, window.saveGeometry())
    settings.sync()
