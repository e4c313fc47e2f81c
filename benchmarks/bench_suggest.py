"""Reorder suggestions for a big shop: 3,000 products, two years of history, three suppliers.

    python benchmarks/bench_suggest.py [--products 3000] [--runs 5]

The review state is what the shop's database hands the policy (ReviewState): m5-dev's real
daily sales repeated to --products products (730 days), stock-outs where the shelf ran empty,
lots with expiry dates for perishables, open orders, and three suppliers with tiers, member
tiers and a mixed-batch minimum. Measured, each in a fresh process:
- refit: the background job's back-test choosing every product's method (target <= 10 s);
- suggest: the morning's suggestions with those methods cached, reasons included
  (target <= 1 s), and the process's peak memory (target <= 300 MB).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import DATA, emit
from _shop_folder import load

from shop_desk.reorder.review import Lot, Offer, OpenLine, ProductInfo, ReviewState, Supplier, Tier

SUPPLIERS = {
    "factory": Supplier("factory", 5, 3000, 60000, ((200000, 100), (1000000, 300)), name="厂家"),
    "distributor": Supplier("distributor", 1, 1000, 15000, name="批发部"),
    "platform": Supplier(
        "platform", 3, 800, 30000, ((50000, 200),), mixed_min_amount_fen=10000, name="1688"
    ),
}


def big_state(n_products: int, seed: int = 7) -> ReviewState:
    shop = load(DATA / "m5-dev")
    rng = np.random.default_rng(seed)
    base = len(shop.products)
    rows = np.arange(n_products) % base
    demand = shop.demand[rows, :730]
    days = demand.shape[1]
    today = shop.first_day + dt.timedelta(days=days)
    # the shelf ran empty on some days: those sold less than asked, and are marked
    oos = rng.random(demand.shape) < 0.03
    sold = np.where(oos, demand // 2, demand)
    products, offers = [], []
    lots: list[list[Lot]] = []
    open_lines: list[OpenLine] = []
    for i, r in enumerate(rows):
        src = shop.products[r]
        pid = f"{i // base}~{src.product_id}"
        products.append(
            ProductInfo(pid, src.name, src.retail_price_fen, src.shelf_life_days, unit="件")
        )
        price = src.retail_price_fen
        pack = 12 if price < 300 else 6
        offers.append(
            Offer(
                "factory",
                f"F-{pid}",
                pid,
                pack,
                (Tier(1, round(price * 0.6 * pack)), Tier(5, round(price * 0.57 * pack))),
            )
        )
        offers.append(
            Offer(
                "distributor",
                f"D-{pid}",
                pid,
                1,
                (Tier(1, round(price * 0.72)), Tier(4, round(price * 0.7))),
            )
        )
        offers.append(
            Offer(
                "platform",
                f"P-{pid}",
                pid,
                pack,
                (Tier(2, round(price * 0.62 * pack)),),
                moq_packs=2,
            )
        )
        rate = demand[i, -28:].mean()
        on_hand = int(rng.integers(0, max(2, int(rate * 14) + 2)))
        life = src.shelf_life_days
        arrived = today - dt.timedelta(days=int(rng.integers(1, 30)))
        expires = None if life is None else arrived + dt.timedelta(days=life)
        lots.append([Lot(on_hand, arrived, expires)] if on_hand else [])
        if rng.random() < 0.2:
            due = today + dt.timedelta(days=int(rng.integers(1, 5)))
            open_lines.append(OpenLine(pid, "factory", f"F-{pid}", pack * 2, due))
    on_hand = np.array([sum(lot.units for lot in ls) for ls in lots], dtype=np.int64)
    return ReviewState(
        today=today,
        first_day=shop.first_day,
        products=products,
        sold=sold,
        out_of_stock=oos,
        on_hand=on_hand,
        lots=lots,
        open_lines=open_lines,
        offers=offers,
        suppliers=SUPPLIERS,
        month_spend_fen={"factory": 150000, "platform": 20000},
    )


def child(args) -> None:
    """One measurement in this process; prints JSON."""
    from shop_desk.reorder import policy
    from shop_desk.reorder.forecast import FittedMethods

    state = big_state(args.products)
    rss_state = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out: dict = {}
    if args.child == "refit":
        started = time.perf_counter()
        fitted = policy.fit(state)
        out["refit_seconds"] = round(time.perf_counter() - started, 3)
        Path(args.cache).write_text(json.dumps(fitted.to_dict()), encoding="utf-8")
    else:
        fitted = FittedMethods.from_dict(json.loads(Path(args.cache).read_text(encoding="utf-8")))
        seconds = []
        for _ in range(args.runs):
            started = time.perf_counter()
            result = policy.suggest(state, fitted)
            seconds.append(time.perf_counter() - started)
        out["suggest_seconds"] = [round(s, 3) for s in seconds]
        out["lines"] = len(result.lines)
        out["suppliers"] = {s.supplier_id: s.total_fen for s in result.suppliers}
        out["example_reason"] = result.lines[0].reason if result.lines else None
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    out["rss_after_state_mb"] = round(rss_state, 1)
    print(json.dumps(out, ensure_ascii=False))


def run_child(kind: str, args, cache: Path) -> dict:
    cmd = [sys.executable, __file__, "--child", kind, "--cache", str(cache)]
    cmd += ["--products", str(args.products), "--runs", str(args.runs)]
    proc = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", check=False)
    if proc.returncode:
        return {"error": proc.stderr[-2000:]}
    return json.loads(proc.stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", choices=("refit", "suggest"))
    parser.add_argument("--cache")
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "fitted.json"
        refit = run_child("refit", args, cache)
        suggest = run_child("suggest", args, cache) if "error" not in refit else {}
    best = min(suggest.get("suggest_seconds", [float("inf")]))
    emit(
        {
            "benchmark": "suggest",
            "products": args.products,
            "history_days": 730,
            "suppliers": len(SUPPLIERS),
            "refit": refit,
            "suggest": suggest,
            "targets": {
                "refit_seconds<=10": refit.get("refit_seconds", float("inf")) <= 10,
                "suggest_seconds<=1 (best of runs)": best <= 1,
                "suggest_peak_rss_mb<=300": suggest.get("peak_rss_mb", float("inf")) <= 300,
            },
        }
    )


if __name__ == "__main__":
    main()
