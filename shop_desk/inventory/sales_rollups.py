"""Each product's sales per calendar month and year (sales_rollups), kept beside the summary.

Every writer of DailySummary keeps them in the same transaction, as it keeps daily_totals:
the ledger adds each sale's and return's figures to the product's month and year (one
statement per checkout), the history import and the demo recompute the spans they wrote,
`shop-desk check` recomputes them all from the ledger and the imported history. Reports read
a long period's sales by product from here plus the days at its ends (reports/spans.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import cache

from sqlalchemy import text
from sqlalchemy.engine import Connection

from shop_desk.db.models import SALES_ROW, SalesRollup
from shop_desk.db.upsert import adding_upsert

SPANS = ("month", "year")
FIGURES = ("units_sold", "revenue_fen", "cost_fen", "uncosted_revenue_fen")


def span_start(span: str, day: date) -> date:
    return day.replace(day=1) if span == "month" else day.replace(month=1, day=1)


def span_end(span: str, day: date) -> date:
    """The last day of the span that holds `day`."""
    if span == "year":
        return day.replace(month=12, day=31)
    following = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def _start_sql(dialect: str, span: str) -> str:
    if dialect == "postgresql":
        return f"CAST(date_trunc('{span}', day) AS DATE)"
    return f"date(day, 'start of {span}')"


def fill_sql(dialect: str, span: str) -> str:
    """The rollups of one span from the summary's sales rows with days first..last (whole
    spans; named parameters, plain SQL: the migration and the benchmark builder run it too)."""
    start = _start_sql(dialect, span)
    return (
        "INSERT INTO sales_rollups (span, first_day, product_id, units_sold, revenue_fen, "
        f"cost_fen, uncosted_revenue_fen) SELECT '{span}', {start}, product_id, "
        "sum(units_sold), sum(revenue_fen), sum(cost_fen), "
        "sum(CASE WHEN imported THEN revenue_fen ELSE 0 END) FROM daily_summary "
        f"WHERE day >= :first AND day <= :last AND ({SALES_ROW}) GROUP BY {start}, product_id"
    )


DELETE_SPANS = (
    "DELETE FROM sales_rollups WHERE span = :span AND first_day >= :first AND first_day <= :last"
)


def recompute_rollups(conn: Connection, first: date, last: date) -> None:
    """The months and years that hold first..last recomputed from the daily summary."""
    for span in SPANS:
        params = {"span": span, "first": span_start(span, first), "last": span_end(span, last)}
        conn.execute(text(DELETE_SPANS), params)
        conn.execute(text(fill_sql(conn.dialect.name, span)), params)


@cache
def rollup_upsert(dialect: str):
    """Adds figures to a product's month or year (built once per dialect)."""
    return adding_upsert(
        dialect, SalesRollup.__table__, keys=("span", "first_day", "product_id"), added=FIGURES
    )


def add_to_rollups(conn: Connection, rows: Iterable[dict]) -> None:
    """Add the figures of summary_row()s to their products' months and years."""
    merged: dict[tuple, list[int]] = {}
    for row in rows:
        if not (row["units_sold"] or row["revenue_fen"] or row["cost_fen"]):
            continue
        for span in SPANS:
            key = (span, span_start(span, row["day"]), row["product_id"])
            sums = merged.setdefault(key, [0, 0, 0])
            sums[0] += row["units_sold"]
            sums[1] += row["revenue_fen"]
            sums[2] += row["cost_fen"]
    if merged:
        conn.execute(
            rollup_upsert(conn.dialect.name),
            [
                {"span": s, "first_day": d, "product_id": p, "units_sold": u, "revenue_fen": r,
                 "cost_fen": c, "uncosted_revenue_fen": 0}
                for (s, d, p), (u, r, c) in merged.items()
            ],
        )  # fmt: skip
