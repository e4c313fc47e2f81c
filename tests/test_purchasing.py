"""Purchase orders on SQLite and PostgreSQL: drafts priced from the synced catalog (tiers,
member discount from the month's spend, shipping threshold), the status rules, and receiving
through the ledger (partial, at another price, over-receiving, twice)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import inspect, select

from shop_desk.catalog.sources import remove_source
from shop_desk.clock import shop_day, utcnow
from shop_desk.db.models import Lot, OrderStatus, Product, PurchaseOrder, StockMove, Supplier
from shop_desk.errors import InputError
from shop_desk.inventory.check import check_database
from shop_desk.money import round_half_even
from shop_desk.purchasing.orders import (
    DraftLine,
    cancel_order,
    close_order,
    create_drafts,
    draft_lines_from_review,
    get_order,
    list_orders,
    mark_sent,
    month_spend,
    open_lines,
    order_warnings,
    set_line_packs,
)
from shop_desk.purchasing.pricing import order_totals, tier_price
from shop_desk.purchasing.receiving import (
    ReceiptLine,
    check_received,
    outstanding,
    receive_order,
)
from shop_desk.reorder.review import OrderLine
from tests.purchasing_shop import build_shop

TODAY = shop_day(utcnow())


@pytest.fixture
def shop(db, tmp_path):
    return build_shop(db, tmp_path / "feeds")


def _draft(shop, *lines) -> list[int]:
    with shop.db.session() as s:
        return [o.id for o in create_drafts(s, [DraftLine(*x) for x in lines])]


def _sent(shop, *lines) -> int:
    (order_id,) = _draft(shop, *lines)
    with shop.db.session() as s:
        mark_sent(s, order_id)
    return order_id


def test_tables_exist_and_a_removed_supplier_leaves_its_orders_readable(shop):
    assert {"purchase_orders", "purchase_order_lines"} <= set(
        inspect(shop.db.engine).get_table_names()
    )
    (order_id,) = _draft(shop, (shop.snacks, "C1", shop.chips, 1))
    with shop.db.session() as s:  # the owner removes the snacks source and its offers
        remove_source(s, "零食")
        assert s.get(Supplier, shop.snacks) is None
    with shop.db.read() as s:
        order = get_order(s, order_id)
        assert order.supplier_id is None and order.supplier_name == "零食批发"
        assert order.lines[0].sku == "C1"


def test_pricing_rules_by_hand():
    tiers = [(1, 5400), (5, 5100), (10, 4800)]
    assert [tier_price(tiers, n) for n in (1, 4, 5, 9, 10, 50)] == [5400] * 2 + [5100] * 2 + [
        4800
    ] * 2
    assert tier_price([(2, 3600)], 1) == 3600  # below the MOQ: still the first tier's price
    tiers_json = '[{"name":"B1","monthly_spend_fen":20000,"discount_bp":100}]'
    terms = {"member_tiers_json": tiers_json, "shipping_fee_fen": 1500, "free_over_fen": 30000}
    below = order_totals(29_999, month_spend_fen=19_999, **terms)
    assert (below.discount_fen, below.shipping_fen, below.total_fen) == (0, 1500, 31_499)
    member = order_totals(30_000, month_spend_fen=20_000, **terms)
    # 1 % off 300.00 = 297.00, now below the free-shipping threshold: shipping is charged
    assert (member.member_tier, member.discount_fen, member.shipping_fen) == ("B1", 300, 1500)
    assert order_totals(30_304, month_spend_fen=20_000, **terms).shipping_fen == 0  # 30001
    assert round_half_even(25, 10) == 2 and round_half_even(35, 10) == 4


def test_drafts_one_per_supplier_priced_from_tiers_and_shipping(shop):
    review_lines = [
        OrderLine(str(shop.drinks), "A1", str(shop.cola), 4),
        OrderLine(str(shop.snacks), "C1", str(shop.chips), 1),
        OrderLine(str(shop.drinks), "A1", str(shop.cola), 1),  # adds up: 5 packs, next tier
        OrderLine(str(shop.drinks), "M1", str(shop.milk), 2),
    ]
    with shop.db.session() as s:
        drinks, snacks = create_drafts(s, draft_lines_from_review(review_lines))
        assert [(x.sku, x.packs, x.pack_price_fen, x.units_per_pack) for x in drinks.lines] == [
            ("A1", 5, 5100, 24),
            ("M1", 2, 3600, 12),
        ]
        # 255.00 + 72.00 = 327.00 reaches free shipping at 300.00; no spend yet: no discount
        assert (drinks.subtotal_fen, drinks.discount_fen, drinks.shipping_fen) == (32700, 0, 0)
        assert drinks.lead_time_days == 3  # the milk offer's own lead time is the longer one
        assert (snacks.subtotal_fen, snacks.shipping_fen, snacks.total_fen) == (9000, 800, 9800)
        assert drinks.status == snacks.status == OrderStatus.DRAFT
        assert drinks.uuid != snacks.uuid and len(drinks.uuid) == 36


def test_member_discount_comes_from_this_months_sent_orders(shop):
    first = _sent(shop, (shop.drinks, "A1", shop.cola, 5))  # 255.00 + 15.00 shipping
    with shop.db.read() as s:
        assert month_spend(s, TODAY) == {str(shop.drinks): 25500}
    (second,) = _draft(shop, (shop.drinks, "M1", shop.milk, 2))
    with shop.db.read() as s:
        order = get_order(s, second)
        # 25500 spent reaches B1 (200.00): 1 % off 72.00 = 0.72
        assert (order.member_tier, order.discount_bp, order.discount_fen) == ("B1", 100, 72)
        assert (order.shipping_fen, order.total_fen) == (1500, 7200 - 72 + 1500)
    (snacks,) = _draft(shop, (shop.snacks, "C1", shop.chips, 1))
    with shop.db.session() as s:
        cancel_order(s, second)
        mark_sent(s, snacks)
    with shop.db.read() as s:  # drafts and cancelled orders are no spend
        assert month_spend(s, TODAY) == {str(shop.drinks): 25500, str(shop.snacks): 9000}
        assert month_spend(s, TODAY.replace(day=1) + timedelta(days=40)) == {}
        assert [r.id for r in list_orders(s, "open")][-1] == first


def test_draft_edits_reprice_and_only_drafts_change(shop):
    (order_id,) = _draft(shop, (shop.drinks, "A1", shop.cola, 2), (shop.drinks, "M1", shop.milk, 2))
    with shop.db.session() as s:
        line = get_order(s, order_id).lines[0]
        set_line_packs(s, order_id, line.id, 10)
    with shop.db.session() as s:
        order = get_order(s, order_id)
        assert (order.lines[0].pack_price_fen, order.lines[0].line_total_fen) == (4800, 48000)
        assert (order.subtotal_fen, order.shipping_fen) == (55200, 0)
        set_line_packs(s, order_id, order.lines[1].id, 1)  # below the milk's MOQ of 2
        assert order_warnings(s, order) == ["M1: the minimum order is 2 packs."]
        set_line_packs(s, order_id, order.lines[1].id, 0)
    with shop.db.session() as s:
        assert [x.sku for x in get_order(s, order_id).lines] == ["A1"]
        mark_sent(s, order_id)
    with shop.db.session() as s, pytest.raises(InputError, match="only a draft"):
        set_line_packs(s, order_id, get_order(s, order_id).lines[0].id, 3)


def test_receive_in_part_at_a_new_price_moves_the_average_cost(shop):
    order_id = _sent(shop, (shop.drinks, "A1", shop.cola, 5))  # 120 bottles at 51.00 / 24
    with shop.db.read() as s:
        line_id = get_order(s, order_id).lines[0].id
        assert [(x.units, x.sku) for x in open_lines(s)] == [(120, "A1")]
    with shop.db.session() as s:  # two cases came, invoiced at 49.00 a case
        result = receive_order(s, order_id, [ReceiptLine(line_id, 48, 4900)])
    assert (result.status, result.value_fen) == (OrderStatus.PARTLY_RECEIVED, 9800)
    with shop.db.read() as s:
        cola = s.get(Product, shop.cola)
        # 10 bottles at 20.00 + 48 at 98.00 = 118.00 for 58 bottles
        assert (cola.on_hand, cola.stock_value_fen, cola.last_cost_fen) == (58, 11800, 203)
        assert [(x.units, x.sku) for x in open_lines(s)] == [(72, "A1")]
    with shop.db.session() as s:
        order = get_order(s, order_id)
        result = receive_order(s, order_id, outstanding(order))  # the rest at 51.00 a case
    assert (result.status, result.value_fen) == (OrderStatus.RECEIVED, 15300)
    with shop.db.read() as s:
        cola = s.get(Product, shop.cola)
        assert (cola.on_hand, cola.stock_value_fen, cola.last_cost_fen) == (130, 27100, 208)
        line = get_order(s, order_id).lines[0]
        assert (line.received_units, line.received_value_fen) == (120, 25100)
        assert line.received_unit_cost_fen == 209  # 251.00 / 120
        refs = s.scalars(select(StockMove.reference).where(StockMove.kind == "receipt"))
        assert sorted(refs)[-2:] == [f"PO-{order_id:05d}:{line_id}"] * 2
        assert open_lines(s) == []
        assert check_database(s).ok and check_received(s) == []
    with shop.db.session() as s, pytest.raises(InputError, match="nothing more to receive"):
        receive_order(s, order_id, [ReceiptLine(line_id, 1)])


def test_member_discount_reaches_the_unit_cost_and_lots_get_their_expiry(shop):
    _sent(shop, (shop.drinks, "A1", shop.cola, 5))
    order_id = _sent(shop, (shop.drinks, "M1", shop.milk, 2))  # B1: 1 % off
    with shop.db.session() as s:
        line = get_order(s, order_id).lines[0]
        receive_order(s, order_id, [ReceiptLine(line.id, 24)])
    with shop.db.read() as s:
        milk = s.get(Product, shop.milk)
        assert milk.stock_value_fen == 7128  # 72.00 less 1 %
        lot = s.scalar(select(Lot).where(Lot.product_id == shop.milk))
        assert lot.expiry_date == TODAY + timedelta(days=30)  # the offer's shelf life


def test_the_products_own_shelf_life_wins(shop):
    with shop.db.session() as s:
        s.get(Product, shop.milk).shelf_life_days = 10
    order_id = _sent(shop, (shop.drinks, "M1", shop.milk, 2))
    with shop.db.session() as s:
        receive_order(s, order_id, outstanding(get_order(s, order_id)))
        lot = s.scalar(select(Lot).where(Lot.product_id == shop.milk))
        assert lot.expiry_date == TODAY + timedelta(days=10)


def test_over_receiving_is_refused_unless_confirmed_and_nothing_is_counted_twice(shop):
    order_id = _sent(shop, (shop.snacks, "C1", shop.chips, 1))  # 20 bags
    with shop.db.read() as s:
        line_id = get_order(s, order_id).lines[0].id
    with shop.db.session() as s, pytest.raises(InputError, match="more than the 20 still to come"):
        receive_order(s, order_id, [ReceiptLine(line_id, 21)])
    with shop.db.session() as s:
        receive_order(s, order_id, [ReceiptLine(line_id, 5)], expect_received={line_id: 0})
    # the same dialog confirmed twice (it still believes nothing was received): refused
    with shop.db.session() as s, pytest.raises(InputError, match="received elsewhere"):
        receive_order(s, order_id, [ReceiptLine(line_id, 5)], expect_received={line_id: 0})
    with shop.db.session() as s:
        receive_order(s, order_id, [ReceiptLine(line_id, 16)], allow_over=True)
    with shop.db.read() as s:
        assert s.get(Product, shop.chips).on_hand == 21
        assert get_order(s, order_id).status == OrderStatus.RECEIVED
        assert s.get(Product, shop.chips).stock_value_fen == 9450  # 21 bags at 4.50


def test_status_rules(shop):
    (draft,) = _draft(shop, (shop.snacks, "C1", shop.chips, 2))
    with shop.db.session() as s, pytest.raises(InputError, match="still a draft"):
        receive_order(s, draft, [ReceiptLine(get_order(s, draft).lines[0].id, 1)])
    with shop.db.session() as s:
        mark_sent(s, draft)
        line_id = get_order(s, draft).lines[0].id
        receive_order(s, draft, [ReceiptLine(line_id, 10)])
    with shop.db.session() as s, pytest.raises(InputError, match="cannot be cancelled"):
        cancel_order(s, draft)
    with shop.db.session() as s:  # the other 30 bags will not come
        assert close_order(s, draft).status == OrderStatus.RECEIVED
    with shop.db.read() as s:
        assert open_lines(s) == []
        assert s.scalar(select(PurchaseOrder.status).where(PurchaseOrder.id == draft)) == (
            OrderStatus.RECEIVED
        )


def test_check_received_finds_a_cache_that_left_the_ledger(shop):
    order_id = _sent(shop, (shop.snacks, "C1", shop.chips, 1))
    with shop.db.session() as s:
        line = get_order(s, order_id).lines[0]
        receive_order(s, order_id, [ReceiptLine(line.id, 5)])
        assert check_received(s) == []
        line.received_units = 7  # a cache gone wrong
        s.flush()
        assert check_received(s) == [
            f"PO-{order_id:05d}, item C1: 7 units received on the order, 5 in the ledger."
        ]
