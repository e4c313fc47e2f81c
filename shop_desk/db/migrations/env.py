"""Alembic environment: always handed a live connection by shop_desk.db.migrate."""

from alembic import context

from shop_desk.db.migrate import include_name
from shop_desk.db.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only the alembic CLI during development
    from sqlalchemy import create_engine

    url = context.config.get_main_option("sqlalchemy.url") or "sqlite:///dev.sqlite3"
    connection = create_engine(url).connect()


context.configure(
    connection=connection,
    include_name=include_name,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
