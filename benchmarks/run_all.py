"""Run every benchmark on the big shop and print one combined JSON object.

    python benchmarks/run_all.py [--quick]

Each benchmark runs in its own process (no shared caches or imports between them); the big
shop is built first when it is not cached (about two minutes). --quick runs fewer samples
(for a smoke run).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import BENCH_DIR, REPO, emit, machine_info

FULL = {
    "startup": ["bench_startup.py"],
    "scan": ["bench_scan.py"],
    "search": ["bench_search.py"],
    "checkout": ["bench_checkout.py"],
}
QUICK = {
    "startup": ["bench_startup.py", "--runs", "3"],
    "scan": ["bench_scan.py", "--scans", "2000"],
    "search": ["bench_search.py", "--per-kind", "100"],
    "checkout": ["bench_checkout.py", "--sales", "300"],
}


def run_script(args: list[str], scale: list[str]) -> dict:
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(BENCH_DIR / args[0]), *args[1:], *scale],
        cwd=REPO,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    try:
        result = json.loads(proc.stdout)
    except ValueError:
        result = {"error": f"exit {proc.returncode}", "stderr_tail": proc.stderr[-2000:]}
    machine = result.pop("machine", None) or {}
    result["loadavg_1m"] = machine.get("loadavg_1m")  # how busy the machine was (tails)
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result


def verdicts(results: dict) -> dict:
    startup = results.get("startup", {})
    return {
        "startup": startup.get("targets") if startup.get("available") else "probe not available",
        "scan_p99<=5ms": results.get("scan", {}).get("pass"),
        "search_p95<=20ms": results.get("search", {}).get("pass"),
        "checkout_p99<=30ms": results.get("checkout", {}).get("pass"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--moves", type=int, default=2_000_000)
    args = parser.parse_args(argv)
    scale = ["--products", str(args.products), "--moves", str(args.moves)]
    build = run_script(["make_big_shop.py"], scale)
    plan = dict(QUICK if args.quick else FULL)
    results = {name: run_script(script, scale) for name, script in plan.items()}
    emit(
        {
            "benchmark": "all",
            "machine": machine_info(),
            "big_shop": build,
            "verdicts": verdicts(results),
            **results,
        }
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
