"""Report periods: shop days grouped by day, week or month, and the same period last year.

A period is a range of the shop's local days, both ends included. Buckets are calendar days,
weeks starting on Monday, or calendar months, cut to the period (a month to date is a bucket).

The same period last year keeps what matters to a shop: by day and by week it is 364 days
earlier (52 weeks), so a Saturday compares with a Saturday; by month it is the same dates of
the previous calendar year (a whole month with the whole month, February 29 with the 28th).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from shop_desk.errors import InputError
from shop_desk.i18n import tr

MAX_DAYS = 3 * 366 + 1  # a longer range is a typo, and would read the whole history twice


class Grain(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True)
class Period:
    first: date
    last: date  # included

    def __post_init__(self) -> None:
        if self.first > self.last:
            raise InputError(
                tr(
                    "The period starts after it ends ({first} to {last}).",
                    first=self.first.isoformat(),
                    last=self.last.isoformat(),
                )
            )
        if self.days > MAX_DAYS:
            raise InputError(tr("Choose a period of at most three years."))

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def label(self) -> str:
        return f"{self.first.isoformat()} ~ {self.last.isoformat()}"


@dataclass(frozen=True)
class Bucket:
    first: date
    last: date
    ly_first: date  # the same period last year
    ly_last: date

    @property
    def key(self) -> str:
        return self.first.isoformat()


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def year_earlier(day: date) -> date:
    """The same calendar day a year earlier (February 29 becomes the 28th)."""
    if day.month == 2 and day.day == 29:
        return day.replace(year=day.year - 1, day=28)
    return day.replace(year=day.year - 1)


def _last_year(first: date, last: date, grain: Grain) -> tuple[date, date]:
    if grain != Grain.MONTH:
        return first - timedelta(days=364), last - timedelta(days=364)
    ly_first = year_earlier(first)
    ly_last = month_end(ly_first) if last == month_end(last) else year_earlier(last)
    return ly_first, ly_last


def bucket_start(day: date, grain: Grain) -> date:
    if grain == Grain.WEEK:
        return day - timedelta(days=day.weekday())
    if grain == Grain.MONTH:
        return day.replace(day=1)
    return day


def _bucket_end(start: date, grain: Grain) -> date:
    if grain == Grain.WEEK:
        return start + timedelta(days=6)
    if grain == Grain.MONTH:
        return month_end(start)
    return start


def buckets(period: Period, grain: Grain) -> list[Bucket]:
    """The period cut into calendar buckets, each with its same period last year."""
    out = []
    start = bucket_start(period.first, grain)
    while start <= period.last:
        end = _bucket_end(start, grain)
        first, last = max(start, period.first), min(end, period.last)
        out.append(Bucket(first, last, *_last_year(first, last, grain)))
        start = end + timedelta(days=1)
    return out


def default_period(grain: Grain, today: date) -> Period:
    """What the Reports page shows first: 30 days, 12 weeks or 12 months up to today."""
    if grain == Grain.WEEK:
        return Period(bucket_start(today, grain) - timedelta(weeks=11), today)
    if grain == Grain.MONTH:
        first = today.replace(day=1)
        for _ in range(11):
            first = (first - timedelta(days=1)).replace(day=1)
        return Period(first, today)
    return Period(today - timedelta(days=29), today)


def parse_day(text: str) -> date:
    """2026-01-31, 2026/1/31 or 20260131 (what the CLI accepts)."""
    cleaned = text.strip().replace("/", "-").replace(".", "-")
    try:
        if cleaned.isdigit() and len(cleaned) == 8:
            return date(int(cleaned[:4]), int(cleaned[4:6]), int(cleaned[6:]))
        year, month, day = (int(part) for part in cleaned.split("-"))
        return date(year, month, day)
    except ValueError:
        raise InputError(
            tr("Not a date: {value}. Write dates as 2024-01-31.", value=text)
        ) from None
