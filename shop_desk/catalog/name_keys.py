"""Offers' search keys (pinyin initials, search tokens) for a block of names at once.

A first sync makes these for a million names. str.translate looks up each character in a
dict and builds the result a piece at a time: 1.7 µs a name for both keys, a fifth of a
parsing process's time. Here the block's names become one array of code points, mapped
through NumPy tables filled from text.py's translate tables as characters are first met:
0.5 µs. The results are those of text.char_initials and text.search_text, name by name.
A block the arrays cannot say (a character beyond the BMP, or whose mapping is not one of
the shapes below) goes the way of str.translate.
"""

from __future__ import annotations

import unicodedata

import numpy as np

from shop_desk.text import INITIALS_TABLE, TOKENS_TABLE, char_initials, search_text

_SEP = "\x1f"  # between the names of a block (NFKC leaves it as it is)
_BMP = 0x10000
_SPACE, _SEP_CODE = ord(" "), ord(_SEP)


class _Table:
    """A translate table as arrays over the BMP: each character's one character out (0: none)
    and whether spaces go around it (a Chinese character is a token of its own)."""

    def __init__(self, source: dict) -> None:
        self.source = source  # text.py's table (characters met are looked up there once)
        self.out = np.zeros(_BMP, dtype=np.uint32)
        self.spaced = np.zeros(_BMP, dtype=bool)
        self.known = np.zeros(_BMP, dtype=bool)
        self.out[_SEP_CODE] = _SEP_CODE  # names stay apart
        self.known[_SEP_CODE] = True

    def learn(self, codes: np.ndarray) -> bool:
        """Fill the entries of the characters not met before; False if one cannot be."""
        for code in np.unique(codes[~self.known[codes]]).tolist():
            value = self.source[code]
            if len(value) == 1:
                self.out[code] = ord(value)
            elif len(value) == 3 and value[0] == value[2] == " " and value[1] != " ":
                self.out[code] = ord(value[1])
                self.spaced[code] = True
            elif value:
                return False
            self.known[code] = True
        return True


_INITIAL_ARRAYS = _Table(INITIALS_TABLE)
_TOKEN_ARRAYS = _Table(TOKENS_TABLE)


def _codes(names: list[str]) -> np.ndarray | None:
    """The names, NFKC, joined by the separator, as code points (None: not for arrays)."""
    joined = unicodedata.normalize("NFKC", _SEP.join(names))
    if joined.count(_SEP) != len(names) - 1:  # a name holding the separator
        return None
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    return codes if not codes.size or int(codes.max()) < _BMP else None


def _names(codes: np.ndarray) -> list[str]:
    return codes.tobytes().decode("utf-32-le").split(_SEP)


def char_initials_many(names: list[str]) -> list[str]:
    """[text.char_initials(n) for n in names], in bulk."""
    codes = _codes(names) if names else None
    if codes is None or not _INITIAL_ARRAYS.learn(codes):
        return [char_initials(n) for n in names]
    out = _INITIAL_ARRAYS.out[codes]
    return _names(out[out != 0])


def search_text_many(names: list[str]) -> list[str]:
    """[text.search_text(n) for n in names], in bulk: each character's token with spaces
    around a Chinese one, then runs of spaces made one, and none at a name's ends."""
    codes = _codes(names) if names else None
    if codes is None or not _TOKEN_ARRAYS.learn(codes):
        return [search_text(n) for n in names]
    slots = np.zeros((codes.size, 3), dtype=np.uint32)  # space, character, space
    slots[:, 1] = _TOKEN_ARRAYS.out[codes]
    spaced = _TOKEN_ARRAYS.spaced[codes]
    slots[spaced, 0] = _SPACE
    slots[spaced, 2] = _SPACE
    out = slots.ravel()
    out = out[out != 0]
    space = out == _SPACE
    out = out[~(space & np.concatenate(([True], space[:-1])))]  # runs, and a leading one
    space = out == _SPACE
    apart = out == _SEP_CODE
    beside = np.concatenate(([False], apart[:-1])) | np.concatenate((apart[1:], [True]))
    return _names(out[~(space & beside)])
