"""Time: stored in UTC, a sales day is the shop's local calendar day."""

from __future__ import annotations

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    """Naive UTC (what both SQLite and PostgreSQL columns store)."""
    return datetime.now(UTC).replace(tzinfo=None)


def shop_day(at_utc: datetime) -> date:
    """The local calendar day of a naive-UTC instant, in this computer's time zone."""
    return at_utc.replace(tzinfo=UTC).astimezone().date()


def to_local(at_utc: datetime) -> datetime:
    return at_utc.replace(tzinfo=UTC).astimezone()
