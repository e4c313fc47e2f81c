"""Stock count (盘点) dialog: scan -> count -> variance applied, keyboard first."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from shop_desk.db.models import CountSession, StockMove
from shop_desk.gui.dialogs.stock_count import StockCountDialog
from shop_desk.inventory.products import ProductData, create_product, get_product
from shop_desk.inventory.stock import receive_stock
from shop_desk.text import gtin_with_check_digit

COLA = gtin_with_check_digit("690000000101")
CHIPS = gtin_with_check_digit("690000000102")


@pytest.fixture
def stock(ctx):
    with ctx.db.session() as s:
        cola = create_product(
            s, ProductData(name="可口可乐", retail_price_fen=300, barcodes=[(COLA, 1)])
        )
        chips = create_product(
            s, ProductData(name="乐事薯片", retail_price_fen=650, barcodes=[(CHIPS, 1)])
        )
        receive_stock(s, cola.id, 24, 4800)  # ¥2.00 each
        receive_stock(s, chips.id, 10, 4000)  # ¥4.00 each
        return {"cola": cola.id, "chips": chips.id}


def _scan(qtbot, dialog: StockCountDialog, code: str, counted: str) -> None:
    """What a clerk does: scan (digits + Enter), type the count, Enter."""
    qtbot.keyClicks(dialog.picker.search_edit, code)
    qtbot.keyClick(dialog.picker.search_edit, Qt.Key.Key_Return)
    assert dialog.counted_spin.hasFocus()  # the scanner's Enter lands in the counted box
    qtbot.keyClicks(dialog.counted_spin, counted)
    qtbot.keyClick(dialog.counted_spin, Qt.Key.Key_Return)
    assert dialog.picker.search_edit.hasFocus()  # ready for the next scan


def _open(qtbot, ctx) -> StockCountDialog:
    dialog = StockCountDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.picker.search_edit.setFocus()
    return dialog


def test_count_then_variance_applied(qtbot, ctx, stock):
    dialog = _open(qtbot, ctx)
    _scan(qtbot, dialog, COLA, "20")  # 4 missing
    _scan(qtbot, dialog, CHIPS, "11")  # 1 found
    lines = {line.name: line for line in dialog.model.rows()}
    assert (lines["可口可乐"].expected, lines["可口可乐"].counted) == (24, 20)
    assert lines["可口可乐"].value_fen == -800
    assert lines["乐事薯片"].units == 1 and lines["乐事薯片"].value_fen == 400
    shortage = dialog.model.index(dialog.model.find(stock["cola"]), 0)
    assert shortage.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert "-¥4.00" in dialog.totals_label.text()  # -800 + 400 fen
    asked = []
    dialog.confirm = lambda parent, title, text: asked.append(text) or True
    with qtbot.waitSignal(ctx.events.stock_changed):
        dialog.apply_button.click()
    assert "-¥4.00" in asked[0]
    assert dialog.result() == QDialog.DialogCode.Accepted
    with ctx.db.read() as s:
        assert get_product(s, stock["cola"]).on_hand == 20
        assert get_product(s, stock["chips"]).on_hand == 11
        assert get_product(s, stock["cola"]).stock_value_fen == 4000
        moves = s.query(StockMove).filter(StockMove.kind == "count").all()
        assert sorted(m.qty for m in moves) == [-4, 1]
        assert s.get(CountSession, dialog.count_id).status == "applied"


def test_declining_the_confirmation_changes_nothing(qtbot, ctx, stock):
    dialog = _open(qtbot, ctx)
    _scan(qtbot, dialog, COLA, "3")
    dialog.confirm = lambda *args: False
    dialog.apply_button.click()
    assert dialog.isVisible()
    with ctx.db.read() as s:
        assert get_product(s, stock["cola"]).on_hand == 24


def test_count_resumes_and_recount_replaces(qtbot, ctx, stock):
    dialog = _open(qtbot, ctx)
    _scan(qtbot, dialog, COLA, "5")
    count_id = dialog.count_id
    dialog.close_button.click()
    again = _open(qtbot, ctx)
    assert again.count_id == count_id and again.model.rowCount() == 1
    qtbot.keyClicks(again.picker.search_edit, COLA)
    qtbot.keyClick(again.picker.search_edit, Qt.Key.Key_Return)
    assert again.counted_spin.value() == 5  # what was counted before is shown
    again.counted_spin.setValue(22)
    again.record()
    assert [line.counted for line in again.model.rows()] == [22]


def test_search_by_pinyin_and_cancel_count(qtbot, ctx, stock):
    dialog = _open(qtbot, ctx)
    qtbot.keyClicks(dialog.picker.search_edit, "lssp")
    qtbot.keyClick(dialog.picker.search_edit, Qt.Key.Key_Return)
    assert dialog.product is not None and dialog.product.name == "乐事薯片"
    dialog.counted_spin.setValue(0)
    dialog.record()
    dialog.confirm = lambda *args: True
    dialog.cancel_count_button.click()
    assert dialog.result() == QDialog.DialogCode.Rejected
    with ctx.db.read() as s:
        assert s.get(CountSession, dialog.count_id).status == "cancelled"
        assert get_product(s, stock["chips"]).on_hand == 10


def test_unknown_code_says_so(qtbot, ctx, stock):
    dialog = _open(qtbot, ctx)
    qtbot.keyClicks(dialog.picker.search_edit, "999999")
    qtbot.keyClick(dialog.picker.search_edit, Qt.Key.Key_Return)
    assert dialog.product is None
    assert "999999" in dialog.picker.message.text()
    assert not dialog.counted_spin.isEnabled()
