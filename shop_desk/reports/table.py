"""A report as a table: typed columns with titles in the user's language, rows, a totals row.

One shape for every consumer: the Reports page shows it, the CLI prints it or its JSON, and
xlsx.py writes it. Money stays integer fen here; only those edges format it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from shop_desk.money import format_fen


class Kind(StrEnum):
    TEXT = "text"
    INT = "int"
    MONEY = "money"  # integer fen
    PERCENT = "percent"  # a fraction: 0.253 is 25.3 %
    DECIMAL = "decimal"  # a rate such as units per day, one decimal
    DATE = "date"


@dataclass(frozen=True)
class ReportColumn:
    key: str  # stable, for JSON (money keys end in _fen)
    title: str  # already translated
    kind: Kind = Kind.TEXT


@dataclass
class ReportTable:
    name: str  # the CLI name, e.g. "top-sellers"
    title: str  # translated
    columns: list[ReportColumn]
    rows: list[tuple]
    totals: tuple | None = None  # same columns; None where a total means nothing
    notes: list[str] = field(default_factory=list)  # how the figures were made, translated
    first: date | None = None
    last: date | None = None

    def column(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    def values(self, key: str) -> list[Any]:
        index = self.column(key)
        return [row[index] for row in self.rows]

    def as_json(self) -> dict:
        keys = [c.key for c in self.columns]
        return {
            "report": self.name,
            "title": self.title,
            "from": self.first.isoformat() if self.first else None,
            "to": self.last.isoformat() if self.last else None,
            "columns": [
                {"key": c.key, "title": c.title, "kind": str(c.kind)} for c in self.columns
            ],
            "rows": [dict(zip(keys, map(_json_value, row), strict=True)) for row in self.rows],
            "totals": (
                dict(zip(keys, map(_json_value, self.totals), strict=True)) if self.totals else None
            ),
            "notes": self.notes,
        }


def _json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 4)
    return value


def display(kind: Kind, value: Any) -> str:
    """How a cell reads on screen and in the CLI."""
    if value is None:
        return ""
    if kind == Kind.MONEY:
        return format_fen(value)
    if kind == Kind.INT:
        return f"{value:,}"
    if kind == Kind.PERCENT:
        return f"{value * 100:.1f}%"
    if kind == Kind.DECIMAL:
        return f"{value:,.1f}"
    if kind == Kind.DATE and isinstance(value, date):
        return value.isoformat()
    return str(value)
