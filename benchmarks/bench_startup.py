"""Start-up: process start to main window shown, on the big shop, against a bare PySide6 window.

    python benchmarks/bench_startup.py [--runs 7] [--products N --moves N]

Each run spawns a fresh interpreter and measures, from the parent, the wall time until the
child prints its JSON line (interpreter start included). The app's probe prints when the
counter page has painted with the database open (ready_s, when a scan can be taken); it also
reports shown_s, the main window's first paint, which comes earlier (the window is shown
before the database opens). Both are reported from process start: "shown" (the issue's
"main window shown") and "ready" (the stricter "a scan can be taken"), each against 1.0 s and
against 6x the bare window's first paint. The app is
`python -m shop_desk` with SHOP_DESK_STARTUP_PROBE=1 and SHOP_DESK_HOME at the big shop; the
yardstick is benchmarks/bare_window.py. Runs alternate (app, bare) after one warm-up each, so
both see the same warm file cache. A last run with `-X importtime` lists which heavy modules
were imported before the window was shown.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import BENCH_DIR, REPO, emit
from make_big_shop import ensure_big_shop

TARGET_S = 1.0
TARGET_RATIO = 6.0
TARGET_RSS_MB = 150
HEAVY = ("numpy", "pypinyin", "openpyxl", "alembic", "requests", "pandas", "keyring")


def child_env(folder: Path | None) -> dict:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    if folder is not None:
        env["SHOP_DESK_HOME"] = str(folder)
        env["SHOP_DESK_STARTUP_PROBE"] = "1"
        env.pop("SHOP_DESK_DATABASE_URL", None)
    return env


def _pump(stream, lines: queue.Queue) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


def run_once(cmd: list[str], env: dict, timeout: float = 30.0) -> dict:
    """Spawn, wait for the JSON line; {wall_s, shown_s, rss_mb, ...} or {error}."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=_pump, args=(proc.stdout, lines), daemon=True).start()
    stderr: list[str] = []
    err_thread = threading.Thread(target=lambda: stderr.extend(proc.stderr), daemon=True)
    err_thread.start()
    result: dict | None = None
    deadline = started + timeout
    while result is None and time.perf_counter() < deadline:
        try:
            line = lines.get(timeout=max(0.01, deadline - time.perf_counter()))
        except queue.Empty:
            break
        if line is None:
            break
        try:
            data = json.loads(line)
        except ValueError:
            continue
        if isinstance(data, dict) and "shown_s" in data:
            result = {"wall_s": round(time.perf_counter() - started, 4), **data}
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    err_thread.join(timeout=5)
    if result is None:
        tail = "".join(stderr)[-1500:]
        return {"error": f"no probe line (exit {proc.returncode})", "stderr_tail": tail}
    result["stderr"] = "".join(stderr)
    return result


def imported_modules(stderr: str) -> dict:
    """Parse `-X importtime`: which heavy packages, and the slowest top-level imports."""
    seen: set[str] = set()
    top: list[tuple[int, str]] = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        parts = line[len("import time:") :].split("|")
        if len(parts) != 3 or not parts[1].strip().isdigit():
            continue
        raw = parts[2].rstrip()
        name = raw.strip()
        seen.add(name.split(".")[0])
        if len(raw) - len(raw.lstrip()) <= 1:  # imported directly by the program
            top.append((int(parts[1]), name))
    top.sort(reverse=True)
    return {
        "heavy_imported": sorted(m for m in HEAVY if m in seen),
        "slowest_top_level_ms": {name: round(us / 1000, 1) for us, name in top[:15]},
        "modules": len(seen),
    }


def measure(folder: Path, runs: int) -> dict:
    app_cmd = [sys.executable, "-m", "shop_desk"]
    bare_cmd = [sys.executable, str(BENCH_DIR / "bare_window.py")]
    app_env, bare_env = child_env(folder), child_env(None)
    warm_app = run_once(app_cmd, app_env)  # also migrates or writes settings once, if needed
    if "error" in warm_app:
        return {"available": False, **warm_app}
    run_once(bare_cmd, bare_env)
    app_runs, bare_runs = [], []
    for _ in range(runs):
        app_runs.append(run_once(app_cmd, app_env))
        bare_runs.append(run_once(bare_cmd, bare_env))
    failed = [r for r in app_runs + bare_runs if "error" in r]
    if failed:
        return {"available": False, **failed[0]}
    # Wall time to the window's first paint: the probe prints later (counter ready), so take
    # the probe's own gap between the two off the wall time.
    app_ready = [r["wall_s"] for r in app_runs]
    app_shown = [
        round(r["wall_s"] - (r.get("ready_s", r["shown_s"]) - r["shown_s"]), 4) for r in app_runs
    ]
    bare_wall = [r["wall_s"] for r in bare_runs]
    timed = run_once([sys.executable, "-X", "importtime", "-m", "shop_desk"], app_env)
    imports = imported_modules(timed.get("stderr", "")) if "error" not in timed else timed
    ready, shown = statistics.median(app_ready), statistics.median(app_shown)
    bare = statistics.median(bare_wall)
    rss = statistics.median(r["rss_mb"] for r in app_runs if r.get("rss_mb") is not None)
    skip = ("wall_s", "shown_s", "ready_s", "rss_mb", "stderr")
    extra = {k: v for k, v in app_runs[-1].items() if k not in skip}
    return {
        "available": True,
        "app": {
            "shown_median_s": round(shown, 3),
            "ready_median_s": round(ready, 3),
            "shown_runs_s": app_shown,
            "ready_runs_s": app_ready,
            "probe_shown_s": [r["shown_s"] for r in app_runs],
            "probe_ready_s": [r.get("ready_s") for r in app_runs],
            "rss_mb": rss,
            "probe_extra": extra,
        },
        "bare": {
            "shown_median_s": round(bare, 3),
            "runs_s": bare_wall,
            "probe_shown_s": [r["shown_s"] for r in bare_runs],
            "rss_mb": statistics.median(r["rss_mb"] for r in bare_runs),
        },
        "ratio_shown": round(shown / bare, 2),
        "ratio_ready": round(ready / bare, 2),
        "imports": imports,
        "targets": {
            "window_shown<=1.0s": shown <= TARGET_S,
            "counter_ready<=1.0s": ready <= TARGET_S,
            "shown_ratio<=6": shown / bare <= TARGET_RATIO,
            "ready_ratio<=6": ready / bare <= TARGET_RATIO,
            "rss_mb<=150": rss <= TARGET_RSS_MB,
            "no_heavy_modules": not imports.get("heavy_imported", ["?"]),
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--moves", type=int, default=2_000_000)
    args = parser.parse_args(argv)
    folder, _ = ensure_big_shop(args.products, args.moves)
    result = {"benchmark": "startup", "shop": str(folder), **measure(folder, args.runs)}
    result["qt_platform"] = child_env(None)["QT_QPA_PLATFORM"]
    emit(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
