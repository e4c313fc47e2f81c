"""Reading the local copy of the catalogs: offers as of each source's checkpoint."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import (
    Select,
    and_,
    column,
    exists,
    false,
    func,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy.orm import Session

from shop_desk.catalog import search
from shop_desk.db.models import (
    CatalogSource,
    Offer,
    OfferPrice,
    Product,
    ProductOfferLink,
    Supplier,
)
from shop_desk.text import normalize

# The current_offers view (migration 0002), described for SQLAlchemy Core: the columns the
# view had when it was made (a PostgreSQL view keeps the columns of its creation).
_VIEW_COLUMNS = [c.name for c in Offer.__table__.columns if c.name not in ("search_text",)]
current_offers = table("current_offers", *(column(name) for name in _VIEW_COLUMNS))
CO = current_offers.c
SORT_KEYS = {
    "name": CO.name,
    "supplier": CO.supplier_id,
    "sku": CO.sku,
    "price": CO.price_fen,
    "pack": CO.pack_size,
    "available": CO.available_packs,
    "new": CO.new_since,
}


@dataclass
class OfferRow:
    supplier_id: int
    supplier: str
    sku: str
    gtin: str | None
    name: str
    category: str
    pack_size: int
    pack_name: str
    tiers: list[tuple[int, int]]
    moq_packs: int
    multiple_packs: int
    available_packs: int | None
    lead_time_days: int
    new_since: date | None
    first_seen: date
    price_fen: int
    linked_products: list[int] = field(default_factory=list)

    def as_json(self) -> dict:
        data = dict(self.__dict__)
        data["tiers"] = [{"min_packs": p, "unit_price_fen": f} for p, f in self.tiers]
        for key in ("new_since", "first_seen"):
            data[key] = data[key].isoformat() if data[key] else None
        return data


def _escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _query(term: str, dialect: str = "sqlite", session: Session | None = None) -> Select:
    """Current offers matching every word of `term` (any order; search.find is the fast
    first page on SQLite)."""
    stmt = select(
        current_offers,
        Supplier.name.label("supplier_name"),
        Supplier.lead_time_days.label("supplier_lead"),
    )
    stmt = stmt.join(Supplier, Supplier.id == CO.supplier_id)
    term = normalize(term).lower()
    if not term:
        return stmt
    if dialect == "sqlite" and session is not None:
        query = search.parse(term)
        for phrase, spaced in zip(query.phrases, query.spaced, strict=True):
            name = "%" + _escape(spaced.replace(" ", "")) + "%"
            scanned = func.lower(CO.name).like(name, escape="\\")
            stmt = stmt.where(_indexed_or(session, phrase, scanned))
        for word in query.words:
            prefix = _escape(word) + "%"
            scanned = or_(
                CO.name_initials.like(prefix, escape="\\"),
                func.lower(CO.name).like("%" + _escape(word) + "%", escape="\\"),
            )
            stmt = stmt.where(
                or_(
                    CO.gtin.like(prefix, escape="\\"),
                    CO.sku.like(prefix, escape="\\"),
                    _indexed_or(session, f'"{word}"*', scanned),
                )
            )
        return stmt
    like = "%" + _escape(term) + "%"
    prefix = _escape(term.replace(" ", "")) + "%"
    return stmt.where(
        or_(
            func.lower(CO.name).like(like, escape="\\"),
            CO.name_initials.like(prefix, escape="\\"),
            CO.gtin.like(prefix, escape="\\"),
            func.lower(CO.sku).like(prefix, escape="\\"),
        )
    )


def _indexed_or(session: Session, fts: str, scanned):
    """Offers the search index finds for `fts`, and, among those it does not cover, those
    matching `scanned` (a SQL condition: all of them while the index is being rebuilt)."""
    found = search.all_indexed(session, fts)
    if found is None:
        return scanned
    ids, indexed_to, stale = found
    return or_(
        CO.id.in_(_json_values(ids)),
        and_(or_(CO.id > indexed_to, CO.id.in_(_json_values(stale))), scanned),
    )


def _json_values(ids: list[int]):
    return select(literal_column("value")).select_from(
        func.json_each(json.dumps(ids)).table_valued("value")
    )


def search_offers(
    session: Session,
    query: str = "",
    *,
    source_id: int | None = None,
    linked: bool | None = None,
    new_within_days: int | None = None,
    limit: int = 100,
    offset: int = 0,
    today: date | None = None,
    sort: str | None = None,
    descending: bool = False,
) -> list[OfferRow]:
    """A page of current offers. Without `sort`, a query's matches come in match order (the
    fast way over a million offers) and the whole list by supplier and SKU."""
    dialect = _dialect(session)
    if sort is None and dialect == "sqlite" and normalize(query):
        since = _since(new_within_days, today)
        filters = search.Filters(source_id, linked, since)
        rows = search.find(session, query, filters, limit, offset)
    else:
        stmt = _query(query, dialect, session)
        stmt = _filtered(stmt, source_id, linked, new_within_days, today)
        if sort is None:
            stmt = stmt.order_by(CO.supplier_id, CO.sku)
        else:
            key = SORT_KEYS.get(sort, SORT_KEYS["name"])
            stmt = stmt.order_by(key.desc() if descending else key, CO.supplier_id, CO.sku)
        rows = session.execute(stmt.limit(limit).offset(offset)).all()
    links = _links(session, [(r.supplier_id, r.sku) for r in rows])
    return [_row(r, links.get((r.supplier_id, r.sku), [])) for r in rows]


def count_offers(
    session: Session,
    query: str = "",
    *,
    source_id: int | None = None,
    linked: bool | None = None,
    new_within_days: int | None = None,
    today: date | None = None,
) -> int:
    stmt = _query(query, _dialect(session), session)
    stmt = _filtered(stmt, source_id, linked, new_within_days, today)
    return session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _filtered(stmt: Select, source_id, linked, new_within_days, today) -> Select:
    if source_id is not None:
        stmt = stmt.join(CatalogSource, CatalogSource.supplier_id == CO.supplier_id).where(
            CatalogSource.id == source_id
        )
    is_linked = exists().where(
        ProductOfferLink.supplier_id == CO.supplier_id, ProductOfferLink.sku == CO.sku
    )
    if linked is True:
        stmt = stmt.where(is_linked)
    elif linked is False:
        stmt = stmt.where(~is_linked)
    since = _since(new_within_days, today)
    if since is not None:
        stmt = stmt.where(or_(CO.new_since >= since, CO.first_seen >= since))
    return stmt


def _since(new_within_days: int | None, today: date | None) -> date | None:
    if new_within_days is None:
        return None
    return (today or date.today()) - timedelta(days=new_within_days)


def _links(session: Session, keys: list[tuple[int, str]]) -> dict[tuple[int, str], list[int]]:
    if not keys:
        return {}
    out: dict[tuple[int, str], list[int]] = {}
    skus = {sku for _, sku in keys}
    for supplier_id, sku, product_id in session.execute(
        select(
            ProductOfferLink.supplier_id, ProductOfferLink.sku, ProductOfferLink.product_id
        ).where(ProductOfferLink.sku.in_(skus))
    ):
        out.setdefault((supplier_id, sku), []).append(product_id)
    return out


def _row(r, linked: list[int]) -> OfferRow:
    return OfferRow(
        supplier_id=r.supplier_id,
        supplier=r.supplier_name,
        sku=r.sku,
        gtin=r.gtin,
        name=r.name,
        category=r.category,
        pack_size=r.pack_size,
        pack_name=r.pack_name,
        tiers=[tuple(t) for t in json.loads(r.tiers)],
        moq_packs=r.moq_packs,
        multiple_packs=r.multiple_packs,
        available_packs=r.available_packs,
        lead_time_days=r.lead_time_days if r.lead_time_days is not None else r.supplier_lead,
        new_since=_as_date(r.new_since),
        first_seen=_as_date(r.first_seen),
        price_fen=r.price_fen,
        linked_products=linked,
    )


def _as_date(value) -> date | None:
    # SQLite hands a view's DATE columns back as text.
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


@dataclass
class PriceDrop:
    product_id: int
    product: str
    supplier: str
    sku: str
    day: date
    previous_fen: int
    price_fen: int
    units_per_pack: int
    last_cost_per_pack_fen: int

    @property
    def saving_per_pack_fen(self) -> int:
        """Against what the shop last paid, per pack (or the previous price, if never)."""
        base = self.last_cost_per_pack_fen or self.previous_fen
        return base - self.price_fen


def price_drops(
    session: Session, *, within_days: int = 30, today: date | None = None
) -> list[PriceDrop]:
    """Offers for the shop's own products whose price fell within the last days."""
    since = (today or date.today()) - timedelta(days=within_days)
    checkpoint = (
        select(CatalogSource.sequence)
        .where(CatalogSource.supplier_id == OfferPrice.supplier_id)
        .scalar_subquery()
    )
    rows = session.execute(
        select(
            OfferPrice,
            Product.id,
            Product.name,
            Product.last_cost_fen,
            Supplier.name,
            ProductOfferLink.units_per_pack,
        )
        .join(
            ProductOfferLink,
            (ProductOfferLink.supplier_id == OfferPrice.supplier_id)
            & (ProductOfferLink.sku == OfferPrice.sku),
        )
        .join(Product, Product.id == ProductOfferLink.product_id)
        .join(Supplier, Supplier.id == OfferPrice.supplier_id)
        .where(
            OfferPrice.day >= since,
            OfferPrice.sequence <= checkpoint,
            OfferPrice.price_fen < OfferPrice.previous_fen,
        )
        .order_by(OfferPrice.day.desc(), OfferPrice.id.desc())
    ).all()
    seen: set[tuple[int, str]] = set()
    drops = []
    for price, pid, pname, last_cost, supplier, per_pack in rows:
        if (pid, price.sku) in seen:
            continue
        seen.add((pid, price.sku))
        drops.append(
            PriceDrop(
                pid,
                pname,
                supplier,
                price.sku,
                price.day,
                price.previous_fen,
                price.price_fen,
                per_pack,
                last_cost * per_pack,
            )
        )
    return drops


def top_categories(
    session: Session, *, days: int = 90, limit: int = 5, today: date | None = None
) -> list[str]:
    """The shop's best-selling product categories by revenue over the last days (top level,
    the part before '/')."""
    from shop_desk.db.models import DailySummary

    since = (today or date.today()) - timedelta(days=days)
    rows = session.execute(
        select(Product.category, func.sum(DailySummary.revenue_fen))
        .join(DailySummary, DailySummary.product_id == Product.id)
        .where(DailySummary.day >= since, Product.category != "")
        .group_by(Product.category)
    ).all()
    totals: dict[str, int] = {}
    for category, revenue in rows:
        top = category.split("/")[0]
        totals[top] = totals.get(top, 0) + int(revenue or 0)
    return [c for c, _ in sorted(totals.items(), key=lambda kv: -kv[1])][:limit]


def new_arrivals(
    session: Session, *, within_days: int = 30, limit: int = 100, today: date | None = None
) -> list[OfferRow]:
    """New offers (by new_since, or first seen here) in the categories the shop sells most."""
    today = today or date.today()
    since = today - timedelta(days=within_days)
    categories = top_categories(session, today=today)
    # Everything is "first seen" on a supplier's first sync: only later sightings are new.
    # Each supplier's first day is read once: as a subquery of each row it read the whole
    # supplier again per row (a million-offer catalog never answered).
    first_days = session.execute(
        select(Offer.supplier_id, func.min(Offer.first_seen)).group_by(Offer.supplier_id)
    ).all()
    seen_later = or_(
        false(), *((CO.supplier_id == s) & (CO.first_seen > day) for s, day in first_days)
    )
    stmt = _query("").where(or_(CO.new_since >= since, (CO.first_seen >= since) & seen_later))
    if categories:
        stmt = stmt.where(
            or_(*(CO.category.like(_escape(c) + "%", escape="\\") for c in categories))
        )
    stmt = stmt.order_by(CO.new_since.desc(), CO.first_seen.desc(), CO.name).limit(limit)
    rows = session.execute(stmt).all()
    links = _links(session, [(r.supplier_id, r.sku) for r in rows])
    return [_row(r, links.get((r.supplier_id, r.sku), [])) for r in rows]
