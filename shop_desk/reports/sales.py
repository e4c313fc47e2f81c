"""Sales by day, week or month, beside the same period last year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from shop_desk.i18n import tr
from shop_desk.reports.figures import Figures, change, total, uncosted_note
from shop_desk.reports.periods import Bucket, Grain, Period, buckets
from shop_desk.reports.summary import daily_figures
from shop_desk.reports.table import Kind, ReportColumn, ReportTable


@dataclass(frozen=True)
class TrendRow:
    bucket: Bucket
    figures: Figures
    last_year: Figures


@dataclass(frozen=True)
class SalesTrend:
    period: Period
    grain: Grain
    rows: list[TrendRow]

    @property
    def totals(self) -> Figures:
        return total(r.figures for r in self.rows)

    @property
    def last_year_totals(self) -> Figures:
        return total(r.last_year for r in self.rows)


def _ranges(parts: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """Overlapping or adjacent day ranges merged, so no day is read twice."""
    merged: list[tuple[date, date]] = []
    for first, last in sorted(parts):
        if merged and (first - merged[-1][1]).days <= 1:
            merged[-1] = (merged[-1][0], max(last, merged[-1][1]))
        else:
            merged.append((first, last))
    return merged


def _sum_days(days: dict[date, Figures], first: date, last: date) -> Figures:
    result = Figures()
    for n in range((last - first).days + 1):
        found = days.get(first + timedelta(days=n))
        if found is not None:
            result = result + found
    return result


def sales_trend(session: Session, period: Period, grain: Grain) -> SalesTrend:
    """The shop's days read once (a row a day, this year's and last year's) and summed into
    the buckets."""
    cut = buckets(period, grain)
    days: dict[date, Figures] = {}
    ly_first, ly_last = cut[0].ly_first, cut[-1].ly_last
    for first, last in _ranges([(period.first, period.last), (ly_first, ly_last)]):
        days.update(daily_figures(session, first, last))
    rows = [
        TrendRow(b, _sum_days(days, b.first, b.last), _sum_days(days, b.ly_first, b.ly_last))
        for b in cut
    ]
    return SalesTrend(period, grain, rows)


def trend_table(trend: SalesTrend) -> ReportTable:
    columns = [
        ReportColumn("period_start", tr("Period"), Kind.DATE),
        ReportColumn("period_end", tr("To"), Kind.DATE),
        ReportColumn("units", tr("Units sold"), Kind.INT),
        ReportColumn("revenue_fen", tr("Sales"), Kind.MONEY),
        ReportColumn("cost_fen", tr("Cost of goods"), Kind.MONEY),
        ReportColumn("gross_profit_fen", tr("Gross profit"), Kind.MONEY),
        ReportColumn("margin", tr("Margin"), Kind.PERCENT),
        ReportColumn("ly_revenue_fen", tr("Sales last year"), Kind.MONEY),
        ReportColumn("ly_gross_profit_fen", tr("Gross profit last year"), Kind.MONEY),
        ReportColumn("change", tr("Change in sales"), Kind.PERCENT),
    ]

    def row(first, last, now: Figures, before: Figures) -> tuple:
        return (
            first,
            last,
            now.units,
            now.revenue_fen,
            now.cost_fen,
            now.gross_profit_fen,
            now.margin,
            before.revenue_fen,
            before.gross_profit_fen,
            change(now.revenue_fen, before.revenue_fen),
        )

    rows = [row(r.bucket.first, r.bucket.last, r.figures, r.last_year) for r in trend.rows]
    p = trend.period
    totals = row(tr("Total"), None, trend.totals, trend.last_year_totals)
    if trend.grain == Grain.DAY:  # a day's bucket ends where it starts: one date column
        columns = [ReportColumn("period_start", tr("Day"), Kind.DATE), *columns[2:]]
        rows = [(r[0], *r[2:]) for r in rows]
        totals = (totals[0], *totals[2:])
    notes = [
        tr(
            "Same period last year: 364 days earlier by day and week (same weekdays), the same "
            "dates of last year by month."
        )
    ]
    if trend.totals.uncosted_revenue_fen or trend.last_year_totals.uncosted_revenue_fen:
        notes.append(uncosted_note())
    title = {
        Grain.DAY: tr("Sales by day"),
        Grain.WEEK: tr("Sales by week"),
        Grain.MONTH: tr("Sales by month"),
    }[trend.grain]
    return ReportTable(
        f"sales-{trend.grain}",
        title,
        columns,
        rows,
        totals,
        notes,
        p.first,
        p.last,
    )
