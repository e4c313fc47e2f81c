"""Evidence for a leaner checkout (a proposal for the core; nothing here is used by the program).

    python benchmarks/proposal_checkout.py [--sales 1000]

The current checkout spends most of its time in the ORM, not in SQLite: about 22 statements
and 4 flushes per sale, one unit-of-work flush per line (ledger._summarise flushes before each
summary upsert) and a freshly built INSERT .. ON CONFLICT construct per move. `lean_checkout`
below writes the very same rows with a fixed number of Core statements per sale, whatever its
number of lines: lock the products and read their open lots (2 SELECTs), insert the sale, then
executemany for product caches, lots, moves, sale lines and summary upserts.

The script
1. proves equivalence: the same carts checked out with `checkout` and with `lean_checkout` on
   two copies of a small shop leave identical products, lots, moves, sale lines and summaries
   (sale uuids aside), and check_database is clean on both;
2. times both on copies of the big shop (synchronous=FULL), wall and CPU time.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import OUT, emit, summary_ms
from bench_checkout import popular_products
from make_big_shop import ensure_big_shop
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from shop_desk.clock import shop_day, utcnow
from shop_desk.db.engine import open_database
from shop_desk.db.models import DailySummary, Lot, Product, Sale, SaleLine, StockMove
from shop_desk.inventory.check import check_database
from shop_desk.inventory.counter import Cart, Receipt, checkout
from shop_desk.inventory.ledger import LotState, consume_lots, outgoing_value
from shop_desk.money import mul_div_round
from shop_desk.paths import database_path

P, L, M, S = Product.__table__, Lot.__table__, StockMove.__table__, DailySummary.__table__
UPDATE_PRODUCT = (
    update(P)
    .where(P.c.id == bindparam("b_id"))
    .values(on_hand=bindparam("b_on_hand"), stock_value_fen=bindparam("b_value"),
            updated_at=bindparam("b_at"))
)  # fmt: skip
UPDATE_LOT = update(L).where(L.c.id == bindparam("b_id")).values(qty_left=bindparam("b_left"))
_up = sqlite_insert(S)
UPSERT_SUMMARY = _up.on_conflict_do_update(
    index_elements=[S.c.product_id, S.c.day],
    set_={
        "units_sold": S.c.units_sold + _up.excluded.units_sold,
        "revenue_fen": S.c.revenue_fen + _up.excluded.revenue_fen,
        "cost_fen": S.c.cost_fen + _up.excluded.cost_fen,
        "closing_on_hand": _up.excluded.closing_on_hand,
        "out_of_stock": _up.excluded.out_of_stock,
    },
)


def lean_checkout(session, cart: Cart, paid_fen: int | None = None) -> Receipt:
    """checkout() with the same rows and rules, in a fixed number of statements (SQLite)."""
    total = cart.total_fen
    paid = total if paid_fen is None else paid_fen
    at = utcnow()
    day = shop_day(at)
    conn = session.connection()
    ids = sorted({line.product_id for line in cart.lines})
    products = {
        row.id: row
        for row in conn.execute(
            select(P.c.id, P.c.name, P.c.on_hand, P.c.stock_value_fen, P.c.last_cost_fen)
            .where(P.c.id.in_(ids))
            .with_for_update()
        )
    }
    lots: dict[int, list[LotState]] = {}
    for row in conn.execute(
        select(L.c.id, L.c.product_id, L.c.qty_left)
        .where(L.c.product_id.in_(ids), L.c.qty_left > 0)
        .order_by(L.c.product_id, L.c.expiry_date.is_(None), L.c.expiry_date, L.c.id)
    ):
        lots.setdefault(row.product_id, []).append(LotState(row.id, row.qty_left))
    oversold = [products[pid].name for pid in ids if _qty(cart, pid) > products[pid].on_hand]
    sale_id = conn.execute(
        insert(Sale.__table__).values(
            uuid=str(uuid.uuid4()),
            kind="sale",
            created_at=at,
            shop_day=day,
            total_fen=total,
            paid_fen=paid,
            change_fen=paid - total,
            oversold=bool(oversold),
            voided=False,
            note="",
        )
    ).inserted_primary_key[0]
    product_rows, lot_rows, moves, lines, summaries = [], [], [], [], []
    for line in sorted(cart.lines, key=lambda item: item.product_id):
        p = products[line.product_id]
        change = -outgoing_value(p.on_hand, p.stock_value_fen, p.last_cost_fen, line.qty)
        states = lots.get(p.id, [])
        before = {s.id: s.qty_left for s in states}
        consume_lots(states, line.qty)
        lot_rows += [
            {"b_id": s.id, "b_left": s.qty_left} for s in states if s.qty_left != before[s.id]
        ]
        on_hand = p.on_hand - line.qty
        product_rows.append({"b_id": p.id, "b_on_hand": on_hand,
                             "b_value": p.stock_value_fen + change, "b_at": at})  # fmt: skip
        moves.append(
            {"product_id": p.id, "kind": "sale", "qty": -line.qty,
             "unit_cost_fen": mul_div_round(-change, 1, line.qty), "value_fen": change,
             "revenue_fen": line.total_fen, "lot_id": None, "reason": "",
             "reference": f"sale:{sale_id}", "note": "", "created_at": at, "shop_day": day}
        )  # fmt: skip
        lines.append(
            {"sale_id": sale_id, "product_id": p.id, "qty": line.qty,
             "unit_price_fen": line.unit_price_fen, "line_total_fen": line.total_fen,
             "cost_fen": -change, "returned_qty": 0, "original_line_id": None}
        )  # fmt: skip
        summaries.append(
            {"product_id": p.id, "day": day, "units_sold": line.qty,
             "revenue_fen": line.total_fen, "cost_fen": -change, "closing_on_hand": on_hand,
             "out_of_stock": on_hand <= 0, "imported": False}
        )  # fmt: skip
    conn.execute(UPDATE_PRODUCT, product_rows)
    if lot_rows:
        conn.execute(UPDATE_LOT, lot_rows)
    conn.execute(insert(M), moves)
    conn.execute(insert(SaleLine.__table__), lines)
    conn.execute(UPSERT_SUMMARY, summaries)
    return Receipt(sale_id, total, paid, paid - total, oversold)


def _qty(cart: Cart, product_id: int) -> int:
    return sum(line.qty for line in cart.lines if line.product_id == product_id)


def make_carts(db, count: int, seed: int) -> list[Cart]:
    rng = random.Random(seed)
    pool = popular_products(db, 5000)
    weights = [1 / (rank + 10) for rank in range(len(pool))]
    carts = []
    for _ in range(count):
        cart = Cart()
        for product in rng.choices(pool, weights=weights, k=rng.randint(1, 5)):
            cart.add(product, rng.choice((1, 1, 1, 2)))
        carts.append(cart)
    return carts


def copy_shop(folder: Path, name: str) -> Path:
    work = OUT / "work" / name
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    shutil.copyfile(database_path(folder), database_path(work))
    return work


def run(folder: Path, name: str, func, carts: list[Cart], warmup: int) -> tuple[dict, dict]:
    db = open_database(folder=copy_shop(folder, name))
    wall, cpu = [], []
    for n, cart in enumerate(carts):
        started, cpu_started = time.perf_counter(), time.process_time()
        with db.session() as session:
            func(session, cart)
        if n >= warmup:
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
    db.dispose()
    return summary_ms(wall), summary_ms(cpu)


TABLES = {
    "products": "SELECT id, on_hand, stock_value_fen, last_cost_fen FROM products ORDER BY id",
    "lots": "SELECT id, qty_left FROM lots ORDER BY id",
    "moves": "SELECT id, product_id, kind, qty, unit_cost_fen, value_fen, revenue_fen, lot_id,"
    " reference, shop_day FROM stock_moves ORDER BY id",
    "lines": "SELECT id, sale_id, product_id, qty, unit_price_fen, line_total_fen, cost_fen"
    " FROM sale_lines ORDER BY id",
    "sales": "SELECT id, total_fen, paid_fen, change_fen, oversold, shop_day FROM sales"
    " ORDER BY id",
    "summary": "SELECT * FROM daily_summary ORDER BY product_id, day",
}


def equivalence(small: Path, sales: int) -> dict:
    snapshots, checks = [], []
    for name, func in (("orm", checkout), ("lean", lean_checkout)):
        db = open_database(folder=copy_shop(small, f"equiv-{name}"))
        for cart in make_carts(db, sales, seed=9):
            with db.session() as session:
                func(session, cart)
        with db.read() as session:
            conn = session.connection()
            snapshots.append({t: conn.exec_driver_sql(q).fetchall() for t, q in TABLES.items()})
            checks.append(check_database(session).ok)
        db.dispose()
    same = {t: snapshots[0][t] == snapshots[1][t] for t in TABLES}
    return {"identical_tables": same, "check_ok": dict(zip(("orm", "lean"), checks, strict=True))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sales", type=int, default=1000)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--moves", type=int, default=2_000_000)
    args = parser.parse_args(argv)
    small, _ = ensure_big_shop(2000, 50_000)
    result = {
        "benchmark": "checkout_proposal",
        "equivalence_on_small_shop": equivalence(small, 300),
    }
    folder, _ = ensure_big_shop(args.products, args.moves)
    db = open_database(folder=folder)
    carts = make_carts(db, args.sales + 50, seed=3)
    db.dispose()
    for name, func in (("current", checkout), ("lean", lean_checkout)):
        wall, cpu = run(folder, f"timing-{name}", func, carts, warmup=50)
        result[name] = {"wall": wall, "cpu": cpu}
    shutil.rmtree(OUT / "work", ignore_errors=True)
    emit(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
