"""Try a database address before this PC switches to it (Settings > Database).

Connects with a short timeout, says what it found (server version, whether the database
already holds a shop) and turns the usual failures into sentences: wrong password, no server
at that address, no such database.
"""

from __future__ import annotations

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from shop_desk.errors import InputError, StorageError
from shop_desk.i18n import tr

CONNECT_TIMEOUT_S = 5


def check_connection(url: str) -> str:
    """A sentence describing the database at url; StorageError / InputError if unusable."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise InputError(tr("This is not a database address.")) from exc
    if parsed.get_backend_name() != "postgresql":
        raise InputError(tr("Only a PostgreSQL server can be shared by several counters."))
    engine = create_engine(
        url, connect_args={"connect_timeout": CONNECT_TIMEOUT_S}, pool_pre_ping=False
    )
    try:
        with engine.connect() as conn:
            version = conn.execute(text("SHOW server_version")).scalar()
            has_shop = inspect(conn).has_table("alembic_version")
            revision = products = None
            if has_shop:
                revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
                products = conn.execute(text("SELECT count(*) FROM products")).scalar()
    except DBAPIError as exc:
        raise StorageError(explain(exc, parsed)) from exc
    finally:
        engine.dispose()
    found = tr("Connected to PostgreSQL {version}.", version=str(version).split(" ")[0])
    if not has_shop:
        return found + " " + tr("The database is empty: Shop Desk creates its tables there.")
    return (
        found
        + " "
        + tr(
            "It holds a shop: {products} products (schema {revision}).",
            products=products,
            revision=revision,
        )
    )


def explain(exc: DBAPIError, url) -> str:
    message = str(getattr(exc, "orig", exc))
    lower = message.lower()
    where = f"{url.host or 'localhost'}:{url.port or 5432}"
    if "password authentication failed" in lower or "no password supplied" in lower:
        return tr("The server refused the user name or password ({user}).", user=url.username)
    if f'database "{url.database}" does not exist' in lower:
        return tr(
            "The server at {where} has no database named {name}. Create it first.",
            where=where,
            name=url.database,
        )
    if any(w in lower for w in ("could not connect", "connection refused", "timeout", "resolve")):
        return tr(
            "No PostgreSQL server answers at {where}. Check the address, that the server PC "
            "is on, and that its firewall lets port {port} through.",
            where=where,
            port=url.port or 5432,
        )
    return tr("The database reported an error: {detail}", detail=message.strip()[:300])
