"""Runs catalog syncs in the background, one at a time, with progress on the status bar."""

from __future__ import annotations

import threading

from PySide6.QtCore import QCoreApplication, QObject, Signal

from shop_desk.gui.context import AppContext
from shop_desk.progress import Progress


class SyncRunner(QObject):
    """Sync one source or all of them off the GUI thread; cancel keeps what was applied.

    Not on the database write lane: a sync writes in short batches of its own, so checkouts
    at the counter slip in between (CATALOG_FEED.md, client behaviour 5).
    """

    finished = Signal(list)  # [(source name, SyncOutcome or None, error message or "")]
    running_changed = Signal(bool)

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._cancel: threading.Event | None = None
        self._tidying: threading.Event | None = None
        app = QCoreApplication.instance()
        if app is not None:
            # Closing the program cancels a running sync, so it does not wait for the end of
            # a long file (the files already switched in stay; staged rows are cleared later).
            app.aboutToQuit.connect(self.cancel)

    @property
    def running(self) -> bool:
        return self._cancel is not None

    def cancel(self) -> None:
        for event in (self._cancel, self._tidying):
            if event is not None:
                event.set()

    def sync(self, source_ids: list[int] | None = None) -> bool:
        """Start a sync (all active sources when None). False if one is already running."""
        if self._cancel is not None:
            return False
        self._cancel = threading.Event()
        cancel, db = self._cancel, self.ctx.db
        self.running_changed.emit(True)
        self.ctx.tasks.run(
            lambda: _sync_all(db, source_ids, cancel),
            self._done,
            self._failed,
            self._progress,
        )
        return True

    def _progress(self, progress: Progress) -> None:
        self.ctx.events.progress.emit(progress.done, progress.total, progress.message)

    def _done(self, results: list) -> None:
        cancel, self._cancel = self._cancel, None
        self.ctx.events.progress.emit(-1, 0, "")
        self.running_changed.emit(False)
        self.ctx.events.catalog_changed.emit()
        self.finished.emit(results)
        updated = [outcome.source_id for _n, outcome, _e in results if _changed(outcome)]
        if updated and cancel is not None and not cancel.is_set():
            # Housekeeping after the owner has the new copy; quitting cancels it too.
            self._tidying = cancel
            db = self.ctx.db
            self.ctx.tasks.run(lambda: _tidy_all(db, updated, cancel), self._tidied, self._tidied)

    def _tidied(self, _result=None) -> None:
        self._tidying = None

    def _failed(self, error: BaseException) -> None:
        self._done([("", None, str(error))])


def _sync_all(db, source_ids, cancel):
    """A job: each source in turn; one failing source does not stop the others."""
    from sqlalchemy import select

    from shop_desk.catalog.pricelist_source import sync_price_list
    from shop_desk.catalog.sync import sync_source
    from shop_desk.db.models import CatalogSource
    from shop_desk.errors import ShopDeskError

    with db.session(write=False) as session:
        stmt = select(CatalogSource.id, CatalogSource.name, CatalogSource.kind).where(
            CatalogSource.active.is_(True)
        )
        if source_ids is not None:
            stmt = stmt.where(CatalogSource.id.in_(source_ids))
        targets = session.execute(stmt.order_by(CatalogSource.name)).all()
    results = []
    for source_id, name, kind in targets:
        if cancel.is_set():
            break
        job = (
            sync_price_list(db, source_id, cancel=cancel)
            if kind == "pricelist"
            else sync_source(db, source_id, cancel=cancel)
        )
        try:
            outcome = yield from _relabel(job, name)
            results.append((name, outcome, ""))
        except ShopDeskError as exc:
            results.append((name, None, str(exc)))
    return results


def _changed(outcome) -> bool:
    return outcome is not None and outcome.status != "unchanged"


def _tidy_all(db, source_ids: list[int], cancel: threading.Event) -> None:
    from shop_desk.catalog.sync import tidy

    for source_id in source_ids:
        tidy(db, source_id, cancel=cancel)


def _relabel(job, name: str):
    try:
        while True:
            progress = next(job)
            yield Progress(progress.done, progress.total, f"{name}: {progress.message}")
    except StopIteration as stop:
        return stop.value
