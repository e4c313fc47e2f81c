"""Forecast accuracy of demand over lead time + review on the shop folders (issue 5).

    python benchmarks/bench_forecast.py [--eval-days 180] [--no-statsforecast]

For every origin t of the last --eval-days days whose horizon is complete, each method
forecasts the sum of demand over the next h = lead time + review days from the days before t
(h = 12: factory, 5 + 7; h = 8: distributor, 1 + 7). MASE per product = mean absolute error
of that sum / (h x the in-sample one-step naive error), the in-sample part being the days
before the evaluation window; products whose in-sample naive error is 0 are left out.

Compared: Shop Desk's per-product choice (fit_methods on the days before the window only,
so the choice never sees what it is judged on), every single candidate method, the best
single one (chosen with hindsight, a strong baseline), and statsforecast's CrostonOptimized
and TSB(alpha_d=0.1, alpha_p=0.1) refitted at every origin (statsforecast is a bench extra).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import DATA, emit
from _shop_folder import load

from shop_desk.reorder import demand, forecast

FOLDERS = ("m5-dev", "online-retail-dev")
HORIZONS = {"factory_5+7": 12, "distributor_1+7": 8}


def summary(mase: np.ndarray) -> dict:
    """Mean, median and geometric mean over products (a few items whose demand came back
    after a quiet year have MASE 10-60 and dominate the plain mean)."""
    ok = np.isfinite(mase) & (mase > 0)
    return {
        "mean": round(float(mase[ok].mean()), 4),
        "median": round(float(np.median(mase[ok])), 4),
        "geometric_mean": round(float(np.exp(np.log(mase[ok]).mean())), 4),
    }


def ours(sold: np.ndarray, first_day, h: int, eval_days: int, scale: np.ndarray) -> dict:
    n, t = sold.shape
    oos = np.zeros_like(sold, dtype=bool)
    start = t - eval_days
    started = time.perf_counter()
    fitted = forecast.fit_methods(  # as the policy fits: a year of origins before the window
        sold[:, :start], oos[:, :start], first_day, [str(i) for i in range(n)], horizon=h
    )
    fit_s = time.perf_counter() - started
    result = forecast.backtest(sold, oos, first_day, h, forecast.CANDIDATES, eval_days)
    mase = result.mean_abs() / (scale[:, None] * h)  # [n, candidates]
    table = {
        f"{forecast.METHOD_NAMES[m]}(a={a:g}{f', b={b:g}' if m == forecast.TSB else ''})": summary(
            mase[:, k]
        )
        for k, (m, a, b) in enumerate(forecast.CANDIDATES)
    }
    index = {c: k for k, c in enumerate(forecast.CANDIDATES)}
    chosen = np.array(
        [
            index[(int(m), float(a), float(b))]
            for m, a, b in zip(fitted.method, fitted.alpha, fitted.beta, strict=True)
        ]
    )
    choice = mase[np.arange(n), chosen]
    means = np.nanmean(np.where(np.isfinite(mase), mase, np.nan), axis=0)
    best = int(np.nanargmin(means))
    counts = np.bincount(fitted.method, minlength=len(forecast.METHOD_NAMES))
    return {
        "per_product_choice": summary(choice),
        "best_single": {"method": list(table)[best], **summary(mase[:, best])},
        "methods": table,
        "choice_counts": dict(zip(forecast.METHOD_NAMES, counts.tolist(), strict=True)),
        "fit_seconds": round(fit_s, 2),
        "windows_per_product": int(result.windows.max()),
    }


def statsforecast_models(sold: np.ndarray, h: int, eval_days: int, scale: np.ndarray) -> dict:
    from statsforecast.models import TSB, CrostonOptimized

    n, t = sold.shape
    out = {}
    for name, make in (
        ("statsforecast_CrostonOptimized", CrostonOptimized),
        ("statsforecast_TSB(0.1,0.1)", lambda: TSB(alpha_d=0.1, alpha_p=0.1)),
    ):
        started = time.perf_counter()
        err = np.zeros(n)
        count = np.zeros(n)
        for origin in range(max(1, t - eval_days), t - h + 1):
            actual = sold[:, origin : origin + h].sum(axis=1)
            for i in range(n):
                y = sold[i, :origin].astype(np.float64)
                pred = float(make().forecast(y=y, h=h)["mean"].sum()) if y.any() else 0.0
                err[i] += abs(pred - actual[i])
                count[i] += 1
        mase = err / np.maximum(count, 1) / (scale * h)
        out[name] = {**summary(mase), "seconds": round(time.perf_counter() - started, 1)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--eval-days", type=int, default=180)
    parser.add_argument("--no-statsforecast", action="store_true")
    args = parser.parse_args()
    results: dict = {}
    for folder in FOLDERS:
        shop = load(DATA / folder)
        sold = shop.demand
        start = sold.shape[1] - args.eval_days
        scale = demand.naive_scale(sold[:, :start], np.zeros_like(sold[:, :start], dtype=bool))
        scale = np.where(scale > 0, scale, np.nan)
        entry: dict = {
            "products": int(sold.shape[0]),
            "scored_products": int(np.isfinite(scale).sum()),
        }
        for label, h in HORIZONS.items():
            row = ours(sold, shop.first_day, h, args.eval_days, scale)
            if not args.no_statsforecast:
                row.update(statsforecast_models(sold, h, args.eval_days, scale))
            entry[label] = row
        results[folder] = entry
    emit({"benchmark": "forecast", "eval_days": args.eval_days, "folders": results})


if __name__ == "__main__":
    main()
