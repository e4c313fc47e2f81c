"""Applying feed records to the local copy, so that each file becomes visible at once.

Offer rows are versioned by feed sequence (see db.models.Offer). Applying file N:
  1. recover(): clear what an interrupted sync staged beyond the checkpoint;
  2. stage_batch() per batch, each its own short transaction: new rows valid_from=N
     (invisible), rows they replace closed at N (still visible: the checkpoint is < N);
  3. close_missing() for a snapshot: rows it lacks are closed at N;
  4. switch(): the checkpoint becomes N in one tiny transaction: the whole file appears;
  5. purge(): rows closed at or before the checkpoint are deleted, in batches.
A crash between any two steps leaves the copy exactly at the old or the new sequence.

Rows are plain tuples (decode.ROW_COLUMNS). On SQLite a BulkWriter stages them with
executemany on one connection, in transactions of a few tens of milliseconds that give way to
the shop's own writes (db.gate), so a checkout never waits long on a sync. The Session
functions below serve PostgreSQL and small jobs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, exists, insert, literal, or_, select, text, update
from sqlalchemy.orm import Session

from shop_desk.catalog import search
from shop_desk.catalog.decode import PRICE, ROW_COLUMNS, group_rows, row_of
from shop_desk.catalog.manifest import SupplierInfo
from shop_desk.catalog.records import OfferRecord
from shop_desk.clock import utcnow
from shop_desk.db.engine import Database
from shop_desk.db.models import (
    Barcode,
    CatalogSource,
    Offer,
    OfferClosure,
    OfferPrice,
    Product,
    ProductOfferLink,
    Supplier,
)

OFFERS = Offer.__table__
CLOSURES = OfferClosure.__table__
PRICES = OfferPrice.__table__


@dataclass
class BatchResult:
    upserts: int = 0
    deletes: int = 0
    price_changes: int = 0


def upsert_supplier(session: Session, source: CatalogSource, info: SupplierInfo) -> Supplier:
    """Create or refresh the supplier block a manifest (or price list) describes."""
    supplier = session.get(Supplier, source.supplier_id) if source.supplier_id else None
    if supplier is None:
        supplier = session.scalar(select(Supplier).where(Supplier.code == info.code))
    if supplier is None:
        supplier = Supplier(code=info.code, name=info.name)
        session.add(supplier)
    supplier.name = info.name
    supplier.currency = info.currency
    supplier.lead_time_days = info.lead_time_days
    supplier.shipping_fee_fen = info.shipping_fee_fen
    supplier.free_over_fen = info.free_over_fen
    supplier.member_tiers = json.dumps([t.__dict__ for t in info.member_tiers], ensure_ascii=False)
    supplier.mixed_min_amount_fen = info.mixed_min_amount_fen
    supplier.mixed_min_units = info.mixed_min_units
    supplier.orders_url = info.orders_url
    session.flush()
    source.supplier_id = supplier.id
    return supplier


def recover(session: Session, supplier_id: int, checkpoint: int | None) -> None:
    """Forget what a sync staged beyond the checkpoint and did not switch in."""
    seen = checkpoint if checkpoint is not None else -1
    session.execute(
        delete(CLOSURES).where(CLOSURES.c.supplier_id == supplier_id, CLOSURES.c.valid_to > seen)
    )
    session.execute(
        delete(OFFERS).where(OFFERS.c.supplier_id == supplier_id, OFFERS.c.valid_from > seen)
    )
    session.execute(
        delete(PRICES).where(PRICES.c.supplier_id == supplier_id, PRICES.c.sequence > seen)
    )


def _row_dict(supplier_id: int, sequence: int, row: tuple, first_seen: date) -> dict:
    values = dict(zip(ROW_COLUMNS, row, strict=True))
    if values["new_since"] is not None:
        values["new_since"] = date.fromisoformat(values["new_since"])
    values["dropship"] = bool(values["dropship"])
    values.update(supplier_id=supplier_id, valid_from=sequence)
    values["first_seen"] = first_seen
    return values


def stage_batch(
    session: Session,
    supplier_id: int,
    sequence: int,
    ops: dict[str, tuple | None],
    today: date,
) -> BatchResult:
    """Stage one batch of a file at `sequence`: {sku: row to upsert, or None to delete}.

    Later batches of the same file may restate a SKU: its staged row is then replaced.
    (Any database; catalog.bulk does the same on SQLite with plain tuples.)
    """
    result = BatchResult()
    if not ops:
        return result
    skus = list(ops)
    rows = session.execute(  # each SKU's open row, or the one an earlier batch closed
        select(
            OFFERS.c.id,
            OFFERS.c.sku,
            OFFERS.c.valid_from,
            OFFERS.c.price_fen,
            OFFERS.c.first_seen,
            CLOSURES.c.valid_to,
        )
        .outerjoin(CLOSURES, CLOSURES.c.offer_id == OFFERS.c.id)
        .where(
            OFFERS.c.supplier_id == supplier_id,
            OFFERS.c.sku.in_(skus),
            or_(CLOSURES.c.valid_to.is_(None), CLOSURES.c.valid_to == sequence),
        )
    ).all()
    before = {r.sku: r for r in rows if r.valid_from < sequence}
    restaged = [r.id for r in rows if r.valid_from == sequence]
    if restaged:
        session.execute(delete(OFFERS).where(OFFERS.c.id.in_(restaged)))
        session.execute(
            delete(PRICES).where(
                PRICES.c.supplier_id == supplier_id,
                PRICES.c.sequence == sequence,
                PRICES.c.sku.in_(skus),
            )
        )
    to_close = [r.id for r in before.values() if r.valid_to is None]
    if to_close:
        session.execute(
            insert(CLOSURES),
            [{"offer_id": i, "supplier_id": supplier_id, "valid_to": sequence} for i in to_close],
        )
    new_rows, prices = [], []
    for sku, row in ops.items():
        old = before.get(sku)
        if row is None:
            result.deletes += 1
            continue
        result.upserts += 1
        new_rows.append(_row_dict(supplier_id, sequence, row, old.first_seen if old else today))
        if old is not None and old.price_fen != row[PRICE]:
            prices.append(
                {
                    "supplier_id": supplier_id,
                    "sku": sku,
                    "sequence": sequence,
                    "day": today,
                    "price_fen": row[PRICE],
                    "previous_fen": old.price_fen,
                }
            )
    if new_rows:
        session.execute(insert(OFFERS), new_rows)
    if prices:
        session.execute(insert(PRICES), prices)
        result.price_changes = len(prices)
    return result


def has_offers(session: Session, supplier_id: int) -> bool:
    return (
        session.scalar(select(OFFERS.c.id).where(OFFERS.c.supplier_id == supplier_id).limit(1))
        is not None
    )


def close_missing(session: Session, supplier_id: int, sequence: int) -> int:
    """After a snapshot is staged: what it lacks stops being current at `sequence`."""
    still_open = select(OFFERS.c.id, OFFERS.c.supplier_id, literal(sequence)).where(
        OFFERS.c.supplier_id == supplier_id,
        OFFERS.c.valid_from < sequence,
        ~exists().where(CLOSURES.c.offer_id == OFFERS.c.id),
    )
    # RETURNING counts: psycopg's rowcount of an INSERT ... SELECT that adds nothing is -1.
    closed = session.execute(
        insert(CLOSURES)
        .from_select(["offer_id", "supplier_id", "valid_to"], still_open)
        .returning(CLOSURES.c.offer_id)
    )
    return len(closed.all())


def switch(session: Session, source_id: int, sequence: int, etag: str | None = None) -> None:
    """The one short transaction that makes a staged file the current copy."""
    values: dict = {"sequence": sequence, "last_success_at": utcnow(), "last_error": ""}
    if etag is not None:
        values["etag"] = etag
    session.execute(update(CatalogSource).where(CatalogSource.id == source_id).values(**values))


def purge(session: Session, supplier_id: int, checkpoint: int, limit: int = 20_000) -> int:
    """Delete up to `limit` rows no reader can see any more, with their closures. Returns
    how many went."""
    ids = session.scalars(
        select(CLOSURES.c.offer_id)
        .where(CLOSURES.c.supplier_id == supplier_id, CLOSURES.c.valid_to <= checkpoint)
        .limit(limit)
    ).all()
    if ids:
        session.execute(delete(CLOSURES).where(CLOSURES.c.offer_id.in_(ids)))
        session.execute(delete(OFFERS).where(OFFERS.c.id.in_(ids)))
    return len(ids)


def auto_link(db: Database, supplier_id: int) -> int:
    """Link current offers to products whose barcode equals the offer's GTIN (idempotent).

    pack_size is base units per pack (CATALOG_FEED.md), whichever barcode the GTIN matched.
    The matching is a read; only the new links take the write lock.
    """
    with db.session(write=False) as session:
        # From the shop's barcodes to the offers' GTIN index: a few thousand look-ups, never
        # a pass over a million offers.
        if db.is_sqlite:
            pairs = _gtin_pairs_sqlite(session, supplier_id)
        else:
            pairs = session.execute(_GTIN_MATCHES, {"supplier_id": supplier_id}).all()
        existing = set(
            session.execute(
                select(ProductOfferLink.product_id, ProductOfferLink.sku).where(
                    ProductOfferLink.supplier_id == supplier_id
                )
            ).all()
        )
    new = {}
    for product_id, sku, pack_size in pairs:
        if (product_id, sku) not in existing:
            new.setdefault((product_id, sku), pack_size)
    added = 0
    if not new:
        return added
    with db.session() as session:
        linked = set(  # again inside the write: a link set by hand meanwhile stands
            session.execute(
                select(ProductOfferLink.product_id, ProductOfferLink.sku).where(
                    ProductOfferLink.supplier_id == supplier_id
                )
            ).all()
        )
        for (product_id, sku), pack_size in new.items():
            if (product_id, sku) in linked:
                continue
            session.add(
                ProductOfferLink(
                    product_id=product_id,
                    supplier_id=supplier_id,
                    sku=sku,
                    units_per_pack=pack_size,
                    auto=True,
                )
            )
            added += 1
    return added


def _gtin_pairs_sqlite(session: Session, supplier_id: int) -> list[tuple[int, str, int]]:
    """(product, SKU, pack size) by barcode = GTIN, through the search file's GTINs (on
    SQLite the offers' GTINs have no index in the shop's file: catalog/search_index.py)."""
    products_by_code: dict[str, list[int]] = {}
    for product_id, code in session.execute(
        select(Barcode.product_id, Barcode.code).join(Product, Product.id == Barcode.product_id)
    ):
        products_by_code.setdefault(code, []).append(product_id)
    if not products_by_code:
        return []
    offers = search.with_gtins(session, list(products_by_code), supplier_id)
    return [
        (product_id, sku, pack_size)
        for sku, pack_size, gtin in offers
        for product_id in products_by_code[gtin]
    ]


_GTIN_MATCHES = text(  # PostgreSQL: its index on offers.gtin
    "SELECT b.product_id, o.sku, o.pack_size FROM barcodes b "
    "JOIN products p ON p.id = b.product_id "
    "JOIN offers o ON o.gtin = b.code AND o.supplier_id = :supplier_id "
    "JOIN catalog_sources c ON c.supplier_id = o.supplier_id "
    "WHERE c.sequence IS NOT NULL AND +o.valid_from <= c.sequence AND NOT EXISTS "
    "(SELECT 1 FROM offer_closures x WHERE x.offer_id = o.id AND x.valid_to <= c.sequence)"
)


def group_ops(batch: Iterable[tuple[str, OfferRecord | str]]) -> dict[str, tuple | None]:
    """Parsed records in file order -> {sku: row of its last state, or None if deleted}."""
    return group_rows(
        (value, None) if op == "delete" else (value.sku, row_of(value)) for op, value in batch
    )
