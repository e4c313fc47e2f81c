"""Report tables to an Excel workbook (openpyxl): one sheet per table.

The header row is first (so Excel's filters and pivot tables take the sheet as it is), in
the user's language; money is a number with two decimals (not text), percentages are
percentages, dates are dates. The totals row is bold; the period and the notes follow the
table. The file is written beside its name and moved into place, so a failed export never
leaves half a workbook under the real name.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from pathlib import Path

from shop_desk.errors import InputError
from shop_desk.i18n import tr
from shop_desk.reports.table import Kind, ReportTable, display

_FORMATS = {
    Kind.MONEY: "#,##0.00",
    Kind.INT: "#,##0",
    Kind.PERCENT: "0.0%",
    Kind.DECIMAL: "#,##0.0",
    Kind.DATE: "yyyy-mm-dd",
}
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _cell_value(kind: Kind, value):
    if value is None:
        return None
    if kind == Kind.MONEY:
        return Decimal(value) / 100
    return value


def _width(text: str) -> int:
    """Columns Excel needs: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _sheet_name(title: str, taken: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub(" ", title)[:28] or "Sheet"
    name, n = base, 2
    while name in taken:
        name, n = f"{base} {n}", n + 1
    taken.add(name)
    return name


def _write_sheet(book, table: ReportTable, name: str) -> None:
    from openpyxl.styles import Font

    sheet = book.create_sheet(name)
    sheet.append([c.title for c in table.columns])
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
    body = list(table.rows) + ([table.totals] if table.totals else [])
    for row in body:
        sheet.append([_cell_value(c.kind, v) for c, v in zip(table.columns, row, strict=True)])
    for index, column in enumerate(table.columns, start=1):
        fmt = _FORMATS.get(column.kind)
        if fmt:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = fmt
        longest = max(
            [_width(column.title)]
            + [_width(display(column.kind, r[index - 1])) for r in body[:500]]
        )
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = min(max(longest + 2, 8), 60)
    if table.totals:
        for cell in sheet[sheet.max_row]:
            cell.font = bold
    sheet.freeze_panes = "A2"
    sheet.append([])
    if table.first and table.last:
        period = f"{table.first.isoformat()} ~ {table.last.isoformat()}"
        sheet.append([tr("Period: {period}", period=period)])
    for note in table.notes:
        sheet.append([note])


def write_xlsx(path: Path, tables: list[ReportTable]) -> Path:
    """Write the tables to path (.xlsx), one sheet each; returns the path."""
    from openpyxl import Workbook

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise InputError(tr("Export to a file ending in .xlsx."))
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for table in tables:
        _write_sheet(book, table, _sheet_name(table.title, taken))
    temp = path.with_name(path.name + ".part")
    try:
        book.save(temp)
        temp.replace(path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise InputError(
            tr("Cannot write {file}: {error}", file=path, error=exc.strerror or exc)
        ) from None
    return path
