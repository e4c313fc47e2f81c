"""The shop's sales figures per day (daily_totals), kept beside the daily summary.

Every writer of DailySummary keeps them in the same transaction: the ledger adds each sale's
figures to its day (one statement per sale), the history import and the demo recompute the
days they wrote, `shop-desk check` recomputes them all from the ledger and the imported
history. Reports read sales by day, week and month from here: a row a day.
"""

from __future__ import annotations

from datetime import date
from functools import cache

from sqlalchemy import text
from sqlalchemy.engine import Connection

from shop_desk.db.models import SALES_ROW, DailyTotal
from shop_desk.db.upsert import SALE_FIGURES, adding_upsert

# The sums of the summary's sales rows per day, first..last (both included). Plain SQL with
# named parameters: the benchmark builder runs it through sqlite3 too.
DELETE_DAYS = "DELETE FROM daily_totals WHERE day >= :first AND day <= :last"
FILL_DAYS = (
    "INSERT INTO daily_totals (day, units_sold, revenue_fen, cost_fen, uncosted_revenue_fen) "
    "SELECT day, sum(units_sold), sum(revenue_fen), sum(cost_fen), "
    "sum(CASE WHEN imported THEN revenue_fen ELSE 0 END) FROM daily_summary "
    f"WHERE day >= :first AND day <= :last AND ({SALES_ROW}) GROUP BY day"
)


@cache
def totals_upsert(dialect: str):
    """Adds a sale's figures to its day (built once per dialect)."""
    return adding_upsert(dialect, DailyTotal.__table__, keys=("day",), added=SALE_FIGURES)


def add_to_day(conn: Connection, day: date, rows: list[dict]) -> None:
    """Add the figures of summary_row()s (one day's moves of one sale) to the day's totals."""
    units = sum(r["units_sold"] for r in rows)
    revenue = sum(r["revenue_fen"] for r in rows)
    cost = sum(r["cost_fen"] for r in rows)
    if units or revenue or cost:
        conn.execute(
            totals_upsert(conn.dialect.name),
            {
                "day": day,
                "units_sold": units,
                "revenue_fen": revenue,
                "cost_fen": cost,
                "uncosted_revenue_fen": 0,
            },
        )


def recompute_days(conn: Connection, first: date, last: date) -> None:
    """The totals of first..last recomputed from the daily summary (after a bulk write)."""
    params = {"first": first, "last": last}
    conn.execute(text(DELETE_DAYS), params)
    conn.execute(text(FILL_DAYS), params)
