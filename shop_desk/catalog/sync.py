"""Keeping one catalog source in step: the client behaviour of docs/CATALOG_FEED.md.

sync_source() is a job (a generator of Progress returning a SyncOutcome): the GUI runs it in a
worker with a progress bar, the CLI prints a progress line, tests just run it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import tempfile
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from shop_desk.catalog import apply, bulk, search_index
from shop_desk.catalog.collector import collector_paused
from shop_desk.catalog.decode import row_of
from shop_desk.catalog.manifest import FeedFile, Manifest, parse_manifest
from shop_desk.catalog.parsing import decoded_batches
from shop_desk.catalog.row_image import RowImage, pairs_of
from shop_desk.catalog.source_state import (
    SourceState,
    SyncOutcome,
    confirm,
    quick_unchanged,
    read_state,
)
from shop_desk.catalog.transport import Cancelled, FolderTransport, Transport, size_error
from shop_desk.clock import shop_day, utcnow
from shop_desk.db.engine import Database, storage_error
from shop_desk.db.locks import exclusive_job
from shop_desk.db.models import CatalogSource, SyncReport
from shop_desk.errors import InputError, StorageError
from shop_desk.i18n import tr
from shop_desk.progress import Progress

log = logging.getLogger(__name__)
BATCH = 5_000
# A change file's records are staged together, up to this many, in SKU order: its blocks,
# each sorted alone, would sweep the offers' indexes once per block, rewriting most of their
# pages each time (a 10,000-record file: three sweeps, a quarter more pages written). Not
# more: progress and a cancel are seen between two such batches.
MERGE_CHANGES = 20_000
# Up to this many staged offers, the search index catches up while the switch is written:
# until it has, searches scan those offers, which is quick at this size. A larger file is
# indexed first, so that its offers appear with a search as fast as ever.
INDEX_BESIDE_SWITCH = 100_000
MAX_REJECTS_KEPT = 1_000
# A line of a feed is small; anything this much larger than the compressed file is a bomb.
MAX_INFLATE_RATIO = 200
MIN_INFLATE_LIMIT = 64 << 20


def make_transport(source: CatalogSource | SourceState) -> Transport:
    if source.kind == "folder":
        return FolderTransport(Path(source.location))
    if source.kind == "http":
        from shop_desk.catalog.http_transport import HttpTransport

        return HttpTransport(source.location, source_id=source.id)
    raise InputError(tr("Source {name} is not a feed.", name=source.name))


@exclusive_job("catalog-sync")  # one sync at a time, also across installations
def sync_source(
    db: Database,
    source_id: int,
    *,
    cancel: threading.Event | None = None,
    transport: Transport | None = None,
    work_dir: Path | None = None,
) -> Iterator[Progress]:
    cancel = cancel or threading.Event()
    source = read_state(db, source_id)
    checkpoint, etag, confirmed = source.sequence, source.etag, source.last_success_at
    outcome = SyncOutcome(source_id, "unchanged", checkpoint, checkpoint)
    yield Progress(0, 0, tr("Checking for updates…"))
    if transport is None and quick_unchanged(db, source):
        return outcome
    transport = transport or make_transport(source)
    try:
        raw, new_etag = transport.get_manifest(etag if checkpoint is not None else None)
        if raw is None:
            confirm(db, source_id, confirmed)
            return outcome
        manifest = parse_manifest(raw)
        supplier_id = _prepare(db, source_id, manifest)
        files, is_snapshot = manifest.plan(checkpoint)
        total = sum(f.bytes for f in files)
        done = 0
        for index, feed_file in enumerate(files):
            last = index == len(files) - 1
            for progress in _sync_file(
                db,
                source_id,
                supplier_id,
                transport,
                feed_file,
                snapshot=is_snapshot and index == 0,
                etag=new_etag if last else None,
                cancel=cancel,
                outcome=outcome,
                work_dir=work_dir,
            ):
                yield Progress(done + progress, total, tr("Downloading and applying…"))
            done += feed_file.bytes
            outcome.files += 1
            outcome.to_sequence = feed_file.sequence
            outcome.status = "updated"
        if not files:
            with db.session() as session:
                apply.switch(session, source_id, manifest.sequence, new_etag)
        outcome.links = apply.auto_link(db, supplier_id)
    except Cancelled:
        outcome.status = "cancelled"
    except InputError as exc:
        _remember_failure(db, source_id, str(exc))
        _save_report(db, outcome, "failed", str(exc))
        raise
    if outcome.status != "unchanged":
        _save_report(db, outcome, outcome.status, "")
    return outcome


def _prepare(db: Database, source_id: int, manifest: Manifest) -> int:
    with db.session() as session:
        source = session.get(CatalogSource, source_id)
        source.last_attempt_at = utcnow()
        supplier = apply.upsert_supplier(session, source, manifest.supplier)
        supplier_id, checkpoint = supplier.id, source.sequence
    tidy(db, source_id)  # what an earlier sync left, if nobody tidied after it
    recover(db, supplier_id, checkpoint)
    return supplier_id


def tidy(db: Database, source_id: int, *, cancel: threading.Event | None = None) -> None:
    """Housekeeping after a sync, once the owner has the new copy: delete the rows no reader
    can see any more, in short transactions, and take them out of the search index. The GUI
    and the CLI run it after reporting a sync; what a cancel leaves, the next one does."""
    with db.engine.connect() as conn:
        row = conn.execute(
            select(CatalogSource.supplier_id, CatalogSource.sequence).where(
                CatalogSource.id == source_id
            )
        ).first()
    if row is None or row.supplier_id is None or row.sequence is None:
        return
    if db.is_sqlite:
        with bulk.bulk_writer(db) as writer:
            bulk.purge(writer, row.supplier_id, row.sequence, cancel)
            writer.checkpoint()  # what the sync left in the WAL
        if update_search_index(db, cancel):
            search_index.forget_logged(db)
            search_index.compact(search_index.shop_path(db))
        return
    while cancel is None or not cancel.is_set():
        with db.session() as session:
            if not apply.purge(session, row.supplier_id, row.sequence):
                break


def update_search_index(db: Database, cancel: threading.Event | None = None) -> bool:
    """Bring the offers' search index up to date (SQLite). A failure does not fail the sync:
    search checks what the index lacks by scanning, and the next sync or search retries."""
    if not db.is_sqlite:
        return False
    try:
        search_index.update(search_index.shop_path(db), cancel=cancel)
    except Cancelled:
        raise
    except (StorageError, sqlite3.Error, OSError) as exc:
        log.warning("the search index was not updated: %s", exc)
        return False
    return True


def recover(db: Database, supplier_id: int, checkpoint: int | None) -> None:
    """Clear what an interrupted sync staged and did not switch in."""
    if db.is_sqlite:
        with bulk.bulk_writer(db) as writer:
            bulk.recover(writer, supplier_id, checkpoint)
    else:
        with db.session() as session:
            apply.recover(session, supplier_id, checkpoint)


def _sync_file(
    db,
    source_id,
    supplier_id,
    transport,
    feed_file: FeedFile,
    *,
    snapshot,
    etag,
    cancel,
    outcome: SyncOutcome,
    work_dir,
) -> Iterator[int]:
    downloads = work_dir or Path(tempfile.gettempdir()) / "shop-desk-downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    # Named by content hash: a download broken off (cancel, crash, network) resumes next time.
    path = downloads / f"{feed_file.sha256}.part"
    try:
        received = [0]

        def on_bytes(n: int) -> None:
            received[0] += n

        transport.fetch(feed_file, path, on_bytes, cancel)
        _verify(path, feed_file)
        half = feed_file.bytes // 2  # progress: downloading is the first half, applying the rest
        yield half
        limit = max(MIN_INFLATE_LIMIT, feed_file.bytes * MAX_INFLATE_RATIO)
        batches = decoded_batches(
            path, limit, snapshot=snapshot, size=feed_file.bytes, cancel=cancel
        )
        expected = max(feed_file.records or 0, 1)
        with closing(batches), collector_paused():
            for staged in stage_sequence(
                db,
                source_id,
                supplier_id,
                feed_file.sequence,
                _reported(batches, feed_file.path, outcome),
                snapshot=snapshot,
                etag=etag,
                cancel=cancel,
                outcome=outcome,
            ):
                yield half + (feed_file.bytes - half) * min(staged, expected) // expected
        yield feed_file.bytes
    except InputError:
        _discard(path)  # a bad file is fetched afresh next time
        raise
    _discard(path)


def _discard(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.with_name(path.name + ".etag").unlink(missing_ok=True)


def _reported(batches, path: str, outcome: SyncOutcome) -> Iterator[list]:
    """The pairs of each decoded batch; its rejected lines go to the sync report."""
    for pairs, rejects in batches:
        for line_no, why in rejects:
            _reject(outcome, path, line_no, why)
        yield pairs


def records_as_batches(parsed, size: int = BATCH) -> Iterator[list]:
    """("upsert", OfferRecord) / ("delete", sku) items as batches of (sku, row or None)."""
    batch: list = []
    for op, value in parsed:
        batch.append((value, None) if op == "delete" else (value.sku, row_of(value)))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def apply_sequence(db, source_id, supplier_id, sequence, batches, **kw) -> None:
    """stage_sequence, run to its end."""
    for _ in stage_sequence(db, source_id, supplier_id, sequence, batches, **kw):
        pass


def stage_sequence(
    db, source_id, supplier_id, sequence, batches, *, snapshot, etag, cancel, outcome: SyncOutcome
) -> Iterator[int]:
    """Stage batches of (sku, row or None) at `sequence` in short transactions, then switch
    them in at once. Yields the number of records staged so far, batch by batch."""
    today = shop_day(utcnow())
    if db.is_sqlite:
        yield from _stage_sqlite(
            db, source_id, supplier_id, sequence, batches, snapshot, etag, cancel, today, outcome
        )
        return
    staged = 0
    for rows in batches:
        if cancel.is_set():
            raise Cancelled
        pairs = pairs_of(rows)
        with db.session() as session:
            result = apply.stage_batch(
                session, supplier_id, sequence, apply.group_rows(pairs), today
            )
        _count(outcome, result)
        staged += len(pairs)
        yield staged
    with db.session() as session:
        if snapshot:
            outcome.deletes += apply.close_missing(session, supplier_id, sequence)
        apply.switch(session, source_id, sequence, etag)


def _stage_sqlite(
    db, source_id, supplier_id, sequence, batches, snapshot, etag, cancel, today, outcome
) -> Iterator[int]:
    staged = 0
    follower = search_index.Follower(search_index.shop_path(db), cancel)
    with bulk.bulk_writer(db) as writer, closing_follower(follower):
        fresh = not bulk.has_offers(writer, supplier_id)
        if not snapshot and not fresh:  # fresh rows are staged as they come (images too)
            batches = merged(batches, MERGE_CHANGES)
        for rows in batches:
            if cancel.is_set():
                raise Cancelled
            if not snapshot:  # staged in one call: the follower looks for itself (once
                follower.poll()  # decoded: looking sooner only takes the decoder's CPU)
            if isinstance(rows, RowImage):  # fresh: nothing to look up, copied as it is
                result = bulk.stage_image(writer, supplier_id, sequence, rows, today)
            else:
                ops = apply.group_rows(rows)
                result = bulk.stage(writer, supplier_id, sequence, ops, today, fresh=fresh)
            _count(outcome, result)
            staged += len(rows)
            follower.staged(len(rows))
            yield staged
        follower.finish()
        if snapshot and not fresh:
            outcome.deletes += bulk.close_missing(writer, supplier_id, sequence, cancel)
        writer.commit()
        # The index is another file: catching it up holds no lock of the shop's.
        if staged <= INDEX_BESIDE_SWITCH:
            with indexing_beside(db, cancel):
                bulk.switch(writer, source_id, sequence, etag)
        else:
            update_search_index(db, cancel)
            bulk.switch(writer, source_id, sequence, etag)


def merged(batches: Iterator[list], limit: int) -> Iterator[list]:
    """Consecutive batches joined into lists of at least `limit` pairs (the last may be
    shorter), file order kept."""
    joined: list = []
    for rows in batches:
        joined.extend(pairs_of(rows))
        if len(joined) >= limit:
            yield joined
            joined = []
    if joined:
        yield joined


@contextmanager
def indexing_beside(db: Database, cancel: threading.Event) -> Iterator[None]:
    """Catch the search index up in a thread while the body (the switch) runs: the switch
    mostly waits for the disk, the catch-up mostly computes, and SQLite lets go of the
    interpreter lock for both. A cancel stops the catch-up; once the file is switched in it
    is applied, so the sync does not call itself cancelled for it (searches scan what the
    index lacks, and the next search or sync catches up)."""
    thread = threading.Thread(
        target=_index_quietly, args=(db, cancel), daemon=True, name="search-beside"
    )
    thread.start()
    try:
        yield
    finally:
        thread.join()


def _index_quietly(db: Database, cancel: threading.Event) -> None:
    with suppress(Cancelled):  # update_search_index logs any other failure
        update_search_index(db, cancel)


@contextmanager
def closing_follower(follower: search_index.Follower) -> Iterator[None]:
    try:
        yield
    finally:
        follower.finish()


def _count(outcome: SyncOutcome, result) -> None:
    outcome.upserts += result.upserts
    outcome.deletes += result.deletes
    outcome.price_changes += result.price_changes


def _verify(path: Path, feed_file: FeedFile) -> None:
    size = path.stat().st_size
    if size > feed_file.bytes:
        raise size_error(feed_file.path)
    if size < feed_file.bytes:
        raise InputError(
            tr("The feed file {path} arrived incomplete (refused).", path=feed_file.path)
        )
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 16):
            digest.update(block)
    if digest.hexdigest() != feed_file.sha256:
        raise InputError(
            tr("The feed file {path} does not match its checksum (refused).", path=feed_file.path)
        )


def _reject(outcome: SyncOutcome, path: str, line: int, why: str) -> None:
    outcome.rejected_count += 1
    if len(outcome.rejected) < MAX_REJECTS_KEPT:
        outcome.rejected.append({"file": path, "line": line, "why": why})


def _remember_failure(db: Database, source_id: int, message: str) -> None:
    with db.session() as session:
        source = session.get(CatalogSource, source_id)
        source.last_error = message[:2000]
        source.last_attempt_at = utcnow()


def _save_report(db: Database, outcome: SyncOutcome, status: str, message: str) -> None:
    with _report_session(db) as session:
        session.add(
            SyncReport(
                source_id=outcome.source_id,
                finished_at=utcnow(),
                status=status,
                from_sequence=outcome.from_sequence,
                to_sequence=outcome.to_sequence,
                files=outcome.files,
                upserts=outcome.upserts,
                deletes=outcome.deletes,
                price_changes=outcome.price_changes,
                rejected=outcome.rejected_count,
                details=json.dumps(outcome.rejected, ensure_ascii=False),
                message=message,
            )
        )


@contextmanager
def _report_session(db: Database) -> Iterator[Session]:
    """A write session for the sync's report. On SQLite it commits without waiting for the
    disk (synchronous=NORMAL; the next durable commit or checkpoint makes it durable: a
    report lost in a power cut costs the shop nothing) and without copying the sync's WAL
    back (the tidying after the sync does): either cost an incremental sync up to half a
    second on a busy disk."""
    if not db.is_sqlite:
        with db.session() as session:
            yield session
        return
    with db.gate.write(), db.engine.connect() as conn:
        driver = conn.connection.driver_connection
        autocheckpoint = driver.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        driver.execute("PRAGMA synchronous=NORMAL")  # before the transaction begins
        driver.execute("PRAGMA wal_autocheckpoint=0")
        try:
            with Session(bind=conn.execution_options(sqlite_immediate=True)) as session:
                yield session
                session.commit()
        except OperationalError as exc:
            raise storage_error(exc) from exc
        finally:
            driver.execute("PRAGMA synchronous=FULL")
            driver.execute(f"PRAGMA wal_autocheckpoint={int(autocheckpoint)}")
    if db.checkpointer is not None:
        db.checkpointer.note_commit()


def latest_report(db: Database, source_id: int) -> SyncReport | None:
    with db.session(write=False) as session:
        return session.scalar(
            select(SyncReport)
            .where(SyncReport.source_id == source_id)
            .order_by(SyncReport.id.desc())
        )
