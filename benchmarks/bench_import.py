"""Product import: 10,000 rows from a CSV into a new shop, then the same file again.

    python benchmarks/bench_import.py [--rows 10000] [--seed 11]

The file looks like a wholesaler's list: real names (benchmarks/data/names.csv) with flavours
and sizes, an EAN-13 each, a case barcode for one row in six, prices, categories and a short
code for loose goods. Timed as the CLI and the import dialog run it: the preview (read, check,
match against the shop), the apply (one transaction), then a second import of the same file
with every tenth price changed (matching, updating, leaving the rest unchanged).
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import sys
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import OUT, emit
from make_big_shop import FLAVOURS, SIZES, read_names

from shop_desk.db.engine import open_database
from shop_desk.importing import apply_products, preview_products
from shop_desk.text import gtin_with_check_digit


def write_file(path: Path, rows: int, seed: int, price_bump: bool = False) -> None:
    rng = random.Random(seed)
    names = read_names()
    bodies = rng.sample(range(10**10), rows * 2)
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["条码", "箱码", "商品名称", "规格", "分类", "售价", "进价", "自编码"])
        for i in range(rows):
            base, spec, category = names[i % len(names)]
            combo = i // len(names)
            name = f"{base}{FLAVOURS[combo % len(FLAVOURS)]}{SIZES[combo // len(FLAVOURS)]}"
            price = rng.randrange(200, 5000)
            if price_bump and i % 10 == 0:
                price += 10
            case = gtin_with_check_digit(f"69{bodies[rows + i]:010d}") + "*12" if i % 6 == 0 else ""
            out.writerow([
                gtin_with_check_digit(f"69{bodies[i]:010d}"), case, name, spec, category,
                f"{price / 100:.2f}", f"{price * 0.7 / 100:.2f}",
                f"Z{i:05d}" if i % 250 == 7 else "",
            ])  # fmt: skip


def timed(label: str, seconds: dict, func):
    started = time.perf_counter()
    result = func()
    seconds[label] = round(time.perf_counter() - started, 2)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    work = OUT / "work" / f"import-{args.rows}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    first, second = work / "products.csv", work / "products-new-prices.csv"
    write_file(first, args.rows, args.seed)
    write_file(second, args.rows, args.seed, price_bump=True)
    db = open_database(folder=work / "shop")
    seconds: dict[str, float] = {}
    results = {}
    for label, path in (("new", first), ("again_with_changes", second)):
        with db.read() as session:
            read = partial(preview_products, path, session=session)
            preview = timed(f"{label}_preview", seconds, read)
        assert preview.ok, preview.errors[:3]

        def apply(preview=preview):
            with db.session() as session:
                return apply_products(session, preview)

        result = timed(f"{label}_apply", seconds, apply)
        results[label] = {"created": result.created, "updated": result.updated,
                          "unchanged": result.unchanged}  # fmt: skip
    db.dispose()
    shutil.rmtree(work, ignore_errors=True)
    emit({"benchmark": "import_products", "rows": args.rows, "seconds": seconds, **results})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
