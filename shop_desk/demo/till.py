"""How the demo's daily sales become checkouts at the counter.

A product's units of one day are one sale line (the history is per product and day, so the
daily summary and the ledger stay small), and the day's lines are shuffled into checkouts of
one to five lines spread over opening hours: the recent-sales list, returns and receipts
look like a real till's, without a row per customer.
"""

from __future__ import annotations

from itertools import accumulate
from random import Random

OPEN_MINUTE = 30  # first sale 09:30 (minutes after the 09:00 delivery)
CLOSE_MINUTE = 12 * 60  # last sale 21:00
LINES_PER_SALE = (1, 2, 3, 4, 5)
LINE_WEIGHTS = (35, 30, 20, 10, 5)
_CUMULATIVE = tuple(accumulate(LINE_WEIGHTS))
EXACT_SHARE = 0.55  # paid by phone (WeChat, Alipay) or exact cash: no change
NOTES_FEN = (1000, 2000, 5000, 10000)


def checkouts(lines: list, rng: Random) -> list[tuple[int, list]]:
    """Group a day's lines into checkouts: [(minutes after opening, lines)], in time order."""
    lines = list(lines)
    rng.shuffle(lines)
    sizes = rng.choices(LINES_PER_SALE, cum_weights=_CUMULATIVE, k=len(lines))
    groups, start = [], 0
    for size in sizes:
        if start >= len(lines):
            break
        groups.append(lines[start : start + size])
        start += size
    minutes = sorted(rng.randrange(OPEN_MINUTE, CLOSE_MINUTE) for _ in groups)
    return list(zip(minutes, groups, strict=True))


def paid_for(total_fen: int, rng: Random) -> int:
    """What the customer handed over: exact, or the next banknote (now and then a bigger one)."""
    if rng.random() < EXACT_SHARE:
        return total_fen
    notes = [n for n in NOTES_FEN if n >= total_fen]
    if not notes:
        return -(-total_fen // 10000) * 10000
    return notes[1] if len(notes) > 1 and rng.random() < 0.25 else notes[0]


def sale_uuid(rng: Random) -> str:
    """A version-4 UUID drawn from rng (what uuid.UUID(int=..., version=4) gives, faster)."""
    bits = rng.getrandbits(128)
    bits = (bits & ~(0xC000 << 48)) | (0x8000 << 48)  # variant RFC 4122
    bits = (bits & ~(0xF000 << 64)) | (4 << 76)  # version 4
    h = f"{bits:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
