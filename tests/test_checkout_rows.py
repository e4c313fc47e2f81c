"""checkout writes its rows with a fixed number of Core statements (ledger.post_outgoing).
These tests hold it to the rows post_move writes one move at a time: the same carts, sold
on two shops, the one through checkout, the other through a reference checkout made of
post_move calls (what checkout was before), leave identical tables."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from shop_desk.clock import utcnow
from shop_desk.db.models import DailySummary, Lot, Product, Sale, SaleLine, StockMove
from shop_desk.inventory.check import check_database
from shop_desk.inventory.counter import Cart, checkout
from shop_desk.inventory.ledger import MoveKind, lock_product, post_move
from shop_desk.inventory.stock import receive_stock
from tests.factories import make_product


def reference_checkout(session, cart: Cart, at) -> int:
    """A checkout through post_move, line by line."""
    sale = Sale(uuid=f"ref-{random.random()}", kind="sale", created_at=at, shop_day=at.date(),
                total_fen=cart.total_fen, paid_fen=cart.total_fen, change_fen=0)  # fmt: skip
    session.add(sale)
    session.flush()
    oversold = False
    for line in sorted(cart.lines, key=lambda item: item.product_id):
        product = lock_product(session, line.product_id)
        oversold |= line.qty > product.on_hand
        move = post_move(session, product, MoveKind.SALE, -line.qty, revenue_fen=line.total_fen,
                         reference=f"sale:{sale.id}", at=at)  # fmt: skip
        session.add(SaleLine(sale_id=sale.id, product_id=product.id, qty=line.qty,
                             unit_price_fen=line.unit_price_fen, line_total_fen=line.total_fen,
                             cost_fen=-move.value_fen))  # fmt: skip
    sale.oversold = oversold
    session.flush()
    return sale.id


def _stock_shop(db, rng: random.Random) -> list[int]:
    ids = []
    today = date.today()
    with db.session() as s:
        for n in range(6):
            product = make_product(s, f"商品{n}", 100 + n * 10, barcodes=[])
            ids.append(product.id)
            for _ in range(rng.randint(0, 3)):  # lots with and without expiry dates
                expiry = rng.choice([None, today + timedelta(days=rng.randint(1, 60))])
                qty = rng.randint(1, 6)
                receive_stock(s, product.id, qty, qty * rng.randint(50, 90) + rng.randint(0, 2),
                              expiry_date=expiry)  # fmt: skip
    return ids


def _tables(db) -> dict:
    with db.read() as s:
        return {
            "products": s.execute(
                select(
                    Product.id, Product.on_hand, Product.stock_value_fen, Product.last_cost_fen
                ).order_by(Product.id)
            ).all(),
            "lots": s.execute(select(Lot.id, Lot.qty_left).order_by(Lot.id)).all(),
            "moves": s.execute(
                select(
                    StockMove.id,
                    StockMove.product_id,
                    StockMove.kind,
                    StockMove.qty,
                    StockMove.unit_cost_fen,
                    StockMove.value_fen,
                    StockMove.revenue_fen,
                    StockMove.lot_id,
                    StockMove.reference,
                    StockMove.shop_day,
                ).order_by(StockMove.id)
            ).all(),
            "lines": s.execute(
                select(
                    SaleLine.id,
                    SaleLine.sale_id,
                    SaleLine.product_id,
                    SaleLine.qty,
                    SaleLine.unit_price_fen,
                    SaleLine.line_total_fen,
                    SaleLine.cost_fen,
                ).order_by(SaleLine.id)
            ).all(),
            "sales": s.execute(
                select(Sale.id, Sale.total_fen, Sale.oversold, Sale.shop_day).order_by(Sale.id)
            ).all(),
            "summary": s.execute(
                select(DailySummary).order_by(DailySummary.product_id, DailySummary.day)
            )
            .scalars()
            .all(),
        }


def _summary_values(rows) -> list[tuple]:
    return [(r.product_id, r.day, r.units_sold, r.revenue_fen, r.cost_fen, r.closing_on_hand,
             r.out_of_stock, r.imported) for r in rows]  # fmt: skip


def test_checkout_writes_what_post_move_writes(db, tmp_path):
    from shop_desk.db.engine import open_database

    other = open_database(folder=tmp_path / "reference")  # on PostgreSQL too: rows as values
    rng = random.Random(7)
    ids = _stock_shop(db, random.Random(1))
    assert _stock_shop(other, random.Random(1)) == ids
    at = utcnow()
    for n in range(40):
        picks = rng.sample(ids, rng.randint(1, 4))
        quantities = {pid: rng.randint(1, 4) for pid in picks}
        for shop, sell in ((db, "checkout"), (other, "reference")):
            with shop.session() as s:
                cart = Cart()
                for pid, qty in quantities.items():
                    cart.add(s.get(Product, pid), qty)
                if sell == "checkout":
                    checkout(s, cart, at=at + timedelta(minutes=n))
                else:
                    reference_checkout(s, cart, at + timedelta(minutes=n))
        if n % 10 == 9:  # stock arrives now and then: new lots, deficits settled
            for shop in (db, other):
                with shop.session() as s:
                    receive_stock(s, ids[n % 6], 5, 400, expiry_date=date.today())
    mine, theirs = _tables(db), _tables(other)
    for name in ("products", "lots", "moves", "lines", "sales"):
        assert [tuple(r) for r in mine[name]] == [tuple(r) for r in theirs[name]], name
    assert _summary_values(mine["summary"]) == _summary_values(theirs["summary"])
    assert any(sale.oversold for sale in mine["sales"])  # selling past zero was exercised
    for shop in (db, other):
        with shop.read() as s:
            assert check_database(s).ok
    other.dispose()


def test_checkout_refreshes_products_loaded_in_its_session(db):
    with db.session() as s:
        product = make_product(s, "雪碧", 300)
        receive_stock(s, product.id, 10, 2000, expiry_date=date.today())
        lot = s.scalars(select(Lot).where(Lot.product_id == product.id)).one()
        cart = Cart()
        cart.add(product, 3)
        checkout(s, cart)
        assert (product.on_hand, product.stock_value_fen, lot.qty_left) == (7, 1400, 7)
        cart = Cart()
        cart.add(product, 1)
        checkout(s, cart)  # a second sale in the same unit of work starts from the new figures
    assert (product.on_hand, lot.qty_left) == (6, 6)  # usable after the session, as before
    with db.read() as s:
        assert s.get(Product, product.id).on_hand == 6
        assert check_database(s).ok
