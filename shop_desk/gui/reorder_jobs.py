"""The reorder forecast's back-test, redone in the background when its cache is stale.

Picking each product's forecast method takes seconds over thousands of products, so it
is cached (shop_desk.reorder.service) and refreshed here, off the GUI thread, a little
after start-up and then once a day, so the Reorder page itself stays quick.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer

from shop_desk.gui.context import AppContext

log = logging.getLogger(__name__)
FIRST_DELAY_MS = 20_000  # let the counter settle first
EVERY_MS = 6 * 3600 * 1000


def _refit_if_stale(db) -> bool:
    from shop_desk.clock import shop_day, utcnow
    from shop_desk.reorder import service

    today = shop_day(utcnow())
    with db.read() as session:
        stale = service.fit_is_stale(service.cached_fit(session), today)
    if stale:
        service.refit(db, today)
    return stale


class RefitScheduler(QObject):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.timer = QTimer(self, interval=EVERY_MS)
        self.timer.timeout.connect(self.run)
        QTimer.singleShot(FIRST_DELAY_MS, self.run)
        self.timer.start()

    def run(self) -> None:
        db = self.ctx.db
        self.ctx.tasks.run(lambda: _refit_if_stale(db), self._done, self._failed)

    def _done(self, refitted: bool) -> None:
        if refitted:
            log.info("reorder forecast methods refitted")

    def _failed(self, error: BaseException) -> None:
        log.warning("reorder refit failed: %r", error)  # the default method still works
