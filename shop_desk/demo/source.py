"""Developer tool: choose the demo's products from the till export and copy them into
resources/demo/products.csv (the program never reads the original at run time).

    python -m shop_desk.demo.source PATH/TO/cn-products/products.csv [--count 780]

Keeps rows with a valid GTIN that the category rules recognise, drops repeats (same name and
size, or same barcode), tells same-named sizes apart by their size, and takes a stratified
sample in which household and personal-care goods weigh half (a 便利店 sells mostly food).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

from shop_desk.demo.catalog import _folder, classify, clean_name, load_rules
from shop_desk.text import is_valid_gtin

WEIGHT = {"日用品": 0.45, "个护": 0.4, "酒类/白酒": 0.8}


def eligible(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    rules = load_rules()
    seen_names, seen_codes, kept = set(), set(), []
    for row in rows:
        name, spec, code = clean_name(row["name"]), row["spec"].strip(), row["barcode"].strip()
        key = (name, spec.lower())
        if not is_valid_gtin(code) or key in seen_names or code in seen_codes:
            continue
        rule = classify(name, spec, rules)
        if rule is None:
            continue
        seen_names.add(key)
        seen_codes.add(code)
        kept.append({"name": name, "spec": spec, "barcode": code, "category": rule["category"]})
    return kept


def choose(rows: list[dict[str, str]], count: int) -> list[dict[str, str]]:
    groups: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        groups.setdefault(row["category"], []).append(row)
    keyed = []
    for category, members in groups.items():
        members.sort(key=lambda r: random.Random("source:" + r["barcode"]).random())
        weight = WEIGHT.get(category, 1.0)
        keyed += [((rank + 0.5) / (len(members) * weight), r) for rank, r in enumerate(members)]
    keyed.sort(key=lambda pair: (pair[0], pair[1]["barcode"]))
    chosen = {r["barcode"] for _, r in keyed[:count]}
    return [r for r in rows if r["barcode"] in chosen]


def disambiguate(rows: list[dict[str, str]]) -> None:
    """Two sizes under one name: the size joins the name, as a till shows it."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["name"]] = counts.get(row["name"], 0) + 1
    for row in rows:
        if counts[row["name"]] > 1 and row["spec"] and row["spec"].lower() not in row["name"]:
            row["name"] = f"{row['name']} {row['spec']}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("source", type=Path)
    parser.add_argument("--count", type=int, default=780)
    args = parser.parse_args(argv)
    with args.source.open(encoding="utf-8", newline="") as handle:
        rows = eligible(list(csv.DictReader(handle)))
    picked = choose(rows, args.count)
    disambiguate(picked)
    target = _folder() / "products.csv"
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["name", "spec", "barcode"])
        writer.writerows([r["name"], r["spec"], r["barcode"]] for r in picked)
    print(f"{len(rows)} eligible, {len(picked)} written to {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
