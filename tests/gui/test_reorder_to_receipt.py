"""The whole morning in the real main window, offscreen: suggestions on the Reorder page ->
the owner edits a line's packs and another line's source (in the table's own editors) ->
purchase orders -> the Orders page shows the drafts -> mark sent -> receive part of one at
the delivery note's price -> stock on hand and moving-average cost as worked out by hand.

The shop (tests/shop_with_offers.py): cola sells 6 a day and water 3, both nearly sold out;
two suppliers (a factory and a local wholesaler) each offer both in cases of 24.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from shop_desk.db.models import OrderStatus, Product, PurchaseOrderLine
from shop_desk.gui.dialogs.receive_order import ReceiveOrderDialog
from shop_desk.gui.main_window import PAGES, MainWindow
from shop_desk.gui.pages.orders import OrdersPage
from shop_desk.gui.pages.reorder import DraftModel, ReorderPage
from shop_desk.inventory.products import average_cost_fen
from tests.shop_with_offers import build_shop


def _stock(ctx, product_id: int) -> tuple[int, int]:
    with ctx.db.read() as s:
        p = s.get(Product, product_id)
        return p.on_hand, p.stock_value_fen


def _open(qtbot, window: MainWindow, key: str) -> None:
    """Click the page's entry in the navigation list."""
    item = window.nav.item(PAGES.index(key))
    rect = window.nav.visualItemRect(item)
    qtbot.mouseClick(window.nav.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: window.current_key == key)


def _type_packs(qtbot, page: ReorderPage, row: int, text: str) -> None:
    """Type over a line's packs in the table and press Enter, as the owner does."""
    table = page.table
    table.setFocus()
    table.setCurrentIndex(page.model.index(row, DraftModel.PACKS))
    qtbot.keyClicks(table, text)
    editor = table.viewport().focusWidget()
    assert editor is not None and editor is not table  # the cell's own editor is open
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.viewport().focusWidget() is None or table.hasFocus())


def _yuan(fen: int) -> str:
    return f"¥{fen // 100:,}.{fen % 100:02d}"


def _row(draft, product_id: int) -> int:
    return next(i for i, ln in enumerate(draft.lines) if ln.product_id == str(product_id))


def test_suggest_edit_order_send_and_receive_in_the_main_window(qtbot, ctx, tmp_path):
    cola, water, _today = build_shop(ctx.db, tmp_path / "feeds")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)

    # --- Reorder page: today's suggestion --------------------------------------------------
    _open(qtbot, window, "reorder")
    page = window.stack.currentWidget()
    assert isinstance(page, ReorderPage)
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=30_000)
    draft = page.model.draft
    table = page.table

    # the water line: the owner types 3 over its packs and presses Enter
    assert draft.lines[_row(draft, water)].packs != 3
    _type_packs(qtbot, page, _row(draft, water), "3")
    water_line = draft.lines[_row(draft, water)]
    assert water_line.packs == 3 and water_line.edited and water_line.units == 72
    assert page.model.index(_row(draft, water), DraftModel.LINE_COST).data() == _yuan(
        3 * water_line.pack_price_fen
    )

    # the cola line: bought from the other supplier, chosen in the source column's list
    row = _row(draft, cola)
    suggested = draft.lines[row]
    other = next(o for o in draft.alternatives[str(cola)] if o != suggested.offer)
    table.setCurrentIndex(page.model.index(row, DraftModel.SOURCE))
    table.edit(page.model.index(row, DraftModel.SOURCE))
    combo = table.viewport().findChild(QComboBox)
    assert combo is not None and combo.count() == 2
    combo.setCurrentIndex(combo.findData(other))
    qtbot.keyClick(combo, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: draft.lines[_row(draft, cola)].offer == other)
    moved = draft.lines[_row(draft, cola)]
    assert moved.edited and moved.units >= suggested.units  # at least as much
    _type_packs(qtbot, page, _row(draft, cola), "5")  # and five cases of it
    cola_line = draft.lines[_row(draft, cola)]
    assert (cola_line.offer, cola_line.packs, cola_line.units) == (other, 5, 120)
    # five cases are below the 10-case tier: the first tier's price of that supplier
    case_price = {"factory-cola": 5100, "local-cola": 5600}[other.sku]
    assert cola_line.line_cost_fen == 5 * case_price
    assert page.model.index(_row(draft, cola), DraftModel.LINE_COST).data() == _yuan(5 * case_price)
    expected = {(ln.offer.sku, ln.packs) for ln in draft.lines}
    suppliers = {ln.offer.supplier_id for ln in draft.lines}
    total = sum(s.total_fen for s in draft.summaries())
    assert page.tile_total.value.text() == _yuan(total)

    page.create_button.click()
    qtbot.waitUntil(lambda: page.model.draft is None, timeout=20_000)
    assert page.status.text() == f"{len(suppliers)} draft purchase orders created."

    # --- Orders page: the drafts ------------------------------------------------------------
    _open(qtbot, window, "orders")
    orders = window.stack.currentWidget()
    assert isinstance(orders, OrdersPage)
    orders.confirm = lambda *_args: True
    qtbot.waitUntil(lambda: orders.model.rowCount() == len(suppliers), timeout=20_000)
    rows = orders.model.rows()
    assert {r.status for r in rows} == {OrderStatus.DRAFT}
    with ctx.db.read() as s:
        lines = {(ln.sku, ln.packs) for ln in s.query(PurchaseOrderLine)}
        cola_order = next(
            ln.order_id for ln in s.query(PurchaseOrderLine) if ln.sku == cola_line.offer.sku
        )
    assert lines == expected

    # --- mark the cola order sent ------------------------------------------------------------
    ref = f"PO-{cola_order:05d}"
    orders.table.selectRow(next(i for i, r in enumerate(orders.model.rows()) if r.ref == ref))
    qtbot.waitUntil(lambda: orders.view is not None and orders.view.ref == ref)
    assert orders.view.supplier == draft.suppliers[other.supplier_id].name
    orders.send_button.click()
    qtbot.waitUntil(lambda: orders.view is not None and orders.view.status == OrderStatus.SENT)

    # --- receive two cases of cola at the delivery note's price ------------------------------
    on_hand, value = _stock(ctx, cola)
    assert (on_hand, value) == (4, 4 * 230)  # 364 received at ¥2.30, 360 sold
    new_price = case_price - 150  # the delivery note says ¥1.50 less a case

    def partly(dialog: ReceiveOrderDialog) -> int:
        i = next(k for k, ln in enumerate(dialog.lines) if ln.sku == cola_line.offer.sku)
        assert dialog.spins[i].value() == cola_line.units  # all of it still to come
        for k, spin in enumerate(dialog.spins):
            spin.setValue(48 if k == i else 0)
        dialog.prices[i].setText(f"{new_price / 100:.2f}")
        dialog.accept()
        return dialog.result()

    orders.exec_dialog = partly
    orders.receive_button.click()
    qtbot.waitUntil(
        lambda: orders.view is not None and orders.view.status == OrderStatus.PARTLY_RECEIVED,
        timeout=10_000,
    )
    # by hand: 48 bottles are 2 cases at the new price (no member discount yet this month);
    # the 4 bottles left were bought at ¥2.30
    value = 4 * 230 + 2 * new_price
    assert _stock(ctx, cola) == (52, value)
    with ctx.db.read() as s:
        product = s.get(Product, cola)
        # moving average, rounded half up to the fen for display
        assert average_cost_fen(product) == (2 * value + 52) // (2 * 52)
        # 10,820 / 52 or 11,820 / 52 fen a bottle
        assert average_cost_fen(product) == {4950: 208, 5450: 227}[new_price]
        line = next(ln for ln in s.query(PurchaseOrderLine) if ln.sku == other.sku)
        assert (line.pack_price_fen, line.received_units) == (case_price, 48)
    assert orders.receive_button.isEnabled()  # three cases are still to come
    (shown,) = [x for x in orders.view.lines if x.sku == other.sku]
    assert shown.outstanding_units == 72
