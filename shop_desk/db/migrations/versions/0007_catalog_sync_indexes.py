"""catalog at a million offers: staged rows found by index, prefixes searched in B-trees

Revision ID: 0007
Revises: 0004
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# - Every sync first clears what an interrupted one staged beyond the checkpoint: finding
#   those rows (valid_from > checkpoint) and their prices (sequence > checkpoint) read the
#   whole supplier each time without an index.
# - Prefix searches (pinyin initials, GTIN, SKU) become range scans of B-trees that stop at
#   the first page of results: as FTS prefix queries they merged the posting lists of every
#   matching token (a GTIN prefix matched a million tokens: 600 ms).
# - So the search index keeps only the words of the names: one unique token fewer per offer
#   for GTIN, initials and SKU each makes a million-offer sync and its merges cheaper.
FTS_NAMES = [
    "CREATE VIRTUAL TABLE offers_fts USING fts5("
    "search_text, content='offers', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 0')",
    "INSERT INTO offers_fts(offers_fts, rank) VALUES ('automerge', 0)",
    "INSERT INTO offers_fts(offers_fts, rank) VALUES ('crisismerge', 2000)",
    "CREATE TRIGGER offers_fts_ad AFTER DELETE ON offers BEGIN "
    "INSERT INTO offers_fts(offers_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER offers_fts_au AFTER UPDATE OF search_text ON offers BEGIN "
    "INSERT INTO offers_fts(offers_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO offers_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO offers_fts(offers_fts) VALUES ('rebuild')",
]
FTS_0003 = [
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
    "INSERT INTO offers_fts(offers_fts) VALUES ('rebuild')",
]


def _drop_fts() -> None:
    for name in ("offers_fts_ad", "offers_fts_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS offers_fts")


def upgrade() -> None:
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.create_index("ix_offers_staged", ["supplier_id", "valid_from"], unique=False)
        batch_op.create_index("ix_offers_initials", ["name_initials"], unique=False)
    with op.batch_alter_table("offer_prices", schema=None) as batch_op:
        batch_op.create_index("ix_offer_prices_sequence", ["supplier_id", "sequence"], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        _drop_fts()
        for statement in FTS_NAMES:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _drop_fts()
        for statement in FTS_0003:
            op.execute(statement)
    with op.batch_alter_table("offer_prices", schema=None) as batch_op:
        batch_op.drop_index("ix_offer_prices_sequence")
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_index("ix_offers_initials")
        batch_op.drop_index("ix_offers_staged")
