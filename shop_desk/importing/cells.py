"""Turn one spreadsheet cell into a typed value, or raise CellError saying why not.

A cell is what tabular.py gives: text from a CSV, or str/int/float/datetime from openpyxl.
Numbers never pass through float arithmetic: an XLSX cell holding 3.5 becomes
Decimal(repr(3.5)) and then 350 fen, rounded half-up to the fen as Excel shows it with two
decimals. Text amounts go through shop_desk.money.parse_fen (¥, 元, thousands separators).
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from shop_desk.errors import InputError
from shop_desk.i18n import tr
from shop_desk.money import MAX_PRICE_FEN, parse_fen
from shop_desk.text import clean_barcode, is_valid_gtin, normalize, validate_barcode


class CellError(InputError):
    """One cell cannot be used; the caller adds the line and column."""


# What people type in a number column to mean "nothing here".
_MISSING = {"", "-", "--", "—", "——", "/", "无", "空", "n/a", "na", "#n/a", "null", "none"}
_INT = re.compile(r"^([+-]?\d+)(?:\.0+)?\s*[\u4e00-\u9fffA-Za-z/]{0,4}$")
_SCIENTIFIC = re.compile(r"^(\d)(?:\.(\d+))?[eE]\+?(\d+)$")
_BARCODE_SPLIT = re.compile(r"[,，;；、|/\n]+")
_YMD = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT].*)?$")
_COMPACT_YMD = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DAYS = re.compile(r"^(\d+)\s*(天|日|d|days?|个月|月|months?|年|years?)?$", re.IGNORECASE)
_EXCEL_EPOCH = date(1899, 12, 30)


def cell_text(value: object) -> str:
    """The cell as normalised text: numbers without a spurious '.0', dates as 2024-01-31."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return normalize(str(value))


def is_missing(value: object) -> bool:
    return value is None or (isinstance(value, str) and normalize(value).lower() in _MISSING)


def parse_money(value: object, *, allow_negative: bool = False) -> int:
    """Fen from a price cell. Numeric cells are rounded half-up to the fen."""
    if isinstance(value, bool):
        raise CellError(tr("Not an amount of money: {value}", value=value))
    if isinstance(value, float | Decimal):
        try:
            amount = Decimal(repr(value) if isinstance(value, float) else value)
            if not amount.is_finite() or abs(amount) * 100 > MAX_PRICE_FEN:
                raise CellError(tr("Amount is too large: {value}", value=cell_text(value)))
            text = str(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
        except InvalidOperation:
            raise CellError(tr("Not an amount of money: {value}", value=value)) from None
    elif isinstance(value, int):
        text = str(value)
    else:
        text = cell_text(value)
    try:
        return parse_fen(text, allow_negative=allow_negative)
    except InputError as exc:
        raise CellError(str(exc)) from None


def parse_int(value: object) -> int:
    """A whole number: 24, 24.0, "24", "1,200", "24瓶". 1.5 is refused."""
    if isinstance(value, bool):
        raise CellError(tr("Not a whole number: {value}", value=value))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return int(value)
        raise CellError(tr("Not a whole number: {value}", value=cell_text(value)))
    text = cell_text(value).replace(",", "").replace("，", "")
    match = _INT.match(text)
    if not match:
        raise CellError(tr("Not a whole number: {value}", value=text))
    return int(match.group(1))


def parse_days(value: object) -> int:
    """A shelf life in days: 365, "365天", "12个月" (x30), "1年" (x365), "180 days"."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return parse_int(value)
    text = cell_text(value).replace(" ", "")
    match = _DAYS.match(text)
    if not match:
        raise CellError(tr("Not a shelf life in days: {value}", value=text))
    number, unit = int(match.group(1)), (match.group(2) or "").lower()
    if unit in ("个月", "月") or unit.startswith("month"):
        return number * 30
    if unit == "年" or unit.startswith("year"):
        return number * 365
    return number


def parse_barcodes(value: object) -> list[str]:
    """Every barcode in a cell ("690..., 690..." lists several), validated, in order.

    Handles what spreadsheets do to barcodes: numbers (6908512108211.0, leading zeros of a
    UPC dropped), Excel's ="..." and leading apostrophe tricks, and scientific notation,
    which is accepted only when no digit was lost.
    """
    if is_missing(value):
        return []
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [_numeric_barcode(value)]
    text = str(value).strip().lstrip("'\t")
    if text.startswith('="') and text.endswith('"'):
        text = text[2:-1]
    codes = []
    for token in _BARCODE_SPLIT.split(text):
        token = clean_barcode(token)
        if token:
            codes.append(validate_barcode(_unscientific(token)))
    return codes


def _numeric_barcode(value: int | float) -> str:
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
        raise CellError(tr("Not a barcode: {value}", value=cell_text(value)))
    code = str(int(value))
    # A number column drops the leading 0 of UPC-A and EAN-8 codes: put it back if that
    # gives a valid code.
    if len(code) in (7, 11) and is_valid_gtin("0" + code):
        code = "0" + code
    return validate_barcode(code)


def _unscientific(token: str) -> str:
    match = _SCIENTIFIC.match(token)
    if not match:
        return token
    whole, frac, exponent = match.group(1), match.group(2) or "", int(match.group(3))
    if len(frac) < exponent:
        raise CellError(
            tr(
                "The barcode {value} was shortened by Excel and its last digits are lost. "
                "Set the barcode column's format to Text in Excel (or save as .xlsx) and "
                "export again.",
                value=token,
            )
        )
    return str(int(Decimal(f"{whole}.{frac}e{exponent}")))


def parse_date(value: object) -> date:
    """2024-01-31, 2024/1/31, 2024.1.31, 2024年1月31日, 20240131, with or without a time;
    Excel date cells; Excel day numbers (45322) from a column that lost its date format."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_number(value)
    text = cell_text(value)
    for pattern in (_YMD, _COMPACT_YMD):
        match = pattern.match(text)
        if match:
            return _ymd(text, *match.groups())
    if text.isdigit():
        return _from_number(int(text))
    raise CellError(tr("Not a date: {value}. Write dates as 2024-01-31.", value=text))


def _from_number(number: int | float) -> date:
    whole = int(number)
    if 20_000 <= whole <= 80_000:  # an Excel serial day: 1954..2119
        return _EXCEL_EPOCH + timedelta(days=whole)
    match = _COMPACT_YMD.match(str(whole))
    if match:
        return _ymd(str(whole), *match.groups())
    raise CellError(tr("Not a date: {value}. Write dates as 2024-01-31.", value=cell_text(number)))


def _ymd(text: str, year: str, month: str, day: str) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise CellError(tr("Not a date: {value}. Write dates as 2024-01-31.", value=text)) from None
