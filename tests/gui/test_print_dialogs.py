"""Printing from the window: labels of the stock page's selection, the counter's last receipt.
Dialogs are driven through their hooks; the PDFs they save are read back and scanned."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog

from shop_desk.gui.pages.counter import CounterPage
from shop_desk.gui.pages.stock import StockPage
from shop_desk.gui.printing.dialogs import LabelPrintDialog, ReceiptPrintDialog
from shop_desk.inventory.stock import receive_stock
from shop_desk.settings import load_settings
from tests.factories import make_product
from tests.pdf_check import read_pdf


@pytest.fixture
def shop(ctx):
    with ctx.db.session() as s:
        cola = make_product(s, "可口可乐 500ml", 300, spec="500ml", unit="瓶")
        chips = make_product(s, "乐事薯片 原味", 650, unit="袋")
        tea = make_product(s, "康师傅冰红茶", 350)
        for product in (cola, chips, tea):
            receive_stock(s, product.id, 10, 1000)
        return {p.name: (p.id, p.barcodes[0].code) for p in (cola, chips, tea)}


def captured(page) -> list[QDialog]:
    dialogs: list[QDialog] = []

    def keep(dialog: QDialog) -> int:
        dialogs.append(dialog)
        return QDialog.DialogCode.Rejected

    page.exec_dialog = keep
    return dialogs


def test_stock_selection_prints_its_labels(ctx, shop, qtbot, tmp_path):
    page = StockPage(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() == 3)
    assert not page.labels_action.isEnabled()
    for name in ("可口可乐 500ml", "康师傅冰红茶"):
        row = page.model.find(shop[name][0])
        page.table.selectionModel().select(
            page.model.index(row, 0),
            page.table.selectionModel().SelectionFlag.Select
            | page.table.selectionModel().SelectionFlag.Rows,
        )
    assert page.labels_action.isEnabled()
    dialogs = captured(page)
    page.labels_action.trigger()
    (dialog,) = dialogs
    assert isinstance(dialog, LabelPrintDialog)
    assert sorted(i.name for i in dialog.items) == ["可口可乐 500ml", "康师傅冰红茶"]
    dialog.template_combo.setCurrentIndex(dialog.template_combo.findData("roll-40x30"))
    dialog.copies.setValue(2)
    assert dialog.message.text() == "4 labels on 4 page(s)"
    assert not dialog.skip.isEnabled()  # a label printer has no part-used sheet
    target = tmp_path / "labels.pdf"
    dialog.ask_pdf_path = lambda: str(target)
    dialog.pdf_button.click()
    qtbot.waitUntil(lambda: dialog.pdf_button.isEnabled() and "Saved" in dialog.message.text())
    pages = read_pdf(target)
    assert len(pages) == 4 and round(pages[0].width_mm) == 40
    codes = [p.barcodes for p in pages]
    cola_code = shop["可口可乐 500ml"][1]
    assert codes.count([("EAN13", cola_code)]) == 2
    qtbot.waitUntil(lambda: ctx.tasks.idle)
    with ctx.db.read() as s:  # the choice is remembered for next time
        assert load_settings(s).label_template == "roll-40x30"
    dialog.close()


def test_label_dialog_preview_and_sheet_skip(ctx, shop, qtbot):
    with ctx.db.read() as s:
        from shop_desk.documents.labels import label_items

        items = label_items(s, [i for i, _ in shop.values()])
    dialog = LabelPrintDialog(ctx, items)
    qtbot.addWidget(dialog)
    dialog.template_combo.setCurrentIndex(dialog.template_combo.findData("a4-3x8"))
    dialog.skip.setValue(22)
    assert dialog.message.text() == "3 labels on 2 page(s)"  # two slots left on the sheet
    dialog.show()
    qtbot.waitUntil(lambda: dialog.preview.pageCount() == 2)
    printed = []
    dialog.ask_printer = lambda printer: printed.append(printer) or False  # cancelled
    dialog.print_button.click()
    assert printed and "Sent" not in dialog.message.text()


def test_counter_prints_the_last_receipt(ctx, shop, qtbot, tmp_path):
    ctx.settings.shop_name = "老王便利店"
    page = CounterPage(ctx)
    qtbot.addWidget(page)
    page.show()
    dialogs = captured(page)
    page.print_receipt()  # nothing sold yet: nothing to print
    assert dialogs == []
    from shop_desk.db.models import Product

    with ctx.db.read() as s:
        page.add_product(s.get(Product, shop["乐事薯片 原味"][0]), 2)
    page.checkout(2000)
    qtbot.waitUntil(lambda: page.last_sale_id is not None)
    assert page.receipt_button.isVisible()
    page.receipt_button.click()
    (dialog,) = dialogs
    assert isinstance(dialog, ReceiptPrintDialog)
    assert dialog.receipt.sale_id == page.last_sale_id and dialog.receipt.change_fen == 700
    dialog.width_combo.setCurrentIndex(dialog.width_combo.findData(80))
    target = tmp_path / "receipt.pdf"
    dialog.ask_pdf_path = lambda: str(target)
    dialog.pdf_button.click()
    qtbot.waitUntil(lambda: "Saved" in dialog.message.text())
    (pdf_page,) = read_pdf(target)
    assert round(pdf_page.width_mm) == 80
    for text in ("老王便利店", "乐事薯片 原味", "2 × ¥6.50", "¥13.00", "¥20.00", "¥7.00"):
        assert text in pdf_page.text
    assert ctx.settings.receipt_width_mm == 80
    dialog.close()
