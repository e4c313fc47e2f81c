"""Finding offers among a million by a few typed characters (SQLite), in a few milliseconds.

Each query is driven by an index that yields matches already in order, so the first page is
read and the rest never touched: Chinese words are phrases of one-character tokens in the FTS5
index (a trigram index cannot answer two characters), and a Latin word or a number is a prefix
of the pinyin initials or of a word of the name (FTS5, with prefix indexes), of the GTIN (the
index file's B-tree) or of the SKU (the shop's B-tree). The other words of the query, the
current-copy rule and the page's filters are checked on the rows the driver yields. Results
come in match order (relevance): sorting a million matches by a column is what an explicit sort
asks for, not what typing does.

The index lives in a file of its own (catalog/search_index.py), read on a connection of its
own: it yields offer ids in order, a chunk at a time, and the offers are read by id from the
shop's database. What the index does not cover yet (offers above its `indexed_to`, those
renamed or deleted since it read the log; all of them while a missing or damaged index is
rebuilt in the background) is found by scanning, so search is never wrong, only slower.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from shop_desk.catalog import search_index
from shop_desk.text import normalize, search_tokens

log = logging.getLogger(__name__)
FIRST_CHUNK = 200  # ids asked of the index at first; each further ask four times as many
MAX_CHUNK = 20_000
MAX_STALE = 50_000  # more ids logged but not yet re-indexed: the index is not used
REINDEX_TAIL = 20_000  # offers above what the index covers before a search asks a catch-up

COLUMNS = (
    "o.id, o.supplier_id, o.sku, o.gtin, o.name, o.category, o.pack_size, o.pack_name, "
    "o.tiers, o.price_fen, o.moq_packs, o.multiple_packs, o.available_packs, "
    "o.lead_time_days, o.new_since, o.first_seen, "
    "s.name AS supplier_name, s.lead_time_days AS supplier_lead"
)
CURRENT = (  # as the current_offers view (migration 0013; why the + there)
    "c.sequence IS NOT NULL AND +o.valid_from <= c.sequence AND NOT EXISTS "
    "(SELECT 1 FROM offer_closures x WHERE x.offer_id = o.id AND x.valid_to <= c.sequence)"
)


@dataclass
class Query:
    phrases: list[str]  # FTS5 phrases of Chinese (or mixed) words
    words: list[str]  # Latin words and numbers: prefixes
    spaced: list[str] = field(default_factory=list)  # each phrase's tokens, space-separated


def parse(term: str) -> Query:
    phrases, words, spaced = [], [], []
    for word in normalize(term).lower().split():
        tokens = search_tokens(word)
        if not tokens:
            continue
        if len(tokens) == 1 and tokens[0].isascii():
            words.append(tokens[0])
        else:
            phrases.append('search_text : "' + " ".join(tokens) + '"')
            spaced.append(" ".join(tokens))
    return Query(phrases, words, spaced)


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


def _phrase_check(spaced: str, key: str, params: dict) -> str:
    """A row's tokens hold the phrase (what the index's phrase query finds, by scanning)."""
    params[key] = "% " + _escape(spaced) + " %"
    return f"(' ' || o.search_text || ' ') LIKE :{key} ESCAPE '\\'"


def find(session: Session, term: str, filters: Filters, limit: int, offset: int) -> list:
    """Rows of current offers matching `term`, in match order."""
    query = parse(term)
    if not query.phrases and not query.words:
        return []
    wanted = offset + limit
    params: dict = {"n": wanted}
    index = open_index(session)
    if query.phrases:
        checks = [_word_check(w, f"w{i}", params) for i, w in enumerate(query.words)]
        checks += filters.sql(params)
        matched = [_phrase_check(p, f"p{i}", params) for i, p in enumerate(query.spaced)]
        fts = " AND ".join(query.phrases)
        rows = _indexed(session, index, _words(fts), matched, checks, params)
        return rows[offset:]
    first, rest = query.words[0], query.words[1:]
    checks = [_word_check(w, f"w{i}", params) for i, w in enumerate(rest)]
    checks += filters.sql(params)
    params.update(lo=first, hi=_after(first), up=first.upper(), uphi=_after(first.upper()))
    seen: set[int] = set()
    rows: list = []

    def add(found: list) -> bool:
        for row in found:
            if row.id not in seen:
                seen.add(row.id)
                rows.append(row)
        return len(rows) >= wanted

    # initials or a word of the name
    found = _indexed(
        session, index, _words(f'"{first}"*'), [_word_check(first, "f", params)], checks, params
    )
    if add(found):
        return rows[offset:wanted]
    if first.isdigit():
        gtin = ["o.gtin >= :lo AND o.gtin < :hi"]
        if add(_indexed(session, index, _gtins(first, _after(first)), gtin, checks, params)):
            return rows[offset:wanted]
    drivers = [_sku_driver(checks, "lo", "hi")]
    if first.upper() != first:
        drivers.append(_sku_driver(checks, "up", "uphi"))
    for sql in drivers:
        if add(_run(session, sql, params)):
            break
    return rows[offset:wanted]


def with_gtins(session: Session, codes: list[str], supplier_id: int) -> list:
    """(sku, pack_size, gtin) of a supplier's current offers whose GTIN is one of `codes`
    (the auto-link by barcode): through the index file's GTINs, and by scanning what it does
    not cover (everything while it is rebuilt)."""
    params = {"codes": json.dumps(codes), "supplier_id": supplier_id}
    index = open_index(session)
    if index is not None:
        try:
            ids = [
                r[0]
                for r in index.conn.execute(
                    _GTIN_IDS, (params["codes"], index.indexed_to) * len(search_index.GTIN_TABLES)
                )
            ]
        except sqlite3.DatabaseError as exc:
            log.warning("search index failed (%s): scanning", exc)
            index = None
    if index is None:
        return _run(
            session, _gtin_driver("o.gtin IN (SELECT value FROM json_each(:codes))"), params
        )
    stale = set(index.stale)
    params.update(
        ids=json.dumps([i for i in ids if i not in stale]),
        stale=json.dumps(index.stale),
        top=index.indexed_to,
    )
    coded = "o.gtin IN (SELECT value FROM json_each(:codes))"
    return (
        _run(session, _gtin_driver("o.id IN (SELECT value FROM json_each(:ids))"), params)
        + _run(session, _gtin_driver(f"o.id > :top AND {coded}"), params)
        + _run(
            session,
            _gtin_driver(f"o.id IN (SELECT value FROM json_each(:stale)) AND {coded}"),
            params,
        )
    )


def _gtin_driver(condition: str) -> str:
    return (
        "SELECT o.sku, o.pack_size, o.gtin FROM offers o "
        "JOIN catalog_sources c ON c.supplier_id = o.supplier_id "
        f"WHERE {condition} AND o.supplier_id = :supplier_id AND {CURRENT}"
    )


# ---- the index file -----------------------------------------------------------------------

_readers = threading.local()  # per thread: {index file: sqlite3 connection}


@dataclass
class IndexView:
    conn: sqlite3.Connection
    indexed_to: int  # offers up to this id are in the index, except
    stale: list[int]  # these (renamed or deleted since the index read the log)


def open_index(session: Session) -> IndexView | None:
    """The current index file, or None (then everything is scanned) while it is missing,
    damaged or far behind; a background thread then rebuilds it or catches it up."""
    shop = Path(session.get_bind().url.database)
    generation = session.execute(text("SELECT generation FROM search_index WHERE id = 1"))
    path = search_index.file_for(shop, generation.scalar() or 0)
    conns = getattr(_readers, "conns", None)
    if conns is None:
        conns = _readers.conns = {}
    for old in [p for p in conns if p.parent == path.parent and p != path]:
        conns.pop(old).close()  # an older generation: let it be deleted
    try:
        if not path.exists():
            raise search_index.IndexBroken("missing")
        conn = conns.get(path)
        if conn is None:
            conn = conns[path] = sqlite3.connect(path, check_same_thread=False)
        meta = search_index.read_meta(conn)
    except (search_index.IndexBroken, sqlite3.DatabaseError) as exc:
        _drop_reader(path)
        log.info("search index %s unusable (%s): scanning meanwhile", path, exc)
        search_index.rebuild_in_background(shop)
        return None
    stale = [
        r[0]
        for r in session.execute(
            text("SELECT offer_id FROM offers_reindex WHERE seq > :s LIMIT :n"),
            {"s": meta["logged_to"], "n": MAX_STALE + 1},
        )
    ]
    newest = session.execute(text("SELECT coalesce(max(id), 0) FROM offers")).scalar()
    if len(stale) > MAX_STALE or newest - meta["indexed_to"] > REINDEX_TAIL:
        search_index.rebuild_in_background(shop)  # a catch-up, unless the file is broken
    if len(stale) > MAX_STALE:
        return None
    return IndexView(conn, meta["indexed_to"], stale)


def _drop_reader(path: Path) -> None:
    conn = getattr(_readers, "conns", {}).pop(path, None)
    if conn is not None:
        conn.close()


def all_indexed(session: Session, fts: str) -> tuple[list[int], int, list[int]] | None:
    """Every id the index yields for `fts` (stale ones left out), the last id it covers and
    the stale ids; None without a usable index. For counting and sorting all matches."""
    index = open_index(session)
    if index is None:
        return None
    try:
        ids = _index_ids(index, fts, 0, -1)
    except sqlite3.DatabaseError:
        return None
    if index.stale:
        stale = set(index.stale)
        ids = [i for i in ids if i not in stale]
    return ids, index.indexed_to, index.stale


# What the index yields for a query: successive chunks of offer ids, in match order.
Chunks = Callable[[IndexView], Iterator[list[int]]]


def _words(fts: str) -> Chunks:
    """Offers whose words match the FTS5 expression, in id order."""

    def chunks(index: IndexView) -> Iterator[list[int]]:
        after, chunk = 0, FIRST_CHUNK
        while ids := _index_ids(index, fts, after, chunk):
            yield ids
            if len(ids) < chunk:
                return
            after, chunk = ids[-1], min(chunk * 4, MAX_CHUNK)

    return chunks


# The index file's offers with one of these GTINs, from each of its GTIN tables (the
# pending one by scanning: it is empty but during a large sync).
_GTIN_IDS = " UNION ALL ".join(
    f"SELECT id FROM {table} WHERE gtin IN (SELECT value FROM json_each(?)) AND id <= ?"
    for table in search_index.GTIN_TABLES
)
# The GTIN tables in GTIN order: SQLite merges the two B-trees' scans (MERGE (UNION ALL)),
# so a chunk reads no more than it returns; what is pending is scanned, and only the
# chunk's worth of it sorted.
_GTIN_AFTER = "(gtin, id) > (?, ?) AND gtin < ? AND id <= ?"
_GTIN_RANGE = (
    "".join(
        f"SELECT gtin, id FROM {table} WHERE {_GTIN_AFTER} UNION ALL "
        for table in search_index.SORTED_GTIN_TABLES
    )
    + "SELECT gtin, id FROM "
    f"(SELECT gtin, id FROM gtins_pending WHERE {_GTIN_AFTER} ORDER BY gtin, id LIMIT ?) "
    "ORDER BY 1, 2 LIMIT ?"
)


def _gtins(lo: str, hi: str) -> Chunks:
    """Offers whose GTIN is in [lo, hi), in GTIN order."""

    def chunks(index: IndexView) -> Iterator[list[int]]:
        after, chunk = (lo, -1), FIRST_CHUNK
        while found := index.conn.execute(
            _GTIN_RANGE,
            (*after, hi, index.indexed_to) * len(search_index.GTIN_TABLES) + (chunk, chunk),
        ).fetchall():
            yield [row[1] for row in found]
            if len(found) < chunk:
                return
            after, chunk = found[-1], min(chunk * 4, MAX_CHUNK)

    return chunks


def _index_ids(index: IndexView, fts: str, after: int, chunk: int) -> list[int]:
    return [
        r[0]
        for r in index.conn.execute(
            "SELECT rowid FROM offers_fts WHERE offers_fts MATCH ? AND rowid > ? "
            "AND rowid <= ? ORDER BY rowid LIMIT ?",
            (fts, after, index.indexed_to, chunk),
        )
    ]


def _indexed(
    session: Session,
    index: IndexView | None,
    chunks: Chunks,
    matched: list[str],
    checks: list[str],
    params: dict,
) -> list:
    """Rows the index yields in `chunks` (`matched`: the same as SQL conditions, for what the
    index does not cover, found after them in id order), up to params["n"]."""
    wanted = params["n"]
    rows: list = []
    scan_from = 0
    if index is not None:
        try:
            rows = _from_index(session, index, chunks, checks, params)
            scan_from = index.indexed_to
        except sqlite3.DatabaseError as exc:  # damaged while in use: scan, and rebuild
            log.warning("search index failed (%s): scanning", exc)
            _drop_reader(Path(session.get_bind().url.database))
            search_index.rebuild_in_background(Path(session.get_bind().url.database))
            rows = []
        if index.stale and len(rows) < wanted:
            params["stale"] = json.dumps(index.stale)
            rows += _run(session, _stale_driver(matched + checks), {**params, "n": wanted})
    if len(rows) < wanted:
        scan = {**params, "n": wanted - len(rows), "scan_from": scan_from}
        rows += _run(session, _scan_driver(matched + checks), scan)
    return rows[:wanted]


def _from_index(session, index: IndexView, chunks: Chunks, checks: list[str], params: dict):
    wanted = params["n"]
    if index.stale:
        checks = [*checks, "o.id NOT IN (SELECT value FROM json_each(:stale))"]
        params["stale"] = json.dumps(index.stale)
    rows: list = []
    for ids in chunks(index):
        found = {**params, "ids": json.dumps(ids), "n": wanted - len(rows)}
        rows += _run(session, _ids_driver(checks), found)
        if len(rows) >= wanted:
            break
    return rows


def _run(session: Session, sql: str, params: dict) -> list:
    return list(session.execute(text(sql), params))


def _where(conditions: list[str]) -> str:
    return " AND ".join([CURRENT, *conditions])


# Every driver fixes its join order (CROSS JOIN): statistics sampled by ANALYZE with a limit
# (db.engine.refresh_statistics, after a migration) can tell SQLite's planner that a supplier
# has a thousand offers, and it then read the whole supplier through its (supplier, SKU)
# index for what a range of ids or a list of them answers (1.5 ms, then 95).


def _ids_driver(checks: list[str]) -> str:
    """Offers by the ids the index yielded (in its order)."""
    return (
        f"SELECT {COLUMNS} FROM json_each(:ids) j "
        "CROSS JOIN offers o ON o.id = j.value "
        "JOIN catalog_sources c ON c.supplier_id = o.supplier_id "
        "CROSS JOIN suppliers s ON s.id = o.supplier_id "
        f"WHERE {_where(checks)} ORDER BY j.key LIMIT :n"
    )


def _stale_driver(conditions: list[str]) -> str:
    """Offers renamed or deleted since the index read the log, checked one by one."""
    return (
        f"SELECT {COLUMNS} FROM json_each(:stale) j "
        "CROSS JOIN offers o ON o.id = j.value "
        "JOIN catalog_sources c ON c.supplier_id = o.supplier_id "
        "CROSS JOIN suppliers s ON s.id = o.supplier_id "
        f"WHERE {_where(conditions)} ORDER BY o.id LIMIT :n"
    )


def _scan_driver(conditions: list[str]) -> str:
    """Offers above what the index covers (all of them without an index), scanned in order."""
    return (
        f"SELECT {COLUMNS} FROM offers o "
        "CROSS JOIN catalog_sources c ON c.supplier_id = o.supplier_id "
        "CROSS JOIN suppliers s ON s.id = o.supplier_id "
        f"WHERE o.id > :scan_from AND {_where(conditions)} ORDER BY o.id LIMIT :n"
    )


def _sku_driver(checks: list[str], lo: str, hi: str) -> str:
    # Through each source's (supplier, SKU) index: a handful of sources, each in SKU order.
    return (
        f"SELECT {COLUMNS} FROM catalog_sources c "
        "CROSS JOIN offers o ON o.supplier_id = c.supplier_id "
        "CROSS JOIN suppliers s ON s.id = o.supplier_id "
        f"WHERE o.sku >= :{lo} AND o.sku < :{hi} AND {_where(checks)} "
        "ORDER BY c.supplier_id, o.sku LIMIT :n"
    )
