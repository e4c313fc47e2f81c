import pytest
from sqlalchemy import func, select

from shop_desk.db.models import DailySummary, Product, Sale, SaleLine, StockMove
from shop_desk.errors import InputError
from shop_desk.inventory.check import check_database
from shop_desk.inventory.counter import Cart, checkout, return_items, void_sale
from shop_desk.inventory.products import lookup_code
from shop_desk.inventory.stock import receive_stock
from tests.factories import make_product


@pytest.fixture
def shop(db):
    with db.session() as s:
        cola = make_product(
            s, "可口可乐 500ml", 300, barcodes=[("6908512108211", 1), ("16908512108218", 24)]
        )
        chips = make_product(s, "乐事薯片 原味", 650, short_code="LS1")
        receive_stock(s, cola.id, 48, 9600)
        receive_stock(s, chips.id, 10, 4000)
    return db, cola.id, chips.id


def test_case_barcode_adds_its_units_and_repeat_scan_merges(shop):
    db, _, _ = shop
    with db.session() as s:
        cart = Cart()
        product, units = lookup_code(s, "16908512108218")
        cart.add(product, units)
        product, units = lookup_code(s, "6908512108211")
        cart.add(product, units)
        assert len(cart.lines) == 1 and cart.lines[0].qty == 25
        product, units = lookup_code(s, "ls1")
        cart.add(product, units)
        assert cart.total_fen == 25 * 300 + 650


def test_checkout_is_one_transaction_with_change(shop):
    db, cola, chips = shop
    with db.session() as s:
        cart = Cart()
        cart.add(s.get(Product, cola), 2)
        cart.add(s.get(Product, chips), 1)
        receipt = checkout(s, cart, 2000)
    assert (receipt.total_fen, receipt.change_fen, receipt.oversold) == (1250, 750, [])
    with db.session() as s:
        assert s.get(Product, cola).on_hand == 46
        sale = s.get(Sale, receipt.sale_id)
        assert [line.qty for line in sale.lines] == [2, 1]
        assert sale.lines[0].cost_fen == 400


def test_not_enough_cash_writes_nothing(shop):
    db, cola, _ = shop
    with pytest.raises(InputError, match="less than"), db.session() as s:
        cart = Cart()
        cart.add(s.get(Product, cola), 2)
        checkout(s, cart, 500)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Sale)) == 0
        assert s.get(Product, cola).on_hand == 48


def test_empty_cart_and_bad_quantities(shop):
    db, cola, _ = shop
    with db.session() as s:
        with pytest.raises(InputError):
            checkout(s, Cart())
        cart = Cart()
        cart.add(s.get(Product, cola))
        with pytest.raises(InputError):
            cart.set_qty(0, 0)
        with pytest.raises(InputError):
            cart.set_qty(0, 100000)


def test_return_then_void_restore_stock_and_summary(shop):
    db, cola, chips = shop
    with db.session() as s:
        cart = Cart()
        cart.add(s.get(Product, cola), 3)
        cart.add(s.get(Product, chips), 2)
        sale_id = checkout(s, cart).sale_id
    with db.session() as s:
        line = s.scalar(
            select(SaleLine).where(SaleLine.sale_id == sale_id, SaleLine.product_id == cola)
        )
        refund = return_items(s, sale_id, {line.id: 1})
        assert refund.total_fen == -300 and refund.change_fen == 300
    with db.session() as s, pytest.raises(InputError):
        return_items(s, sale_id, {line.id: 3})  # only 2 left on that line
    with db.session() as s:
        void_sale(s, sale_id)
    with db.session() as s:
        assert s.get(Product, cola).on_hand == 48
        assert s.get(Product, chips).on_hand == 10
        assert s.get(Sale, sale_id).voided
        units = s.scalar(select(func.sum(DailySummary.units_sold)))
        revenue = s.scalar(select(func.sum(DailySummary.revenue_fen)))
        assert (units, revenue) == (0, 0)
        assert s.scalar(select(func.count()).select_from(StockMove)) == 2 + 2 + 1 + 2
        assert check_database(s).ok
    with db.session() as s, pytest.raises(InputError):
        void_sale(s, sale_id)


def test_archived_product_cannot_be_sold(shop):
    db, cola, _ = shop
    with db.session() as s:
        product = s.get(Product, cola)
        product.active = False
        with pytest.raises(InputError, match="archived"):
            Cart().add(product)


def test_a_refused_quantity_leaves_no_line_behind(shop):
    db, cola, _ = shop
    with db.session() as s:
        cart = Cart()
        with pytest.raises(InputError):
            cart.add(s.get(Product, cola), 0)
        assert cart.lines == []


def test_lookup_prefers_the_barcode_and_knows_unknown_codes(shop):
    db, cola, _ = shop
    with db.session() as s:
        # A short code that reads like another product's barcode: the barcode wins.
        make_product(s, "散装花生", 900, barcodes=[], short_code="6908512108211")
    with db.read() as s:
        product, units = lookup_code(s, " 6908512108211 ")
        assert (product.id, units) == (cola, 1)
        product, units = lookup_code(s, "ls1")
        assert (product.name, units) == ("乐事薯片 原味", 1)
        assert lookup_code(s, "0000000000000") is None and lookup_code(s, " ") is None
