"""Shared helpers for the benchmark scripts: paths, machine info, percentiles, JSON output.

The scripts run from a checkout (`python benchmarks/bench_search.py`); the repository root is
put on sys.path so `shop_desk` imports without installing the package. A script that runs
another version of the code (compare_reports.py) names its folder in SHOP_DESK_BENCH_CODE:
the repository's own would otherwise come first and hide it.
"""

from __future__ import annotations

import json
import math
import os
import platform
import sqlite3
import statistics
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
OUT = BENCH_DIR / "out"
DATA = BENCH_DIR / "data"

CODE = os.environ.get("SHOP_DESK_BENCH_CODE", str(REPO))
if CODE not in sys.path:
    sys.path.insert(0, CODE)


def machine_info() -> dict:
    return {
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        # Other work on the machine shows in the tails (p99): say how busy it was.
        "loadavg_1m": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
    }


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (p99 of 10,000 samples is the 9,900th smallest)."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def summary_ms(seconds: list[float]) -> dict:
    """Latency figures in milliseconds, rounded for reading."""
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "mean_ms": round(statistics.fmean(ms), 3),
        "p50_ms": round(percentile(ms, 50), 3),
        "p95_ms": round(percentile(ms, 95), 3),
        "p99_ms": round(percentile(ms, 99), 3),
        "max_ms": round(max(ms), 3),
    }


def emit(result: dict) -> None:
    """Print one JSON object (the contract every benchmark script follows)."""
    result.setdefault("machine", machine_info())
    sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    sys.stdout.flush()
