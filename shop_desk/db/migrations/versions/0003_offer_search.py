"""offer search: tokens column and an FTS5 index answering fragments of any length

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each Chinese character is its own token (text.search_text), so a two-character fragment is a
# phrase query, which a trigram index cannot answer. Initials and GTIN prefixes use the same
# index. New rows are indexed by catalog/apply.py batch by batch (a trigger per row costs five
# times more); deletes and renames by triggers. Automatic merging is off: the sync merges the
# index in short steps after a file is switched in, never in the middle of a checkout.
FTS_SQL = [
    "CREATE VIRTUAL TABLE offers_fts USING fts5("
    "search_text, name_initials, gtin, content='offers', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 0')",
    "INSERT INTO offers_fts(offers_fts, rank) VALUES ('automerge', 0)",
    "INSERT INTO offers_fts(offers_fts, rank) VALUES ('crisismerge', 2000)",
    "CREATE TRIGGER offers_fts_ad AFTER DELETE ON offers BEGIN "
    "INSERT INTO offers_fts(offers_fts, rowid, search_text, name_initials, gtin) "
    "VALUES ('delete', old.id, old.search_text, old.name_initials, old.gtin); END",
    "CREATE TRIGGER offers_fts_au AFTER UPDATE OF search_text, name_initials, gtin "
    "ON offers BEGIN "
    "INSERT INTO offers_fts(offers_fts, rowid, search_text, name_initials, gtin) "
    "VALUES ('delete', old.id, old.search_text, old.name_initials, old.gtin); "
    "INSERT INTO offers_fts(rowid, search_text, name_initials, gtin) "
    "VALUES (new.id, new.search_text, new.name_initials, new.gtin); END",
]


def upgrade() -> None:
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("search_text", sa.String(length=800), nullable=False, server_default="")
        )
    if op.get_bind().dialect.name == "sqlite":
        for statement in FTS_SQL:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("offers_fts_ad", "offers_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS offers_fts")
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_column("search_text")
