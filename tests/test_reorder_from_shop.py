"""The shop's database read as a ReviewState: history, censoring, lots, offers, suppliers."""

from datetime import datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import select

from shop_desk.catalog.manifest import MemberTier, SupplierInfo
from shop_desk.catalog.publisher import publish
from shop_desk.catalog.records import OfferRecord
from shop_desk.catalog.sync import sync_source
from shop_desk.clock import shop_day
from shop_desk.db.models import Supplier
from shop_desk.inventory.counter import Cart, checkout
from shop_desk.inventory.stock import receive_stock
from shop_desk.progress import run_job
from shop_desk.purchasing.pricing import MemberTier as StoredTier
from shop_desk.purchasing.pricing import member_tiers, order_totals
from shop_desk.reorder.from_shop import load_review_state
from tests.factories import make_product
from tests.helpers.folder_source import add_folder_source

# Noon UTC is the same calendar day in every time zone from UTC-11 to UTC+11.
START = datetime(2026, 3, 2, 12, 0)
COLA = "6908512108211"


def at(day: int) -> datetime:
    return START + timedelta(days=day)


def sell(session, product, units: int, day: int) -> None:
    cart = Cart()
    cart.add(product, units)
    checkout(session, cart, at=at(day))


@pytest.fixture
def shop(db, tmp_path):
    with db.session() as s:
        cola = make_product(s, "可口可乐 500ml", 300, barcodes=[(COLA, 1)], shelf_life_days=270)
        gum = make_product(s, "绿箭口香糖", 250)
        receive_stock(s, cola.id, 10, 10 * 230, at=at(0))
        sell(s, cola, 4, 1)
        sell(s, cola, 6, 3)  # sold out on day 3; no activity on days 4 and 5
        expiry = shop_day(at(6)) + timedelta(days=270)
        receive_stock(s, cola.id, 24, 24 * 225, at=at(6), expiry_date=expiry)
        sell(s, cola, 2, 6)
        receive_stock(s, gum.id, 5, 5 * 150, at=at(2))  # gum has no history before day 2
        ids = cola.id, gum.id
    supplier = SupplierInfo(
        code="gz",
        name="广州饮料批发",
        lead_time_days=2,
        shipping_fee_fen=800,
        free_over_fen=20_000,
        member_tiers=[MemberTier("B", 200_000, 300), MemberTier("A", 50_000, 100)],
    )
    offer = OfferRecord(
        sku="A1", name="可口可乐 500ml×24", pack_size=24, tiers=((1, 5400), (10, 5100)), gtin=COLA
    )
    publish([offer], supplier, tmp_path / "feed")
    source_id = add_folder_source(db, tmp_path / "feed", "广州")
    run_job(sync_source(db, source_id))
    return db, ids


def test_history_marks_sold_out_days_and_unknown_days_as_censored(shop):
    db, (cola, gum) = shop
    today = shop_day(at(7))
    with db.read() as s:
        state = load_review_state(s, today, history_days=7)
    assert state.first_day == today - timedelta(days=7) == shop_day(at(0))
    row, gum_row = state.index[str(cola)], state.index[str(gum)]
    assert state.sold[row].tolist() == [0, 4, 0, 6, 0, 0, 2]
    # Day 3 closed at zero and days 4, 5 carried that zero: censored, not zero demand.
    assert state.out_of_stock[row].tolist() == [False, False, False, True, True, True, False]
    # Gum: unknown before its first receipt on day 2, in stock after.
    assert state.out_of_stock[gum_row].tolist() == [True, True, False, False, False, False, False]
    assert state.on_hand[row] == 22 and state.on_hand[gum_row] == 5
    assert sum(lot.units for lot in state.lots[row]) == 22
    assert state.lots[row][0].expires == shop_day(at(6)) + timedelta(days=270)


def test_a_window_starting_after_a_sell_out_starts_censored(shop):
    db, (cola, _) = shop
    with db.read() as s:
        state = load_review_state(s, shop_day(at(8)), history_days=4)  # days 4..7
    assert state.out_of_stock[state.index[str(cola)]].tolist() == [True, True, False, False]


def test_linked_offers_and_suppliers_as_the_policy_sees_them(shop):
    db, (cola, _gum) = shop
    with db.read() as s:
        gz_id = str(s.scalar(select(Supplier.id).where(Supplier.code == "gz")))
        state = load_review_state(s, shop_day(at(7)), month_spend_fen={gz_id: 1200})
    (offer,) = state.offers  # auto-linked by GTIN; gum has no offer
    assert offer.product_id == str(cola) and offer.supplier_id == gz_id
    assert offer.pack_size == 24
    assert [(t.min_packs, t.pack_price_fen) for t in offer.tiers] == [(1, 5400), (10, 5100)]
    gz = state.suppliers[gz_id]
    assert gz.name == "广州饮料批发"
    assert gz.lead_time_days == 2 and gz.shipping_fee_fen == 800 and gz.free_over_fen == 20_000
    assert gz.member_tiers == ((50_000, 100), (200_000, 300))
    assert state.month_spend_fen == {gz_id: 1200}
    assert state.sold.shape == (2, 365) and state.sold.dtype == np.int64


def test_damaged_member_tiers_mean_no_discount():
    # one parser for suggestions and order totals (purchasing.pricing)
    assert member_tiers("not json") == []
    assert member_tiers('[{"monthly_spend_fen": 5}]') == []  # the catalog requires discount_bp
    assert member_tiers('{"monthly_spend_fen": 5}') == []
    assert member_tiers("") == []
    stored = '[{"name": "B", "monthly_spend_fen": 900, "discount_bp": 300}, '
    stored += '{"monthly_spend_fen": 100, "discount_bp": 100}]'
    assert member_tiers(stored) == [StoredTier("", 100, 100), StoredTier("B", 900, 300)]
    damaged = order_totals(
        10_000, month_spend_fen=50_000, member_tiers_json="[{", shipping_fee_fen=0, free_over_fen=0
    )
    assert (damaged.discount_fen, damaged.total_fen) == (0, 10_000)
