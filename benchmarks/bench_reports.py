"""Reports: time of each report on the big shop (100,000 products, 2,000,000 moves).

    python benchmarks/bench_reports.py [--repeat 5] [--products N --moves N]

Each report runs as the Reports page runs it (its default period and limits, in a fresh read
session), once for warm-up and then `repeat` times; the best and the median are reported with
the target (300 ms). Longer periods are timed too (`long_*`, and `year_*`: the page's longest
preset, "Last 12 months"), to show how the cost grows. A full scan of the daily summary is
timed in the same moment as a baseline: on a busy machine every figure grows with it, so the
ratios say more than the milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import emit
from make_big_shop import ensure_big_shop

from shop_desk.db.engine import open_database
from shop_desk.reports import Grain, Period, ReportParams, default_period, run_report

TARGET_MS = 300.0


def cases(end: date) -> dict[str, tuple[str, ReportParams]]:
    """What the page shows by default (its limits: 50 top sellers, 200 slow movers, 500
    products by margin and 500 stock-outs listed; the totals are of all), then longer
    periods. `end` is the shop's last day."""
    month = Period(end - timedelta(days=29), end)
    year = Period(end - timedelta(days=364), end)
    return {
        "sales_by_day_30d": ("sales", _p(default_period(Grain.DAY, end), Grain.DAY, end)),
        "sales_by_week_12w": ("sales", _p(default_period(Grain.WEEK, end), Grain.WEEK, end)),
        "sales_by_month_12m": ("sales", _p(default_period(Grain.MONTH, end), Grain.MONTH, end)),
        "top_sellers_30d": ("top-sellers", _p(month, Grain.DAY, end, limit=50)),
        "slow_movers_30d": ("slow-movers", _p(month, Grain.DAY, end, limit=200)),
        "stock_value": ("stock-value", _p(month, Grain.DAY, end)),
        "margin_products_30d": ("margin-products", _p(month, Grain.DAY, end, limit=500)),
        "margin_categories_30d": ("margin-categories", _p(month, Grain.DAY, end)),
        "stockouts_30d": ("stockouts", _p(month, Grain.DAY, end, limit=500)),
        "purchases_12m": ("purchases", _p(default_period(Grain.MONTH, end), Grain.MONTH, end)),
        "long_top_sellers_90d": (
            "top-sellers",
            _p(Period(end - timedelta(days=89), end), Grain.DAY, end),
        ),
        "long_margin_categories_365d": (
            "margin-categories",
            _p(Period(end - timedelta(days=364), end), Grain.DAY, end),
        ),
        "long_stockouts_90d": (
            "stockouts",
            _p(Period(end - timedelta(days=89), end), Grain.DAY, end, limit=500),
        ),
        # A year: the page's longest preset ("Last 12 months", "This year") or a custom range.
        "year_sales_by_day_365d": ("sales", _p(year, Grain.DAY, end)),
        "year_top_sellers_365d": ("top-sellers", _p(year, Grain.DAY, end, limit=50)),
        "year_margin_products_365d": ("margin-products", _p(year, Grain.DAY, end, limit=500)),
        "year_stockouts_365d": ("stockouts", _p(year, Grain.DAY, end, limit=500)),
        "year_slow_movers_365d": ("slow-movers", _p(year, Grain.DAY, end, limit=200, days=365)),
    }


def _p(
    period: Period, grain: Grain, end: date, limit: int | None = None, days: int = 30
) -> ReportParams:
    return ReportParams(period=period, grain=grain, limit=limit, today=end, days=days)


def time_once(db, name: str, params: ReportParams) -> tuple[float, int]:
    started = time.perf_counter()
    with db.read() as session:
        table = run_report(session, name, params)
    return time.perf_counter() - started, len(table.rows)


def cpu_calibration_ms() -> float:
    """A fixed pure-Python loop: how much CPU this process gets right now (about 100 ms on
    an idle core of this machine class); every figure here grows with it."""
    started = time.perf_counter()
    total = 0
    for i in range(3_000_000):
        total += i
    return round((time.perf_counter() - started) * 1000, 1)


def baseline(db) -> float:
    """A full scan of the daily summary, for scale."""
    started = time.perf_counter()
    with db.read() as session:
        session.connection().exec_driver_sql(
            "SELECT count(*), sum(units_sold) FROM daily_summary"
        ).all()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--moves", type=int, default=2_000_000)
    parser.add_argument("--only", default="", help="comma-separated case names")
    args = parser.parse_args(argv)
    folder, meta = ensure_big_shop(args.products, args.moves)
    db = open_database(folder=folder)  # applies the report migrations (0008, 0009) if due
    with db.read() as session:
        end = date.fromisoformat(
            str(session.connection().exec_driver_sql("SELECT max(day) FROM daily_summary").scalar())
        )
    calibration = [cpu_calibration_ms()]
    chosen = cases(end)
    if args.only:
        chosen = {k: v for k, v in chosen.items() if k in args.only.split(",")}
    results = {}
    for key, (name, params) in chosen.items():
        time_once(db, name, params)  # warm-up: the pages the report needs are cached
        runs, rows = [], 0
        base = []
        for _ in range(args.repeat):
            base.append(baseline(db))
            elapsed, rows = time_once(db, name, params)
            runs.append(elapsed)
        best, median = min(runs) * 1000, statistics.median(runs) * 1000
        results[key] = {
            "report": name,
            "from": params.period.first.isoformat(),
            "to": params.period.last.isoformat(),
            "rows": rows,
            "best_ms": round(best, 1),
            "median_ms": round(median, 1),
            "ratio_to_full_scan": round(median / (statistics.median(base) * 1000), 2),
            "within_target": median <= TARGET_MS,  # the median: what a user usually waits
        }
    db.dispose()
    calibration.append(cpu_calibration_ms())
    emit(
        {
            "benchmark": "reports",
            "target_ms": TARGET_MS,
            "cpu_calibration_ms": calibration,
            "shop": {"products": args.products, "moves": args.moves, **meta.get("counts", {})},
            "results": results,
        }
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
