"""Day arithmetic and two-argument min/max that SQLite and PostgreSQL spell differently.

days_between(a, b)  the days from b to a (a - b): julianday on SQLite, date subtraction
                    on PostgreSQL
greatest(a, b)      max(a, b) on SQLite (its scalar max), GREATEST elsewhere
least(a, b)         min(a, b) on SQLite, LEAST elsewhere
"""

from __future__ import annotations

from sqlalchemy import Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement, GenericFunction


class days_between(FunctionElement):
    type = Integer()
    inherit_cache = True


@compiles(days_between)
def _days_default(element, compiler, **kw) -> str:
    a, b = (compiler.process(c, **kw) for c in element.clauses)
    return f"({a} - {b})"


@compiles(days_between, "sqlite")
def _days_sqlite(element, compiler, **kw) -> str:
    a, b = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(julianday({a}) - julianday({b}) AS INTEGER)"


class greatest(GenericFunction):
    inherit_cache = True


class least(GenericFunction):
    inherit_cache = True


@compiles(greatest, "sqlite")
def _greatest_sqlite(element, compiler, **kw) -> str:
    return f"max({compiler.process(element.clauses, **kw)})"


@compiles(least, "sqlite")
def _least_sqlite(element, compiler, **kw) -> str:
    return f"min({compiler.process(element.clauses, **kw)})"
