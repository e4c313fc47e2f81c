"""Pausing Python's cyclic garbage collector while a sync makes rows by the million.

Every 700 new tuples the collector looks through the young objects, and now and then through
everything the program holds. A feed's rows are plain tuples of strings and numbers, freed by
reference counting, never in cycles; the collector found nothing in them and cost a parsing
process a third of its time (about 8 of 28 µs a line), and the process that stages them
2 to 4 s of a million-offer first sync.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection inside the block (nested blocks and threads: the collector runs
    again once the outermost block that paused it ends)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
