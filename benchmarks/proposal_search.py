"""Evidence for a faster search (a proposal for the core; nothing here is used by the program).

    python benchmarks/proposal_search.py [--per-kind 300]

On a copy of the big shop it adds what the proposal needs (PROPOSED_DDL: an index on
name_pinyin and a two-character gram table kept by triggers), then runs the same query mix as
bench_search.py through the current matching_ids and through `proposed_matching_ids` below,
and prints both sets of figures. The proposal:

1. prefixes (barcode digits, pinyin initials, full pinyin, short code) as index range scans
   `col >= p AND col < next(p)` instead of `LIKE 'p%' ESCAPE '\\'`, which SQLite cannot serve
   from an index (LIKE is case-insensitive and has an ESCAPE), so each query scanned 100k rows;
2. two-character fragments (可乐) from a gram table (gram, name_len, product_id) whose primary
   key already returns the shortest names first, instead of three `LIKE '%可乐%'` scans;
3. fragments of three or more characters stay on the FTS5 trigram index (already fast).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import OUT, emit, summary_ms
from bench_search import make_queries, run_queries
from make_big_shop import ensure_big_shop

from shop_desk.db.engine import open_database
from shop_desk.inventory import search
from shop_desk.paths import database_path
from shop_desk.text import normalize

# What a migration would add (SQLite). Triggers cannot use WITH, so a small table of integers
# walks the characters of a name.
PROPOSED_DDL = [
    "CREATE INDEX IF NOT EXISTS ix_products_name_pinyin ON products (name_pinyin)",
    "CREATE TABLE search_seq (i INTEGER PRIMARY KEY)",
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) "
    "INSERT INTO search_seq SELECT i FROM n",
    "CREATE TABLE product_name_grams (gram TEXT NOT NULL, name_len INTEGER NOT NULL, "
    "product_id INTEGER NOT NULL, PRIMARY KEY (gram, name_len, product_id)) WITHOUT ROWID",
    "INSERT OR IGNORE INTO product_name_grams SELECT substr(lower(p.name), s.i, 2), "
    "length(p.name), p.id FROM products p JOIN search_seq s ON s.i < length(p.name) "
    "WHERE instr(substr(p.name, s.i, 2), ' ') = 0",
    "CREATE TRIGGER products_grams_ai AFTER INSERT ON products BEGIN "
    "INSERT OR IGNORE INTO product_name_grams SELECT substr(lower(new.name), i, 2), "
    "length(new.name), new.id FROM search_seq WHERE i < length(new.name) "
    "AND instr(substr(new.name, i, 2), ' ') = 0; END",
    "CREATE TRIGGER products_grams_ad AFTER DELETE ON products BEGIN "
    "DELETE FROM product_name_grams WHERE name_len = length(old.name) "
    "AND product_id = old.id AND gram IN (SELECT substr(lower(old.name), i, 2) "
    "FROM search_seq WHERE i < length(old.name)); END",
    "CREATE TRIGGER products_grams_au AFTER UPDATE OF name ON products BEGIN "
    "DELETE FROM product_name_grams WHERE name_len = length(old.name) "
    "AND product_id = old.id AND gram IN (SELECT substr(lower(old.name), i, 2) "
    "FROM search_seq WHERE i < length(old.name)); "
    "INSERT OR IGNORE INTO product_name_grams SELECT substr(lower(new.name), i, 2), "
    "length(new.name), new.id FROM search_seq WHERE i < length(new.name) "
    "AND instr(substr(new.name, i, 2), ' ') = 0; END",
]


def _next(prefix: str) -> str:
    """The smallest string greater than every string starting with prefix."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def proposed_matching_ids(session, query: str, limit: int = 50) -> list[int]:
    term = normalize(query).lower()
    if not term:
        return []
    conn = session.connection()
    ids: list[int] = []

    def take(sql: str, params: tuple) -> None:
        for (pid,) in conn.exec_driver_sql(sql + f" LIMIT {int(limit)}", params):
            if pid not in ids:
                ids.append(pid)

    compact = term.replace(" ", "")
    take("SELECT product_id FROM barcodes WHERE code = ?", (compact,))
    take("SELECT id FROM products WHERE short_code = ?", (compact.upper(),))
    if compact.isdigit():
        take(
            "SELECT product_id FROM barcodes WHERE code >= ? AND code < ? ORDER BY code",
            (compact, _next(compact)),
        )
    if compact.isascii():
        low, high = compact, _next(compact)
        take(
            "SELECT id FROM products WHERE (name_initials >= ?1 AND name_initials < ?2) "
            "OR (name_pinyin >= ?1 AND name_pinyin < ?2) "
            "OR (short_code >= upper(?1) AND short_code < upper(?2)) "
            "ORDER BY length(name), id",
            (low, high),
        )
    if len(ids) < limit:
        if len(term) == 2:
            take(
                "SELECT product_id FROM product_name_grams WHERE gram = ? "
                "ORDER BY name_len, product_id",
                (term,),
            )
        else:  # 3+ characters: the FTS5 trigram index, as now; 1 character: LIKE, as now
            take_stmt = search._fragment_query(session, term)
            for (pid,) in session.execute(take_stmt.limit(limit)):
                if pid not in ids:
                    ids.append(pid)
    return ids[:limit]


def figures(timings: dict) -> dict:
    by_kind = {kind: summary_ms([t for t, _, _ in rows]) for kind, rows in timings.items()}
    overall = summary_ms([t for rows in timings.values() for t, _, _ in rows])
    return {"overall": overall, "by_kind": by_kind}


def same_results(db, queries: list[tuple[str, str]], current) -> dict:
    """How often the proposal returns the same ids as the current code (order aside)."""
    same = differ = 0
    examples = []
    with db.read() as session:
        for _, query in queries:
            old = set(current(session, query))
            new = set(proposed_matching_ids(session, query))
            if old == new:
                same += 1
            else:
                differ += 1
                if len(examples) < 5:
                    examples.append(
                        {"q": query, "only_old": len(old - new), "only_new": len(new - old)}
                    )
    return {"same": same, "differ": differ, "examples": examples}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=300)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--moves", type=int, default=2_000_000)
    args = parser.parse_args(argv)
    folder, _ = ensure_big_shop(args.products, args.moves)
    work = OUT / "work" / f"search-{folder.name}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    shutil.copyfile(database_path(folder), database_path(work))
    db = open_database(folder=work)
    started = time.perf_counter()
    with db.engine.begin() as conn:
        for statement in PROPOSED_DDL:
            conn.exec_driver_sql(statement)
        grams = conn.exec_driver_sql("SELECT count(*) FROM product_name_grams").scalar()
    migrate_s = time.perf_counter() - started
    queries = make_queries(db, args.per_kind, 5)
    current = search.matching_ids
    run_queries(db, queries[: len(queries) // 4])
    before = figures(run_queries(db, queries))
    search.matching_ids = proposed_matching_ids  # search_products looks it up at call time
    try:
        run_queries(db, queries[: len(queries) // 4])
        after = figures(run_queries(db, queries))
    finally:
        search.matching_ids = current
    agreement = same_results(db, queries, current)
    db.dispose()
    size_mb = round(database_path(work).stat().st_size / 2**20, 1)
    shutil.rmtree(work, ignore_errors=True)
    emit(
        {
            "benchmark": "search_proposal",
            "migration_seconds": round(migrate_s, 1),
            "gram_rows": grams,
            "database_mb_after": size_mb,
            "current": before,
            "proposed": after,
            "result_agreement": agreement,
        }
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
