"""Checking the offers' search index file against the shop's offers (SQLite)."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from shop_desk.catalog import search_index


def indexed_offers(db) -> dict[int, str]:
    """{offer id: its indexed text and GTIN} of the current index file, after checking that
    the FTS5 index holds exactly the words of `indexed` and the GTIN tables its GTINs."""
    shop = search_index.shop_path(db)
    with closing(sqlite3.connect(shop)) as conn:
        path = search_index.file_for(shop, search_index.generation(conn))
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("INSERT INTO offers_fts(offers_fts) VALUES ('integrity-check')")
        both = " UNION ALL ".join(
            f"SELECT id, gtin FROM {table}" for table in search_index.GTIN_TABLES
        )
        twice = conn.execute(f"SELECT id FROM ({both}) GROUP BY id HAVING count(*) > 1")
        assert not twice.fetchall(), "offers with a GTIN in two tables"
        by_id = conn.execute(
            "SELECT id, gtin FROM indexed WHERE gtin IS NOT NULL ORDER BY id"
        ).fetchall()
        assert by_id == conn.execute(f"{both} ORDER BY id").fetchall(), "GTINs differ"
        rows = conn.execute(
            "SELECT id, search_text || '|' || name_initials || '|' || coalesce(gtin, '') "
            "FROM indexed"
        )
        indexed = dict(rows.fetchall())
        assert _fts_words(conn) == _words_of_indexed(conn), "FTS5 words differ"
        return indexed


def _fts_words(conn: sqlite3.Connection) -> list[tuple]:
    """Every (offer, column, word, position) the contentless FTS5 index holds."""
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.words USING fts5vocab(main, offers_fts, instance)"
    )
    return sorted(conn.execute("SELECT doc, col, term, offset FROM temp.words").fetchall())


def _words_of_indexed(conn: sqlite3.Connection) -> list[tuple]:
    """The same, from `indexed`: search_text is its words apart by spaces, the initials
    one word (text.py makes them so)."""
    words = []
    for offer, tokens, initials in conn.execute(
        "SELECT id, search_text, name_initials FROM indexed"
    ):
        words += [(offer, "search_text", w, i) for i, w in enumerate(tokens.split())]
        if initials:
            words.append((offer, "name_initials", initials, 0))
    return sorted(words)


def indexed_to(db) -> int:
    """The current index file's `indexed_to`: offers up to this id are indexed."""
    shop = search_index.shop_path(db)
    with closing(sqlite3.connect(shop)) as conn:
        path = search_index.file_for(shop, search_index.generation(conn))
    with closing(sqlite3.connect(path)) as conn:
        return search_index.read_meta(conn)["indexed_to"]


def assert_index_matches_offers(db) -> None:
    """Once brought up to date, the index holds every offer row exactly as it is."""
    if not db.is_sqlite:
        return
    shop = search_index.shop_path(db)
    search_index.update(shop)
    with closing(sqlite3.connect(shop)) as conn:
        offers = dict(
            conn.execute(
                "SELECT id, search_text || '|' || name_initials || '|' || coalesce(gtin, '') "
                "FROM offers"
            ).fetchall()
        )
    indexed = indexed_offers(db)
    wrong = {i for i in indexed.keys() | offers.keys() if indexed.get(i) != offers.get(i)}
    assert not wrong, (
        f"{len(wrong)} offers differ, e.g. "
        f"{[(i, indexed.get(i), offers.get(i)) for i in sorted(wrong)[:5]]}"
    )
