"""Reports: the same figures from two versions of the code, row by row, on the big shop.

    python benchmarks/compare_reports.py --against REF [--against-folder SHOP]
        [--products N --moves N]

Runs every report over many periods (ends at the shop's last day and earlier, short and
long, month-aligned and not, starting before the shop's first day), ranks and limits, with
this checkout and with the shop_desk package of git REF (exported to a temporary folder),
each in its own process on the same file (the cached big shop at this checkout's schema;
the other version opens it without migrating: a newer schema only adds to it), and
compares their tables: rows, totals and notes. When this schema changed what the other
version reads (0015: the runs' days became day numbers), give it the older cached shop with
--against-folder (the builder keeps it: this one was made from a copy of it). Floats
(rates, lost units, margins) are compared to 1e-9 relative: NumPy and SQLite may add them
in another order. Prints JSON: the cases compared and the first differences found; exit
status 1 when any. Each side records which code it ran: two runs of the same code (the
repository's folder first on sys.path) are refused.

    python benchmarks/compare_reports.py --dump FILE --folder SHOP   (one side: used above)
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, emit

from shop_desk.db.engine import open_database
from shop_desk.reports import Grain, Period, Rank, ReportParams, run_report

LENGTHS = (1, 7, 28, 29, 30, 31, 60, 90, 92, 93, 120, 180, 181, 200, 364, 365, 366, 400, 730)
ENDS_BACK = (0, 1, 45, 200)  # days before the shop's last day


def periods(end: date, first_day: date) -> list[Period]:
    found = []
    for back in ENDS_BACK:
        last = end - timedelta(days=back)
        found += [Period(last - timedelta(days=n - 1), last) for n in LENGTHS]
    # Calendar-aligned: whole months and years, and a period from before the first day.
    found.append(Period(date(end.year, 1, 1), end))
    found.append(Period(date(end.year - 1, 1, 1), date(end.year - 1, 12, 31)))
    found.append(Period(date(end.year, end.month, 1) - timedelta(days=92), end))
    found.append(Period(first_day - timedelta(days=10), first_day + timedelta(days=40)))
    return found


def cases(end: date, first_day: date) -> list[tuple[str, str, ReportParams]]:
    out = []
    for p in periods(end, first_day):
        key = f"{p.first}..{p.last}"
        each = [("top-sellers", f"[{rank},50]", {"rank": rank, "limit": 50}) for rank in Rank]
        each += [
            ("margin-products", "[500]", {"limit": 500}),
            ("margin-categories", "", {}),
            ("stockouts", "[500]", {"limit": 500}),
        ]
        for name, tag, kw in each:
            params = ReportParams(period=p, grain=Grain.DAY, today=p.last, **kw)
            out.append((f"{name}{tag} {key}", name, params))
    # Everything listed, over a few periods (tens of thousands of rows each).
    for days in (30, 365):
        p = Period(end - timedelta(days=days - 1), end)
        key = f"{p.first}..{p.last}"
        for name in ("margin-products", "stockouts"):
            out.append((f"{name}[all] {key}", name, ReportParams(period=p, today=end)))
        every = ReportParams(period=p, today=end, limit=10**6)
        out.append((f"top-sellers[all] {key}", "top-sellers", every))
    for days in (1, 7, 30, 90, 365, 730):
        out.append(
            (f"slow-movers[{days}]", "slow-movers", ReportParams(days=days, today=end, limit=200))
        )
        out.append(
            (
                f"slow-movers[{days},back 45]",
                "slow-movers",
                ReportParams(days=days, today=end - timedelta(days=45), limit=None),
            )
        )
    out.append(("stock-value", "stock-value", ReportParams(today=end)))
    return out


TRANSLATIONS = "resources/translations"  # the other version's, for its own Chinese text


def dump(path: Path, folder: Path) -> None:
    db = open_database(folder=folder, migrate=False)
    with db.read() as session:
        first, end = (
            date.fromisoformat(str(d))
            for d in session.connection()
            .exec_driver_sql("SELECT min(day), max(day) FROM daily_summary")
            .one()
        )
    import shop_desk

    # Which code made these tables: the comparison refuses two runs of the same code.
    tables: dict = {"code": str(Path(shop_desk.__file__).resolve().parent)}
    for key, name, params in cases(end, first):
        with db.read() as session:
            table = run_report(session, name, params)
        tables[key] = {"rows": table.rows, "totals": table.totals, "notes": table.notes}
    db.dispose()
    path.write_text(json.dumps(tables, default=str), encoding="utf-8")


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def compare(old: dict, new: dict) -> list[dict]:
    differences = []
    for key in old.keys() | new.keys():
        a, b = old.get(key), new.get(key)
        if a is None or b is None:
            differences.append({"case": key, "missing_in": "new" if b is None else "old"})
            continue
        for part in ("totals", "notes"):
            if not _same(a[part], b[part]):
                differences.append({"case": key, part: [a[part], b[part]]})
        if len(a["rows"]) != len(b["rows"]):
            differences.append({"case": key, "rows": [len(a["rows"]), len(b["rows"])]})
            continue
        for n, (x, y) in enumerate(zip(a["rows"], b["rows"], strict=True)):
            if not _same(x, y):
                differences.append({"case": key, "row": n, "old": x, "new": y})
                break
    return differences


def _side(pythonpath: Path, out: Path, folder: Path) -> None:
    env = {**os.environ, "SHOP_DESK_BENCH_CODE": str(pythonpath)}
    command = [sys.executable, __file__, "--dump", str(out), "--folder", str(folder)]
    subprocess.run(command, env=env, check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", default="HEAD", help="git ref of the other version")
    parser.add_argument("--dump", type=Path, help="write this version's tables here")
    parser.add_argument("--folder", type=Path, help="the shop's folder (with --dump)")
    parser.add_argument("--against-folder", type=Path, help="the other version's shop folder")
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--moves", type=int, default=2_000_000)
    args = parser.parse_args(argv)
    if args.dump:
        dump(args.dump, args.folder)
        return 0
    from make_big_shop import ensure_big_shop  # this checkout's builder (and schema)

    folder, _ = ensure_big_shop(args.products, args.moves)
    with tempfile.TemporaryDirectory() as tmp:
        old_code = Path(tmp) / "old"
        old_code.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", args.against, "shop_desk", TRANSLATIONS],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(old_code)], input=archive, check=True)
        _side(old_code, Path(tmp) / "old.json", args.against_folder or folder)
        _side(REPO, Path(tmp) / "new.json", folder)
        old = json.loads((Path(tmp) / "old.json").read_text(encoding="utf-8"))
        new = json.loads((Path(tmp) / "new.json").read_text(encoding="utf-8"))
    codes = old.pop("code"), new.pop("code")
    if codes[0] == codes[1] or not codes[0].startswith(str(old_code.resolve())):
        raise SystemExit(f"compare_reports: both sides ran the same code ({codes})")
    differences = compare(old, new)
    emit(
        {
            "benchmark": "compare_reports",
            "against": args.against,
            "cases": len(new),
            "rows": sum(len(t["rows"]) for t in new.values()),
            "differences": len(differences),
            "first_differences": differences[:20],
        }
    )
    return 1 if differences else 0


if __name__ == "__main__":
    raise SystemExit(main())
