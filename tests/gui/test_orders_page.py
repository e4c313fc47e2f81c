"""Purchase Orders page, offscreen with a real SQLite shop and a real order service:
create orders (as the Reorder page does) -> send -> receive in part at a new price -> stock
and average cost rise; submit in a worker; export PDF in a worker; WeChat text on the
clipboard; over-receiving asks first."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog

from shop_desk.db.models import OrderStatus, Product
from shop_desk.gui.dialogs.receive_order import ReceiveOrderDialog
from shop_desk.gui.pages.orders import OrdersPage
from shop_desk.purchasing.orders import create_drafts, draft_lines_from_review
from shop_desk.reorder.review import OrderLine
from shop_desk.settings import ShopSettings, save_settings
from tests.orders_server import OrderServer
from tests.purchasing_shop import build_shop


@pytest.fixture
def server():
    srv = OrderServer()
    yield srv
    srv.close()


@pytest.fixture
def shop(ctx, tmp_path, server):
    shop = build_shop(ctx.db, tmp_path / "feeds", orders_url=server.url)
    with ctx.db.session() as s:
        save_settings(s, ShopSettings(shop_name="张三便利店", shop_phone="020-1234"))
        suggestion = [
            OrderLine(str(shop.drinks), "A1", str(shop.cola), 5),
            OrderLine(str(shop.drinks), "M1", str(shop.milk), 2),
            OrderLine(str(shop.snacks), "C1", str(shop.chips), 1),
        ]
        create_drafts(s, draft_lines_from_review(suggestion))
    return shop


@pytest.fixture
def page(qtbot, ctx, shop):
    page = OrdersPage(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    page.confirm = lambda *_args: True
    page.errors = []
    page.show_error = page.errors.append
    qtbot.waitUntil(lambda: page.model.rowCount() == 2 and page.view is not None)
    return page


def _select(qtbot, page: OrdersPage, ref: str) -> None:
    row = next(i for i, r in enumerate(page.model.rows()) if r.ref == ref)
    page.table.selectRow(row)
    qtbot.waitUntil(lambda: page.view is not None and page.view.ref == ref)


def _wait_status(qtbot, page: OrdersPage, status: str) -> None:
    qtbot.waitUntil(lambda: page.view is not None and page.view.status == status, timeout=10000)


def _on_hand(ctx, product_id: int) -> tuple[int, int]:
    with ctx.db.read() as s:
        p = s.get(Product, product_id)
        return p.on_hand, p.stock_value_fen


def test_send_then_receive_in_part_then_the_rest(qtbot, ctx, page, shop):
    _select(qtbot, page, "PO-00001")
    assert page.lines_model.rowCount() == 2
    assert page.lines_model.index(0, 4).data() == "¥51.00"
    assert "¥327.00" in page.totals_label.text()
    assert page.send_button.isEnabled() and not page.receive_button.isEnabled()
    page.send_button.click()
    _wait_status(qtbot, page, OrderStatus.SENT)
    assert page.receive_button.isEnabled() and not page.send_button.isEnabled()

    def partly(dialog: ReceiveOrderDialog) -> int:
        assert [s.value() for s in dialog.spins] == [120, 24]  # what is still to come
        dialog.spins[0].setValue(48)
        dialog.prices[0].setText("49.00")  # the delivery note's price
        dialog.spins[1].setValue(0)
        dialog.accept()
        return dialog.result()

    page.exec_dialog = partly
    page.receive_button.click()
    _wait_status(qtbot, page, OrderStatus.PARTLY_RECEIVED)
    assert _on_hand(ctx, shop.cola) == (58, 2000 + 9800)
    assert page.lines_model.index(0, 7).data() == "72"  # still to come

    def rest(dialog: ReceiveOrderDialog) -> int:
        assert [s.value() for s in dialog.spins] == [72, 24]
        dialog.accept()
        return dialog.result()

    page.exec_dialog = rest
    page.receive_button.click()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)  # received orders leave "open"
    assert _on_hand(ctx, shop.cola) == (130, 2000 + 9800 + 15300)
    assert _on_hand(ctx, shop.milk) == (24, 7200)


def test_over_receiving_asks_first(qtbot, ctx, page, shop):
    _select(qtbot, page, "PO-00002")
    page.send_button.click()
    _wait_status(qtbot, page, OrderStatus.SENT)
    answers = []

    def over(dialog: ReceiveOrderDialog) -> int:
        dialog.confirm = lambda *_a: answers.append("no") or False
        dialog.spins[0].setValue(25)
        dialog.accept()
        assert dialog.result() != QDialog.DialogCode.Accepted
        dialog.confirm = lambda *_a: answers.append("yes") or True
        dialog.accept()
        return dialog.result()

    page.exec_dialog = over
    page.receive_button.click()
    assert answers == ["no", "yes"]
    assert _on_hand(ctx, shop.chips)[0] == 25


def test_submit_in_a_worker_and_problems_are_shown(qtbot, ctx, page, shop, server):
    _select(qtbot, page, "PO-00001")
    server.faults.problem = (422, "缺货", "M1 暂时无货")
    page.submit_button.click()
    qtbot.waitUntil(lambda: bool(page.errors), timeout=10000)
    assert "did not accept the order (422): 缺货: M1 暂时无货" in page.errors[0]
    server.faults.problem = None
    server.faults.drop_after_create = 1  # the first answer is lost: no second order
    qtbot.waitUntil(page.submit_button.isEnabled)  # the page read the order again
    page.submit_button.click()
    _wait_status(qtbot, page, OrderStatus.SENT)
    assert page.view.remote_order_id == "S0001" and len(server.orders) == 1
    assert "S0001" in page.message.text()
    assert page.status_button.isVisibleTo(page)
    assert not page.submit_button.isEnabled()


def test_export_pdf_in_a_worker_and_text_to_the_clipboard(qtbot, ctx, page, tmp_path):
    _select(qtbot, page, "PO-00001")
    target = tmp_path / "PO-00001.pdf"
    page.choose_file = lambda suggested, _filter: str(tmp_path / suggested)
    page.export("pdf")
    qtbot.waitUntil(lambda: "Written" in page.message.text(), timeout=15000)
    assert target.read_bytes().startswith(b"%PDF")
    page.copy_text()
    text = QGuiApplication.clipboard().text()
    assert text.startswith("【Purchase order PO-00001】广州饮料批发")
    assert "[M1] 蒙牛纯牛奶 250ml×12 × 2 箱" in text


def test_the_main_window_shows_the_page(qtbot, ctx, shop):
    from shop_desk.gui.main_window import MainWindow

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show_page("orders")
    assert isinstance(window.page("orders"), OrdersPage)
