"""Find the header row of a sheet and which column holds which field.

Generic: a caller passes its own synonyms table {field: (synonym, ...)}, so products, sales
history and wholesalers' price lists (with their tier columns) share the same detection.
Order each field's synonyms with the Chinese name first and the English one second: those two
name the field in "column not found" messages.

How a header cell is matched (after normalize_header: NFKC, lower case, notes in brackets
such as "(元)" and punctuation dropped):

1. exactly equal to a synonym;
2. otherwise, for short headers, containing a synonym ("零售价格" contains "零售价"), the
   longest contained synonym winning ("箱条码" is a case barcode, not a barcode).

Each field takes its best column (exact beats contained, then the longer synonym, then a
synonym that ends the header, since a Chinese header's head noun comes last: "商品单位" is a
unit; then the leftmost); each column serves one field. A synonym written "=商品" matches
only exactly. Fields whose name starts with "_" are sinks: they claim columns such as 品牌名称
so that no real field takes them by containment, and are dropped from the mapping.

The header row is the first of the first `max_scan` non-blank rows that holds every
required field: titles and export dates above it are common in Chinese exports and are
skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from shop_desk.errors import InputError
from shop_desk.i18n import tr
from shop_desk.importing.cells import cell_text
from shop_desk.importing.tabular import MAX_ROWS, Row, Table, TableInfo, open_table

Synonyms = Mapping[str, Sequence[str]]
# A required entry is a field, or a tuple of fields of which one is enough.
Requirement = str | tuple[str, ...]
Overrides = Mapping[str, int | str | None]

MAX_SCAN = 10
_CONTAINS_MAX_LEN = 16  # longer cells are titles or notes, not column names
_BRACKETS = re.compile(r"[(（\[【<《].*?[)）\]】>》]")
_NOT_WORD = re.compile(r"[^0-9a-z\u3400-\u9fff]")


def normalize_header(value: object) -> str:
    text = cell_text(value).lower()
    stripped = _NOT_WORD.sub("", _BRACKETS.sub("", text))
    return stripped or _NOT_WORD.sub("", text)


@dataclass(frozen=True)
class _Match:
    field: str
    rank: tuple[bool, int, bool]  # exact, synonym length, synonym ends the header


@dataclass
class _Index:
    exact: dict[str, str]
    contained: dict[str, str]


def _index(synonyms: Synonyms) -> _Index:
    index = _Index({}, {})
    for name, words in synonyms.items():
        for word in words:
            key = normalize_header(word.removeprefix("="))
            index.exact.setdefault(key, name)
            if not word.startswith("=") and len(key) >= 2:
                index.contained.setdefault(key, name)
    return index


def _match(header: str, index: _Index) -> _Match | None:
    if not header:
        return None
    if header in index.exact:
        return _Match(index.exact[header], (True, len(header), True))
    if len(header) > _CONTAINS_MAX_LEN:
        return None
    best: _Match | None = None
    for word, name in index.contained.items():
        if word in header:
            rank = (False, len(word), header.endswith(word))
            if best is None or rank > best.rank:
                best = _Match(name, rank)
    return best


def detect_columns(headers: Sequence[object], synonyms: Synonyms) -> dict[str, int]:
    """{field: column index} for the header cells that name a known field."""
    index = _index(synonyms)
    chosen: dict[str, tuple] = {}
    for column, header in enumerate(headers):
        match = _match(normalize_header(header), index)
        if match is None:
            continue
        rank = (*match.rank, -column)
        if match.field not in chosen or rank > chosen[match.field]:
            chosen[match.field] = rank
    return {name: -rank[-1] for name, rank in chosen.items() if not name.startswith("_")}


def apply_overrides(
    headers: Sequence[object], mapping: dict[str, int], overrides: Overrides | None
) -> dict[str, int]:
    """The caller's choices win: {field: index}, {field: "header text"} or {field: None}."""
    result = dict(mapping)
    names = [normalize_header(h) for h in headers]
    for name, where in (overrides or {}).items():
        if where is None:
            result.pop(name, None)
            continue
        if isinstance(where, str):
            wanted = normalize_header(where)
            if wanted not in names:
                raise InputError(tr("The file has no column named {column}.", column=where))
            where = names.index(wanted)
        if where < 0:
            raise InputError(tr("A column number cannot be negative."))
        result = {k: v for k, v in result.items() if v != where}  # one field per column
        result[name] = where
    return result


def missing_fields(mapping: Mapping[str, int], required: Sequence[Requirement]) -> list[tuple]:
    missing = []
    for need in required:
        options = need if isinstance(need, tuple) else (need,)
        if not any(option in mapping for option in options):
            missing.append(options)
    return missing


@dataclass
class Header:
    line: int
    cells: list[str]  # the header texts, as shown to the owner
    mapping: dict[str, int]  # field -> column index
    unused: list[str] = field(default_factory=list)  # named columns no field took

    def column_name(self, name: str) -> str:
        index = self.mapping.get(name)
        if index is None:
            return name
        return self.cells[index] if index < len(self.cells) else str(index + 1)


def describe(options: tuple[str, ...], synonyms: Synonyms) -> str:
    """ "条码 (barcode)" for a field; alternatives joined with " / "."""
    parts = []
    for name in options:
        words = [w.removeprefix("=") for w in synonyms.get(name, (name,))]
        parts.append(f"{words[0]} ({words[1]})" if len(words) > 1 else words[0])
    return " / ".join(parts)


def find_header(
    rows: Iterator[Row],
    synonyms: Synonyms,
    required: Sequence[Requirement],
    *,
    overrides: Overrides | None = None,
    max_scan: int = MAX_SCAN,
) -> Header:
    """Read up to max_scan rows; the first that names every required field is the header.

    The rows after it stay in the iterator for the caller.
    """
    extended = {k: list(v) for k, v in synonyms.items()}
    for name, where in (overrides or {}).items():
        if isinstance(where, str):
            extended.setdefault(name, []).append(where)
    best_missing: list[tuple] | None = None
    for _, row in zip(range(max_scan), rows, strict=False):
        mapping = apply_overrides(row.cells, detect_columns(row.cells, extended), overrides)
        missing = missing_fields(mapping, required)
        if not missing:
            cells = [cell_text(c) for c in row.cells]
            used = set(mapping.values())
            unused = [c for i, c in enumerate(cells) if c and i not in used]
            return Header(row.line, cells, mapping, unused)
        if best_missing is None or len(missing) < len(best_missing):
            best_missing = missing
    wanted = ", ".join(
        describe(options, synonyms) for options in best_missing or required_all(required)
    )
    raise InputError(
        tr(
            "No header row naming the columns {columns} was found in the first {n} rows. "
            "Put the column names in one row above the data, or choose the columns by hand.",
            columns=wanted,
            n=max_scan,
        )
    )


def required_all(required: Sequence[Requirement]) -> list[tuple]:
    return [r if isinstance(r, tuple) else (r,) for r in required]


class DetectedTable:
    """An open table whose header was found: `info`, `header`, and the data `rows` after it.

    Header rows repeated further down (page breaks in printed exports) are skipped.
    """

    def __init__(self, table: Table, header: Header, rows: Iterator[Row]) -> None:
        self._table = table
        self.info: TableInfo = table.info
        self.header = header
        self.rows = self._without_repeats(rows)

    def _without_repeats(self, rows: Iterator[Row]) -> Iterator[Row]:
        header = [normalize_header(c) for c in self.header.cells]
        for row in rows:
            if len(row.cells) == len(header) and [normalize_header(c) for c in row.cells] == header:
                continue
            yield row

    def close(self) -> None:
        self._table.close()

    def __enter__(self) -> DetectedTable:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_detected(
    path: Path,
    synonyms: Synonyms,
    required: Sequence[Requirement],
    *,
    overrides: Overrides | None = None,
    sheet: str | int | None = None,
    max_rows: int = MAX_ROWS,
    max_scan: int = MAX_SCAN,
) -> DetectedTable:
    """Open a file and find its header. Without `sheet`, the active worksheet is tried
    first, then the others, and the first with a header is used."""
    first_error: InputError | None = None
    candidates: list[str | int | None] = [sheet]
    tried = 0
    while tried < len(candidates):
        table = open_table(path, sheet=candidates[tried], max_rows=max_rows)
        if sheet is None and tried == 0:
            candidates.extend(table.info.sheets[1:])
        tried += 1
        try:
            rows = iter(table.rows)
            header = find_header(rows, synonyms, required, overrides=overrides, max_scan=max_scan)
        except InputError as exc:
            table.close()
            first_error = first_error or exc
            continue
        except BaseException:
            table.close()
            raise
        return DetectedTable(table, header, rows)
    assert first_error is not None
    raise first_error
