"""Background work with callbacks on the GUI thread (after Anki's QueryOp / Picard's run_task).

Database writes go through one serial lane, so the window never has two writers racing; reads
and network work use a small pool. A job may be a generator yielding Progress: the same job
then drives a progress bar here, a progress line in the CLI, and runs plainly in a test.
"""

from __future__ import annotations

import inspect
import itertools
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal

from shop_desk.progress import Progress

log = logging.getLogger(__name__)


class _Relay(QObject):
    # Emitted from a worker thread; the receiver lives on the GUI thread (queued connection).
    progress = Signal(int, object)
    finished = Signal(int, object, object)


class TaskRunner(QObject):
    """run(job, on_done, on_error, on_progress, write=...) -> None, callbacks on the GUI thread.

    Jobs and callbacks stay in a table on the GUI side; a worker gets only a task id and lets
    go of the job before it reports back. So the last reference to a page's closure is always
    dropped on the GUI thread: a Qt object destroyed from a worker thread crashes the program.
    """

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._writes = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-write")
        self._others = ThreadPoolExecutor(max_workers=4, thread_name_prefix="worker")
        self._relay = _Relay()
        self._relay.progress.connect(self._progress)
        self._relay.finished.connect(self._deliver)
        self._tasks: dict[int, tuple] = {}
        self._ids = itertools.count(1)
        self._closed = False

    def run(
        self,
        job: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[Progress], None] | None = None,
        *,
        write: bool = False,
    ) -> None:
        if self._closed:  # the program is closing: a timer's late job has nowhere to run
            log.info("job not started: the task runner is shut down")
            return
        task_id = next(self._ids)
        self._tasks[task_id] = (job, on_done, on_error, on_progress)
        if len(self._tasks) == 1:
            self.busy_changed.emit(True)
        pool = self._writes if write else self._others
        pool.submit(_work, self._relay, self._tasks, task_id)

    def _progress(self, task_id: int, progress: Progress) -> None:
        entry = self._tasks.get(task_id)
        if entry is not None and entry[3] is not None:
            entry[3](progress)

    def _deliver(self, task_id: int, result, error) -> None:
        _job, on_done, on_error, _on_progress = self._tasks.pop(task_id)
        if not self._tasks:
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
        return not self._tasks

    def shutdown(self) -> None:
        """Wait for running jobs (queued ones are dropped): no worker outlives the runner."""
        self._closed = True
        self._others.shutdown(wait=True, cancel_futures=True)
        self._writes.shutdown(wait=True)


def _work(relay: _Relay, tasks: dict, task_id: int) -> None:
    job = tasks[task_id][0]
    try:
        result = job()
        job = None  # the GUI side drops the last reference, not this thread
        if inspect.isgenerator(result):
            result = _drain(relay, task_id, result)
        relay.finished.emit(task_id, result, None)
    except BaseException as exc:  # delivered to on_error on the GUI thread
        job = None
        log.exception("background task failed")
        relay.finished.emit(task_id, None, exc)


def _drain(relay: _Relay, task_id: int, generator):
    try:
        while True:
            item = next(generator)
            if isinstance(item, Progress):
                relay.progress.emit(task_id, item)
    except StopIteration as stop:
        return stop.value
