"""A price list (Excel/CSV) as a catalog source: each sync reads the whole list and applies it
like a feed snapshot at the next local sequence number, so the same staging, switch, price
history and links serve both."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

from shop_desk.catalog import apply
from shop_desk.catalog.files import sha256_file
from shop_desk.catalog.manifest import SupplierInfo
from shop_desk.catalog.pricelist import read_price_list, read_supplier, supplier_file_for
from shop_desk.catalog.sync import (
    SyncOutcome,
    _save_report,
    apply_sequence,
    records_as_batches,
    recover,
)
from shop_desk.clock import utcnow
from shop_desk.db.engine import Database
from shop_desk.db.locks import exclusive_job
from shop_desk.db.models import CatalogSource
from shop_desk.errors import InputError, NotFoundError
from shop_desk.i18n import tr
from shop_desk.progress import Progress


def _supplier_for(source: CatalogSource, path: Path) -> SupplierInfo:
    details = supplier_file_for(path)
    if details is not None:
        return read_supplier(details)
    return SupplierInfo(code=f"pricelist-{source.id}", name=source.name)


@exclusive_job("catalog-sync")
def sync_price_list(
    db: Database, source_id: int, *, cancel: threading.Event | None = None
) -> Iterator[Progress]:
    cancel = cancel or threading.Event()
    with db.session() as session:
        source = session.get(CatalogSource, source_id)
        if source is None:
            raise NotFoundError(tr("Catalog source {id} does not exist.", id=source_id))
        source.last_attempt_at = utcnow()
        path = Path(source.location)
        checkpoint, etag = source.sequence, source.etag
    outcome = SyncOutcome(source_id, "unchanged", checkpoint, checkpoint)
    yield Progress(0, 0, tr("Reading the price list…"))
    try:
        if not path.is_file():
            raise InputError(tr("No such price list: {path}", path=path))
        digest = sha256_file(path)
        if digest == etag and checkpoint is not None:
            return outcome  # the same file as last time: nothing to do
        price_list = read_price_list(path)
        price_list.raise_if_bad()
        with db.session() as session:
            source = session.get(CatalogSource, source_id)
            supplier = apply.upsert_supplier(session, source, _supplier_for(source, path))
            supplier_id = supplier.id
        recover(db, supplier_id, checkpoint)
        sequence = (checkpoint or 0) + 1
        yield Progress(1, 3, tr("Downloading and applying…"))
        parsed = (("upsert", record) for record in price_list.records)
        apply_sequence(
            db,
            source_id,
            supplier_id,
            sequence,
            records_as_batches(parsed),
            snapshot=True,
            etag=digest,
            cancel=cancel,
            outcome=outcome,
        )
        outcome.status, outcome.to_sequence, outcome.files = "updated", sequence, 1
        outcome.links = apply.auto_link(db, supplier_id)
    except InputError as exc:
        with db.session() as session:
            session.get(CatalogSource, source_id).last_error = str(exc)[:2000]
        _save_report(db, outcome, "failed", str(exc))
        raise
    _save_report(db, outcome, outcome.status, "")
    yield Progress(3, 3, "")
    return outcome
