"""A real, small file system for full-disk tests: a tmpfs of a few hundred KB mounted on a
folder (needs root with CAP_SYS_ADMIN, as in CI's container); tests skip when it cannot be
mounted and rely on SQLite's max_page_count there instead."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest


@contextmanager
def small_disk(folder: Path, size_kb: int) -> Iterator[Path]:
    """Mount a tmpfs of size_kb on folder for the block (skips the test if it cannot)."""
    mount = shutil.which("mount")
    if not sys.platform.startswith("linux") or mount is None:
        pytest.skip("a small file system can only be mounted on Linux here")
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [mount, "-t", "tmpfs", "-o", f"size={size_kb}k,mode=0777", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path, leave_bytes: int = 0) -> None:
    """Fill the file system holding folder until at most leave_bytes are free."""
    free = shutil.disk_usage(folder).free - leave_bytes
    if free > 0:
        with open(folder / "filler.bin", "wb") as filler, suppress(OSError):
            filler.write(b"\0" * free)
