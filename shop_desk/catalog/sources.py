"""Catalog sources the owner adds: a feed URL (with an optional token), a feed folder, or an
Excel/CSV price list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from shop_desk.db.models import (
    CatalogSource,
    Offer,
    OfferClosure,
    OfferPrice,
    ProductOfferLink,
    Supplier,
    SyncReport,
)
from shop_desk.errors import InputError, NotFoundError
from shop_desk.i18n import tr

KINDS = ("http", "folder", "pricelist")
PRICE_LIST_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".txt")


def guess_kind(location: str) -> str:
    if location.startswith(("http://", "https://")):
        return "http"
    path = Path(location).expanduser()
    if path.is_dir():
        return "folder"
    if path.suffix.lower() in PRICE_LIST_SUFFIXES:
        return "pricelist"
    raise InputError(
        tr(
            "{location} is neither a web address, a feed folder nor a price list.",
            location=location,
        )
    )


def _validate(kind: str, location: str) -> str:
    if kind == "http":
        if not location.startswith(("http://", "https://")):
            raise InputError(tr("A feed address must start with https:// or http://."))
        return location.strip()
    path = Path(location).expanduser().resolve()
    if kind == "folder" and not (path / "feed.json").is_file():
        raise InputError(tr("No feed.json in {folder}: is this a feed folder?", folder=path))
    if kind == "pricelist" and not path.is_file():
        raise InputError(tr("No such price list: {path}", path=path))
    return str(path)


def add_source(
    session: Session,
    location: str,
    *,
    name: str = "",
    kind: str | None = None,
    token: str | None = None,
) -> CatalogSource:
    kind = kind or guess_kind(location)
    if kind not in KINDS:
        raise InputError(tr("Unknown source kind: {kind}", kind=kind))
    location = _validate(kind, location)
    if session.scalar(select(CatalogSource).where(CatalogSource.location == location)):
        raise InputError(tr("This source is already added: {location}", location=location))
    source = CatalogSource(
        kind=kind, name=(name or _default_name(kind, location))[:200], location=location
    )
    session.add(source)
    session.flush()
    if token:
        if kind != "http":
            raise InputError(tr("Only a web feed takes a token."))
        from shop_desk.catalog.http_transport import set_token

        set_token(source.id, token)
    return source


def _default_name(kind: str, location: str) -> str:
    if kind == "http":
        from urllib.parse import urlsplit

        return urlsplit(location).netloc
    return Path(location).stem or location


def find_source(session: Session, key: str | int) -> CatalogSource:
    """By id, or by name (what the CLI's user types)."""
    source = None
    if isinstance(key, int) or str(key).isdigit():
        source = session.get(CatalogSource, int(key))
    if source is None:
        source = session.scalar(select(CatalogSource).where(CatalogSource.name == str(key)))
    if source is None:
        raise NotFoundError(tr("No catalog source called {name}.", name=key))
    return source


def remove_source(session: Session, key: str | int) -> str:
    """Remove a source and its local copy (offers, price history, links). Returns its name."""
    source = find_source(session, key)
    name, supplier_id = source.name, source.supplier_id
    session.execute(delete(SyncReport).where(SyncReport.source_id == source.id))
    if source.kind == "http":
        from shop_desk.catalog.http_transport import set_token

        set_token(source.id, None)
    session.delete(source)
    if supplier_id is not None:
        for model in (OfferClosure, Offer, OfferPrice, ProductOfferLink):
            session.execute(delete(model).where(model.supplier_id == supplier_id))
        session.execute(delete(Supplier).where(Supplier.id == supplier_id))
    return name


@dataclass
class SourceRow:
    id: int
    name: str
    kind: str
    location: str
    supplier: str | None
    sequence: int | None
    offers: int
    last_success_at: datetime | None
    last_error: str


def list_sources(session: Session) -> list[SourceRow]:
    counts = dict(
        session.execute(
            text("SELECT supplier_id, count(*) FROM current_offers GROUP BY supplier_id")
        ).all()
    )
    rows = session.execute(
        select(CatalogSource, Supplier.name)
        .outerjoin(Supplier, Supplier.id == CatalogSource.supplier_id)
        .order_by(CatalogSource.name)
    ).all()
    return [
        SourceRow(
            s.id,
            s.name,
            s.kind,
            s.location,
            supplier,
            s.sequence,
            counts.get(s.supplier_id, 0),
            s.last_success_at,
            s.last_error,
        )
        for s, supplier in rows
    ]


def offers_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(text("current_offers"))) or 0
