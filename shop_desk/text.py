"""Text helpers: normalisation, pinyin keys for search, GTIN check digits.

pypinyin is imported on first use only: it costs ~100 ms and start-up must stay fast.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from shop_desk.errors import InputError
from shop_desk.i18n import tr


def normalize(text: str) -> str:
    """NFKC (full-width digits and letters to ASCII), trimmed, inner whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text or "").split())


@lru_cache(maxsize=1)
def _pinyin_module():
    import pypinyin

    return pypinyin


def pinyin_keys(name: str) -> tuple[str, str]:
    """(initials, full pinyin), lower case, without spaces: 可口可乐 -> ("kkkl", "kekoukele").

    Letters and digits in the name are kept as they are, so "A可口可乐600ml" gives
    "akkkl600ml": a clerk types what they see.
    """
    pypinyin = _pinyin_module()
    text = normalize(name).lower()
    readings = pypinyin.pinyin(text, style=pypinyin.Style.NORMAL, errors=lambda s: list(s))
    initials: list[str] = []
    full: list[str] = []
    for (reading,) in ((r[:1]) for r in readings):
        word = "".join(ch for ch in reading if ch.isalnum())
        if not word:
            continue
        full.append(word)
        initials.append(word if word.isdigit() else word[0])
    return "".join(initials), "".join(full)


def _gtin_check_digit(body: str) -> int:
    total = 0
    for i, ch in enumerate(reversed(body)):
        total += int(ch) * (3 if i % 2 == 0 else 1)
    return (10 - total % 10) % 10


def is_valid_gtin(code: str) -> bool:
    """GTIN-8, -12 (UPC-A), -13 (EAN) or -14 with a correct check digit."""
    return (
        code.isascii()
        and code.isdigit()
        and len(code) in (8, 12, 13, 14)
        and _gtin_check_digit(code[:-1]) == int(code[-1])
    )


def gtin_with_check_digit(body: str) -> str:
    return body + str(_gtin_check_digit(body))


def clean_barcode(raw: str) -> str:
    """What a scanner or a spreadsheet gives, as a barcode string (no spaces, no '.0')."""
    code = normalize(str(raw)).replace(" ", "")
    if code.endswith(".0") and code[:-2].isdigit():
        code = code[:-2]  # Excel turned the barcode into a number
    return code


def validate_barcode(raw: str) -> str:
    """Return the cleaned code, or raise InputError saying what is wrong with it.

    Numeric codes of GTIN length must carry a correct check digit; shop-internal codes
    (other lengths, letters) are accepted as they are, as tills do for in-store labels.
    """
    code = clean_barcode(raw)
    if not code:
        raise InputError(tr("The barcode is empty."))
    if len(code) > 32:
        raise InputError(tr("The barcode is too long: {code}", code=code))
    if code.isdigit() and len(code) in (8, 12, 13, 14) and not is_valid_gtin(code):
        expected = gtin_with_check_digit(code[:-1])[-1]
        raise InputError(
            tr(
                "Barcode {code} has a wrong check digit (expected {digit}). "
                "Scan it again or check the label.",
                code=code,
                digit=expected,
            )
        )
    return code


# Each CJK character's initial, precomputed from pypinyin (tools/make_pinyin_initials.py):
# importing pypinyin costs 0.3-0.9 s, which a catalog sync (a process of its own in the
# window) would pay at every run. One line per range; NO_INITIAL where pypinyin has none.
INITIALS_FILE = "pinyin/initials.txt"
INITIALS_RANGES = ((0x3400, 0x9FFF), (0xF900, 0xFAFF))
NO_INITIAL = "-"


@lru_cache(maxsize=1)
def _initials_lines() -> tuple[str, ...]:
    from shop_desk import paths

    try:
        text = (paths.resources_dir() / INITIALS_FILE).read_text(encoding="ascii")
    except OSError:
        return ()
    lines = tuple(text.split("\n"))
    return lines if len(lines) >= len(INITIALS_RANGES) else ()


def reference_initial(ch: str) -> str:
    """A non-ASCII character's pinyin initial as pypinyin gives it ("" if none)."""
    pypinyin = _pinyin_module()
    reading = pypinyin.pinyin(ch, style=pypinyin.Style.FIRST_LETTER, errors="ignore")
    return reading[0][0][:1].lower() if reading and reading[0] else ""


def _initial(code: int) -> str:
    lines = _initials_lines()
    for line, (first, last) in zip(lines, INITIALS_RANGES, strict=False):
        if first <= code <= last:
            value = line[code - first]
            return "" if value == NO_INITIAL else value
    return reference_initial(chr(code))


class _InitialTable(dict):
    """str.translate table: each character to its pinyin initial (computed once per char)."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        value = (ch.lower() if ch.isalnum() else "") if ch.isascii() else _initial(code)
        self[code] = value
        return value


class _TokenTable(dict):
    """str.translate table: a Chinese character becomes a word of its own, punctuation a
    space, letters and digits stay (lower case)."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if _is_cjk(ch):
            value = f" {ch} "
        elif ch.isalnum():
            value = ch.lower()
        else:
            value = " "
        self[code] = value
        return value


# str.translate tables, shared with the bulk forms (catalog/name_keys.py).
INITIALS_TABLE = _InitialTable()
TOKENS_TABLE = _TokenTable()


def char_initials(name: str) -> str:
    """Initials from each character's own reading: no phrase dictionary, so it is fast enough
    for a million catalog offers (polyphones may differ from pinyin_keys; good for search)."""
    return normalize(name).translate(INITIALS_TABLE)


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def search_tokens(text: str) -> list[str]:
    """Tokens for an FTS5 unicode61 index that answers fragments of any length: each Chinese
    character is a token of its own (so "可乐" is the phrase "可 乐"), Latin letters and digits
    stay whole words ("500ml")."""
    return unicodedata.normalize("NFKC", text or "").translate(TOKENS_TABLE).split()


def search_text(text: str) -> str:
    return " ".join(search_tokens(text))
