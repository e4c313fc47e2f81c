"""The window's sync process runs below normal priority, so the counter comes first.

On a two-core shop PC a full sync keeps three things busy (its writer, the search index's
thread, a parsing process) while a checkout needs a core at once: at normal priority a
checkout waited for the scheduler as well as for its turn at the database. Below normal, the
sync takes whatever the window leaves, which at a quiet counter is everything. The parsing
processes it starts inherit the priority (Windows: a child of a below-normal process is
below normal; POSIX: niceness is inherited).
"""

from __future__ import annotations

import logging
import os
import sys

log = logging.getLogger(__name__)
NICENESS = 10  # POSIX: well below the window, still far above idle
BELOW_NORMAL_PRIORITY_CLASS = 0x00004000  # Windows


def lower_this_process() -> None:
    """Run this process below normal priority (a failure is logged and ignored)."""
    try:
        if sys.platform == "win32":
            import ctypes

            kernel32 = ctypes.windll.kernel32
            if not kernel32.SetPriorityClass(
                kernel32.GetCurrentProcess(), BELOW_NORMAL_PRIORITY_CLASS
            ):
                raise OSError(ctypes.get_last_error(), "SetPriorityClass failed")
        else:
            os.nice(NICENESS)
    except OSError as exc:
        log.warning("the sync process keeps normal priority: %s", exc)
