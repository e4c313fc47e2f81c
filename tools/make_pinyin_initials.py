"""Write resources/pinyin/initials.txt: each CJK character's pinyin initial, as pypinyin reads
it, so that the catalog sync needs no pypinyin import (~0.3-0.9 s per process) for the
characters of offer names. Run again after upgrading pypinyin (tests/test_text.py checks the
file against it).

    python tools/make_pinyin_initials.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shop_desk.text import INITIALS_FILE, INITIALS_RANGES, NO_INITIAL, reference_initial  # noqa: E402


def main() -> None:
    lines = []
    for first, last in INITIALS_RANGES:
        lines.append(
            "".join(reference_initial(chr(code)) or NO_INITIAL for code in range(first, last + 1))
        )
    path = ROOT / "resources" / INITIALS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
