"""Errors and warnings found in an imported file, each tied to a line and a column."""

from __future__ import annotations

from typing import NamedTuple

from shop_desk.i18n import tr

MAX_LISTED = 1000  # beyond this only the count grows: nobody reads 10,000 identical lines


class RowError(NamedTuple):
    """(line, column, message): line as the owner sees it in Excel or a text editor; column
    is the header text ("" when the problem is the whole row); message is translated."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return tr(
                "Line {line}, column {column}: {message}",
                line=self.line,
                column=self.column,
                message=self.message,
            )
        return tr("Line {line}: {message}", line=self.line, message=self.message)


class Problems:
    """Collects errors and warnings; lists the first MAX_LISTED of each, counts them all."""

    def __init__(self) -> None:
        self.errors: list[RowError] = []
        self.warnings: list[RowError] = []
        self.error_count = 0
        self.warning_count = 0

    def error(self, line: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_LISTED:
            self.errors.append(RowError(line, column, message))

    def warning(self, line: int, column: str, message: str) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_LISTED:
            self.warnings.append(RowError(line, column, message))


def refusal(errors: list[RowError], count: int) -> str:
    """The message of an apply that refuses: how many problems, and the first few."""
    first = "\n".join(str(e) for e in errors[:5])
    return tr(
        "Nothing was imported: the file has {n} problems. Fix them and import again.\n{first}",
        n=count,
        first=first,
    )
