"""What every page is given: the database, the settings and the task runner."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from shop_desk.db.engine import Database
from shop_desk.gui.tasks import TaskRunner
from shop_desk.settings import ShopSettings


class Events(QObject):
    """Application-wide notifications, so pages refresh without knowing each other."""

    stock_changed = Signal()  # a sale, receipt, count, write-off or import changed stock
    products_changed = Signal()  # a product was created, edited, archived or imported
    settings_changed = Signal()
    catalog_changed = Signal()  # a sync, a source added or removed, a link set
    orders_changed = Signal()  # purchase orders created, sent, received or cancelled
    status_message = Signal(str)  # a transient sentence for the status bar
    progress = Signal(int, int, str)  # done, total (0 = unknown), message; done<0 = finished
    backups_changed = Signal()  # a backup was written or restored
    restart_requested = Signal()  # the owner asked to restart (a new language or database)


@dataclass
class AppContext:
    db: Database
    settings: ShopSettings
    tasks: TaskRunner
    events: Events
    data_folder: Path | None = None
    demo: bool = False
