"""stock-out runs keep their days as day numbers (days since 1970-01-01)

Revision ID: 0015_stockout_run_day_numbers
Revises: 0014_report_rollups
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_stockout_run_day_numbers"
down_revision: str | Sequence[str] | None = "0014_report_rollups"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A year's stock-outs read every run (over a hundred thousand on a big shop), compare its
# days with the period's and cut the ones at its ends by day arithmetic. On SQLite a Date is
# ISO text: the comparisons and julianday() made most of the report's cost. Integers do the
# same work in a fraction of it. (A copy of shop_desk/db/day_numbers.SQL_NUMBER, frozen.)
TO_NUMBER = {
    "sqlite": "CAST(julianday({}) - 2440587.5 AS INTEGER)",
    "postgresql": "({} - DATE '1970-01-01')",
}
TO_DATE = {
    "sqlite": "date({} * 86400, 'unixepoch')",
    "postgresql": "(DATE '1970-01-01' + {})",
}
DAYS = ("first_day", "end_day", "since")


def upgrade() -> None:
    _convert(sa.Integer(), TO_NUMBER)


def downgrade() -> None:
    _convert(sa.Date(), TO_DATE)


def _convert(day_type: sa.types.TypeEngine, to: dict[str, str]) -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        name = day_type.compile(dialect=op.get_bind().dialect)
        for column in DAYS:
            op.execute(
                f"ALTER TABLE stockout_runs ALTER COLUMN {column} TYPE {name} "
                f"USING {to[dialect].format(column)}"
            )
        return
    # SQLite cannot change a column's type: the table is copied (a few hundred thousand
    # rows at most), its index made again.
    op.create_table(
        "stockout_runs_new",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("first_day", day_type, nullable=False),
        sa.Column("end_day", day_type, nullable=True),
        sa.Column("days", sa.Integer(), nullable=True),
        sa.Column("since", day_type, nullable=False),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"]),
        sa.PrimaryKeyConstraint("product_id", "first_day"),
        sqlite_with_rowid=False,
    )
    first, end, since = (to[dialect].format(c) for c in DAYS)
    op.execute(
        "INSERT INTO stockout_runs_new (product_id, first_day, end_day, days, since) "
        f"SELECT product_id, {first}, {end}, days, {since} FROM stockout_runs"
    )
    op.drop_index("ix_stockout_runs_end", table_name="stockout_runs")
    op.drop_table("stockout_runs")
    op.rename_table("stockout_runs_new", "stockout_runs")
    op.create_index("ix_stockout_runs_end", "stockout_runs", ["end_day", "product_id", "first_day"])
