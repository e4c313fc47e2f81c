"""Progress of a long job. Jobs are generators that yield Progress and return their result,
so one job drives a GUI progress bar, a CLI progress line, or runs plainly in a test."""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass
class Progress:
    done: int
    total: int = 0
    message: str = ""


Job = Generator[Progress, None, T]


def run_job(job: Job[T], on_progress: Callable[[Progress], Any] | None = None) -> T:
    """Drive a job to the end, passing each Progress to on_progress; return its result."""
    try:
        while True:
            item = next(job)
            if on_progress is not None:
                on_progress(item)
    except StopIteration as stop:
        return stop.value
