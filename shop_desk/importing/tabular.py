"""Read a CSV or XLSX file as rows of cells with their line numbers, streamed.

Generic on purpose: products, sales history and wholesalers' price lists all come through
here, and all get the same treatment of what real shop files contain:

- CSV in UTF-8 (with or without BOM), GBK/GB18030, UTF-16 (see encoding.py), separated by
  commas, tabs or semicolons; read as a stream, never whole.
- XLSX through openpyxl in read-only mode (values only, formulas as last calculated). Merged
  cells give their value in the top-left cell and None elsewhere, which is what a title row
  merged across the sheet needs. A wrong <dimension> in the file is ignored.
- Blank rows are skipped; trailing empty cells are dropped.
- `line` is what the owner sees: the spreadsheet row number, or the CSV line where the
  record starts.
- Files over MAX_FILE_BYTES or with more than max_rows rows are refused with a message.
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from shop_desk.errors import InputError
from shop_desk.i18n import tr
from shop_desk.importing.encoding import detect_encoding

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
MAX_COLUMNS = 200
MAX_UNZIPPED_BYTES = 1024 * 1024 * 1024  # an .xlsx that inflates past this is a zip bomb
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
_DELIMITERS = (",", "\t", ";", "|")


@dataclass(frozen=True)
class Row:
    line: int
    cells: tuple[object, ...]

    def get(self, index: int | None) -> object:
        """The cell at index, or None when the row is shorter (trailing cells were empty)."""
        if index is None or index >= len(self.cells):
            return None
        return self.cells[index]


@dataclass
class TableInfo:
    path: Path
    kind: str  # "csv" or "xlsx"
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def trim(cells: list[object] | tuple[object, ...]) -> tuple[object, ...]:
    end = min(len(cells), MAX_COLUMNS)
    while end and is_blank(cells[end - 1]):
        end -= 1
    return tuple(cells[:end])


class Table:
    """`with open_table(path) as table:` then `table.info` and `for row in table.rows`."""

    def __init__(self, info: TableInfo, rows: Iterator[Row], closer=None) -> None:
        self.info = info
        self.rows = rows
        self._closer = closer

    def close(self) -> None:
        if self._closer is not None:
            self._closer()
            self._closer = None

    def __enter__(self) -> Table:
        return self

    def __exit__(
        self, kind: type | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def open_table(
    path: Path,
    *,
    sheet: str | int | None = None,
    max_rows: int = MAX_ROWS,
    max_bytes: int = MAX_FILE_BYTES,
) -> Table:
    """Open a CSV or XLSX file. `sheet` (name or index) picks a worksheet; default the active."""
    path = Path(path)
    kind = _check_file(path, max_bytes)
    if kind == "xlsx":
        return _open_xlsx(path, sheet, max_rows)
    return _open_csv(path, max_rows)


def sheet_names(path: Path) -> list[str]:
    """The worksheets of an XLSX file, the active one first; [] for CSV."""
    path = Path(path)
    if _check_file(path, MAX_FILE_BYTES) != "xlsx":
        return []
    with open_table(path) as table:
        return table.info.sheets


def _check_file(path: Path, max_bytes: int) -> str:
    try:
        size = path.stat().st_size
        with open(path, "rb") as file:
            magic = file.read(8)
    except FileNotFoundError:
        raise InputError(tr("The file {file} does not exist.", file=path)) from None
    except OSError as exc:
        raise InputError(
            tr("The file {file} cannot be read: {error}", file=path, error=exc.strerror or exc)
        ) from None
    if size > max_bytes:
        raise InputError(
            tr(
                "The file is too large ({size} MB; at most {limit} MB). "
                "Split it into smaller files.",
                size=size // (1024 * 1024),
                limit=max_bytes // (1024 * 1024),
            )
        )
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(
            tr(
                "This is an old Excel 97-2003 (.xls) file. "
                "Open it in Excel or WPS and save it as .xlsx, then import that file."
            )
        )
    if magic.startswith(b"PK\x03\x04"):
        return "xlsx"
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        raise InputError(tr("The file is not a valid Excel workbook: it may be damaged."))
    if suffix == ".xls":
        # Many shop systems write an HTML table or plain text and call it .xls.
        raise InputError(
            tr(
                "This .xls file was written by another program in a form Excel only imitates. "
                "Open it in Excel or WPS and save it as .xlsx or CSV, then import that file."
            )
        )
    return "csv"


# --- CSV ---------------------------------------------------------------------------------


def _open_csv(path: Path, max_rows: int) -> Table:
    encoding = detect_encoding(path)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else _sniff_delimiter(path, encoding)
    file = open(path, encoding=encoding, errors="replace", newline="")  # noqa: SIM115
    info = TableInfo(path=path, kind="csv", encoding=encoding, delimiter=delimiter)
    return Table(info, _csv_rows(file, delimiter, max_rows), file.close)


def _sniff_delimiter(path: Path, encoding: str) -> str:
    """The separator used most often in the first lines (Excel pads title rows with commas)."""
    counts = dict.fromkeys(_DELIMITERS, 0)
    with open(path, encoding=encoding, errors="replace", newline="") as file:
        for _, line in zip(range(30), file, strict=False):
            for delimiter in _DELIMITERS:
                counts[delimiter] += line.count(delimiter)
    best = max(_DELIMITERS, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _csv_rows(file, delimiter: str, max_rows: int) -> Iterator[Row]:
    reader = csv.reader(file, delimiter=delimiter)
    count = 0
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(
                tr(
                    "Line {line} cannot be read ({error}). Check for an unclosed quote mark.",
                    line=start,
                    error=exc,
                )
            ) from None
        line, start = start, reader.line_num + 1
        row = trim(cells)
        if not row or all(is_blank(c) for c in row):
            continue
        count += 1
        _check_count(count, max_rows)
        yield Row(line, row)


def _check_count(count: int, max_rows: int) -> None:
    if count > max_rows:
        raise InputError(
            tr(
                "The file has more than {limit} rows. Split it into smaller files.",
                limit=f"{max_rows:,}",
            )
        )


# --- XLSX --------------------------------------------------------------------------------


def _open_xlsx(path: Path, sheet: str | int | None, max_rows: int) -> Table:
    from openpyxl import load_workbook

    _check_zip(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or encrypted file
        raise InputError(
            tr(
                "The Excel file cannot be opened ({error}). It may be damaged or "
                "password-protected: open it in Excel and save it again without a password.",
                error=type(exc).__name__,
            )
        ) from None
    try:
        worksheets = list(book.worksheets)
        if not worksheets:
            raise InputError(tr("The Excel file has no worksheet."))
        active = book.active if book.active in worksheets else worksheets[0]
        ordered = [active] + [ws for ws in worksheets if ws is not active]
        ws = _pick_sheet(ordered, sheet)
    except BaseException:
        book.close()
        raise
    info = TableInfo(path=path, kind="xlsx", sheet=ws.title, sheets=[w.title for w in ordered])
    return Table(info, _xlsx_rows(ws, max_rows), book.close)


def _pick_sheet(ordered: list, sheet: str | int | None):
    if sheet is None:
        return ordered[0]
    if isinstance(sheet, int):
        if 0 <= sheet < len(ordered):
            return ordered[sheet]
    else:
        for ws in ordered:
            if ws.title == sheet:
                return ws
    raise InputError(tr("The Excel file has no worksheet {sheet}.", sheet=sheet))


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            unzipped = sum(item.file_size for item in archive.infolist())
    except zipfile.BadZipFile:
        raise InputError(tr("The file is not a valid Excel workbook: it may be damaged.")) from None
    if unzipped > MAX_UNZIPPED_BYTES:
        raise InputError(
            tr("The Excel file unpacks to more than {limit} MB: it is refused.", limit=1024)
        )


def _xlsx_rows(ws, max_rows: int) -> Iterator[Row]:
    ws.reset_dimensions()  # some exporters write a wrong <dimension>; read every row
    count = 0
    for line, values in enumerate(ws.iter_rows(min_row=1, min_col=1, values_only=True), 1):
        row = trim(values)
        if not row:
            continue
        count += 1
        _check_count(count, max_rows)
        yield Row(line, row)
