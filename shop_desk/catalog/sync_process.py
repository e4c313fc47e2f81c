"""The window's catalog sync, run in a child process.

A full sync is minutes of Python (parsing is already in worker processes, but writing a
million rows is not). Run on a thread of the window's process, its writer competes with the
window and the counter for one interpreter lock: the window froze for up to 200 ms at a time
and a checkout waited as long. In a child process the window's interpreter is left to the
window; the sync code is the same (catalog.sync_sources, as the command line runs in-process).

The child is started with the spawn method, as on Windows and in the bundle (whose entry
point calls multiprocessing.freeze_support()). Over a pipe it sends progress, the results
(the same [(name, SyncOutcome or None, message)] as an in-process run, messages already in the
owner's language) and, if it fails outright, a translated message and the traceback for the
log. Cancel is a shared event: the child stops at its next batch, keeping every file already
switched in. Turn-taking with the counter's writes crosses the process boundary through
db.turns. After reporting, the child tidies (purges superseded rows, merges the search
index) and ends; the window waits for that with finish(). The child ends with the window.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import pickle
import sys
import threading
import traceback
from collections.abc import Iterator
from pathlib import Path

from shop_desk.catalog.sync_sources import Results, changed, sync_sources, tidy_sources
from shop_desk.db.engine import Database
from shop_desk.db.turns import PeerGate, Turns
from shop_desk.i18n import current_language, tr
from shop_desk.progress import Progress

log = logging.getLogger(__name__)
POLL_S = 0.1  # how often the waiting thread looks at the cancel flag


class ChildSync:
    """One sync of `sources` [(id, name, kind)] in a child process, started at once."""

    def __init__(self, db: Database, sources: list[tuple[int, str, str]]) -> None:
        context = multiprocessing.get_context("spawn")
        self._db = db
        self._turns = Turns(context) if db.is_sqlite else None
        self._stop = context.Event()
        self._conn, sender = context.Pipe(duplex=False)
        # Not a daemon: a daemon may not start the parsing workers; it ends with the window
        # all the same (parsing.start_worker).
        self._process = context.Process(
            target=_child_main,
            args=(
                sender,
                db.url,
                db.folder,
                sources,
                self._stop,
                self._turns,
                current_language(),
                _keyring_backend(),
            ),
            name="shop-desk-catalog-sync",
        )
        if self._turns is not None:
            db.gate.attach(self._turns)
        try:
            self._process.start()
        except BaseException:
            self._detach()
            raise
        finally:
            sender.close()  # only the child writes: its end closes the pipe for good

    def cancel(self) -> None:
        self._stop.set()

    def run(self, cancel: threading.Event | None = None) -> Iterator[Progress]:
        """A job: the child's progress until it reports; returns its Results. Setting
        `cancel` cancels the child."""
        while True:
            if cancel is not None and cancel.is_set():
                self._stop.set()
            try:
                if not self._conn.poll(POLL_S):
                    continue
                message = self._conn.recv()
            except (EOFError, OSError):
                return [("", None, self._died())]
            if message[0] == "progress":
                yield Progress(*message[1:])
            elif message[0] == "done":
                return message[1]
            else:
                return [("", None, _failure(message))]

    def finish(self) -> None:
        """Wait for the child to end (its tidying), then stop taking turns with it."""
        try:
            while True:
                message = self._conn.recv()
                if message[0] == "failed":
                    _failure(message)
        except (EOFError, OSError):
            pass
        self._process.join()
        self._conn.close()
        self._detach()

    def _died(self) -> str:
        self._process.join(5)
        code = self._process.exitcode
        log.error("the catalog sync process ended without a report (exit code %s)", code)
        return tr(
            "The catalog update stopped unexpectedly (exit code {code}). The files already "
            "applied are kept; try again.",
            code=code,
        )

    def _detach(self) -> None:
        if self._turns is not None:
            self._db.gate.detach(self._turns)
            self._turns.reset()


def _failure(message: tuple) -> str:
    _kind, text, trace = message
    log.error("the catalog sync process failed:\n%s", trace)
    return text


def _keyring_backend():
    """The window's keyring backend when it is set in code (the tests' file keyring), so the
    child reads feed tokens where the window keeps them; None: the child finds the same OS
    keyring by itself."""
    keyring = sys.modules.get("keyring")
    if keyring is None:
        return None
    backend = keyring.get_keyring()
    try:
        pickle.dumps(backend)
    except Exception:  # an OS keyring's handle: the child finds it anew
        return None
    return backend


def _child_main(
    conn, url: str, folder: Path | None, sources, stop, turns, language: str, ring
) -> None:
    from shop_desk.catalog.parsing import start_worker
    from shop_desk.catalog.priority import lower_this_process

    lower_this_process()
    start_worker(language)
    if ring is not None:
        import keyring

        keyring.set_keyring(ring)
    db = Database(url, folder)  # the window migrated it
    if turns is not None:
        db.gate = PeerGate(turns)
    try:
        results = _run(db, sources, stop, conn)
        conn.send(("done", results))
        updated = [outcome.source_id for _name, outcome, _error in results if changed(outcome)]
        if updated and not stop.is_set():
            tidy_sources(db, updated, stop)
    except BaseException as exc:  # reported to the window, which logs it
        _report_failure(conn, exc)
    finally:
        db.dispose()
        conn.close()


def _run(db: Database, sources, stop, conn) -> Results:
    job = sync_sources(db, sources, stop)
    try:
        while True:
            progress = next(job)
            conn.send(("progress", progress.done, progress.total, progress.message))
    except StopIteration as end:
        return end.value


def _report_failure(conn, exc: BaseException) -> None:
    from shop_desk.errors import ShopDeskError

    if isinstance(exc, ShopDeskError):
        text = str(exc)
    else:
        text = tr("The catalog update failed: {error}", error=str(exc) or type(exc).__name__)
    with contextlib.suppress(OSError):  # the window is gone
        conn.send(("failed", text, traceback.format_exc()))
