"""Finding offers among a million by a few typed characters (SQLite), in a few milliseconds.

Each query is driven by an index that yields matches already in order, so the first page is
read and the rest never touched: Chinese words are phrases of one-character tokens in the FTS5
index (a trigram index cannot answer two characters), and a Latin word or a number is a prefix
of the pinyin initials or of a word of the name (FTS5, with prefix indexes), of the GTIN or of
the SKU (B-tree range scans). The other words of the query, the current-copy rule and the
page's filters are checked on the rows the driver yields. Results come in match order
(relevance): sorting a million matches by a column is what an explicit sort asks for, not
what typing does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import Session

from shop_desk.text import normalize, search_tokens

COLUMNS = (
    "o.id, o.supplier_id, o.sku, o.gtin, o.name, o.category, o.pack_size, o.pack_name, "
    "o.tiers, o.price_fen, o.moq_packs, o.multiple_packs, o.available_packs, "
    "o.lead_time_days, o.new_since, o.first_seen, "
    "s.name AS supplier_name, s.lead_time_days AS supplier_lead"
)
CURRENT = (
    "c.sequence IS NOT NULL AND o.valid_from <= c.sequence "
    "AND (o.valid_to IS NULL OR o.valid_to > c.sequence)"
)


@dataclass
class Query:
    phrases: list[str]  # FTS5 phrases of Chinese (or mixed) words
    words: list[str]  # Latin words and numbers: prefixes


def parse(term: str) -> Query:
    phrases, words = [], []
    for word in normalize(term).lower().split():
        tokens = search_tokens(word)
        if not tokens:
            continue
        if len(tokens) == 1 and tokens[0].isascii():
            words.append(tokens[0])
        else:
            phrases.append('search_text : "' + " ".join(tokens) + '"')
    return Query(phrases, words)


@dataclass
class Filters:
    source_id: int | None = None
    linked: bool | None = None
    since: date | None = None  # new since (offer's new_since or first seen here)

    def sql(self, params: dict) -> list[str]:
        out = []
        if self.source_id is not None:
            out.append("c.id = :source_id")
            params["source_id"] = self.source_id
        if self.linked is not None:
            exists = (
                "EXISTS (SELECT 1 FROM product_offer_links l "
                "WHERE l.supplier_id = o.supplier_id AND l.sku = o.sku)"
            )
            out.append(exists if self.linked else "NOT " + exists)
        if self.since is not None:
            out.append("(o.new_since >= :since OR o.first_seen >= :since)")
            params["since"] = self.since.isoformat()
        return out


def _escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _word_check(word: str, key: str, params: dict) -> str:
    """A row matches a Latin word: a prefix of its initials, GTIN, SKU or a word of its name."""
    params[key] = _escape(word) + "%"
    params[key + "w"] = "% " + _escape(word) + "%"
    return (
        f"(o.name_initials LIKE :{key} ESCAPE '\\' OR o.gtin LIKE :{key} ESCAPE '\\' "
        f"OR o.sku LIKE :{key} ESCAPE '\\' OR (' ' || o.search_text) LIKE :{key}w ESCAPE '\\')"
    )


def _after(prefix: str) -> str:
    """The smallest string greater than every string starting with `prefix`."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def find(session: Session, term: str, filters: Filters, limit: int, offset: int) -> list:
    """Rows of current offers matching `term`, in match order."""
    query = parse(term)
    if not query.phrases and not query.words:
        return []
    wanted = offset + limit
    params: dict = {"n": wanted}
    if query.phrases:
        checks = [_word_check(w, f"w{i}", params) for i, w in enumerate(query.words)]
        params["fts"] = " AND ".join(query.phrases)
        rows = _run(session, _fts_driver(checks + filters.sql(params)), params)
        return rows[offset:]
    first, rest = query.words[0], query.words[1:]
    checks = [_word_check(w, f"w{i}", params) for i, w in enumerate(rest)]
    checks += filters.sql(params)
    params.update(lo=first, hi=_after(first), up=first.upper(), uphi=_after(first.upper()))
    params["fts"] = f'"{first}"*'
    drivers = [_fts_driver(checks)]  # initials or a word of the name
    if first.isdigit():
        drivers.append(_range_driver("o.gtin", "ix_offers_gtin", checks))
    drivers.append(_sku_driver(checks, "lo", "hi"))
    if first.upper() != first:
        drivers.append(_sku_driver(checks, "up", "uphi"))
    seen: set[int] = set()
    rows: list = []
    for sql in drivers:
        for row in _run(session, sql, params):
            if row.id not in seen:
                seen.add(row.id)
                rows.append(row)
        if len(rows) >= wanted:
            break
    return rows[offset:wanted]


def _run(session: Session, sql: str, params: dict) -> list:
    return list(session.execute(text(sql), params))


def _where(conditions: list[str]) -> str:
    return " AND ".join([CURRENT, *conditions])


def _fts_driver(checks: list[str]) -> str:
    return (
        f"SELECT {COLUMNS} FROM offers_fts f "
        "CROSS JOIN offers o ON o.id = f.rowid "
        "JOIN catalog_sources c ON c.supplier_id = o.supplier_id "
        "JOIN suppliers s ON s.id = o.supplier_id "
        f"WHERE f.offers_fts MATCH :fts AND {_where(checks)} ORDER BY f.rowid LIMIT :n"
    )


def _range_driver(column: str, index: str, checks: list[str]) -> str:
    return (
        f"SELECT {COLUMNS} FROM offers o INDEXED BY {index} "
        "CROSS JOIN catalog_sources c ON c.supplier_id = o.supplier_id "
        "JOIN suppliers s ON s.id = o.supplier_id "
        f"WHERE {column} >= :lo AND {column} < :hi AND {_where(checks)} "
        f"ORDER BY {column}, o.id LIMIT :n"
    )


def _sku_driver(checks: list[str], lo: str, hi: str) -> str:
    # Through each source's (supplier, SKU) index: a handful of sources, each in SKU order.
    return (
        f"SELECT {COLUMNS} FROM catalog_sources c "
        "CROSS JOIN offers o ON o.supplier_id = c.supplier_id "
        "JOIN suppliers s ON s.id = o.supplier_id "
        f"WHERE o.sku >= :{lo} AND o.sku < :{hi} AND {_where(checks)} "
        "ORDER BY c.supplier_id, o.sku LIMIT :n"
    )
