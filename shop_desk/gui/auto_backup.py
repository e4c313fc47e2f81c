"""The daily backup while the window is open: checked once the database is open, then every
hour; written in a worker (the online backup API or pg_dump), never on the GUI thread.

A backup is due when the newest one (of any kind, in this PC's backup folder or the data
folder) is a day old. A missing USB stick falls back to the data folder and says so in the
status bar; a failure is said there too and tried again at the next check.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer

from shop_desk.errors import ShopDeskError
from shop_desk.gui.context import AppContext

log = logging.getLogger(__name__)
CHECK_EVERY_MS = 60 * 60 * 1000


class AutoBackup(QObject):
    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.running = False
        self.timer = QTimer(self, interval=CHECK_EVERY_MS)
        self.timer.timeout.connect(self.check)

    def start(self, first_check_ms: int = 3000) -> None:
        """Check soon (after the counter is ready for the first scan), then every hour."""
        QTimer.singleShot(first_check_ms, self, self.check)
        self.timer.start()

    def check(self) -> None:
        if self.running:
            return
        self.running = True
        db = self.ctx.db

        def job():
            from shop_desk.backup import auto_backup

            return auto_backup(db)

        self.ctx.tasks.run(job, self._done, self._failed)

    def _done(self, result) -> None:
        self.running = False
        if result is None:
            return  # the last backup is less than a day old
        text = self.tr("Daily backup written: {path}").format(path=result.path)
        if result.note:
            text = result.note
        self.ctx.events.status_message.emit(text)
        self.ctx.events.backups_changed.emit()

    def _failed(self, error: BaseException) -> None:
        self.running = False
        log.warning("daily backup failed: %s", error)
        detail = str(error) if isinstance(error, ShopDeskError) else repr(error)
        self.ctx.events.status_message.emit(
            self.tr("The daily backup failed: {error}").format(error=detail)
        )
