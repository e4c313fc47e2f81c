"""Background work with callbacks on the GUI thread (after Anki's QueryOp / Picard's run_task).

Database writes go through one serial lane, so the window never has two writers racing; reads
and network work use a small pool. A job may be a generator yielding Progress: the same job
then drives a progress bar here, a progress line in the CLI, and runs plainly in a test.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal

from shop_desk.progress import Progress

log = logging.getLogger(__name__)


class _Relay(QObject):
    # Emitted from a worker thread; the receiver lives on the GUI thread (queued connection).
    progress = Signal(object, object)
    finished = Signal(object, object, object, object)


class TaskRunner(QObject):
    """run(job, on_done, on_error, on_progress, write=...) -> None, callbacks on the GUI thread."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._writes = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-write")
        self._others = ThreadPoolExecutor(max_workers=4, thread_name_prefix="worker")
        self._relay = _Relay()
        self._relay.progress.connect(lambda cb, p: cb(p))
        self._relay.finished.connect(self._deliver)
        self._pending = 0

    def run(
        self,
        job: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[Progress], None] | None = None,
        *,
        write: bool = False,
    ) -> None:
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)
        pool = self._writes if write else self._others
        pool.submit(self._work, job, on_done, on_error, on_progress)

    def _work(self, job, on_done, on_error, on_progress) -> None:
        try:
            result = job()
            if inspect.isgenerator(result):
                result = self._drain(result, on_progress)
            self._relay.finished.emit(on_done, on_error, result, None)
        except BaseException as exc:  # delivered to on_error on the GUI thread
            log.exception("background task failed")
            self._relay.finished.emit(on_done, on_error, None, exc)

    def _drain(self, generator, on_progress):
        try:
            while True:
                item = next(generator)
                if on_progress is not None and isinstance(item, Progress):
                    self._relay.progress.emit(on_progress, item)
        except StopIteration as stop:
            return stop.value

    def _deliver(self, on_done, on_error, result, error) -> None:
        self._pending -= 1
        if self._pending == 0:
            self.busy_changed.emit(False)
        if error is None:
            if on_done is not None:
                on_done(result)
        elif on_error is not None:
            on_error(error)
        else:
            raise error  # reaches the global exception hook and its dialog

    @property
    def idle(self) -> bool:
        return self._pending == 0

    def shutdown(self) -> None:
        self._writes.shutdown(wait=True)
        self._others.shutdown(wait=False, cancel_futures=True)
