"""Product editor: creates and edits real products; bad input is shown and nothing is lost."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from sqlalchemy import func, select

from shop_desk.db.models import Product
from shop_desk.gui.dialogs.product_editor import ProductEditor
from shop_desk.inventory.products import ProductData, create_product, get_product, lookup_code
from shop_desk.inventory.stock import receive_stock
from shop_desk.text import gtin_with_check_digit

UNIT_CODE = gtin_with_check_digit("690000000001")
SECOND_CODE = gtin_with_check_digit("690000000002")
CASE_CODE = gtin_with_check_digit("1690000000001")


def _open(qtbot, ctx, **kw) -> ProductEditor:
    editor = ProductEditor(ctx, **kw)
    qtbot.addWidget(editor)
    editor.show()
    return editor


def test_creates_a_product_with_item_and_case_barcodes(qtbot, ctx):
    editor = _open(qtbot, ctx, barcode=UNIT_CODE)  # as the counter opens it for an unknown scan
    assert editor.barcode_rows[0].code_edit.text() == UNIT_CODE
    editor.name_edit.setText("可口可乐 500ml")  # QTest types ASCII only
    editor.category_combo.setCurrentText("饮料")
    editor.unit_combo.setCurrentText("瓶")
    editor.price_edit.setText("3.50")
    editor.cost_edit.setText("2.10")
    editor.add_barcode_row(SECOND_CODE)
    editor.add_barcode_row(CASE_CODE, 24)
    editor.shelf_life_spin.setValue(270)
    editor.min_display_spin.setValue(6)
    editor.service_spin.setValue(95.5)
    with qtbot.waitSignal(ctx.events.products_changed):
        editor.accept()
    assert editor.result() == QDialog.DialogCode.Accepted
    with ctx.db.read() as s:
        product = get_product(s, editor.product_id)
        assert product.name == "可口可乐 500ml"
        assert product.name_initials.startswith("kkkl")
        assert product.retail_price_fen == 350
        assert product.last_cost_fen == 210
        assert product.category == "饮料" and product.unit == "瓶"
        assert product.shelf_life_days == 270 and product.min_display_qty == 6
        assert product.service_level_bp == 9550
        assert product.shelf_capacity is None  # 0 in the box means "not set"
        assert sorted((b.code, b.units) for b in product.barcodes) == sorted(
            [(UNIT_CODE, 1), (SECOND_CODE, 1), (CASE_CODE, 24)]
        )
        assert lookup_code(s, CASE_CODE)[1] == 24


def test_edits_an_existing_product(qtbot, ctx):
    with ctx.db.session() as s:
        pid = create_product(
            s, ProductData(name="雪碧", retail_price_fen=300, barcodes=[(UNIT_CODE, 1)])
        ).id
        receive_stock(s, pid, 10, 2000)
    editor = _open(qtbot, ctx, product_id=pid)
    assert editor.name_edit.text() == "雪碧"
    assert editor.price_edit.text() == "3.00"
    assert not editor.cost_edit.isEnabled()  # cost follows receipts once stock is on hand
    assert "¥2.00" in editor.stock_label.text()
    editor.name_edit.setText("雪碧 600ml")
    editor.price_edit.setText("¥3.20")
    editor.barcode_rows[0].units_spin.setValue(1)
    editor.add_barcode_row(CASE_CODE, 12)
    editor.accept()
    assert editor.result() == QDialog.DialogCode.Accepted and editor.product_id == pid
    with ctx.db.read() as s:
        product = get_product(s, pid)
        assert product.name == "雪碧 600ml" and product.retail_price_fen == 320
        assert {b.code: b.units for b in product.barcodes} == {UNIT_CODE: 1, CASE_CODE: 12}
        assert product.on_hand == 10


def test_wrong_check_digit_is_shown_inline_and_nothing_is_saved(qtbot, ctx):
    editor = _open(qtbot, ctx)
    editor.name_edit.setText("奥利奥")
    editor.price_edit.setText("9")
    bad = UNIT_CODE[:-1] + str((int(UNIT_CODE[-1]) + 1) % 10)
    editor.barcode_rows[0].code_edit.setText(bad)
    assert editor.barcode_rows[0].error.isVisibleTo(editor)
    assert f"expected {UNIT_CODE[-1]}" in editor.barcode_rows[0].error.text()
    editor.accept()
    assert editor.isVisible() and editor.result() != QDialog.DialogCode.Accepted
    assert editor.name_edit.text() == "奥利奥"  # nothing typed is lost
    assert editor.barcode_rows[0].code_edit.text() == bad
    with ctx.db.read() as s:
        assert lookup_code(s, bad) is None
    editor.barcode_rows[0].code_edit.setText(UNIT_CODE)  # corrected: saves
    assert not editor.barcode_rows[0].error.isVisibleTo(editor)
    editor.accept()
    assert editor.result() == QDialog.DialogCode.Accepted


@pytest.mark.parametrize("price", ["-3", "abc", "99999999"])
def test_bad_price_keeps_the_dialog_open(qtbot, ctx, price):
    editor = _open(qtbot, ctx)
    editor.name_edit.setText("乐事薯片")
    editor.price_edit.setText(price)
    assert editor.price_error.isVisibleTo(editor) and editor.price_error.text()
    editor.accept()
    assert editor.isVisible() and editor.product_id is None
    assert editor.price_edit.text() == price
    with ctx.db.read() as s:
        assert s.scalar(select(func.count(Product.id))) == 0


def test_database_refusal_is_shown_in_the_dialog(qtbot, ctx):
    with ctx.db.session() as s:
        create_product(
            s, ProductData(name="可口可乐", retail_price_fen=300, barcodes=[(UNIT_CODE, 1)])
        )
    editor = _open(qtbot, ctx, barcode=UNIT_CODE)
    editor.name_edit.setText("别的东西")
    editor.price_edit.setText("1")
    editor.accept()
    assert editor.isVisible() and editor.product_id is None
    assert "already belongs to 可口可乐" in editor.error_label.text()
    assert editor.name_edit.text() == "别的东西"


def test_enter_moves_on_and_never_saves(qtbot, ctx):
    editor = _open(qtbot, ctx)
    editor.activateWindow()
    editor.barcode_rows[0].code_edit.setFocus()
    qtbot.keyClicks(editor.barcode_rows[0].code_edit, UNIT_CODE)
    qtbot.keyClick(editor.barcode_rows[0].code_edit, Qt.Key.Key_Return)  # the scanner's Enter
    assert editor.isVisible() and editor.product_id is None


def test_high_price_is_a_warning_not_an_error(qtbot, ctx):
    editor = _open(qtbot, ctx)
    editor.name_edit.setText("茅台 53度 500ml")
    editor.price_edit.setText("15000")
    assert "unusually high" in editor.price_error.text()
    editor.accept()  # possible for a shop item: it saves
    assert editor.result() == QDialog.DialogCode.Accepted
    with ctx.db.read() as s:
        assert get_product(s, editor.product_id).retail_price_fen == 1_500_000


def test_a_new_product_starts_with_the_settings_reorder_defaults(qtbot, ctx):
    from shop_desk.settings import ShopSettings, save_settings

    with ctx.db.session() as s:
        save_settings(s, ShopSettings(default_service_level_bp=9550, default_review_days=14))
    editor = _open(qtbot, ctx, barcode=UNIT_CODE)
    assert (editor.service_spin.value(), editor.review_spin.value()) == (95.5, 14)
    editor.name_edit.setText("Water 550ml")
    editor.price_edit.setText("2.00")
    with qtbot.waitSignal(ctx.events.products_changed):
        editor.accept()
    with ctx.db.read() as s:
        product = get_product(s, editor.product_id)
        assert (product.service_level_bp, product.review_days) == (9550, 14)
    # editing a product shows its own values, not the defaults
    with ctx.db.session() as s:
        save_settings(s, ShopSettings(default_service_level_bp=9000, default_review_days=3))
    again = _open(qtbot, ctx, product_id=editor.product_id)
    assert (again.service_spin.value(), again.review_spin.value()) == (95.5, 14)
