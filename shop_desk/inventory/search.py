"""Product search for the counter and the stock page.

One box takes a barcode (or its prefix), a short code, pinyin initials ("kkkl"), full pinyin
("kekou") or a name fragment of any length ("可乐", "红烧牛肉"):

- codes and pinyin are prefixes, each an index range read in index order (the shortest key,
  an exact "kkkl", first), all in one statement;
- name fragments come from product_grams (migration 0005): a one- or two-character fragment
  is one index range in the order of the names' length; a longer one walks the range of its
  rarest piece and keeps the names that hold the whole fragment;
- letters from the middle of a pinyin ("kele" in baishikele) use the FTS5 trigram index on
  SQLite (in id order: ranking every match cost 10 ms for a common word) and LIKE on
  PostgreSQL.

Statements are built once (building a union of subqueries costs more than running it) and run
on the session's connection with bound parameters.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import (
    Select,
    bindparam,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.orm import Session

from shop_desk.db.models import Barcode, Product, ProductGram
from shop_desk.text import normalize

# A piece found in more names than this is "common": counting stops there (the walk over the
# rarest piece then ends early anyway, because common pieces have many matches).
_COUNT_CAP = 2000
_MAX_PIECES = 8  # pieces of a long fragment whose frequency is compared
GRAMS = ProductGram.__table__.c


def matching_ids(session: Session, query: str, limit: int = 50) -> list[int]:
    """Ids of matching products, best first (exact codes, then prefixes, then fragments)."""
    term = normalize(query).lower()
    if not term:
        return []
    compact = term.replace(" ", "")
    conn = session.connection()
    ids = dict.fromkeys(_code_matches(conn, compact, limit))
    if len(ids) < limit:
        ids.update(dict.fromkeys(_name_fragment_ids(conn, term, limit)))
    if len(ids) < limit and compact.isascii() and len(compact) >= 3:
        stmt = _pinyin_infix_statement(conn.dialect.name)
        ids.update(dict.fromkeys(pid for (pid,) in conn.execute(stmt, _infix(compact, limit))))
    return list(ids)[:limit]


# ----------------------------------------------------------------------------- codes, prefixes


def _code_matches(conn, compact: str, limit: int) -> list[int]:
    shape = "digits" if compact.isdigit() else "ascii" if compact.isascii() else "other"
    upper = compact.upper()
    params = {"code": compact, "upper": upper, "limit": limit}
    if shape != "other":
        params |= {"low": compact, "high": _next(compact), "up_low": upper, "up_high": _next(upper)}
    return [pid for (pid,) in conn.execute(_code_statement(shape), params)]


def _next(prefix: str) -> str:
    """The smallest string above every string that starts with prefix."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


@cache
def _code_statement(shape: str) -> Select:
    arms = [
        select(Barcode.product_id, literal(0), Barcode.code).where(
            Barcode.code == bindparam("code")
        ),
        select(Product.id, literal(1), Product.short_code).where(
            Product.short_code == bindparam("upper")
        ),
    ]
    ranges = []
    if shape == "digits":
        ranges.append((Barcode.product_id, Barcode.code, "low", "high"))
    if shape != "other":
        ranges += [
            (Product.id, Product.name_initials, "low", "high"),
            (Product.id, Product.name_pinyin, "low", "high"),
            (Product.id, Product.short_code, "up_low", "up_high"),
        ]
    for group, (pid, column, low, high) in enumerate(ranges, start=2):
        arms.append(
            select(pid, literal(group), column)
            .where(column >= bindparam(low), column < bindparam(high))
            .order_by(column)
            .limit(bindparam("limit"))
        )
    both = union_all(*(select(*arm.subquery().c) for arm in arms)).subquery()
    return select(both.c[0]).order_by(both.c[1], both.c[2])


# ----------------------------------------------------------------------------- name fragments


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def name_grams(name: str) -> set[str]:
    """What the triggers of migration 0005 put in product_grams for a stored (normalised)
    name: its one- and two-character pieces without a space, lower case as SQLite's lower()
    makes it (ASCII only). Bulk loaders that fill the table themselves use this."""
    low = name.translate(_ASCII_LOWER)
    pieces = {low[i : i + n] for n in (1, 2) for i in range(len(low) - n + 1)}
    return {piece for piece in pieces if " " not in piece}


def pieces_of(term: str) -> list[str]:
    """The grams product_grams holds for a fragment: its two-character pieces without a space
    (or, for a lone character, the character), distinct, at most _MAX_PIECES spread over it."""
    pieces = list(dict.fromkeys(term[i : i + 2] for i in range(len(term) - 1)))
    pieces = [p for p in pieces if " " not in p] or [ch for ch in term if ch != " "]
    if len(pieces) > _MAX_PIECES:
        step = len(pieces) / _MAX_PIECES
        pieces = [pieces[int(i * step)] for i in range(_MAX_PIECES)]
    return pieces


def _name_fragment_ids(conn, term: str, limit: int) -> list[int]:
    """Products whose name holds `term`, shortest names first."""
    pieces = pieces_of(term)
    if not pieces:
        return []
    if pieces == [term]:  # one or two characters: the range itself is the answer
        rows = conn.execute(_GRAM_RANGE, {"gram": term, "limit": limit})
    else:
        piece = _rarest(conn, pieces)
        if piece is None:
            return []
        params = {"gram": piece, "like": _contains(term), "limit": limit}
        rows = conn.execute(_GRAM_WALK, params)
    return [pid for (pid,) in rows]


_GRAM_RANGE = (
    select(GRAMS.product_id)
    .where(GRAMS.gram == bindparam("gram"))
    .order_by(GRAMS.name_len, GRAMS.product_id)
    .limit(bindparam("limit"))
)
_GRAM_WALK = (
    select(GRAMS.product_id)
    .join(Product, Product.id == GRAMS.product_id)
    .where(
        GRAMS.gram == bindparam("gram"),
        func.lower(Product.name).like(bindparam("like"), escape="\\"),
    )
    .order_by(GRAMS.name_len, GRAMS.product_id)
    .limit(bindparam("limit"))
)


def _rarest(conn, pieces: list[str]) -> str | None:
    """The piece found in the fewest names (counted up to _COUNT_CAP); None if one is absent."""
    if len(pieces) == 1:
        return pieces[0]
    row = conn.execute(_count_statement(len(pieces)), {f"p{i}": p for i, p in enumerate(pieces)})
    count, piece = min(zip(row.one(), pieces, strict=True))
    return piece if count else None


@cache
def _count_statement(pieces: int) -> Select:
    counts = [
        select(func.count())
        .select_from(
            select(GRAMS.gram).where(GRAMS.gram == bindparam(f"p{i}")).limit(_COUNT_CAP).subquery()
        )
        .scalar_subquery()
        for i in range(pieces)
    ]
    return select(*counts)


# ----------------------------------------------------------------------------- pinyin infix


def _contains(term: str) -> str:
    """A LIKE pattern (escape character \\) for values holding term."""
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _infix(term: str, limit: int) -> dict:
    return {
        "fts": '{name_initials name_pinyin} : "' + term.replace('"', '""') + '"',
        "like": _contains(term),
        "limit": limit,
    }


@cache
def _pinyin_infix_statement(dialect: str) -> Select:
    """Initials or full pinyin holding the term anywhere (3+ letters)."""
    if dialect == "sqlite":
        return (
            select(literal_column("rowid"))
            .select_from(text("products_fts"))
            .where(text("products_fts MATCH :fts"))
            .limit(bindparam("limit"))
        )
    like = bindparam("like")
    return (
        select(Product.id)
        .where(
            or_(
                Product.name_initials.like(like, escape="\\"),
                Product.name_pinyin.like(like, escape="\\"),
            )
        )
        .order_by(func.length(Product.name), Product.id)
        .limit(bindparam("limit"))
    )


# ----------------------------------------------------------------------------- products


_LOAD = select(Product).where(Product.id.in_(bindparam("ids", expanding=True)))
_LOAD_ACTIVE = _LOAD.where(Product.active.is_(True))


def search_products(
    session: Session, query: str, limit: int = 50, include_archived: bool = False
) -> list[Product]:
    """Matching products, best first; archived ones only when asked for."""
    ids = matching_ids(session, query, limit * 2 if not include_archived else limit)
    found: list[Product] = []
    # Most products are active: load the first `limit` and only look further when some of
    # them were archived (loading rows costs more than finding them).
    for start in range(0, len(ids), limit):
        chunk = ids[start : start + limit]
        stmt = _LOAD if include_archived else _LOAD_ACTIVE
        by_id = {p.id: p for p in session.scalars(stmt, {"ids": chunk})}
        found += [by_id[i] for i in chunk if i in by_id]
        if len(found) >= limit:
            break
    return found[:limit]
