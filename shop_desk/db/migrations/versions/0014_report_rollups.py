"""report rollups: each product's first day on the books and the last day it sold

Revision ID: 0014_report_rollups
Revises: 0013_offer_closures
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_report_rollups"
down_revision: str | Sequence[str] | None = "0013_offer_closures"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Slow movers asked each product in stock whether it had a summary row before the period
# (a look-up each: seventy thousand on a big shop) and whether it sold in it (a list of the
# products sold, or a look-up each over a long range). Both are now columns of the product,
# kept by every writer of the daily summary, so the report reads the products table alone.
# Filled from the daily summary at once. (A copy of shop_desk/inventory/product_days.py's
# statement, frozen here.)
FILL = (
    "UPDATE products SET "
    "first_day = (SELECT min(d.day) FROM daily_summary AS d WHERE d.product_id = products.id), "
    "last_sold_day = (SELECT max(d.day) FROM daily_summary AS d "
    "WHERE d.product_id = products.id AND d.units_sold > 0)"
)


def upgrade() -> None:
    # Plain ALTER TABLE on both (no batch copy of products: its search triggers stay).
    op.add_column("products", sa.Column("first_day", sa.Date(), nullable=True))
    op.add_column("products", sa.Column("last_sold_day", sa.Date(), nullable=True))
    op.execute(FILL)


def downgrade() -> None:
    op.execute("ALTER TABLE products DROP COLUMN last_sold_day")
    op.execute("ALTER TABLE products DROP COLUMN first_day")
