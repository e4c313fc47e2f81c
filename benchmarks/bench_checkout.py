"""Checkout commit: p99 of a 1-5 line checkout, daily summary included, synchronous=FULL.

    python benchmarks/bench_checkout.py [--sales 1000] [--products N --moves N]

Works on a copy of the big shop (benchmarks/out/work/), so the cached shop stays as built.
Products are drawn by popularity (most moves first) as at a real counter, carts are filled
before the clock starts, and each sale is timed from opening the write transaction to the
commit returning (BEGIN IMMEDIATE, sale, lines, moves, lots, summary upserts, fsync).

The database is opened as the window opens it (WAL checkpoints in a background thread when
writes pause, db/checkpoint.py); `sqlite_default_checkpoints` repeats the run with SQLite's
automatic checkpoint inside commits, for comparison. Sales follow each other with no pause,
the worst case for the checkpointer (it must then checkpoint during a burst).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import OUT, emit, summary_ms
from make_big_shop import ensure_big_shop

from shop_desk.db.engine import open_database
from shop_desk.db.models import Product
from shop_desk.inventory.counter import Cart, checkout
from shop_desk.paths import database_path

TARGET_P99_MS = 30.0


def work_copy(folder: Path) -> Path:
    work = OUT / "work" / f"checkout-{folder.name}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    shutil.copyfile(database_path(folder), database_path(work))
    return work


def popular_products(db, count: int) -> list[Product]:
    with db.read() as session:
        ids = [
            row[0]
            for row in session.connection().exec_driver_sql(
                "SELECT product_id FROM daily_summary GROUP BY product_id "
                "ORDER BY sum(units_sold) DESC LIMIT ?",
                (count,),
            )
        ]
        products = session.query(Product).filter(Product.id.in_(ids), Product.active).all()
        session.expunge_all()
    return products


def time_sales(folder: Path, carts: list[Cart], *, idle_checkpoints: bool) -> tuple[list, int]:
    """Seconds per sale after the warm-up, and the checkpoints made in the background."""
    db = open_database(folder=folder, idle_checkpoints=idle_checkpoints)
    timings = []
    for n, cart in enumerate(carts):
        started = time.perf_counter()
        with db.session() as session:
            checkout(session, cart)
        if n >= 50:  # the first sales warm the caches
            timings.append(time.perf_counter() - started)
    checkpoints = db.checkpointer.checkpoints if db.checkpointer else 0
    db.dispose()
    return timings, checkpoints


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sales", type=int, default=1000)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--moves", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the work copy")
    args = parser.parse_args(argv)
    folder, _ = ensure_big_shop(args.products, args.moves)
    work = work_copy(folder)
    db = open_database(folder=work)
    with db.engine.connect() as conn:
        synchronous = conn.exec_driver_sql("PRAGMA synchronous").scalar()
        journal = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
    rng = random.Random(args.seed)
    pool = popular_products(db, 5000)
    weights = [1 / (rank + 10) for rank in range(len(pool))]
    carts = []
    for _ in range(args.sales + 50):
        cart = Cart()
        for product in rng.choices(pool, weights=weights, k=rng.randint(1, 5)):
            cart.add(product, rng.choice((1, 1, 1, 2)))
        carts.append(cart)
    db.dispose()
    lines = [len(cart.lines) for cart in carts[50:]]
    timings, checkpoints = time_sales(work, carts, idle_checkpoints=True)
    shutil.rmtree(work, ignore_errors=True)
    work = work_copy(folder)
    default_timings, _ = time_sales(work, carts, idle_checkpoints=False)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    stats = summary_ms(timings)
    emit(
        {
            "benchmark": "checkout",
            "shop": str(folder),
            "sqlite_synchronous": {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(synchronous),
            "journal_mode": journal,
            "mean_lines": round(sum(lines) / len(lines), 2),
            **stats,
            "background_checkpoints": checkpoints,
            "sqlite_default_checkpoints": summary_ms(default_timings),
            "target_p99_ms": TARGET_P99_MS,
            "pass": stats["p99_ms"] <= TARGET_P99_MS,
        }
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
