from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select, update

from shop_desk.db.models import DailySummary, Lot, Product, StockMove
from shop_desk.errors import InputError
from shop_desk.inventory.check import check_database
from shop_desk.inventory.counter import Cart, checkout
from shop_desk.inventory.ledger import MoveKind, lock_product, post_move
from shop_desk.inventory.products import average_cost_fen
from shop_desk.inventory.stock import adjust, near_expiry, receive_stock, write_off
from tests.factories import make_product


def _sell(session, product, qty, paid=None):
    cart = Cart()
    cart.add(product, qty)
    return checkout(session, cart, paid)


def test_receipt_sets_moving_average_with_fractional_unit_cost(db):
    with db.session() as s:
        p = make_product(s)
        receive_stock(s, p.id, 24, 5100)  # a case of 24 at ¥51.00: 212.5 fen each
        receive_stock(s, p.id, 24, 5400)
    with db.session() as s:
        p = s.get(Product, p.id)
        assert (p.on_hand, p.stock_value_fen) == (48, 10500)
        assert average_cost_fen(p) == 219  # 218.75 rounded for display only
        _sell(s, p, 12)
    with db.session() as s:
        p = s.get(Product, p.id)
        assert p.on_hand == 36
        assert p.stock_value_fen == 10500 - 2625  # 12/48 of the value, exact
        row = s.get(DailySummary, (p.id, _today()))
        assert (row.units_sold, row.revenue_fen, row.cost_fen) == (12, 3600, 2625)
        assert row.closing_on_hand == 36 and not row.out_of_stock


def _today() -> date:
    from shop_desk.clock import shop_day, utcnow

    return shop_day(utcnow())


def test_selling_past_zero_is_flagged_and_costed_at_last_cost(db):
    with db.session() as s:
        p = make_product(s)
        receive_stock(s, p.id, 2, 400)
    with db.session() as s:
        receipt = _sell(s, s.get(Product, p.id), 5)
        assert receipt.oversold == ["可口可乐 500ml"]
    with db.session() as s:
        p = s.get(Product, p.id)
        assert p.on_hand == -3
        assert p.stock_value_fen == -600  # 3 units borrowed at the last cost of ¥2.00
        row = s.get(DailySummary, (p.id, _today()))
        assert row.out_of_stock and row.cost_fen == 1000
        receive_stock(s, p.id, 10, 2500)
    with db.session() as s:
        p = s.get(Product, p.id)
        # what is left after settling the 3 borrowed units is valued at the new cost (¥2.50)
        assert p.on_hand == 7 and p.stock_value_fen == 1750
        lots = s.scalars(select(Lot).where(Lot.product_id == p.id)).all()
        assert sum(lot.qty_left for lot in lots) == 7  # the deficit was settled first
        assert check_database(s).ok


def test_lots_are_sold_earliest_expiry_first(db):
    today = _today()
    with db.session() as s:
        p = make_product(s, shelf_life_days=30)
        receive_stock(s, p.id, 5, 500, expiry_date=today + timedelta(days=20))
        receive_stock(s, p.id, 5, 500, expiry_date=today + timedelta(days=3))
        receive_stock(s, p.id, 5, 500)  # no expiry: sold last
    with db.session() as s:
        _sell(s, s.get(Product, p.id), 7)
    with db.session() as s:
        lots = s.scalars(select(Lot).where(Lot.product_id == p.id).order_by(Lot.id)).all()
        assert [lot.qty_left for lot in lots] == [3, 0, 5]
        soon = near_expiry(s, within_days=25, today=today)
        assert [(x.qty_left, x.days_left) for x in soon] == [(3, 20)]


def test_write_off_of_a_named_lot(db):
    today = _today()
    with db.session() as s:
        p = make_product(s)
        receive_stock(s, p.id, 4, 400, expiry_date=today - timedelta(days=1))
        receive_stock(s, p.id, 4, 800, expiry_date=today + timedelta(days=30))
        late = s.scalar(select(Lot.id).where(Lot.product_id == p.id).order_by(Lot.id.desc()))
    with db.session() as s:
        write_off(s, p.id, 2, "damaged", lot_id=late)
    with db.session() as s:
        lots = s.scalars(select(Lot).where(Lot.product_id == p.id).order_by(Lot.id)).all()
        assert [lot.qty_left for lot in lots] == [4, 2]
        p = s.get(Product, p.id)
        assert p.on_hand == 6 and p.stock_value_fen == 1200 - 300
        waste = s.scalar(select(StockMove).where(StockMove.kind == "waste"))
        assert waste.reason == "damaged" and waste.value_fen == -300
        # waste is not a sale: the day's units sold stay 0
        assert s.get(DailySummary, (p.id, today)).units_sold == 0
        assert check_database(s).ok


def test_bad_moves_are_refused(db):
    with db.session() as s:
        p = make_product(s)
    with pytest.raises(InputError), db.session() as s:
        receive_stock(s, p.id, 0, 100)
    with pytest.raises(InputError), db.session() as s:
        receive_stock(s, p.id, 5, -100)
    with pytest.raises(InputError), db.session() as s:
        write_off(s, p.id, 1, "stolen by aliens")
    with pytest.raises(InputError), db.session() as s:
        adjust(s, p.id, 3, note="  ")
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(StockMove)) == 0


def test_summary_is_per_shop_day(db):
    with db.session() as s:
        p = make_product(s)
        receive_stock(s, p.id, 10, 1000, at=datetime(2026, 1, 5, 3, 0))
        prod = lock_product(s, p.id)
        post_move(s, prod, MoveKind.SALE, -2, revenue_fen=600, at=datetime(2026, 1, 6, 3, 0))
        post_move(s, prod, MoveKind.SALE, -1, revenue_fen=300, at=datetime(2026, 1, 7, 3, 0))
    with db.session() as s:
        rows = s.scalars(
            select(DailySummary).where(DailySummary.product_id == p.id).order_by(DailySummary.day)
        ).all()
        assert [(r.units_sold, r.closing_on_hand) for r in rows] == [(0, 10), (2, 8), (1, 7)]


def test_check_finds_and_repairs_a_spoiled_cache(db):
    with db.session() as s:
        p = make_product(s)
        receive_stock(s, p.id, 10, 1000)
        _sell(s, p, 3)
    with db.session() as s:
        s.execute(update(Product).where(Product.id == p.id).values(on_hand=99))
        s.execute(update(DailySummary).values(units_sold=42))
    with db.session() as s:
        report = check_database(s)
        assert not report.ok and len(report.problems) == 2
        check_database(s, repair=True)
    with db.session() as s:
        assert check_database(s).ok
        assert s.get(Product, p.id).on_hand == 7


def test_check_repairs_lots_and_summaries(db):
    with db.session() as s:
        p = make_product(s)
        receive_stock(s, p.id, 5, 500, expiry_date=date.today() + timedelta(days=3))
        receive_stock(s, p.id, 5, 600)
        _sell(s, p, 7)
    with db.session() as s:
        s.execute(update(Lot).values(qty_left=1))
        s.execute(delete(DailySummary))
        s.add(DailySummary(product_id=p.id, day=date(2020, 1, 1), units_sold=3))
    with db.read() as s:
        report = check_database(s)
    # two lots, the lost row of today and the stray row of 2020
    assert len(report.problems) == 4, report.problems
    assert any("no moves that day" in problem for problem in report.problems)
    with db.session() as s:
        assert not check_database(s, repair=True).ok
    with db.read() as s:
        assert check_database(s, full=True).ok
        lots = s.scalars(select(Lot.qty_left).order_by(Lot.id)).all()
        assert lots == [0, 3]  # the dated lot was sold first
        row = s.get(DailySummary, (p.id, _today()))
        assert (row.units_sold, row.closing_on_hand, row.imported) == (7, 3, False)
