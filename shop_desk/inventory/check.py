"""`shop-desk check`: recompute every cache from the ledger and compare (or repair).

The ledger, the lots and the daily summaries are read as three streams sorted by product
(SQLite sorts each in one pass over its table: reading them in index order was a random
look-up per row, and a query per product was 400,000 queries on a big shop) and merged with
the products in Python, one product at a time, so memory stays small. Repairs are gathered
and written after the reading, in the same transaction. The shop's daily totals are the
replayed days summed over every product, plus the imported history as the summary holds it;
each product's months and years (sales_rollups) are its replayed days plus its imported
history, and its stock-out runs come from its replayed days alone; its first day on the books
and last day sold are those of its replayed and imported days.

The database's own check is PRAGMA quick_check (pages and records); `full` adds
integrity_check (indexes against their tables) and foreign_key_check, which take minutes on
a big shop. The streams already tell rows that point at a missing product.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from shop_desk.db.day_numbers import day_number, from_day_number
from shop_desk.inventory.ledger import LotState, consume_lots, incoming_lot_qty, summary_delta
from shop_desk.inventory.sales_rollups import SPANS, span_start
from shop_desk.inventory.stockout_runs import runs_from_days

_BATCH = 20_000
# "+product_id": sort the table read in one pass rather than follow the index row by row.
_PRODUCTS = (
    "SELECT id, on_hand, stock_value_fen, first_day, last_sold_day FROM products ORDER BY id"
)
_MOVES = (
    "SELECT product_id, kind, qty, value_fen, revenue_fen, lot_id, shop_day FROM stock_moves "
    "ORDER BY +product_id, id"
)
_LOTS = "SELECT product_id, id, expiry_date, qty_left FROM lots ORDER BY +product_id, id"
_SUMMARIES = (
    "SELECT product_id, day, units_sold, revenue_fen, cost_fen, closing_on_hand, out_of_stock "
    "FROM daily_summary WHERE imported = FALSE ORDER BY +product_id, day"
)

_IMPORTED_DAYS = (
    "SELECT product_id, day, units_sold, revenue_fen FROM daily_summary WHERE imported = TRUE "
    "ORDER BY +product_id, day"
)
_ROLLUPS = (
    "SELECT product_id, span, first_day, units_sold, revenue_fen, cost_fen, "
    "uncosted_revenue_fen FROM sales_rollups ORDER BY +product_id"
)
_RUNS = (
    "SELECT product_id, first_day, end_day, days, since FROM stockout_runs "
    "ORDER BY +product_id, first_day"
)

_TOTALS = "SELECT day, units_sold, revenue_fen, cost_fen, uncosted_revenue_fen FROM daily_totals"
# Imported history is not in the ledger: its days count as the summary holds them.
_IMPORTED = (
    "SELECT day, sum(units_sold), sum(revenue_fen) FROM daily_summary WHERE imported = TRUE "
    "GROUP BY day"
)


@dataclass
class CheckReport:
    products: int = 0
    moves: int = 0
    problems: list[str] = field(default_factory=list)
    integrity: str = "ok"

    @property
    def ok(self) -> bool:
        return not self.problems and self.integrity == "ok"


@dataclass
class _Replay:
    on_hand: int = 0
    value: int = 0
    lots: dict[int, LotState] = field(default_factory=dict)  # every lot the moves opened
    days: dict = field(default_factory=dict)  # day -> [units, revenue, cost, closing]


@dataclass
class _Fixes:
    products: list[dict] = field(default_factory=list)
    lots: list[dict] = field(default_factory=list)
    summaries: list[dict] = field(default_factory=list)
    stale_days: list[dict] = field(default_factory=list)
    totals: list[dict] = field(default_factory=list)
    rollups: list[dict] = field(default_factory=list)
    runs_of: list[dict] = field(default_factory=list)  # products whose runs are rewritten
    runs: list[dict] = field(default_factory=list)
    product_days: list[dict] = field(default_factory=list)

    def apply(self, conn: Connection) -> None:
        statements = (
            (self.products, "UPDATE products SET on_hand = :on_hand, "
             "stock_value_fen = :value WHERE id = :id"),
            (self.lots, "UPDATE lots SET qty_left = :qty_left WHERE id = :id"),
            (self.summaries, "INSERT INTO daily_summary (product_id, day, units_sold, revenue_fen,"
             " cost_fen, closing_on_hand, out_of_stock, imported) VALUES (:pid, :day, :units, "
             ":revenue, :cost, :closing, :out, :no) ON CONFLICT (product_id, day) DO UPDATE SET "
             "units_sold = :units, revenue_fen = :revenue, cost_fen = :cost, "
             "closing_on_hand = :closing, out_of_stock = :out"),
            (self.stale_days, "DELETE FROM daily_summary WHERE product_id = :pid AND day = :day "
             "AND imported = :no"),
            (self.totals, "DELETE FROM daily_totals WHERE day = :day"),
            ([t for t in self.totals if any(t[k] for k in _FIGURES)],
             "INSERT INTO daily_totals (day, units_sold, revenue_fen, cost_fen, "
             "uncosted_revenue_fen) VALUES (:day, :units, :revenue, :cost, :uncosted)"),
            (self.rollups, "DELETE FROM sales_rollups WHERE span = :span AND first_day = :day "
             "AND product_id = :pid"),
            ([r for r in self.rollups if any(r[k] for k in _FIGURES)],
             "INSERT INTO sales_rollups (span, first_day, product_id, units_sold, revenue_fen, "
             "cost_fen, uncosted_revenue_fen) VALUES (:span, :day, :pid, :units, :revenue, "
             ":cost, :uncosted)"),
            (self.runs_of, "DELETE FROM stockout_runs WHERE product_id = :pid"),
            (self.runs, "INSERT INTO stockout_runs (product_id, first_day, end_day, days, since)"
             " VALUES (:pid, :first, :end, :days, :since)"),
            (self.product_days, "UPDATE products SET first_day = :first, "
             "last_sold_day = :last WHERE id = :id"),
        )  # fmt: skip
        for rows, sql in statements:
            if rows:
                conn.execute(text(sql), rows)


class _Grouped:
    """A stream of rows sorted by their first column, handed out one product at a time."""

    def __init__(self, rows: Iterator, name: str, report: CheckReport) -> None:
        self.groups = groupby(rows, key=itemgetter(0))
        self.name, self.report = name, report
        self.head = next(self.groups, None)

    def take(self, product_id: int) -> list:
        while self.head is not None and self.head[0] < product_id:
            self.orphans(self.head[1])
            self.head = next(self.groups, None)
        if self.head is None or self.head[0] != product_id:
            return []
        group = list(self.head[1])
        self.head = next(self.groups, None)
        return group

    def rest(self) -> None:
        while self.head is not None:
            self.orphans(self.head[1])
            self.head = next(self.groups, None)

    def orphans(self, rows) -> None:
        for row in rows:
            self.report.problems.append(f"{self.name} of missing product {row[0]}: {tuple(row)}")


def _stream(conn: Connection, sql: str, number: int) -> Iterator[tuple]:
    """Rows of `sql` straight from the driver, in batches (SQLAlchemy's result rows cost more
    than the query on millions of rows). A server-side cursor on PostgreSQL."""
    driver = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        cursor = driver.cursor(name=f"shop_desk_check_{number}")
        cursor.itersize = _BATCH
    else:
        cursor = driver.cursor()
    cursor.execute(sql)
    try:
        while rows := cursor.fetchmany(_BATCH):
            yield from rows
    finally:
        cursor.close()


def check_database(session: Session, *, repair: bool = False, full: bool = False) -> CheckReport:
    report = CheckReport()
    if session.get_bind().dialect.name == "postgresql" and not session.in_transaction():
        # One snapshot for the four streams (a checkout may commit meanwhile).
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    conn = session.connection()
    report.integrity = _integrity(conn, full)
    fixes = _Fixes()

    moves = _Grouped(_stream(conn, _MOVES, 1), "stock move", report)
    lots = _Grouped(_stream(conn, _LOTS, 2), "lot", report)
    days = _Grouped(_stream(conn, _SUMMARIES, 3), "summary", report)
    imported = _Grouped(_stream(conn, _IMPORTED_DAYS, 5), "imported summary", report)
    rollups = _Grouped(_stream(conn, _ROLLUPS, 6), "sales rollup", report)
    runs = _Grouped(_stream(conn, _RUNS, 7), "stock-out run", report)
    shop_days: dict = {}  # day -> the shop's [units, revenue, cost, uncosted revenue]
    for product_id, on_hand, value, *product_days in _stream(conn, _PRODUCTS, 4):
        report.products = product_id
        product_moves = moves.take(product_id)
        report.moves += len(product_moves)
        product_lots = lots.take(product_id)
        state = _replay(product_moves, product_lots)
        _compare_product(product_id, (on_hand, value), state, report, fixes)
        _compare_lots(product_lots, state, report, fixes)
        _compare_days(product_id, days.take(product_id), state, report, fixes)
        _add_days(shop_days, state)
        imported_days = imported.take(product_id)
        _compare_rollups(product_id, state, imported_days, rollups.take(product_id), report,
                         fixes)  # fmt: skip
        since = _first_day(state, imported_days)
        _compare_runs(product_id, state, since, runs.take(product_id), report, fixes)
        want_days = (since, _last_sold(state, imported_days))
        if tuple(product_days) != want_days:
            report.problems.append(
                f"product {product_id}: first day and last day sold "
                f"{tuple(product_days)}, ledger says {want_days}"
            )
            fixes.product_days.append({"id": product_id, "first": since,
                                       "last": want_days[1]})  # fmt: skip
    for group in (moves, lots, days, imported, rollups, runs):
        group.rest()
    _compare_totals(conn, shop_days, report, fixes)
    if repair:
        fixes.apply(conn)
    return report


def _replay(moves: list, lots: list) -> _Replay:
    """The moves in order with post_move's rules: on hand, value, lots, days."""
    state = _Replay()
    keys = {lot_id: (expiry is None, expiry or "", lot_id) for _, lot_id, expiry, _ in lots}
    open_lots: list[LotState] = []  # oldest first
    for _, kind, qty, value, revenue, lot_id, day in moves:
        if qty > 0 and lot_id is not None:
            lot = LotState(lot_id, incoming_lot_qty(state.on_hand, qty))
            state.lots[lot_id] = lot
            if lot.qty_left > 0:
                open_lots.append(lot)
                open_lots.sort(key=lambda s: keys.get(s.id, (True, "", s.id)))
        elif qty < 0:
            consume_lots(open_lots, -qty, lot_id)
            if lot_id is not None:  # a named lot may be emptied anywhere in the list
                open_lots = [lot for lot in open_lots if lot.qty_left > 0]
            else:  # oldest first: the emptied ones are at the front
                while open_lots and open_lots[0].qty_left <= 0:
                    del open_lots[0]
        state.on_hand += qty
        state.value += value
        units, rev, cost = summary_delta(kind, qty, value, revenue)
        totals = state.days.get(day)
        if totals is None:
            totals = state.days[day] = [0, 0, 0, 0]
        totals[0] += units
        totals[1] += rev
        totals[2] += cost
        totals[3] = state.on_hand
    return state


def _compare_product(
    product_id: int, cache: tuple[int, int], state: _Replay, report: CheckReport, fixes: _Fixes
) -> None:
    if cache == (state.on_hand, state.value):
        return
    if not state.days:  # no move at all
        report.problems.append(f"product {product_id}: on hand without any move")
    else:
        report.problems.append(
            f"product {product_id}: cache on_hand={cache[0]} value={cache[1]}"
            f", ledger says {state.on_hand} / {state.value}"
        )
    fixes.products.append({"id": product_id, "on_hand": state.on_hand, "value": state.value})


def _compare_lots(lots: list, state: _Replay, report: CheckReport, fixes: _Fixes) -> None:
    for _, lot_id, _, qty_left in lots:
        replayed = state.lots.get(lot_id)
        want = replayed.qty_left if replayed is not None else 0
        if qty_left != want:
            report.problems.append(f"lot {lot_id}: qty_left={qty_left}, ledger says {want}")
            fixes.lots.append({"id": lot_id, "qty_left": want})


def _compare_days(
    product_id: int, rows: list, state: _Replay, report: CheckReport, fixes: _Fixes
) -> None:
    stored = {row[1]: row for row in rows}
    for day, (units, revenue, cost, closing) in state.days.items():
        row = stored.pop(day, None)
        want = (units, revenue, cost, closing, closing <= 0)
        have = None if row is None else (*row[2:6], bool(row[6]))
        if have != want:
            report.problems.append(f"summary {product_id} {day}: {have}, ledger says {want}")
            fixes.summaries.append(
                {"pid": product_id, "day": day, "units": units, "revenue": revenue, "cost": cost,
                 "closing": closing, "out": closing <= 0, "no": False}
            )  # fmt: skip
    for day in stored:
        report.problems.append(f"summary {product_id} {day}: no moves that day")
        fixes.stale_days.append({"pid": product_id, "day": day, "no": False})


_FIGURES = ("units", "revenue", "cost", "uncosted")


def _add_days(shop_days: dict, state: _Replay) -> None:
    for day, (units, revenue, cost, _closing) in state.days.items():
        totals = shop_days.get(day)
        if totals is None:
            totals = shop_days[day] = [0, 0, 0, 0]
        totals[0] += units
        totals[1] += revenue
        totals[2] += cost


def _start(span: str, day):
    """The first day of the span holding `day`, as the driver gives days (ISO text on SQLite,
    dates on PostgreSQL)."""
    if isinstance(day, str):
        return day[:8] + "01" if span == "month" else day[:5] + "01-01"
    return span_start(span, day)


def _compare_rollups(
    product_id: int, state: _Replay, imported: list, stored: list, report: CheckReport,
    fixes: _Fixes,
) -> None:  # fmt: skip
    """The product's months and years: its replayed days plus its imported history."""
    want: dict[tuple, list[int]] = {}
    days = [(d, u, r, c, 0) for d, (u, r, c, _) in state.days.items() if u or r or c]
    days += [(d, int(u), int(r), 0, int(r)) for _, d, u, r in imported]
    for day, *figures in days:
        for span in SPANS:
            sums = want.setdefault((span, _start(span, day)), [0, 0, 0, 0])
            for i, figure in enumerate(figures):
                sums[i] += figure
    have = {(span, day): tuple(int(x) for x in rest) for _, span, day, *rest in stored}
    for key in sorted(set(want) | set(have), key=str):
        expected = tuple(want.get(key, (0, 0, 0, 0)))
        found = have.get(key, (0, 0, 0, 0))
        if found != expected:
            report.problems.append(f"sales rollup {product_id} {key}: {found}, ledger says "
                                   f"{expected}")  # fmt: skip
            fixes.rollups.append({"span": key[0], "day": key[1], "pid": product_id,
                                  **dict(zip(_FIGURES, expected, strict=True))})  # fmt: skip


def _first_day(state: _Replay, imported: list):
    """The product's first day on the books: its first move or imported day."""
    return min([*state.days, *(row[1] for row in imported)], default=None)


def _last_sold(state: _Replay, imported: list):
    """The last day the product sold: its last replayed or imported day with units sold."""
    days = [day for day, row in state.days.items() if row[0] > 0]
    return max([*days, *(row[1] for row in imported if row[2] > 0)], default=None)


def _compare_runs(
    product_id: int, state: _Replay, since, stored: list, report: CheckReport, fixes: _Fixes
) -> None:
    """The product's stock-out runs: from its replayed days (closing on hand <= 0), each
    with the product's first day on the books; days as day numbers, as stored."""
    closed = [(day_number(day), row[3] <= 0) for day, row in sorted(state.days.items())]
    want = [(*run, day_number(since)) for run in runs_from_days(closed)]
    have = [tuple(row[1:]) for row in stored]
    if have != want:
        report.problems.append(
            f"stock-out runs {product_id}: {_run_days(have)}, ledger says {_run_days(want)}"
        )
        fixes.runs_of.append({"pid": product_id})
        fixes.runs += [
            {"pid": product_id, "first": f, "end": e, "days": n, "since": s} for f, e, n, s in want
        ]


def _run_days(runs: list[tuple]) -> list[tuple]:
    """Runs with their days as dates, for a person to read."""
    return [(_iso(first), _iso(end), days, _iso(since)) for first, end, days, since in runs]


def _iso(number: int | None) -> str | None:
    return None if number is None else from_day_number(number).isoformat()


def _compare_totals(conn: Connection, shop_days: dict, report: CheckReport, fixes: _Fixes) -> None:
    """The shop's daily totals against the ledger's days plus the imported history."""
    for day, units, revenue in conn.exec_driver_sql(_IMPORTED).all():
        totals = shop_days.setdefault(day, [0, 0, 0, 0])
        totals[0] += int(units)
        totals[1] += int(revenue)
        totals[3] += int(revenue)  # no cost known: the revenue is uncosted
    stored = {row[0]: tuple(int(x) for x in row[1:]) for row in conn.exec_driver_sql(_TOTALS)}
    for day in sorted(set(shop_days) | set(stored), key=str):
        want = tuple(shop_days.get(day, (0, 0, 0, 0)))
        have = stored.get(day, (0, 0, 0, 0))
        if have != want:
            report.problems.append(f"daily totals {day}: {have}, ledger says {want}")
            fixes.totals.append({"day": day, **dict(zip(_FIGURES, want, strict=True))})


def _integrity(conn: Connection, full: bool) -> str:
    if conn.dialect.name != "sqlite":
        return "ok"  # PostgreSQL checks its pages itself; amcheck needs superuser
    pragma = "integrity_check" if full else "quick_check"
    rows = [r[0] for r in conn.exec_driver_sql(f"PRAGMA {pragma}")]
    if full:
        fk = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if fk:
            rows.append(f"{len(fk)} rows point at missing rows")
    return "ok" if rows == ["ok"] else "; ".join(map(str, rows))[:2000]
