"""report totals: the shop's sales per day beside the daily summary, and its sales by product

Revision ID: 0009_report_totals
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_report_totals"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# - daily_totals: sales by day, week and month summed a row per product and day (a year
#   and the year before: over a million rows on a big shop); now a row per day.
# - ix_summary_product_sales: the sales rows by product, so one product's sales in a range
#   are one seek (stock-outs read the sales of the products that ran out; slow movers ask
#   whether each product in stock sold) instead of a pass over every sale of the range.
SALES_ROW = "units_sold != 0 OR revenue_fen != 0 OR cost_fen != 0"
FILL = (
    "INSERT INTO daily_totals (day, units_sold, revenue_fen, cost_fen, uncosted_revenue_fen) "
    "SELECT day, sum(units_sold), sum(revenue_fen), sum(cost_fen), "
    f"sum(CASE WHEN imported THEN revenue_fen ELSE 0 END) FROM daily_summary WHERE {SALES_ROW} "
    "GROUP BY day"
)


def upgrade() -> None:
    op.create_table(
        "daily_totals",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("units_sold", sa.Integer(), nullable=False),
        sa.Column("revenue_fen", sa.BigInteger(), nullable=False),
        sa.Column("cost_fen", sa.BigInteger(), nullable=False),
        sa.Column("uncosted_revenue_fen", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("day"),
    )
    op.execute(FILL)
    with op.batch_alter_table("daily_summary", schema=None) as batch_op:
        batch_op.create_index(
            "ix_summary_product_sales",
            ["product_id", "day", "units_sold", "revenue_fen", "cost_fen", "imported"],
            unique=False,
            sqlite_where=sa.text(SALES_ROW),
            postgresql_where=sa.text(SALES_ROW),
        )


def downgrade() -> None:
    with op.batch_alter_table("daily_summary", schema=None) as batch_op:
        batch_op.drop_index("ix_summary_product_sales")
    op.drop_table("daily_totals")
