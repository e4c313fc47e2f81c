"""Print the size of a PyInstaller bundle as JSON, with its largest parts.

    python tools/bundle_size.py dist/ShopDesk [--max-mb 150]

Sizes are the bytes of the files (what the installer packs and the disk holds, give or take
the cluster slack). With --max-mb, exits 1 when the bundle is bigger: CI keeps the bundle
from growing unnoticed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

MB = 1024 * 1024


def part_of(relative: Path) -> str:
    """Group a file under a readable part: _internal/numpy.libs, _internal/PySide6/Qt/lib..."""
    parts = relative.parts
    if parts[0] != "_internal" or len(parts) == 2:
        return "/".join(parts[:1]) if parts[0] != "_internal" else "_internal/(top-level files)"
    depth = 4 if parts[1] == "PySide6" and len(parts) > 4 else 2
    return "/".join(parts[: min(depth, len(parts) - 1)])


def measure(bundle: Path) -> dict:
    files = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()]
    by_part: Counter[str] = Counter()
    for path in files:
        by_part[part_of(path.relative_to(bundle))] += path.stat().st_size
    total = sum(by_part.values())
    return {
        "bundle": str(bundle),
        "platform": sys.platform,
        "size_mb": round(total / MB, 1),
        "files": len(files),
        "largest_mb": {name: round(size / MB, 1) for name, size in by_part.most_common(12)},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", type=Path)
    parser.add_argument("--max-mb", type=float, default=None)
    args = parser.parse_args(argv)
    if not args.bundle.is_dir():
        print(f"no bundle at {args.bundle}", file=sys.stderr)
        return 2
    report = measure(args.bundle)
    print(json.dumps(report, ensure_ascii=False, indent=1))
    if args.max_mb is not None and report["size_mb"] > args.max_mb:
        print(f"the bundle is {report['size_mb']} MB, over {args.max_mb} MB", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
