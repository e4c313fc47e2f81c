"""offer search index in a file of its own: writing it never holds the shop's write lock

Revision ID: 0011_search_file
Revises: 0010_report_rollups
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011_search_file"
down_revision: str | Sequence[str] | None = "0010_report_rollups"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite only (catalog/search_index.py). The FTS5 index of offers moves to
# <shop>.search-<generation>.sqlite3: indexing a sync's rows in the shop's file held its
# write lock, and past half a million offers each merge of the index held it for seconds.
# Here stay the generation of that file and a log of the offers deleted or renamed since
# the index last read it (new offers need no log: their ids are above what it indexed).
# The file is derived data: the first search or sync after this migration builds it.
UP = [
    "CREATE TABLE search_index (id INTEGER PRIMARY KEY CHECK (id = 1), "
    "generation INTEGER NOT NULL)",
    "INSERT INTO search_index (id, generation) VALUES (1, 0)",
    # AUTOINCREMENT: a sequence number is never reused once its row is deleted (the index
    # file remembers up to which one it has read).
    "CREATE TABLE offers_reindex (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
    "offer_id INTEGER NOT NULL)",
    "CREATE TRIGGER offers_reindex_ad AFTER DELETE ON offers BEGIN "
    "INSERT INTO offers_reindex (offer_id) VALUES (old.id); END",
    "CREATE TRIGGER offers_reindex_au AFTER UPDATE OF search_text, name_initials ON offers "
    "BEGIN INSERT INTO offers_reindex (offer_id) VALUES (old.id); END",
]


# 0007's index in the shop's file, for a downgrade (rebuilt from the offers).
FTS_0007 = [
    "CREATE VIRTUAL TABLE offers_fts USING fts5("
    "search_text, name_initials, content='offers', content_rowid='id', prefix='2 3 4', "
    "tokenize='unicode61 remove_diacritics 0')",
    "INSERT INTO offers_fts(offers_fts, rank) VALUES ('automerge', 0)",
    "INSERT INTO offers_fts(offers_fts, rank) VALUES ('crisismerge', 2000)",
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


def _drop_fts() -> None:
    for name in ("offers_fts_ad", "offers_fts_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS offers_fts")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    _drop_fts()
    for statement in UP:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in ("offers_reindex_ad", "offers_reindex_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS offers_reindex")
    op.execute("DROP TABLE IF EXISTS search_index")
    for statement in FTS_0007:
        op.execute(statement)
