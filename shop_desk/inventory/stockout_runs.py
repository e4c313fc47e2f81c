"""Stock-out runs (stockout_runs): the stretches of days a product closed out of stock.

A run starts on a day that closes with on hand <= 0 after a day that closed in stock (or the
product's first day) and ends on the next day that closes in stock (end_day; NULL while it
is still out), over the ledger's days of the daily summary: imported history carries no
stock information, so it neither starts nor ends a run.

The ledger rewrites a product's runs from its summary only when a move changes what a day
closed at across zero (a sale or write-off that empties it, a receipt or return that refills
it), takes out from exactly zero a product with no open run (sold before any stock came in),
or lands on a day before the product's latest (a move dated in the past); any other move
extends the day it is on without changing a run. The history
import rewrites the runs of the products it wrote (their first day may move back). The
migration, the demo and the benchmark builder fill them all at once; `shop-desk check`
replays them from the ledger.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection

from shop_desk.db.day_numbers import SQL_NUMBER

# The ledger days where the stock state changes (the first day, then each day whose state
# differs from the day before), and of those the ones that start a run, each ended by the
# next change. Days are written as day numbers (db/day_numbers.py). Plain SQL (window
# functions: SQLite 3.25+, PostgreSQL): the benchmark builder runs it too. {where} narrows
# the products.
_RUNS = (
    "SELECT product_id, n, next_change, next_change - n, (SELECT {since} FROM daily_summary"
    " AS d WHERE d.product_id = changes.product_id) FROM ("
    " SELECT product_id, n, out_of_stock,"
    "  LEAD(n) OVER (PARTITION BY product_id ORDER BY n) AS next_change FROM ("
    "   SELECT product_id, {number} AS n, out_of_stock,"
    "    LAG(out_of_stock) OVER (PARTITION BY product_id ORDER BY day) AS day_before"
    "   FROM daily_summary WHERE NOT imported{where}"
    "  ) AS days WHERE day_before IS NULL OR day_before <> out_of_stock"
    ") AS changes WHERE out_of_stock"
)
_INSERT = "INSERT INTO stockout_runs (product_id, first_day, end_day, days, since) "
DELETE_ALL = "DELETE FROM stockout_runs"


def _runs_sql(dialect: str, where: str) -> str:
    number = SQL_NUMBER[dialect]
    return _RUNS.format(since=number.format("min(d.day)"), number=number.format("day"), where=where)


def fill_all_sql(dialect: str) -> str:
    """Every product's runs from the daily summary (into an empty table)."""
    return _INSERT + _runs_sql(dialect, "")


_DELETE_PRODUCTS = text("DELETE FROM stockout_runs WHERE product_id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)


@cache
def _fill_products(dialect: str):
    sql = _INSERT + _runs_sql(dialect, " AND product_id IN :ids")
    return text(sql).bindparams(bindparam("ids", expanding=True))


def rewrite_runs(conn: Connection, product_ids: Iterable[int]) -> None:
    """The runs of these products rewritten from their summary rows (after those rows)."""
    ids = sorted(set(product_ids))
    if ids:
        conn.execute(_DELETE_PRODUCTS, {"ids": ids})
        conn.execute(_fill_products(conn.dialect.name), {"ids": ids})


def refill_runs(conn: Connection) -> None:
    """Every run rewritten from the daily summary (after a bulk write)."""
    conn.execute(text(DELETE_ALL))
    conn.execute(text(fill_all_sql(conn.dialect.name)))


def crosses(before: int, after: int, latest_day: bool) -> bool:
    """Whether a move from `before` to `after` on hand changes its product's runs for sure:
    it crosses zero, or it is dated before the product's latest day."""
    return (before <= 0) != (after <= 0) or not latest_day


_OPEN = text(
    "SELECT product_id FROM stockout_runs WHERE product_id IN :ids AND end_day IS NULL"
).bindparams(bindparam("ids", expanding=True))


def keep_runs(conn: Connection, crossed: set[int], from_zero: set[int]) -> None:
    """After a move's summary rows: rewrite the runs of the products `crossed`, and of those
    that went out from exactly zero without an open run (sold before any stock came in: their
    first day out starts one; a product sold out at zero has one open already, the usual
    case, and costs one look-up)."""
    from_zero -= crossed
    if from_zero:
        opened = {row[0] for row in conn.execute(_OPEN, {"ids": sorted(from_zero)})}
        crossed = crossed | (from_zero - opened)
    rewrite_runs(conn, crossed)


def runs_from_days(days: Sequence[tuple[int, bool]]) -> list[tuple]:
    """(first_day, end_day, days) runs from (day number, out of stock) in day order
    (`shop-desk check`)."""
    runs: list[list] = []
    state = None
    for day, out in days:
        if out == state:
            continue
        if out:
            runs.append([day, None])
        elif runs and state:
            runs[-1][1] = day
        state = out
    return [(first, end, None if end is None else end - first) for first, end in runs]
