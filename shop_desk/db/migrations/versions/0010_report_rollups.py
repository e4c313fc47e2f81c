"""report rollups: each product's sales by month and year, and its stock-out runs

Revision ID: 0010_report_rollups
Revises: 0009_report_totals
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_report_rollups"
down_revision: str | Sequence[str] | None = "0009_report_totals"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# - sales_rollups: a year of sales by product summed a row per product and day was some
#   800,000 rows on a big shop; now a row per product and year (or month) plus the days at
#   the period's ends.
# - stockout_runs: a period's stock-outs were found by looking up, for every stock-out day,
#   the product's next day; now each stretch out of stock is a row.
# Both are filled from the daily summary at once: an upgraded shop sees its figures at once.
# - ix_summary_stockout_sales replaces ix_summary_stockouts (0008): the runs say which days
#   were out; what is still read by day is what sold on them, from the index alone.
# (Copies of shop_desk/inventory/sales_rollups.py and stockout_runs.py, frozen here.)
SALES_ROW = "units_sold != 0 OR revenue_fen != 0 OR cost_fen != 0"
STOCKOUT_ROW = "out_of_stock"
STOCKOUT_SALE_ROW = "out_of_stock AND units_sold > 0"


def _fill_rollups(dialect: str, span: str) -> str:
    if dialect == "postgresql":
        start = f"CAST(date_trunc('{span}', day) AS DATE)"
    else:
        start = f"date(day, 'start of {span}')"
    return (
        "INSERT INTO sales_rollups (span, first_day, product_id, units_sold, revenue_fen, "
        f"cost_fen, uncosted_revenue_fen) SELECT '{span}', {start}, product_id, "
        "sum(units_sold), sum(revenue_fen), sum(cost_fen), "
        "sum(CASE WHEN imported THEN revenue_fen ELSE 0 END) FROM daily_summary "
        f"WHERE {SALES_ROW} GROUP BY {start}, product_id"
    )


_DAYS = {
    "sqlite": "CAST(julianday(next_change) - julianday(day) AS INTEGER)",
    "postgresql": "(next_change - day)",
}


def _fill_runs(dialect: str) -> str:
    return (
        "INSERT INTO stockout_runs (product_id, first_day, end_day, days, since) "
        f"SELECT product_id, day, next_change, {_DAYS[dialect]}, (SELECT min(d.day) FROM "
        "daily_summary AS d WHERE d.product_id = changes.product_id) FROM ("
        " SELECT product_id, day, out_of_stock,"
        "  LEAD(day) OVER (PARTITION BY product_id ORDER BY day) AS next_change FROM ("
        "   SELECT product_id, day, out_of_stock,"
        "    LAG(out_of_stock) OVER (PARTITION BY product_id ORDER BY day) AS day_before"
        "   FROM daily_summary WHERE NOT imported"
        "  ) AS days WHERE day_before IS NULL OR day_before <> out_of_stock"
        ") AS changes WHERE out_of_stock"
    )


def upgrade() -> None:
    op.create_table(
        "sales_rollups",
        sa.Column("span", sa.String(length=5), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("units_sold", sa.Integer(), nullable=False),
        sa.Column("revenue_fen", sa.BigInteger(), nullable=False),
        sa.Column("cost_fen", sa.BigInteger(), nullable=False),
        sa.Column("uncosted_revenue_fen", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"]),
        sa.PrimaryKeyConstraint("span", "first_day", "product_id"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "stockout_runs",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("end_day", sa.Date(), nullable=True),
        sa.Column("days", sa.Integer(), nullable=True),
        sa.Column("since", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"]),
        sa.PrimaryKeyConstraint("product_id", "first_day"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_stockout_runs_end", "stockout_runs", ["end_day", "product_id", "first_day"])
    dialect = op.get_bind().dialect.name
    for span in ("month", "year"):
        op.execute(_fill_rollups(dialect, span))
    op.execute(_fill_runs(dialect))
    with op.batch_alter_table("daily_summary", schema=None) as batch_op:
        batch_op.drop_index("ix_summary_stockouts")
        batch_op.create_index(
            "ix_summary_stockout_sales",
            ["day", "product_id", "units_sold", "out_of_stock"],
            unique=False,
            sqlite_where=sa.text(STOCKOUT_SALE_ROW),
            postgresql_where=sa.text(STOCKOUT_SALE_ROW),
        )


def downgrade() -> None:
    with op.batch_alter_table("daily_summary", schema=None) as batch_op:
        batch_op.drop_index("ix_summary_stockout_sales")
        batch_op.create_index(
            "ix_summary_stockouts",
            ["day", "product_id", "units_sold"],
            unique=False,
            sqlite_where=sa.text(STOCKOUT_ROW),
            postgresql_where=sa.text(STOCKOUT_ROW),
        )
    op.drop_index("ix_stockout_runs_end", table_name="stockout_runs")
    op.drop_table("stockout_runs")
    op.drop_table("sales_rollups")
