"""catalog at a million offers: staged rows found by index, prefix search in the FTS index

Revision ID: 0007
Revises: 0004
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# - Every sync first clears what an interrupted one staged beyond the checkpoint: finding
#   those rows (valid_from > checkpoint) and their prices (sequence > checkpoint) read the
#   whole supplier each time without an index. One index on (supplier, valid_to,
#   valid_from) now finds staged rows (valid_to NULL, valid_from > checkpoint), the rows a
#   snapshot closes (NULL, < sequence) and those to purge (valid_to <= checkpoint): it
#   replaces (supplier, valid_to, sku), whose SKU no query used, so a million-offer sync
#   maintains one index fewer.
# - Prefix queries of 2 to 4 characters (pinyin initials "kkkl", words of a name "500")
#   read one posting list of a prefix index instead of merging the lists of every token
#   that starts so (36 ms for "kkkl" over a million offers, now 0.1 ms). A B-tree on the
#   initials would do the same for searching, but a million inserts in random key order,
#   committed in short transactions, write most of its pages again at every commit.
# - GTINs and SKUs are searched by prefix in their B-tree indexes (a GTIN prefix matched a
#   million unique tokens of the index: 600 ms), so the index no longer holds them: two
#   unique tokens fewer per offer to index and merge at every sync.
FTS_NAMES = [
    "CREATE VIRTUAL TABLE offers_fts USING fts5("
    "search_text, name_initials, content='offers', content_rowid='id', prefix='2 3 4', "
    "tokenize='unicode61 remove_diacritics 0')",
    "INSERT INTO offers_fts(offers_fts, rank) VALUES ('automerge', 0)",
    "INSERT INTO offers_fts(offers_fts, rank) VALUES ('crisismerge', 2000)",
    # Merge 16 segments of a level at a time, not 4: each posting is rewritten half as often.
    "INSERT INTO offers_fts(offers_fts, rank) VALUES ('usermerge', 16)",
    "CREATE TRIGGER offers_fts_ad AFTER DELETE ON offers BEGIN "
    "INSERT INTO offers_fts(offers_fts, rowid, search_text, name_initials) "
    "VALUES ('delete', old.id, old.search_text, old.name_initials); END",
    "CREATE TRIGGER offers_fts_au AFTER UPDATE OF search_text, name_initials ON offers BEGIN "
    "INSERT INTO offers_fts(offers_fts, rowid, search_text, name_initials) "
    "VALUES ('delete', old.id, old.search_text, old.name_initials); "
    "INSERT INTO offers_fts(rowid, search_text, name_initials) "
    "VALUES (new.id, new.search_text, new.name_initials); END",
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
        batch_op.drop_index("ix_offers_current")
        batch_op.create_index(
            "ix_offers_versions", ["supplier_id", "valid_to", "valid_from"], unique=False
        )
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
        batch_op.drop_index("ix_offers_versions")
        batch_op.create_index("ix_offers_current", ["supplier_id", "valid_to", "sku"], unique=False)
