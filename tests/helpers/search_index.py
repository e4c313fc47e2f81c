"""Checking the offers' search index file against the shop's offers (SQLite)."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from shop_desk.catalog import search_index


def indexed_offers(db) -> dict[int, str]:
    """{offer id: its indexed text and GTIN} of the current index file, after its integrity
    check."""
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
        by_id = conn.execute("SELECT id, gtin FROM gtin_ids ORDER BY id").fetchall()
        assert by_id == conn.execute(f"{both} ORDER BY id").fetchall(), "gtin_ids differs"
        rows = conn.execute(
            "SELECT f.rowid, f.search_text || '|' || f.name_initials || '|' "
            f"|| coalesce(g.gtin, '') FROM offers_fts f LEFT JOIN ({both}) g ON g.id = f.rowid"
        )
        indexed = dict(rows.fetchall())
        orphans = conn.execute(
            f"SELECT id FROM ({both}) WHERE id NOT IN (SELECT rowid FROM offers_fts)"
        )
        assert not orphans.fetchall(), "GTINs of offers the index does not hold"
        return indexed


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
