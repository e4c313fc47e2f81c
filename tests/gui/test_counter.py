"""The counter page driven as a cashier does: scanner keystrokes, function keys, cash typed."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox
from sqlalchemy import func, select

from shop_desk.clock import shop_day, utcnow
from shop_desk.db.models import DailySummary, Product, Sale
from shop_desk.gui.cart_model import CartModel
from shop_desk.gui.dialogs.sale_return import SaleReturnDialog
from shop_desk.gui.pages.counter import CounterPage
from shop_desk.inventory.products import get_product, lookup_code
from shop_desk.inventory.stock import receive_stock
from shop_desk.text import gtin_with_check_digit
from tests.factories import make_product

from .modal import answer, when_modal

COLA = gtin_with_check_digit("690000000301")
COLA_CASE = gtin_with_check_digit("1690000000301")
ZERO = gtin_with_check_digit("690000000302")
CHIPS = gtin_with_check_digit("690000000303")
YES, NO = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No


@pytest.fixture
def shop(ctx):
    with ctx.db.session() as s:
        ids = {
            "cola": make_product(
                s, "可口可乐 500ml", 300, barcodes=[(COLA, 1), (COLA_CASE, 24)]
            ).id,
            "zero": make_product(s, "可口可乐零度 500ml", 350, barcodes=[(ZERO, 1)]).id,
            "chips": make_product(s, "乐事薯片 原味", 650, barcodes=[(CHIPS, 1)]).id,
        }
        receive_stock(s, ids["cola"], 50, 10000)
        receive_stock(s, ids["zero"], 10, 2500)
        # chips: nothing on the books
    return ids


@pytest.fixture
def page(ctx, shop, qtbot) -> CounterPage:
    widget = CounterPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    widget.activateWindow()
    qtbot.waitActive(widget)
    widget.scan_box.setFocus()
    return widget


def scan(qtbot, page: CounterPage, text: str) -> None:
    if text.isascii():
        qtbot.keyClicks(page.scan_box, text)  # what a scanner or a keyboard types
    else:
        page.scan_box.insert(text)  # what an input method commits
    qtbot.keyClick(page.scan_box, Qt.Key.Key_Return)


def on_hand(ctx, product_id: int) -> int:
    with ctx.db.read() as s:
        return get_product(s, product_id).on_hand


def sales_count(ctx) -> int:
    with ctx.db.read() as s:
        return s.scalar(select(func.count(Sale.id)))


def pay(qtbot, page: CounterPage, cash: str = ""):
    qtbot.keyClick(page.scan_box, Qt.Key.Key_F12)
    assert page.pay_box.isVisible()
    with qtbot.waitSignal(page.sold, timeout=10000) as sold:
        qtbot.keyClicks(page.pay_box.cash, cash)
        qtbot.keyClick(page.pay_box.cash, Qt.Key.Key_Return)
    return sold.args[0]


def test_scan_pay_stock_decreases_and_summary_shows_the_sale(qtbot, ctx, shop, page):
    scan(qtbot, page, COLA)
    scan(qtbot, page, COLA)  # a repeated scan adds to the line
    scan(qtbot, page, CHIPS)
    assert [(line.name, line.qty) for line in page.cart.lines] == [
        ("可口可乐 500ml", 2),
        ("乐事薯片 原味", 1),
    ]
    assert page.total_label.text() == "¥12.50"
    qtbot.keyClick(page.scan_box, Qt.Key.Key_F12)
    qtbot.keyClicks(page.pay_box.cash, "20")
    assert page.pay_box.change.text() == "¥7.50"  # change shown while typing
    with qtbot.waitSignal(page.sold, timeout=10000) as sold:
        qtbot.keyClick(page.pay_box.cash, Qt.Key.Key_Return)
    receipt = sold.args[0]
    assert (receipt.total_fen, receipt.paid_fen, receipt.change_fen) == (1250, 2000, 750)
    assert page.cart.lines == [] and not page.pay_box.isVisible()
    assert page.last_amount.text() == "¥7.50" and page.last_sale.isVisible()
    assert on_hand(ctx, shop["cola"]) == 48
    with ctx.db.read() as s:
        summary = s.get(DailySummary, (shop["cola"], shop_day(utcnow())))
        assert (summary.units_sold, summary.revenue_fen, summary.closing_on_hand) == (2, 600, 48)
    assert page.scan_box.hasFocus()  # ready for the next customer


def test_exact_cash_with_f12_twice_and_case_barcode(qtbot, ctx, shop, page):
    scan(qtbot, page, COLA_CASE)
    assert page.cart.lines[0].qty == 24
    qtbot.keyClick(page.scan_box, Qt.Key.Key_F12)
    with qtbot.waitSignal(page.sold, timeout=10000) as sold:
        qtbot.keyClick(page.pay_box.cash, Qt.Key.Key_F12)  # nothing typed: exact amount
    assert sold.args[0].change_fen == 0
    assert on_hand(ctx, shop["cola"]) == 26


def test_ctrl_enter_pays_too(qtbot, ctx, shop, page):
    scan(qtbot, page, ZERO)
    qtbot.keyClick(page.scan_box, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert page.pay_box.isVisible()
    qtbot.keyClick(page.pay_box.cash, Qt.Key.Key_Escape)  # back to the cart, nothing lost
    assert not page.pay_box.isVisible() and len(page.cart.lines) == 1
    assert sales_count(ctx) == 0


def test_search_by_pinyin_initials_and_pick_with_arrows(qtbot, ctx, shop, page):
    scan(qtbot, page, "kkkl")
    assert page.pick_list.isVisible() and page.pick_list.count() == 2
    assert page.cart.lines == []
    names = [page.pick_list.item(i).text() for i in range(2)]
    qtbot.keyClick(page.scan_box, Qt.Key.Key_Down)
    qtbot.keyClick(page.scan_box, Qt.Key.Key_Return)
    assert [line.name for line in page.cart.lines] == [names[1].split("    ")[0]]
    assert not page.pick_list.isVisible()
    scan(qtbot, page, "薯片")  # one match: added at once
    assert page.cart.lines[-1].name == "乐事薯片 原味"


def test_nothing_found_says_so_and_keeps_the_text(qtbot, ctx, shop, page):
    scan(qtbot, page, "zzzz")
    assert page.cart.lines == []
    assert "zzzz" in page.message.text() and page.message.isVisible()
    assert page.scan_box.text() == "zzzz"


def test_wrong_check_digit_adds_nothing(qtbot, ctx, shop, page):
    body = COLA[:-1]
    wrong = body + str((int(COLA[-1]) + 1) % 10)
    scan(qtbot, page, wrong)
    assert page.cart.lines == []
    assert "check digit" in page.message.text()
    with ctx.db.read() as s:
        assert lookup_code(s, wrong) is None


def test_unknown_barcode_offers_to_create_the_product(qtbot, ctx, shop, page):
    code = gtin_with_check_digit("690000000399")
    texts: list[str] = []

    def fill_editor(editor) -> None:
        editor.name_edit.setText("康师傅红烧牛肉面")
        editor.price_edit.setText("4.50")
        editor.save_button.click()

    answer(YES, texts)
    when_modal(fill_editor, kind=QDialog)
    scan(qtbot, page, code)
    assert code in texts[0]
    assert [(line.name, line.unit_price_fen) for line in page.cart.lines] == [
        ("康师傅红烧牛肉面", 450)
    ]
    with ctx.db.read() as s:
        assert lookup_code(s, code)[0].name == "康师傅红烧牛肉面"


def test_unknown_barcode_declined_creates_nothing(qtbot, ctx, shop, page):
    code = gtin_with_check_digit("690000000398")
    answer(NO)
    scan(qtbot, page, code)
    assert page.cart.lines == []
    with ctx.db.read() as s:
        assert s.scalar(select(func.count(Product.id))) == 3


def test_oversold_line_is_flagged_and_sold_anyway(qtbot, ctx, shop, page):
    scan(qtbot, page, CHIPS)
    index = page.model.index(0, CartModel.NAME)
    assert page.model.data(index, Qt.ItemDataRole.BackgroundRole) is not None
    assert "Only 0 on the books" in page.model.data(index, Qt.ItemDataRole.ToolTipRole)
    assert "only 0 on the books" in page.message.text()
    receipt = pay(qtbot, page)
    assert receipt.oversold == ["乐事薯片 原味"]
    assert "乐事薯片 原味" in page.message.text() and page.message.isVisible()
    assert on_hand(ctx, shop["chips"]) == -1


def test_quantity_keys_and_remove_line(qtbot, ctx, shop, page):
    scan(qtbot, page, COLA)
    scan(qtbot, page, ZERO)
    qtbot.keyClick(page.scan_box, Qt.Key.Key_Plus)  # the current line: the last added
    qtbot.keyClick(page.scan_box, Qt.Key.Key_Plus)
    assert [line.qty for line in page.cart.lines] == [1, 3]
    qtbot.keyClick(page.scan_box, Qt.Key.Key_Up)
    qtbot.keyClicks(page.scan_box, "6*")
    assert [line.qty for line in page.cart.lines] == [6, 3]
    qtbot.keyClick(page.scan_box, Qt.Key.Key_Minus)
    assert page.cart.lines[0].qty == 5
    assert page.total_label.text() == "¥25.50"
    qtbot.keyClick(page.scan_box, Qt.Key.Key_Delete)
    assert [line.name for line in page.cart.lines] == ["可口可乐零度 500ml"]
    assert page.total_label.text() == "¥10.50"


def test_absurd_quantity_is_refused(qtbot, ctx, shop, page):
    scan(qtbot, page, COLA)
    page.set_current_qty(100000)
    assert page.cart.lines[0].qty == 1
    assert "between 1 and" in page.message.text()


def test_void_current_sale_asks_then_clears(qtbot, ctx, shop, page):
    scan(qtbot, page, COLA)
    scan(qtbot, page, ZERO)
    answer(NO)
    qtbot.keyClick(page.scan_box, Qt.Key.Key_F9)
    assert len(page.cart.lines) == 2
    answer(YES)
    qtbot.keyClick(page.scan_box, Qt.Key.Key_Escape)  # Esc with an empty box voids too
    assert page.cart.lines == [] and page.total_label.text() == "¥0.00"
    assert sales_count(ctx) == 0
    assert on_hand(ctx, shop["cola"]) == 50


def test_short_cash_keeps_the_cart(qtbot, ctx, shop, page):
    scan(qtbot, page, COLA)
    qtbot.keyClick(page.scan_box, Qt.Key.Key_F12)
    qtbot.keyClicks(page.pay_box.cash, "1")
    assert page.pay_box.change_caption.text() == "Still due"
    with qtbot.waitSignal(page.sale_failed, timeout=10000) as failed:
        qtbot.keyClick(page.pay_box.cash, Qt.Key.Key_Return)
    assert "less than the total" in failed.args[0]
    assert len(page.cart.lines) == 1 and page.pay_box.cash.text() == "1"
    assert sales_count(ctx) == 0


def test_scans_during_a_checkout_are_kept(qtbot, ctx, shop, page):
    scan(qtbot, page, COLA)
    with qtbot.waitSignal(page.sold, timeout=10000):
        page.checkout(None)
        page.submit(ZERO)  # the scanner is faster than the write
    assert [line.name for line in page.cart.lines] == ["可口可乐零度 500ml"]


def test_return_part_of_a_sale_restores_stock(qtbot, ctx, shop, page):
    scan(qtbot, page, COLA)
    qtbot.keyClicks(page.scan_box, "3*")
    scan(qtbot, page, ZERO)
    receipt = pay(qtbot, page)
    assert on_hand(ctx, shop["cola"]) == 47
    dialog = SaleReturnDialog(ctx, page)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.current.id == receipt.sale_id
    dialog.spins[0].setValue(2)  # two colas come back
    assert dialog.refund_label.text() == "Refund: ¥6.00"
    answer(YES)
    dialog.return_button.click()
    qtbot.waitUntil(lambda: dialog.refund is not None, timeout=10000)
    assert dialog.refund.change_fen == 600
    assert on_hand(ctx, shop["cola"]) == 49
    with ctx.db.read() as s:
        summary = s.get(DailySummary, (shop["cola"], shop_day(utcnow())))
        assert (summary.units_sold, summary.revenue_fen) == (1, 300)


def test_void_a_completed_sale_from_f8(qtbot, ctx, shop, page):
    scan(qtbot, page, COLA)
    scan(qtbot, page, ZERO)
    pay(qtbot, page)

    def void(dialog) -> None:
        answer(YES)
        dialog.void_button.click()

    seen = when_modal(void, kind=SaleReturnDialog)
    qtbot.keyClick(page.scan_box, Qt.Key.Key_F8)
    assert seen and seen[0].refund is not None
    assert page.last_amount.text() == "¥6.50" and "refunded" in page.last_detail.text()
    assert (on_hand(ctx, shop["cola"]), on_hand(ctx, shop["zero"])) == (50, 10)
    with ctx.db.read() as s:
        sale = s.scalars(select(Sale).where(Sale.kind == "sale")).one()
        assert sale.voided


def test_returns_dialog_finds_a_sale_by_number(qtbot, ctx, shop, page):
    scan(qtbot, page, COLA)
    first = pay(qtbot, page)
    scan(qtbot, page, ZERO)
    pay(qtbot, page)
    dialog = SaleReturnDialog(ctx, page)
    qtbot.addWidget(dialog)
    assert [sale.id for sale in dialog.sales] == [first.sale_id + 1, first.sale_id]
    dialog.find_edit.setText(str(first.sale_id))
    dialog.find_sale()
    assert [sale.id for sale in dialog.sales] == [first.sale_id]
    dialog.find_edit.setText("99999")
    dialog.find_sale()
    assert dialog.sales == [] and "99999" in dialog.message.text()
    assert not dialog.return_button.isEnabled() and not dialog.void_button.isEnabled()


def test_quantity_typed_in_the_cell_updates_the_total(qtbot, ctx, shop, page):
    scan(qtbot, page, COLA)
    index = page.model.index(0, CartModel.QTY)
    assert page.model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert page.model.setData(index, 4)
    assert page.total_label.text() == "¥12.00"
    assert not page.model.setData(index, 0)  # refused with the reason, nothing changed
    assert page.cart.lines[0].qty == 4 and "between 1 and" in page.message.text()


def test_archived_product_is_refused_at_the_counter(qtbot, ctx, shop, page):
    from shop_desk.inventory.products import set_active

    with ctx.db.session() as s:
        set_active(s, shop["zero"], False)
    scan(qtbot, page, ZERO)
    assert page.cart.lines == []
    assert "archived" in page.message.text()
