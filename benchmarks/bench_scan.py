"""Scan to line shown: lookup_code + Cart.add over 10,000 random barcodes of the big shop.

    python benchmarks/bench_scan.py [--scans 10000] [--products N --moves N]

Two ways a counter can hold its session are measured: one long-lived read session (identity
map warm) and a fresh session per scan (nothing cached in Python, the conservative figure the
target is judged on). A cart is cleared every 5 scans, like a customer's basket. The first
200 scans warm the page cache and are not counted.

The first 2,000 scans are also typed into the real counter page (offscreen Qt, in its own
process: benchmarks/gui_scan.py) and timed from Enter until the cart model holds the line.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import BENCH_DIR, OUT, REPO, emit, summary_ms
from make_big_shop import ensure_big_shop

from shop_desk.db.engine import open_database
from shop_desk.inventory.counter import Cart
from shop_desk.inventory.products import lookup_code

TARGET_P99_MS = 5.0
WARMUP = 200


def sample_codes(db, n: int, seed: int) -> list[str]:
    """Barcodes (unit and case) of active products, drawn uniformly."""
    with db.read() as session:
        codes = [
            row[0]
            for row in session.connection().exec_driver_sql(
                "SELECT b.code FROM barcodes b JOIN products p ON p.id = b.product_id "
                "WHERE p.active = 1"
            )
        ]
    rng = random.Random(seed)
    return [rng.choice(codes) for _ in range(n + WARMUP)]


def scan_loop(db, codes: list[str], fresh_session: bool) -> list[float]:
    timings: list[float] = []
    cart = Cart()
    session = None if fresh_session else db.read()
    for n, code in enumerate(codes):
        if n % 5 == 0:
            cart.clear()
        started = time.perf_counter()
        if fresh_session:
            with db.read() as scan_session:
                found = lookup_code(scan_session, code)
                cart.add(found[0], found[1])
        else:
            found = lookup_code(session, code)
            cart.add(found[0], found[1])
        timings.append(time.perf_counter() - started)
    if session is not None:
        session.close()
    return timings[WARMUP:]


def gui_scan(folder: Path, codes: list[str]) -> dict:
    """Through the real counter page, in its own process (benchmarks/gui_scan.py)."""
    codes_file = OUT / "work" / "scan-codes.txt"
    codes_file.parent.mkdir(parents=True, exist_ok=True)
    codes_file.write_text("\n".join(codes), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run(
        [sys.executable, str(BENCH_DIR / "gui_scan.py"), str(folder), str(codes_file)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=1800,
    )
    codes_file.unlink(missing_ok=True)
    try:
        return json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"available": False, "exit": proc.returncode, "stderr_tail": proc.stderr[-1500:]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scans", type=int, default=10_000)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--moves", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--no-gui", action="store_true", help="skip the counter page run")
    args = parser.parse_args(argv)
    folder, _ = ensure_big_shop(args.products, args.moves)
    db = open_database(folder=folder)
    codes = sample_codes(db, args.scans, args.seed)
    fresh = summary_ms(scan_loop(db, codes, fresh_session=True))
    shared = summary_ms(scan_loop(db, codes, fresh_session=False))
    result = {
        "benchmark": "scan",
        "shop": str(folder),
        "core_fresh_session": fresh,
        "core_shared_session": shared,
        "target_p99_ms": TARGET_P99_MS,
        "pass": fresh["p99_ms"] <= TARGET_P99_MS,
    }
    if not args.no_gui:
        result["gui_counter_page"] = gui_scan(folder, codes[: min(len(codes), 2000)])
    db.dispose()
    emit(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
