"""Which text encoding a CSV file was written in.

Deterministic order, cheapest and surest first:

1. a byte-order mark (UTF-8 with BOM as Excel's "CSV UTF-8" writes it; UTF-16/32, Excel's
   "Unicode text");
2. UTF-16 without a BOM, recognised by its NUL bytes;
3. strict UTF-8 over the whole file (streamed: valid UTF-8 is almost never an accident);
4. GB18030, the superset of GBK that Excel on Chinese Windows writes ("CSV (逗号分隔)");
5. charset-normalizer's best guess on the first megabyte, as a last resort.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from shop_desk.errors import InputError
from shop_desk.i18n import tr

_CHUNK = 1 << 20
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: its BOM starts the same way
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def detect_encoding(path: Path) -> str:
    """A Python codec name that decodes the whole file ("utf-8-sig", "gb18030", ...)."""
    with open(path, "rb") as file:
        head = file.read(_CHUNK)
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    utf16 = _utf16_without_bom(head)
    if utf16 and decodes(path, utf16):
        return utf16
    for name in ("utf-8", "gb18030"):
        if decodes(path, name):
            return name
    return _guess(head)


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text of mostly ASCII/CJK has NULs at every other byte; UTF-8 and GBK have none."""
    sample = head[:4096]
    if len(sample) < 4 or sample.count(0) < len(sample) // 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    return "utf-16-le" if odd > even else "utf-16-be"


def decodes(path: Path, encoding: str) -> bool:
    """True if the whole file decodes strictly; streamed, so a 50 MB file is not held."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with open(path, "rb") as file:
            while chunk := file.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _guess(head: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(head).best()
    if best is None:
        raise InputError(
            tr(
                "The file is not text this program can read. "
                'Save it from Excel as "CSV UTF-8" or as an .xlsx workbook.'
            )
        )
    return best.encoding
