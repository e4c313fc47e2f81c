"""The window's sync process runs below normal priority, and so do the processes it starts."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from shop_desk.catalog.priority import NICENESS

CHILD = """
import multiprocessing, os
from shop_desk.catalog.priority import lower_this_process

def niceness(queue):
    queue.put(os.getpriority(os.PRIO_PROCESS, 0))

if __name__ == "__main__":
    before = os.getpriority(os.PRIO_PROCESS, 0)
    lower_this_process()
    context = multiprocessing.get_context("spawn")  # as the sync's parsing processes
    queue = context.Queue()
    worker = context.Process(target=niceness, args=(queue,))
    worker.start()
    print(before, os.getpriority(os.PRIO_PROCESS, 0), queue.get(timeout=60))
    worker.join()
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX niceness")
def test_the_sync_process_and_its_workers_run_below_normal(tmp_path):
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert done.returncode == 0, done.stderr
    before, after, worker = map(int, done.stdout.split())
    assert after == min(before + NICENESS, 19)
    assert worker == after
