"""Money is an integer number of fen. Parsing and formatting happen only at the edges."""

from __future__ import annotations

import re

from shop_desk.errors import InputError
from shop_desk.i18n import tr

# Prices above this are almost certainly a typo (a barcode pasted into the price box).
MAX_PRICE_FEN = 100_000_000  # ¥1,000,000.00

_AMOUNT = re.compile(r"^([+-])?(\d+)(?:\.(\d{1,2}))?$")


def parse_fen(text: str | int, *, allow_negative: bool = False) -> int:
    """Parse "12.5", "¥1,234.50", "12元" into fen. Raises InputError with a user message."""
    if isinstance(text, bool):
        raise InputError(tr("Not an amount of money: {value}", value=text))
    if isinstance(text, int):
        fen = text * 100
    else:
        cleaned = str(text).strip()
        for junk in ("¥", "￥", "RMB", "CNY", "元", ",", "，", " ", "\u00a0"):
            cleaned = cleaned.replace(junk, "")
        cleaned = cleaned.replace("．", ".")
        match = _AMOUNT.match(cleaned)
        if not match:
            raise InputError(tr("Not an amount of money: {value}", value=text))
        sign, whole, frac = match.groups()
        fen = int(whole) * 100 + int((frac or "0").ljust(2, "0"))
        if sign == "-":
            fen = -fen
    if fen < 0 and not allow_negative:
        raise InputError(tr("An amount cannot be negative: {value}", value=text))
    if abs(fen) > MAX_PRICE_FEN:
        raise InputError(tr("Amount is too large: {value}", value=text))
    return fen


def format_fen(fen: int, *, symbol: bool = True) -> str:
    """12345 -> "¥123.45"; -5 -> "-¥0.05"."""
    sign = "-" if fen < 0 else ""
    whole, frac = divmod(abs(int(fen)), 100)
    return f"{sign}{'¥' if symbol else ''}{whole:,}.{frac:02d}"


def fen_to_plain(fen: int) -> str:
    """12345 -> "123.45" (for files and spreadsheets; no symbol, no grouping)."""
    return format_fen(fen, symbol=False).replace(",", "")


def mul_div_round(value: int, num: int, den: int) -> int:
    """round(value * num / den) with half away from zero, in integers only."""
    if den == 0:
        raise ZeroDivisionError("den")
    if den < 0:
        num, den = -num, -den
    prod = value * num
    q, r = divmod(abs(prod), den)
    if 2 * r >= den:
        q += 1
    return q if prod >= 0 else -q


def round_half_even(num: int, den: int) -> int:
    """num / den rounded half to even (banker's rounding), in integers only (den > 0).

    The rule of the suppliers' member discounts (SIMULATION.md "Money"): no float error at .5.
    """
    q, r = divmod(num, den)
    if 2 * r > den or (2 * r == den and q % 2 == 1):
        q += 1
    return q
