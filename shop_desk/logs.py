"""Logging to a rotating file in the data folder; safe when stderr is None (windowed exe)."""

from __future__ import annotations

import logging
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

from shop_desk import paths

LOG_NAME = "shop-desk.log"


def setup_logging(folder: Path, *, console: bool = False, level: int = logging.INFO) -> Path | None:
    root = logging.getLogger()
    root.setLevel(level)
    for handler in list(root.handlers):
        if getattr(handler, "_shop_desk", False):
            root.removeHandler(handler)
    log_file: Path | None = None
    try:
        logs = paths.logs_dir(folder)
        logs.mkdir(parents=True, exist_ok=True)
        log_file = logs / LOG_NAME
        file_handler = RotatingFileHandler(
            log_file, maxBytes=1_000_000, backupCount=5, encoding="utf-8", delay=True
        )
        file_handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s %(threadName)s: %(message)s")
        )
        file_handler._shop_desk = True  # type: ignore[attr-defined]
        root.addHandler(file_handler)
    except OSError:
        log_file = None  # a read-only folder must not stop the program; errors still show
    if console and sys.stderr is not None:
        stream = logging.StreamHandler(sys.stderr)
        stream.setLevel(logging.WARNING)
        stream.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        stream._shop_desk = True  # type: ignore[attr-defined]
        root.addHandler(stream)
    logging.captureWarnings(True)
    return log_file
