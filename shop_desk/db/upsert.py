"""INSERT .. ON CONFLICT statements that add to running sums (daily summary, daily totals)."""

from __future__ import annotations

from sqlalchemy import Table

SALE_FIGURES = ("units_sold", "revenue_fen", "cost_fen")  # summed by day in both tables


def adding_upsert(
    dialect: str,
    table: Table,
    keys: tuple[str, ...],
    added: tuple[str, ...],
    replaced: tuple[str, ...] = (),
):
    """INSERT .. ON CONFLICT (keys) DO UPDATE: `added` columns add the new row's values to the
    stored ones, `replaced` columns take the new values. Build it once per dialect (cache the
    caller): building it per write cost more than running it."""
    # Imported on first use: the PostgreSQL dialect costs start-up time on a SQLite shop.
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(table)
    new = stmt.excluded
    changes = {name: table.c[name] + new[name] for name in added}
    changes.update({name: new[name] for name in replaced})
    return stmt.on_conflict_do_update(index_elements=[table.c[k] for k in keys], set_=changes)
