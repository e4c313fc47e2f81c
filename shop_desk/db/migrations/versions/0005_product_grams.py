"""product name grams: name fragments of any length as index ranges, shortest names first

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# product_grams holds every one- and two-character piece of each name (lower case, pieces
# with a space left out) with the name's length. Its key (gram, name_len, product_id) makes a
# two-character fragment such as 可乐 one index range that returns the shortest names first
# (the trigram index cannot answer two characters; LIKE '%可乐%' read all 100,000 names), and
# a longer fragment walks the range of its rarest piece (shop_desk.inventory.search).
# Triggers keep it in step whoever writes products: the ORM, the importer, bulk loaders.

# The pieces of {row}.name: (gram) rows, distinct.
_SQLITE_PIECES = (
    "SELECT DISTINCT substr(lower({row}.name), seq.i, w.n) AS gram FROM "
    "(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s "
    "WHERE i < length({row}.name)) SELECT i FROM s) AS seq, "
    "(SELECT 1 AS n UNION ALL SELECT 2) AS w "
    "WHERE seq.i + w.n - 1 <= length({row}.name) "
    "AND instr(substr({row}.name, seq.i, w.n), ' ') = 0"
)
_SQLITE_ADD = (
    "INSERT OR IGNORE INTO product_grams (gram, name_len, product_id) "
    "SELECT gram, length(new.name), new.id FROM (" + _SQLITE_PIECES.format(row="new") + ");"
)
_SQLITE_REMOVE = (
    "DELETE FROM product_grams WHERE product_id = old.id AND name_len = length(old.name) "
    "AND gram IN (" + _SQLITE_PIECES.format(row="old") + ");"
)
SQLITE_TRIGGERS = [
    f"CREATE TRIGGER product_grams_ai AFTER INSERT ON products BEGIN {_SQLITE_ADD} END",
    f"CREATE TRIGGER product_grams_ad AFTER DELETE ON products BEGIN {_SQLITE_REMOVE} END",
    "CREATE TRIGGER product_grams_au AFTER UPDATE OF name ON products "
    f"WHEN old.name IS NOT new.name BEGIN {_SQLITE_REMOVE} {_SQLITE_ADD} END",
]
SQLITE_FILL = (
    "INSERT OR IGNORE INTO product_grams (gram, name_len, product_id) "
    "WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq "
    "WHERE i < (SELECT coalesce(max(length(name)), 0) FROM products)) "
    "SELECT substr(lower(p.name), seq.i, w.n), length(p.name), p.id "
    "FROM products AS p JOIN seq ON seq.i <= length(p.name) "
    "JOIN (SELECT 1 AS n UNION ALL SELECT 2) AS w ON seq.i + w.n - 1 <= length(p.name) "
    "WHERE instr(substr(p.name, seq.i, w.n), ' ') = 0 ORDER BY 1, 2, 3"
)

_PG_PIECES = (
    "SELECT DISTINCT substr(lower({row}.name), i, n) FROM generate_series(1, length({row}.name)) "
    "AS i, (VALUES (1), (2)) AS w(n) WHERE i + n - 1 <= length({row}.name) "
    "AND strpos(substr({row}.name, i, n), ' ') = 0"
)
PG_FUNCTION = (
    "CREATE FUNCTION product_grams_sync() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "IF TG_OP <> 'INSERT' THEN "
    "DELETE FROM product_grams WHERE product_id = OLD.id AND name_len = length(OLD.name) "
    "AND gram IN (" + _PG_PIECES.format(row="OLD") + "); END IF; "
    "IF TG_OP <> 'DELETE' THEN "
    "INSERT INTO product_grams (gram, name_len, product_id) "
    "SELECT g, length(NEW.name), NEW.id FROM (" + _PG_PIECES.format(row="NEW") + ") AS p(g) "
    "ON CONFLICT DO NOTHING; END IF; "
    "RETURN NULL; END $$"
)
PG_TRIGGERS = [
    "CREATE TRIGGER product_grams_aid AFTER INSERT OR DELETE ON products "
    "FOR EACH ROW EXECUTE FUNCTION product_grams_sync()",
    "CREATE TRIGGER product_grams_au AFTER UPDATE OF name ON products "
    "FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) "
    "EXECUTE FUNCTION product_grams_sync()",
]
PG_FILL = (
    "INSERT INTO product_grams (gram, name_len, product_id) "
    "SELECT DISTINCT substr(lower(p.name), i, n), length(p.name), p.id FROM products AS p, "
    "generate_series(1, length(p.name)) AS i, (VALUES (1), (2)) AS w(n) "
    "WHERE i + n - 1 <= length(p.name) AND strpos(substr(p.name, i, n), ' ') = 0"
)


def upgrade() -> None:
    op.create_table(
        "product_grams",
        sa.Column("gram", sa.String(length=2), nullable=False),
        sa.Column("name_len", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("gram", "name_len", "product_id"),
        sqlite_with_rowid=False,
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute(SQLITE_FILL)
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)
    else:
        op.execute(PG_FILL)
        op.execute(PG_FUNCTION)
        for statement in PG_TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("product_grams_ai", "product_grams_ad", "product_grams_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        for name in ("product_grams_aid", "product_grams_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON products")
        op.execute("DROP FUNCTION IF EXISTS product_grams_sync()")
    op.drop_table("product_grams")
