"""Reports over the shop's daily summary: no Qt, so the CLI, the tests, the benchmarks and
the Reports page run the same code.

    tables = run_report(session, "top-sellers", ReportParams(period=...))

Each report is a function of a read session and ReportParams that returns a ReportTable
(see table.py); REPORTS lists them by their CLI name, in the order the page shows them.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from shop_desk.clock import shop_day, utcnow
from shop_desk.errors import InputError
from shop_desk.i18n import tr
from shop_desk.reports.periods import Grain, Period, default_period
from shop_desk.reports.products import (
    Rank,
    margin_by_category,
    margin_by_category_table,
    margin_by_product_table,
    top_sellers,
    top_sellers_table,
)
from shop_desk.reports.purchases import purchases_by_month, purchases_table
from shop_desk.reports.sales import sales_trend, trend_table
from shop_desk.reports.stock import (
    slow_movers,
    slow_movers_table,
    stock_value_by_category,
    stock_value_table,
)
from shop_desk.reports.stockouts import stockouts, stockouts_table
from shop_desk.reports.table import Kind, ReportColumn, ReportTable

__all__ = [
    "REPORTS",
    "Grain",
    "Kind",
    "Period",
    "Rank",
    "ReportColumn",
    "ReportParams",
    "ReportTable",
    "default_period",
    "run_report",
]


def today() -> date:
    return shop_day(utcnow())


@dataclass(frozen=True)
class ReportParams:
    period: Period = field(default_factory=lambda: default_period(Grain.DAY, today()))
    grain: Grain = Grain.DAY  # sales by day, week or month
    days: int = 30  # slow movers: no sale in this many days
    limit: int | None = None  # rows: top sellers (default 20); slow movers, margin by product,
    # stock-outs: all
    rank: Rank = Rank.REVENUE  # top sellers by sales, units or gross profit
    today: date = field(default_factory=today)


def _sales(session: Session, p: ReportParams) -> ReportTable:
    return trend_table(sales_trend(session, p.period, p.grain))


def _top(session: Session, p: ReportParams) -> ReportTable:
    return top_sellers_table(top_sellers(session, p.period, limit=p.limit or 20, rank=p.rank))


def _slow(session: Session, p: ReportParams) -> ReportTable:
    return slow_movers_table(slow_movers(session, p.days, p.today, limit=p.limit))


def _stock_value(session: Session, p: ReportParams) -> ReportTable:
    return stock_value_table(stock_value_by_category(session), p.today)


def _margin_products(session: Session, p: ReportParams) -> ReportTable:
    return margin_by_product_table(session, p.period, p.limit)


def _margin_categories(session: Session, p: ReportParams) -> ReportTable:
    return margin_by_category_table(margin_by_category(session, p.period), p.period)


def _stockouts(session: Session, p: ReportParams) -> ReportTable:
    return stockouts_table(stockouts(session, p.period, p.limit))


def _purchases(session: Session, p: ReportParams) -> ReportTable:
    return purchases_table(purchases_by_month(session, p.period), p.period)


REPORTS: dict[str, Callable[[Session, ReportParams], ReportTable]] = {
    "sales": _sales,
    "top-sellers": _top,
    "slow-movers": _slow,
    "stock-value": _stock_value,
    "margin-products": _margin_products,
    "margin-categories": _margin_categories,
    "stockouts": _stockouts,
    "purchases": _purchases,
}


def run_report(session: Session, name: str, params: ReportParams) -> ReportTable:
    try:
        build = REPORTS[name]
    except KeyError:
        raise InputError(
            tr(
                "There is no report called {name}. Reports: {names}.",
                name=name,
                names=", ".join(REPORTS),
            )
        ) from None
    with _collector_paused():
        return build(session, params)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a report builds its rows: a year of stock-outs is
    tens of thousands of new tuples, and the passes the collector made over them cost as
    much as building them. Nothing here makes cycles; left as it was found."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def period_from(first: date | None, last: date | None, grain: Grain, now: date) -> Period:
    """A period from optional ends: the default for the grain up to today when both are
    missing, 30 days (or the grain's default length) back from the end when only it is given."""
    if first is None and last is None:
        return default_period(grain, now)
    if first is None:
        default = default_period(grain, last)
        return Period(default.first, last)
    return Period(first, last if last is not None else max(first, now))
