"""Alembic, run in-process. Imported only when the schema is behind (start-up stays fast)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy.engine import Connection

from shop_desk.errors import StorageError
from shop_desk.i18n import tr

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


# The search index's bookkeeping in the shop's file (SQLite only, migration 0011).
BY_HAND = {"search_index", "offers_reindex"}
# Indexes one dialect has and the other not: PostgreSQL's GTIN index (SQLite's GTIN look-up is
# in the search file since 0012).
DIALECT_INDEXES = {"ix_offers_gtin"}


def include_name(name: str | None, type_: str, _parent_names: object) -> bool:
    """FTS5 tables and their shadow tables, and the search index's bookkeeping, are made by
    hand in migrations, not by models."""
    if type_ == "index":
        return name not in DIALECT_INDEXES
    return not (type_ == "table" and name and ("_fts" in name or name in BY_HAND))


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade_to_head(connection: Connection) -> None:
    try:
        command.upgrade(alembic_config(connection), "head")
    except CommandError as exc:  # a revision this program does not know: made by a newer one
        raise StorageError(
            tr(
                "This shop's data was written by a newer version of Shop Desk ({detail}). "
                "Install the newer version; your data was not changed.",
                detail=str(exc)[:200],
            )
        ) from exc


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""
