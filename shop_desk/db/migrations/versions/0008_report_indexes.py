"""report indexes: daily sales figures and stock-out days read from covering partial indexes

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SALES_ROW = "units_sold != 0 OR revenue_fen != 0 OR cost_fen != 0"
STOCKOUT_ROW = "out_of_stock"


def upgrade() -> None:
    with op.batch_alter_table("daily_summary", schema=None) as batch_op:
        batch_op.create_index(
            "ix_summary_sales",
            ["day", "product_id", "units_sold", "revenue_fen", "cost_fen", "imported"],
            unique=False,
            sqlite_where=sa.text(SALES_ROW),
            postgresql_where=sa.text(SALES_ROW),
        )
        batch_op.create_index(
            "ix_summary_stockouts",
            ["day", "product_id", "units_sold"],
            unique=False,
            sqlite_where=sa.text(STOCKOUT_ROW),
            postgresql_where=sa.text(STOCKOUT_ROW),
        )


def downgrade() -> None:
    with op.batch_alter_table("daily_summary", schema=None) as batch_op:
        batch_op.drop_index("ix_summary_stockouts")
        batch_op.drop_index("ix_summary_sales")
