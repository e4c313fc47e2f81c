"""Product search for the counter and the stock page.

One box takes a barcode (or its prefix), a short code, pinyin initials ("kkkl"), full pinyin
("kekou") or a name fragment ("可乐"). On SQLite, fragments of three or more characters use
the FTS5 trigram index; shorter ones use LIKE, which is fast enough on a shop's products.
"""

from __future__ import annotations

from sqlalchemy import Select, func, literal_column, or_, select, text
from sqlalchemy.orm import Session

from shop_desk.db.models import Barcode, Product
from shop_desk.text import normalize


def _like_escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _prefix(column, prefix: str) -> tuple:
    """column starts with prefix, as a range an index can serve."""
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return column >= prefix, column < upper


def _fts_query(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def matching_ids(session: Session, query: str, limit: int = 50) -> list[int]:
    """Ids of matching products, best first (exact codes, then prefixes, then fragments)."""
    term = normalize(query).lower()
    if not term:
        return []
    ids: list[int] = []

    def take(stmt: Select) -> None:
        for (pid,) in session.execute(stmt.limit(limit)):
            if pid not in ids:
                ids.append(pid)

    compact = term.replace(" ", "")
    take(select(Barcode.product_id).where(Barcode.code == compact))
    take(select(Product.id).where(Product.short_code == compact.upper()))
    if compact.isdigit():
        take(
            select(Barcode.product_id).where(*_prefix(Barcode.code, compact)).order_by(Barcode.code)
        )
    if compact.isascii():
        # One index range scan per column, in index order: the shortest key (an exact
        # "kkkl") comes first and LIMIT stops early. LIKE 'p%' could use no index here.
        for column in (Product.name_initials, Product.name_pinyin):
            take(select(Product.id).where(*_prefix(column, compact)).order_by(column))
        upper = compact.upper()
        take(select(Product.id).where(*_prefix(Product.short_code, upper)))
    if len(ids) < limit:
        take(_fragment_query(session, term))
    return ids[:limit]


def _fragment_query(session: Session, term: str) -> Select:
    if session.get_bind().dialect.name == "sqlite" and len(term) >= 3:
        return (
            select(literal_column("rowid"))
            .select_from(text("products_fts"))
            .where(text("products_fts MATCH :q").bindparams(q=_fts_query(term)))
            .order_by(text("rank"))
        )
    like = "%" + _like_escape(term) + "%"
    return (
        select(Product.id)
        .where(
            or_(
                Product.name.like(like, escape="\\"),
                Product.name_initials.like(like, escape="\\"),
                Product.name_pinyin.like(like, escape="\\"),
            )
        )
        .order_by(func.length(Product.name), Product.id)
    )


def search_products(
    session: Session, query: str, limit: int = 50, include_archived: bool = False
) -> list[Product]:
    ids = matching_ids(session, query, limit * 2 if not include_archived else limit)
    if not ids:
        return []
    stmt = select(Product).where(Product.id.in_(ids))
    if not include_archived:
        stmt = stmt.where(Product.active.is_(True))
    by_id = {p.id: p for p in session.scalars(stmt)}
    return [by_id[i] for i in ids if i in by_id][:limit]
