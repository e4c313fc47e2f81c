import pytest
from sqlalchemy import select

from shop_desk.db.models import CountSession, Product, StockMove
from shop_desk.errors import InputError
from shop_desk.inventory.check import check_database
from shop_desk.inventory.counter import Cart, checkout
from shop_desk.inventory.counts import (
    apply_count,
    cancel_count,
    record_count,
    start_count,
    variances,
)
from shop_desk.inventory.stock import receive_stock
from tests.factories import make_product


def test_count_variance_applied_as_count_moves(db):
    with db.session() as s:
        a = make_product(s, "农夫山泉 550ml", 200)
        b = make_product(s, "旺旺雪饼", 800)
        receive_stock(s, a.id, 20, 2000)
        receive_stock(s, b.id, 5, 2500)
        count_id = start_count(s, "月底盘点").id
        record_count(s, count_id, a.id, 17)
        record_count(s, count_id, b.id, 6)
    with db.session() as s:  # a sale between counting and applying must not distort it
        cart = Cart()
        cart.add(s.get(Product, a.id), 2)
        checkout(s, cart)
    with db.session() as s:
        rows = {v.name: v for v in variances(s, count_id)}
        assert (rows["农夫山泉 550ml"].units, rows["农夫山泉 550ml"].value_fen) == (-3, -300)
        assert (rows["旺旺雪饼"].units, rows["旺旺雪饼"].value_fen) == (1, 500)
        assert apply_count(s, count_id) == 2
    with db.session() as s:
        assert s.get(Product, a.id).on_hand == 15
        assert s.get(Product, b.id).on_hand == 6
        kinds = s.scalars(select(StockMove.kind).where(StockMove.reference == f"count:{count_id}"))
        assert sorted(kinds) == ["count", "count"]
        assert s.get(CountSession, count_id).status == "applied"
        assert check_database(s).ok
    with db.session() as s, pytest.raises(InputError, match="closed"):
        record_count(s, count_id, a.id, 1)


def test_cancelled_count_changes_nothing(db):
    with db.session() as s:
        a = make_product(s)
        receive_stock(s, a.id, 4, 400)
        count_id = start_count(s).id
        record_count(s, count_id, a.id, 0)
        with pytest.raises(InputError):
            record_count(s, count_id, a.id, -1)
        cancel_count(s, count_id)
    with db.session() as s:
        assert s.get(Product, a.id).on_hand == 4
