"""Days stored as integers: the number of days since 1970-01-01.

Only where a report does arithmetic on tens of thousands of rows (the stock-out runs,
migration 0015): SQLite keeps a Date as ISO text, and every comparison or difference of
two of them (julianday) costs far more than on integers. Elsewhere a day stays a Date.
The ORM still sees a `date` (DayNumber); plain SQL sees the integer.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Integer
from sqlalchemy.types import TypeDecorator

EPOCH = date(1970, 1, 1)

# The day number of a date column in plain SQL, by dialect ({} is the column).
SQL_NUMBER = {
    # julianday of a day at midnight is n + 0.5: the difference is exact.
    "sqlite": "CAST(julianday({}) - 2440587.5 AS INTEGER)",
    "postgresql": "({} - DATE '1970-01-01')",
}


def day_number(day: date | str) -> int:
    """Days since 1970-01-01 of a date, or of ISO text (SQLite's driver gives text)."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return (day - EPOCH).days


def from_day_number(number: int) -> date:
    return EPOCH + timedelta(days=number)


class DayNumber(TypeDecorator):
    """A date column stored as its day number."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value: date | None, dialect) -> int | None:
        return None if value is None else day_number(value)

    def process_result_value(self, value: int | None, dialect) -> date | None:
        return None if value is None else from_day_number(value)
