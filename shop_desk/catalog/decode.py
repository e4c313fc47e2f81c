"""Feed lines to offer rows, fast: a million records must not cost a million Python validations.

msgspec decodes each line straight into a typed struct, checking types, ranges, lengths and the
GTIN's shape in C; what types cannot say (no stray spaces, tiers in order, the GTIN's check
digit) is checked on the whole batch. A line the fast path does not accept goes through
records.parse_record, the reference rules, which either accepts it after all (a value with
spaces around it) or says why it is rejected, in the owner's language. So both paths accept
and refuse exactly the same lines, and the slow one only ever sees the odd line.

Rows are plain tuples in ROW_COLUMNS order (a parsing process sends them as a database
image: row_image.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from typing import Annotated

import msgspec
import numpy as np

from shop_desk.catalog.collector import collector_paused
from shop_desk.catalog.name_keys import char_initials_many, search_text_many
from shop_desk.catalog.records import RecordError, parse_record
from shop_desk.i18n import tr
from shop_desk.text import char_initials, search_text

# The offers columns a row fills, in order (supplier, sequence and first sighting are the
# caller's: the same for a whole file).
ROW_COLUMNS = (
    "sku",
    "gtin",
    "name",
    "name_initials",
    "search_text",
    "brand",
    "category",
    "unit",
    "pack_size",
    "pack_name",
    "tiers",
    "price_fen",
    "moq_packs",
    "multiple_packs",
    "available_packs",
    "lead_time_days",
    "shelf_life_days",
    "new_since",
    "dropship",
)
SKU, PRICE = 0, ROW_COLUMNS.index("price_fen")

# The limits of records.py, as types.
_Packs = Annotated[int, msgspec.Meta(ge=1, le=10_000_000)]
_Price = Annotated[int, msgspec.Meta(ge=0, le=1_000_000_000)]
# A GTIN's shape (8, 12, 13 or 14 digits) is checked with its check digit, a batch at a time
# (_gtins_ok): as a pattern here, msgspec ran a regex per record, a tenth of the decoding.
_Gtin = Annotated[str, msgspec.Meta(min_length=8, max_length=14)]
_Text = Annotated[str, msgspec.Meta(max_length=200)]
_Short = Annotated[str, msgspec.Meta(max_length=20)]


class _Tier(msgspec.Struct, gc=False):
    min_packs: _Packs
    unit_price_fen: _Price


class _Upsert(msgspec.Struct, tag_field="op", tag="upsert", gc=False):
    sku: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    tiers: Annotated[list[_Tier], msgspec.Meta(min_length=1, max_length=20)]
    gtin: _Gtin | None = None
    brand: _Text = ""
    category: _Text = ""
    unit: _Short = ""
    pack_size: Annotated[int, msgspec.Meta(ge=1, le=100_000)] = 1
    pack_name: _Short = ""
    moq_packs: _Packs = 1
    multiple_packs: _Packs = 1
    available_packs: Annotated[int, msgspec.Meta(ge=0, le=10**9)] | None = None
    lead_time_days: Annotated[int, msgspec.Meta(ge=0, le=365)] | None = None
    shelf_life_days: Annotated[int, msgspec.Meta(ge=1, le=36500)] | None = None
    new_since: date | None = None
    dropship: bool | None = None


class _Delete(msgspec.Struct, tag_field="op", tag="delete", gc=False):
    sku: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


_decode = msgspec.json.Decoder(_Upsert | _Delete).decode
_decode_array = msgspec.json.Decoder(list[_Upsert | _Delete]).decode
_encode = msgspec.json.Encoder().encode
_WEIGHTS = np.array([3, 1] * 6 + [3], dtype=np.int64)  # GTIN-14 body, left to right
_GTIN_SIZES = np.array([8, 12, 13, 14])


def decode_block(first_line: int, block: bytes, snapshot: bool) -> tuple[list, list]:
    """decode_lines for a block of whole lines (catalog.files.iter_gzip_blocks)."""
    with collector_paused():
        # The block as one JSON array, without splitting it into lines first (a blank line
        # makes the array invalid: the lines are then judged one by one, and skipped).
        whole = _all_good(
            b"[" + block.replace(b"\n", b",") + b"]", block.count(b"\n") + 1, snapshot
        )
        if whole is not None:
            return whole, []
        return _each_line(list(enumerate(block.split(b"\n"), first_line)), snapshot)


def decode_lines(lines: list[tuple[int, bytes]], *, snapshot: bool) -> tuple[list, list]:
    """([(sku, row, or None for a delete)] in file order, [(line number, why)] rejected).

    Blank lines are skipped."""
    present = [line for _, line in lines if line]
    whole = _all_good(b"[" + b",".join(present) + b"]", len(present), snapshot)
    if whole is not None:
        return whole, []
    return _each_line(lines, snapshot)


def _each_line(lines: list[tuple[int, bytes]], snapshot: bool) -> tuple[list, list]:
    """decode_lines for lines that are not all good, each decoded alone."""
    results: list = [None] * len(lines)  # per line: (sku, row or None), a reason, or None
    upserts: list = []
    slow: list[int] = []
    for i, (_, line) in enumerate(lines):
        try:
            item = _decode(line)
        except (msgspec.ValidationError, msgspec.DecodeError):
            slow.append(i)
            continue
        if type(item) is _Upsert:
            upserts.append(item)
            results[i] = item
        elif _unclean(item.sku):
            slow.append(i)
        elif snapshot:
            results[i] = tr("A snapshot may hold upserts only.")
        else:
            results[i] = (item.sku, None)
    if upserts:
        rows = iter(_rows(upserts))
        for i, value in enumerate(results):
            if type(value) is _Upsert:
                row = next(rows)
                results[i] = (row[SKU], row) if row is not None else None
                if row is None:
                    slow.append(i)
    for i in slow:
        results[i] = _judge(lines[i][1], snapshot)
    ops = [r for r in results if type(r) is tuple]
    rejects = [(lines[i][0], r) for i, r in enumerate(results) if type(r) is str]
    return ops, rejects


def _all_good(array: bytes, count: int, snapshot: bool) -> list | None:
    """The pairs of `count` lines joined as one JSON array if they are all good, decoded in
    one call (a call per line cost a third more); None if any line is not, to be judged
    line by line."""
    try:
        items = _decode_array(array)
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None
    if len(items) != count:  # a line of two records, which a line may not be
        return None
    upserts = [item for item in items if type(item) is _Upsert]
    if len(upserts) < len(items) and (
        snapshot or any(_unclean(item.sku) for item in items if type(item) is _Delete)
    ):
        return None
    rows = iter(_rows(upserts))
    pairs = []
    for item in items:
        if type(item) is _Upsert:
            row = next(rows)
            if row is None:
                return None
            pairs.append((row[SKU], row))
        else:
            pairs.append((item.sku, None))
    return pairs


def _judge(line: bytes, snapshot: bool):
    """The reference rules for a line the fast path set aside: (sku, row or None), the
    reason it is rejected, or None for a blank line."""
    if not line.strip():
        return None
    try:
        op, value = parse_record(json.loads(line))
    except RecordError as exc:
        return str(exc)
    except ValueError:
        return tr("Not valid JSON.")
    if op == "delete":
        return tr("A snapshot may hold upserts only.") if snapshot else (value, None)
    return value.sku, row_of(value)


def _unclean(text: str) -> bool:
    return text != text.strip()


# Between two values in _unclean_at: printable and not whitespace.
_APART = "|"


def _unclean_at(values: list[str]) -> list[int]:
    """Indexes of the values with whitespace around them. Every whitespace character but the
    space is unprintable, so a column of clean values joined by _APART is printable and has
    no space beside an _APART or at an end: a few scans in C instead of a call per value
    (or a regex, which cost more than the calls); only a column that fails them is looked
    at value by value."""
    joined = _APART.join(values)
    if (
        joined.isprintable()
        and " " + _APART not in joined
        and _APART + " " not in joined
        and not joined.startswith(" ")
        and not joined.endswith(" ")
    ):
        return []
    return [i for i, text in enumerate(values) if _unclean(text)]


def _rows(upserts: list[_Upsert]) -> list:
    """Row tuples for decoded upserts (None where the line must go the slow way), built a
    column at a time: a loop over the records costing a tuple and six checks each was a
    third of a parsing process's time."""
    names = [u.name for u in upserts]
    skus = [u.sku for u in upserts]
    gtins = [u.gtin for u in upserts]
    brands = [u.brand for u in upserts]
    categories = [u.category for u in upserts]
    units = [u.unit for u in upserts]
    pack_names = [u.pack_name for u in upserts]
    moqs = [u.moq_packs for u in upserts]
    tiers = _tiers_texts([u.tiers for u in upserts], moqs)
    rows = list(
        zip(
            skus,
            gtins,
            names,
            char_initials_many(names),
            search_text_many(names),
            brands,
            categories,
            units,
            [u.pack_size for u in upserts],
            pack_names,
            tiers,
            [u.tiers[0].unit_price_fen for u in upserts],
            moqs,
            [u.multiple_packs for u in upserts],
            [u.available_packs for u in upserts],
            [u.lead_time_days for u in upserts],
            [u.shelf_life_days for u in upserts],
            [None if u.new_since is None else u.new_since.isoformat() for u in upserts],
            [1 if u.dropship else 0 for u in upserts],
            strict=True,
        )
    )
    gtin_ok = _gtins_ok(gtins)
    slow = {i for i, text in enumerate(tiers) if text is None}
    slow.update(np.flatnonzero(~gtin_ok).tolist())
    for column in (skus, names, brands, categories, units, pack_names):
        slow.update(_unclean_at(column))
    for i in slow:
        rows[i] = None
    return rows


def _tiers_texts(tiers: list[list[_Tier]], moqs: list[int]) -> list[str | None]:
    """Each record's tiers in their stored form [[min_packs, price], ...], or None where they
    break a rule (the first above the MOQ, packs not rising, a price rising). A batch at a
    time: a function call per record, with a string per tier, was a tenth of decoding."""
    if not tiers:
        return []
    counts = np.fromiter(map(len, tiers), dtype=np.int64, count=len(tiers))
    size = int(counts.sum())
    packs = np.fromiter((t.min_packs for row in tiers for t in row), np.int64, count=size)
    prices = np.fromiter((t.unit_price_fen for row in tiers for t in row), np.int64, count=size)
    starts = np.cumsum(counts) - counts
    step_ok = np.ones(size, dtype=bool)
    step_ok[1:] = (packs[1:] > packs[:-1]) & (prices[1:] <= prices[:-1])
    step_ok[starts] = True  # a record's first tier follows nothing
    good = np.logical_and.reduceat(step_ok, starts) & (packs[starts] <= np.array(moqs))
    # msgspec writes the tiers as [[{"min_packs":1,"unit_price_fen":540}, ...], ...] (fields
    # in order, no spaces, numbers only): three replaces make them [[[1,540], ...], ...],
    # and records end "]]" and begin "[[" nowhere but between two records.
    text = (
        _encode(tiers)
        .replace(b'{"min_packs":', b"[")
        .replace(b',"unit_price_fen":', b",")
        .replace(b"}", b"]")
    )
    texts = text[3:-3].decode().split("]],[[")
    return [f"[[{t}]]" if ok else None for t, ok in zip(texts, good.tolist(), strict=True)]


def _gtins_ok(gtins: list[str | None]) -> np.ndarray:
    """Whether each GTIN of a batch is 8, 12, 13 or 14 ASCII digits with a right check
    digit; None is fine."""
    ok = np.ones(len(gtins), dtype=bool)
    present = [i for i, g in enumerate(gtins) if g is not None]
    if not present:
        return ok
    # A code that is not ASCII becomes one that fails the digit test below.
    codes = [gtins[i] if gtins[i].isascii() else "x" for i in present]
    sizes = np.fromiter(map(len, codes), dtype=np.int64, count=len(codes))
    padded = np.array([c.zfill(14) for c in codes], dtype="S14")  # sizes are 8 to 14
    digits = padded.view(np.uint8).reshape(-1, 14).astype(np.int64) - 48
    shaped = np.isin(sizes, _GTIN_SIZES) & ((digits >= 0) & (digits <= 9)).all(axis=1)
    body = digits[:, :13] @ _WEIGHTS
    ok[present] = shaped & ((10 - body % 10) % 10 == digits[:, 13])
    return ok


def group_rows(pairs: Iterable[tuple[str, tuple | None]]) -> dict[str, tuple | None]:
    """(sku, row or None) in file order -> {sku: last state}: a later line for a SKU wins."""
    pairs = list(pairs)
    ops: dict[str, tuple | None] = dict(pairs)
    if len(ops) == len(pairs):  # each SKU once (a snapshot): file order kept as it is
        return ops
    ops = {}
    for sku, row in pairs:
        ops.pop(sku, None)  # keep file order: the SKU moves to where it was last stated
        ops[sku] = row
    return ops


def row_of(record) -> tuple:
    """The row of a records.OfferRecord (price lists, the odd feed line)."""
    return (
        record.sku,
        record.gtin,
        record.name,
        char_initials(record.name),
        search_text(record.name),
        record.brand,
        record.category,
        record.unit,
        record.pack_size,
        record.pack_name,
        "[" + ",".join(f"[{p},{f}]" for p, f in record.tiers) + "]",
        record.tiers[0][1],
        record.moq_packs,
        record.multiple_packs,
        record.available_packs,
        record.lead_time_days,
        record.shelf_life_days,
        record.new_since.isoformat() if record.new_since else None,
        1 if record.dropship else 0,
    )
