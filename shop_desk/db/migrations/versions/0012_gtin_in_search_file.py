"""offers' GTIN look-up moves to the search file (SQLite): no random index in a sync's commits

Revision ID: 0012_gtin_in_search_file
Revises: 0011_search_file
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012_gtin_in_search_file"
down_revision: str | Sequence[str] | None = "0011_search_file"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite only (catalog/search_index.py). GTINs come in no order: each of a sync's short
# transactions rewrote pages all over ix_offers_gtin, which cost a million-offer first sync
# a good part of its time. The search file (built in large transactions,
# with no lock shared with the shop) now holds each offer's GTIN; the log that tells it what
# changed also lists offers whose GTIN was rewritten. PostgreSQL keeps its index.
TRIGGER = (
    "CREATE TRIGGER offers_reindex_au AFTER UPDATE OF search_text, name_initials{gtin} "
    "ON offers BEGIN INSERT INTO offers_reindex (offer_id) VALUES (old.id); END"
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP INDEX IF EXISTS ix_offers_gtin")
    op.execute("DROP TRIGGER IF EXISTS offers_reindex_au")
    op.execute(TRIGGER.format(gtin=", gtin"))


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TRIGGER IF EXISTS offers_reindex_au")
    op.execute(TRIGGER.format(gtin=""))
    op.execute("CREATE INDEX ix_offers_gtin ON offers (gtin)")
