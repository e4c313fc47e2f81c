"""Many rows per statement, for the demo's two years of history (about 700,000 rows).

SQLAlchemy's Core executemany spends most of its time building a parameter dict per row; here
rows are plain tuples in column order, handed to the driver's own executemany on the
session's connection (so inside its transaction). Values that need the dialect's conversion
(dates and times on SQLite, stored as text) go through `stored()`, which applies the very
column type's bind processor, memoised: the rows are byte for byte what the ORM writes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

_PLACEHOLDER = {"qmark": "?", "format": "%s", "pyformat": "%s"}
LOAD_CACHE_KIB = 65536  # SQLite page cache while loading: the indexes stay in memory


class BulkWriter:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.dialect = session.get_bind().dialect
        self._placeholder = _PLACEHOLDER.get(self.dialect.paramstyle)
        self._memo: dict[tuple[type, Any], Any] = {}
        self._processors: dict[type, Any] = {}

    def stored(self, column, value):
        """`value` as the driver receives it for `column` (a Column object)."""
        if value is None:
            return None
        key = (type(column.type), value)
        if key not in self._memo:
            kind = type(column.type)
            if kind not in self._processors:
                impl = column.type.dialect_impl(self.dialect)
                self._processors[kind] = impl.bind_processor(self.dialect)
            processor = self._processors[kind]
            self._memo[key] = processor(value) if processor else value
            if len(self._memo) > 200_000:  # a long history: keep memory small
                self._memo.clear()
        return self._memo[key]

    def encoder(self, table: Table, column: str, *, memo: bool = True):
        """A function giving values of table.column as the driver receives them (memo=False
        for values that seldom repeat, such as the instants of single sales)."""
        col = table.c[column]
        if memo:
            return lambda value: self.stored(col, value)
        processor = col.type.dialect_impl(self.dialect).bind_processor(self.dialect)
        return processor or (lambda value: value)

    @contextmanager
    def big_cache(self) -> Iterator[None]:
        """A larger SQLite page cache for the load (random index inserts stop hitting the
        disk), restored afterwards so the program's memory goes back down."""
        if self.dialect.name != "sqlite":
            yield
            return
        connection = self.session.connection()
        before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
        connection.exec_driver_sql(f"PRAGMA cache_size=-{LOAD_CACHE_KIB}")
        try:
            yield
        finally:
            connection.exec_driver_sql(f"PRAGMA cache_size={int(before)}")

    def insert(self, table: Table, columns: Sequence[str], rows: list[tuple]) -> None:
        if not rows:
            return
        if self._placeholder is None:  # a driver with another paramstyle: the Core way
            self.session.execute(insert(table), [dict(zip(columns, r, strict=True)) for r in rows])
            return
        marks = ", ".join([self._placeholder] * len(columns))
        sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"
        cursor = self.session.connection().connection.cursor()
        try:
            cursor.executemany(sql, rows)
        finally:
            cursor.close()
