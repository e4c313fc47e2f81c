"""catalog sync indexes: staged rows and staged prices found without a scan

Revision ID: 0007
Revises: 0004
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every sync first clears what an interrupted one staged beyond the checkpoint: with a
# million offers, finding those rows (valid_from > checkpoint) and their staged prices
# (sequence > checkpoint) without an index read the whole supplier each time.


def upgrade() -> None:
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.create_index("ix_offers_staged", ["supplier_id", "valid_from"], unique=False)
    with op.batch_alter_table("offer_prices", schema=None) as batch_op:
        batch_op.create_index("ix_offer_prices_sequence", ["supplier_id", "sequence"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("offer_prices", schema=None) as batch_op:
        batch_op.drop_index("ix_offer_prices_sequence")
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_index("ix_offers_staged")
