"""A barcode as its bars: EAN-13, EAN-8 or UPC-A for retail codes, Code 128 for anything else.

python-barcode encodes (it knows the symbologies' tables); the drawing is QPainter's job in
gui/printing/barcode.py, so the bars come out as vectors in a PDF and sharp on any printer.
"""

from __future__ import annotations

from dataclasses import dataclass

from shop_desk.text import is_valid_gtin


@dataclass(frozen=True)
class Symbol:
    kind: str  # "ean13", "ean8", "upca", "code128"
    text: str  # what is printed under the bars
    modules: str  # one character per module: "1" bar, "0" space, "G" a guard bar (longer)

    @property
    def width(self) -> int:
        return len(self.modules)

    @property
    def quiet_left(self) -> int:
        """Empty modules a reader needs on each side (EAN-13: 11 left, 7 right)."""
        return {"ean13": 11, "ean8": 7, "upca": 9}.get(self.kind, 10)

    @property
    def quiet_right(self) -> int:
        return {"ean13": 7, "ean8": 7, "upca": 9}.get(self.kind, 10)


def symbol_for(code: str) -> Symbol | None:
    """The symbol a label prints for a product code; None for an empty code."""
    from barcode import EAN8, EAN13, UPCA, Code128

    code = code.strip()
    if not code:
        return None
    if code.isdigit() and is_valid_gtin(code):
        # python-barcode would silently replace a wrong check digit: only valid codes get here.
        if len(code) == 13:
            return Symbol("ean13", code, EAN13(code, guardbar=True).build()[0])
        if len(code) == 8:
            return Symbol("ean8", code, EAN8(code, guardbar=True).build()[0])
        if len(code) == 12:
            return Symbol("upca", code, _guards(UPCA(code).build()[0]))
    return Symbol("code128", code, Code128(code).build()[0])


def _guards(modules: str) -> str:
    """UPC-A's start, centre and end patterns as guard bars (what EAN's guardbar gives)."""
    marks = list(modules)
    for start, length in ((0, 3), (45, 5), (len(marks) - 3, 3)):
        for i in range(start, start + length):
            if marks[i] == "1":
                marks[i] = "G"
    return "".join(marks)
