"""Decoding a feed file into row batches, in another process when the file is large.

Decoding a million records is seconds of Python. Done in worker processes it neither holds
the GUI process's interpreter lock (the window stays responsive) nor waits for the database:
the workers decode the next blocks while this process writes the last ones. A worker hands a
block back as a database image (row_image.py), which this process stages without making a
Python object per row. A small file is decoded here, where starting a process would cost
more than it saves.
"""

from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.connection
import os
import queue
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing, suppress
from pathlib import Path

from shop_desk.catalog.decode import decode_block, group_rows
from shop_desk.catalog.files import iter_gzip_blocks
from shop_desk.catalog.row_image import RowImage, image_of
from shop_desk.catalog.transport import Cancelled
from shop_desk.i18n import current_language, set_language

IN_PROCESS_BELOW = 2 << 20  # compressed bytes (~60,000 records)
AHEAD = 3  # blocks queued ahead of the writer, per worker (memory stays bounded)


def decoded_batches(
    path: Path, max_bytes: int, *, snapshot: bool, size: int, cancel: threading.Event
) -> Iterator[tuple[list, list]]:
    """(rows, rejects) per block of the gzip file at `path`, in file order: rows are pairs
    (sku, row or None for a delete) from this process, a RowImage from a worker; rejects
    are (line number, why)."""
    blocks = iter_gzip_blocks(path, max_bytes)
    if size < IN_PROCESS_BELOW:
        for first, block in blocks:
            if cancel.is_set():
                raise Cancelled
            yield decode_block(first, block, snapshot)
        return
    # As many workers as cores (up to 3): the staging itself is light (INSERT ... SELECT of
    # each image), so decoding is most of the work; on two cores one worker left the
    # first sync of a million offers 20 % slower.
    workers = max(1, min(3, os.cpu_count() or 2))
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),  # as on Windows; no fork of Qt
        initializer=start_parser,
        initargs=(current_language(),),
    )
    stop = threading.Event()
    futures: queue.Queue = queue.Queue(maxsize=AHEAD * workers)
    reader = threading.Thread(
        target=_submit_blocks,
        args=(blocks, pool, futures, stop, snapshot),
        daemon=True,
        name="feed-reader",
    )
    reader.start()
    try:
        while (future := futures.get()) is not None:
            if cancel.is_set():
                raise Cancelled
            if isinstance(future, BaseException):  # the file is not good gzip, a bomb...
                raise future
            yield future.result()
    finally:
        stop.set()
        with suppress(queue.Empty):
            while True:  # a reader waiting for room sees the stop
                futures.get_nowait()
        reader.join()
        pool.shutdown(wait=False, cancel_futures=True)


def _submit_blocks(blocks, pool, futures: queue.Queue, stop: threading.Event, snapshot) -> None:
    """In a thread of its own: decompress the file's blocks and hand them to the workers,
    their futures queued in file order (None at the end, or the error). Decompressing took
    a fifth of the staging thread's time; zlib works without the interpreter lock."""
    try:
        with closing(blocks):  # the file is closed here, where it is read (Windows: the
            for first, block in blocks:  # download is deleted after the sync)
                if stop.is_set():
                    return
                _put(futures, pool.submit(decode_image, first, block, snapshot), stop)
        _put(futures, None, stop)
    except BaseException as exc:  # handed to the consumer, raised there
        _put(futures, exc, stop)


def _put(futures: queue.Queue, item, stop: threading.Event) -> None:
    while not stop.is_set():
        with suppress(queue.Full):
            futures.put(item, timeout=0.1)
            return


def decode_image(first_line: int, block: bytes, snapshot: bool) -> tuple[RowImage, list]:
    """decode_block, its rows as a database image (in a worker process: row_image.py)."""
    pairs, rejects = decode_block(first_line, block, snapshot)
    return image_of(group_rows(pairs)), rejects


def start_parser(language: str) -> None:
    """start_worker, and no cyclic garbage collection: a parsing worker makes rows of
    strings and numbers by the million, never in cycles, and lives for one sync. Paused
    around each block only, the collector still looked through a block's rows at the first
    allocation after it (4 % of a worker's time)."""
    start_worker(language)
    gc.disable()


def start_worker(language: str) -> None:
    """In each worker process (and the window's sync process): messages in the owner's
    language, and an end with the parent. A worker waits on a queue that the parent's death
    never closes, so without this a parent killed mid-sync (a crash, kill -9) would leave its
    workers waiting for ever."""
    set_language(language)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), daemon=True).start()


def _exit_with(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(0)
