"""A catalog source's sync state, read and confirmed cheaply: the part of a sync the window
runs itself (an unchanged web feed is answered without starting a sync process), so it
imports nothing heavy (no parsing, no NumPy: importing those on a thread of the window holds
its interpreter lock for a visible moment)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from shop_desk.catalog import quick_check
from shop_desk.catalog.feed_tokens import token_for
from shop_desk.clock import utcnow
from shop_desk.db.engine import Database
from shop_desk.db.models import CatalogSource
from shop_desk.errors import NotFoundError
from shop_desk.i18n import tr

# An unchanged feed refreshes the copy's age at most this often (the age is shown in minutes).
CONFIRM_EVERY = timedelta(minutes=10)


@dataclass
class SyncOutcome:
    source_id: int
    status: str  # "unchanged", "updated", "cancelled"
    from_sequence: int | None
    to_sequence: int | None
    files: int = 0
    upserts: int = 0
    deletes: int = 0
    price_changes: int = 0
    links: int = 0
    rejected: list[dict] = field(default_factory=list)
    rejected_count: int = 0


def unchanged_quickly(db: Database, source_id: int) -> SyncOutcome | None:
    """sync_source's fast path alone: the outcome when a web feed answers that nothing is new
    (the usual case), else None. The window asks this before starting a sync process."""
    source = read_state(db, source_id)
    if quick_unchanged(db, source):
        return SyncOutcome(source_id, "unchanged", source.sequence, source.sequence)
    return None


def quick_unchanged(db: Database, source: SourceState) -> bool:
    if (
        source.kind == "http"
        and source.sequence is not None
        and quick_check.unchanged(source.location, source.etag, lambda: token_for(source.id))
    ):
        confirm(db, source.id, source.last_success_at)
        return True
    return False


@dataclass
class SourceState:
    id: int
    name: str
    kind: str
    location: str
    sequence: int | None
    etag: str | None
    last_success_at: datetime | None


def read_state(db: Database, source_id: int) -> SourceState:
    """The source's state in one plain read: when nothing changed, this is most of the work
    (no ORM session, nothing written)."""
    with db.engine.connect() as conn:
        row = conn.exec_driver_sql(
            "SELECT id, name, kind, location, sequence, etag, last_success_at "
            "FROM catalog_sources WHERE id = " + ("?" if db.is_sqlite else "%(id)s"),
            (source_id,) if db.is_sqlite else {"id": source_id},
        ).first()
    if row is None:
        raise NotFoundError(tr("Catalog source {id} does not exist.", id=source_id))
    confirmed = row[6]
    if isinstance(confirmed, str):  # SQLite hands back text
        confirmed = datetime.fromisoformat(confirmed)
    return SourceState(*row[:6], confirmed)


def confirm(db: Database, source_id: int, confirmed) -> None:
    """The copy is current: refresh the age the owner sees only when it would show stale, so
    checking an unchanged feed, the usual case, writes nothing."""
    now = utcnow()
    if confirmed is not None and now - confirmed < CONFIRM_EVERY:
        return
    with db.session() as session:
        source = session.get(CatalogSource, source_id)
        source.last_success_at = source.last_attempt_at = now
        source.last_error = ""
