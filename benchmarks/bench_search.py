"""Search: p95 of search_products over a mix of what a clerk types, on the big shop.

    python benchmarks/bench_search.py [--per-kind 300] [--products N --moves N]

Query kinds, drawn from the shop's own products (seeded):
- initials: pinyin initials, 2 to 5 letters ("kkkl");
- pinyin: the start of a full pinyin, 4 to 10 letters ("kekou");
- fragment2: two Chinese characters ("可乐"), one range of product_grams;
- fragment3_6: 3 to 6 Chinese characters, a walk over the range of the rarest piece
  (fragments are cut from the real base names and flavour words, plus a few common words);
- barcode_prefix: the first 4 to 12 digits of a barcode.
Each query runs in a fresh read session (what a search box does); the queries are shuffled
together and run once for warm-up, then timed.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import emit, summary_ms
from make_big_shop import FLAVOURS, ensure_big_shop, read_names

from shop_desk.db.engine import open_database
from shop_desk.inventory.search import search_products

TARGET_P95_MS = 20.0
CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
COMMON = ["可乐", "牛奶", "方便面", "矿泉水", "薯片", "饼干", "口香糖", "洗发露", "卫生纸", "啤酒"]


def make_queries(db, per_kind: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    with db.read() as session:
        rows = (
            session.connection()
            .exec_driver_sql(
                "SELECT name, name_initials, name_pinyin FROM products WHERE active = 1"
            )
            .fetchall()
        )
        codes = [r[0] for r in session.connection().exec_driver_sql("SELECT code FROM barcodes")]
    queries: list[tuple[str, str]] = []
    letters = [ini for _, ini, _ in rows if ini.isalpha() and len(ini) >= 2]
    for _ in range(per_kind):
        ini = rng.choice(letters)
        queries.append(("initials", ini[: rng.randint(2, min(5, len(ini)))]))
    spelled = [py for _, _, py in rows if len(py) >= 4]
    for _ in range(per_kind):
        py = rng.choice(spelled)
        queries.append(("pinyin", py[: rng.randint(4, min(10, len(py)))]))
    # Fragments come from the real names and the flavour words, not from the joints between
    # them (no clerk types 装大 out of 家庭装大包).
    texts = [name for name, _, _ in read_names()] + FLAVOURS
    runs = [run for text in texts for run in CJK_RUN.findall(text)]
    for kind, low, high in (("fragment2", 2, 2), ("fragment3_6", 3, 6)):
        picked = [q for q in COMMON if low <= len(q) <= high]
        while len(picked) < per_kind:
            run = rng.choice(runs)
            if len(run) < low:
                continue
            size = rng.randint(low, min(high, len(run)))
            start = rng.randrange(len(run) - size + 1)
            picked.append(run[start : start + size])
        queries.extend((kind, q) for q in picked[:per_kind])
    for _ in range(per_kind):
        queries.append(("barcode_prefix", rng.choice(codes)[: rng.randint(4, 12)]))
    rng.shuffle(queries)
    return queries


def run_queries(db, queries: list[tuple[str, str]]) -> dict[str, list[tuple[float, str, int]]]:
    timings: dict[str, list[tuple[float, str, int]]] = {}
    for kind, query in queries:
        started = time.perf_counter()
        with db.read() as session:
            found = search_products(session, query)
        elapsed = time.perf_counter() - started
        timings.setdefault(kind, []).append((elapsed, query, len(found)))
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=300)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--moves", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args(argv)
    folder, _ = ensure_big_shop(args.products, args.moves)
    db = open_database(folder=folder)
    queries = make_queries(db, args.per_kind, args.seed)
    run_queries(db, queries[: len(queries) // 4])  # warm the page cache
    timings = run_queries(db, queries)
    db.dispose()
    by_kind = {}
    for kind, rows in sorted(timings.items()):
        slowest = sorted(rows, reverse=True)[:5]
        by_kind[kind] = {
            **summary_ms([t for t, _, _ in rows]),
            "mean_results": round(sum(n for _, _, n in rows) / len(rows), 1),
            "slowest": [{"q": q, "ms": round(t * 1000, 1), "results": n} for t, q, n in slowest],
        }
    overall = summary_ms([t for rows in timings.values() for t, _, _ in rows])
    emit(
        {
            "benchmark": "search",
            "shop": str(folder),
            "overall": overall,
            "by_kind": by_kind,
            "target_p95_ms": TARGET_P95_MS,
            "pass": overall["p95_ms"] <= TARGET_P95_MS
            and all(k["p95_ms"] <= TARGET_P95_MS for k in by_kind.values()),
        }
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
