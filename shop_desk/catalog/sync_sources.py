"""Syncing several catalog sources in turn: the job the window runs (in a child process, see
catalog.sync_process) and the housekeeping after it."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select

from shop_desk.db.engine import Database
from shop_desk.db.models import CatalogSource
from shop_desk.errors import ShopDeskError
from shop_desk.progress import Progress

# [(source name, SyncOutcome or None, error message or "")]
Results = list[tuple[str, object, str]]


def targets(db: Database, source_ids: list[int] | None) -> list[tuple[int, str, str]]:
    """(id, name, kind) of the sources to sync: the given ones, or all active ones."""
    with db.session(write=False) as session:
        stmt = select(CatalogSource.id, CatalogSource.name, CatalogSource.kind).where(
            CatalogSource.active.is_(True)
        )
        if source_ids is not None:
            stmt = stmt.where(CatalogSource.id.in_(source_ids))
        return [tuple(row) for row in session.execute(stmt.order_by(CatalogSource.name))]


def sync_sources(db: Database, sources: list[tuple[int, str, str]], cancel) -> Iterator[Progress]:
    """A job: each (id, name, kind) in turn; one failing source does not stop the others.
    Returns Results. `cancel` is anything with is_set() (a threading or multiprocessing
    Event)."""
    from shop_desk.catalog.pricelist_source import sync_price_list
    from shop_desk.catalog.sync import sync_source

    results: Results = []
    for source_id, name, kind in sources:
        if cancel.is_set():
            break
        job = (
            sync_price_list(db, source_id, cancel=cancel)
            if kind == "pricelist"
            else sync_source(db, source_id, cancel=cancel)
        )
        try:
            outcome = yield from _relabel(job, name)
            results.append((name, outcome, ""))
        except ShopDeskError as exc:
            results.append((name, None, str(exc)))
    return results


def changed(outcome) -> bool:
    return outcome is not None and outcome.status != "unchanged"


def tidy_sources(db: Database, source_ids: list[int], cancel) -> None:
    from shop_desk.catalog.sync import tidy

    for source_id in source_ids:
        tidy(db, source_id, cancel=cancel)


def _relabel(job, name: str):
    try:
        while True:
            progress = next(job)
            yield Progress(progress.done, progress.total, f"{name}: {progress.message}")
    except StopIteration as stop:
        return stop.value
