"""Runs catalog syncs in the background, one at a time, with progress on the status bar."""

from __future__ import annotations

import threading

from PySide6.QtCore import QCoreApplication, QObject, Signal

from shop_desk.gui.context import AppContext
from shop_desk.progress import Progress


class SyncRunner(QObject):
    """Sync one source or all of them in a child process; cancel keeps what was applied.

    The sync's Python work runs in a process of its own (catalog.sync_process), so it never
    holds this process's interpreter lock: the window and the counter stay responsive. A web
    feed with nothing new is answered here first, without starting a process. Not on the
    database write lane: a sync writes in short transactions that give way to the shop's
    writes (CATALOG_FEED.md, client behaviour 5).
    """

    finished = Signal(list)  # [(source name, SyncOutcome or None, error message or "")]
    running_changed = Signal(bool)

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._cancel: threading.Event | None = None
        self._tidying: list = []  # ChildSync processes still tidying after their report
        app = QCoreApplication.instance()
        if app is not None:
            # Closing the program cancels a running sync, so it does not wait for the end of
            # a long file (the files already switched in stay; staged rows are cleared later).
            app.aboutToQuit.connect(self.cancel)

    @property
    def running(self) -> bool:
        return self._cancel is not None

    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
        for child in self._tidying:
            child.cancel()

    def sync(self, source_ids: list[int] | None = None) -> bool:
        """Start a sync (all active sources when None). False if one is already running."""
        if self._cancel is not None:
            return False
        for child in self._tidying:
            child.cancel()  # the new sync finishes any tidying first (sync._prepare)
        self._cancel = threading.Event()
        cancel, db = self._cancel, self.ctx.db
        self.running_changed.emit(True)
        self.ctx.tasks.run(
            lambda: _sync(db, source_ids, cancel),
            self._done,
            self._failed,
            self._progress,
        )
        return True

    def _progress(self, progress: Progress) -> None:
        self.ctx.events.progress.emit(progress.done, progress.total, progress.message)

    def _done(self, answer: tuple) -> None:
        results, child = answer
        self._cancel = None
        self.ctx.events.progress.emit(-1, 0, "")
        self.running_changed.emit(False)
        self.ctx.events.catalog_changed.emit()
        self.finished.emit(results)
        if child is not None:
            # The child tidies after its report; quitting cancels that too.
            self._tidying.append(child)
            self.ctx.tasks.run(
                child.finish, lambda _r: self._tidied(child), lambda _e: self._tidied(child)
            )

    def _tidied(self, child) -> None:
        if child in self._tidying:
            self._tidying.remove(child)

    def _failed(self, error: BaseException) -> None:
        self._done(([("", None, str(error))], None))


def _sync(db, source_ids, cancel):
    """A job (on a worker thread): the fast answers here, the rest in a child process.
    Returns (results in the sources' order, the ChildSync or None)."""
    from shop_desk.catalog.source_state import unchanged_quickly
    from shop_desk.catalog.sync_process import ChildSync
    from shop_desk.catalog.sync_sources import targets

    sources = targets(db, source_ids)
    answered = {}
    for source_id, name, kind in sources:
        if kind == "http" and not cancel.is_set():
            outcome = unchanged_quickly(db, source_id)
            if outcome is not None:
                answered[source_id] = (name, outcome, "")
    rest = [source for source in sources if source[0] not in answered]
    if not rest or cancel.is_set():
        return [answered[s[0]] for s in sources if s[0] in answered], None
    child = ChildSync(db, rest)
    from_child = yield from child.run(cancel)
    return [*answered.values(), *from_child], child
