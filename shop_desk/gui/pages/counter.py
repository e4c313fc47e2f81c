"""The counter: scan or search, adjust, take cash, show change. Keyboard first.

A barcode scanner types digits + Enter into whatever has focus, so the scan box keeps it: the
cart table and buttons never take focus, and every action hands it back. Look-ups run on the
GUI thread (about a millisecond); the checkout, a write, goes to the serial write lane.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from shop_desk.db.engine import storage_error
from shop_desk.errors import InputError, ShopDeskError
from shop_desk.gui.cart_model import CartModel
from shop_desk.gui.context import AppContext
from shop_desk.gui.pages.counter_parts import PayBox, ScanBox, looks_like_code, no_focus
from shop_desk.gui.widgets import MessageLine, MoneyLabel, ask_yes_no, sized_font
from shop_desk.inventory.counter import MAX_LINE_QTY, Cart, Receipt, checkout
from shop_desk.inventory.products import lookup_code
from shop_desk.inventory.search import search_products
from shop_desk.money import format_fen
from shop_desk.text import clean_barcode, validate_barcode

PICK_LIMIT = 20


class CounterPage(QWidget):
    sold = Signal(object)  # Receipt, after the sale is committed
    sale_failed = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.cart = Cart()
        self.model = CartModel(self.cart, self)
        self.model.rejected.connect(self._refused)
        self.model.dataChanged.connect(lambda *_: self.update_totals())  # a quantity typed in
        self.busy = False  # a checkout is being written
        self.last_sale_id: int | None = None  # the receipt Ctrl+P prints
        self._queued: list[str] = []  # scans that arrived while the sale was being written
        self._pick_query = ""
        # Dialogs run through this hook, so a test can drive them without a modal loop.
        self.exec_dialog = lambda dialog: dialog.exec()
        self._live = QTimer(self, singleShot=True, interval=180)
        self._live.timeout.connect(self._live_search)
        self._build()
        self._shortcuts()
        self.update_totals()

    # --- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QHBoxLayout(self)
        layout.addLayout(self._left(), 3)
        layout.addWidget(self._right(), 0)

    def _left(self) -> QVBoxLayout:
        column = QVBoxLayout()
        self.scan_box = ScanBox()
        self.scan_box.setFont(sized_font(self, 18))
        self.scan_box.setMinimumHeight(48)
        self.scan_box.setPlaceholderText(
            self.tr("Scan a barcode, or type a short code, pinyin initials or part of a name")
        )
        self.scan_box.setClearButtonEnabled(True)
        self.scan_box.submitted.connect(self.submit)
        self.scan_box.step.connect(self.step_qty)
        self.scan_box.move.connect(self.move_current)
        self.scan_box.remove_line.connect(self.remove_current)
        self.scan_box.multiply.connect(self.set_current_qty)
        self.scan_box.pay.connect(self.start_payment)
        self.scan_box.command.connect(self.command)
        self.scan_box.textEdited.connect(self._text_edited)
        self.message = MessageLine()
        self.message.setFont(sized_font(self, 12))
        self.pick_list = no_focus(QListWidget())
        self.pick_list.setFont(sized_font(self, 13))
        self.pick_list.itemClicked.connect(lambda item: self._pick(item))
        self.pick_list.hide()
        self.table = self._table()
        hints = QLabel(
            self.tr(
                "F12 pay · F9 void sale · F8 returns · + / − quantity · 3* sets quantity 3 · "
                "Del removes the line · ↑ ↓ choose a line · Esc back"
            )
        )
        hints.setStyleSheet("color: #555;")
        hints.setWordWrap(True)
        for widget in (self.scan_box, self.message, self.pick_list, self.table, hints):
            column.addWidget(widget, 1 if widget is self.table else 0)
        return column

    def _table(self) -> QTableView:
        table = QTableView()
        table.setModel(self.model)
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        table.setFont(sized_font(self, 14))
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked)
        table.setAlternatingRowColors(True)
        table.verticalHeader().setDefaultSectionSize(40)
        header = table.horizontalHeader()
        header.setSectionResizeMode(CartModel.NAME, QHeaderView.ResizeMode.Stretch)
        for column, width in ((CartModel.QTY, 90), (CartModel.PRICE, 120), (CartModel.TOTAL, 140)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, width)
        table.itemDelegate().closeEditor.connect(lambda *_: self.focus_scan())
        return table

    def _right(self) -> QWidget:
        panel = QWidget()
        panel.setFixedWidth(360)
        column = QVBoxLayout(panel)
        column.setContentsMargins(0, 0, 0, 0)
        caption = QLabel(self.tr("Total"))
        caption.setFont(sized_font(self, 14))
        self.total_label = MoneyLabel(40, True)
        self.items_label = QLabel()
        self.items_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.pay_box = PayBox()
        self.pay_box.confirmed.connect(self.confirm_payment)
        self.pay_box.cancelled.connect(self.cancel_payment)
        self.pay_box.cash.command.connect(self.command)
        self.pay_box.hide()
        self.last_sale = self._last_sale_panel()
        for widget in (caption, self.total_label, self.items_label, self.pay_box, self.last_sale):
            column.addWidget(widget)
        column.addStretch(1)
        for text, slot in (
            (self.tr("Pay (F12)"), self.start_payment),
            (self.tr("Quantity…"), self.ask_qty),
            (self.tr("Remove line (Del)"), self.remove_current),
            (self.tr("Void sale (F9)"), self.void_current),
            (self.tr("Returns (F8)"), self.open_returns),
        ):
            button = no_focus(QPushButton(text))
            button.setMinimumHeight(48)
            button.setFont(sized_font(self, 13))
            button.clicked.connect(slot)
            column.addWidget(button)
        return panel

    def _last_sale_panel(self) -> QFrame:
        frame = QFrame()
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        box = QVBoxLayout(frame)
        self.last_caption = QLabel()
        self.last_amount = MoneyLabel(30, True)
        self.last_detail = QLabel()
        self.last_detail.setWordWrap(True)
        self.receipt_button = no_focus(QPushButton(self.tr("Print receipt (Ctrl+P)")))
        self.receipt_button.clicked.connect(self.print_receipt)
        for widget in (self.last_caption, self.last_amount, self.last_detail, self.receipt_button):
            box.addWidget(widget)
        frame.hide()
        return frame

    def _shortcuts(self) -> None:
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, slot in (
            (("F12", "Ctrl+Return", "Ctrl+Enter"), self.start_payment),
            (("F9",), self.void_current),
            (("F8",), self.open_returns),
            (("Esc",), self.escape),
            (("F2",), self.focus_scan),
            (("Ctrl+P",), self.print_receipt),
        ):
            for key in keys:
                QShortcut(QKeySequence(key), self, slot, context=context)

    def command(self, name: str) -> None:
        """A function key that reached an input instead of a shortcut."""
        {
            "pay": self.start_payment,
            "void": self.void_current,
            "returns": self.open_returns,
            "escape": self.escape,
        }[name]()

    # --- focus ----------------------------------------------------------------------------
    def focus_scan(self) -> None:
        if self.pay_box.isVisible():
            self.pay_box.cash.setFocus()
        else:
            self.scan_box.setFocus()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self.focus_scan)

    # --- scanning and searching -----------------------------------------------------------
    def submit(self, text: str) -> None:
        text = text.strip()
        if self.busy:
            if text:
                self._queued.append(text)
                self.scan_box.clear()
            return
        if not text:
            if self.pick_list.isVisible():
                self._pick(self.pick_list.currentItem())
            return
        self._live.stop()
        try:
            with self.ctx.db.read() as session:
                found = lookup_code(session, text)
                if found is not None:
                    self.add_product(*found)
                    return
                if self.pick_list.isVisible() and self._pick_query == text:
                    self._pick(self.pick_list.currentItem())
                    return
                if not looks_like_code(text):
                    self._search(session, text, add_single=True)
                    return
        except SQLAlchemyError as exc:  # e.g. the PostgreSQL server went away
            self._refused(str(storage_error(exc)))
            return
        self.unknown_code(text)

    def _search(self, session, text: str, add_single: bool) -> None:
        products = search_products(session, text, limit=PICK_LIMIT)
        if add_single and len(products) == 1:
            self.add_product(products[0], 1)
        elif products:
            self._show_picks(text, products)
        elif add_single:
            self.hide_picks()
            self.message.show_error(
                self.tr(
                    "Nothing matches “{text}”. Try pinyin initials, part of the name, "
                    "a short code or the barcode."
                ).format(text=text)
            )
        else:
            self.hide_picks()

    def _text_edited(self, text: str) -> None:
        self.message.clear_message()
        if text.strip() and not clean_barcode(text).isdigit():
            self._live.start()  # a person typing a name: show matches as they type
        else:
            self._live.stop()
            self.hide_picks()

    def _live_search(self) -> None:
        text = self.scan_box.text().strip()
        if text and not self.busy:
            with self.ctx.db.read() as session:
                self._search(session, text, add_single=False)

    def _show_picks(self, query: str, products) -> None:
        self.pick_list.clear()
        for product in products:
            label = f"{product.name}    {format_fen(product.retail_price_fen)}"
            label += "    " + self.tr("on hand {n}").format(n=product.on_hand)
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, product.id)
            self.pick_list.addItem(item)
        self.pick_list.setCurrentRow(0)
        self._pick_query = query
        rows = min(self.pick_list.count(), 8)  # as tall as its rows, up to eight
        height = rows * self.pick_list.sizeHintForRow(0) + 2 * self.pick_list.frameWidth() + 4
        self.pick_list.setFixedHeight(height)
        self.pick_list.show()

    def hide_picks(self) -> None:
        self.pick_list.hide()
        self.pick_list.clear()
        self._pick_query = ""

    def _pick(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        from shop_desk.db.models import Product

        with self.ctx.db.read() as session:
            product = session.get(Product, item.data(Qt.ItemDataRole.UserRole))
            if product is not None:
                self.add_product(product, 1)

    def unknown_code(self, text: str) -> None:
        """A code nothing has: a wrong check digit is refused; otherwise offer to create it."""
        self.hide_picks()
        self.scan_box.clear()
        try:
            code = validate_barcode(text)
        except InputError as exc:
            self._refused(str(exc))
            return
        question = self.tr("No product has barcode {code}. Create it now?").format(code=code)
        if not ask_yes_no(self, self.tr("Unknown barcode"), question):
            self.focus_scan()
            return
        product_id = self.create_product(code)
        if product_id is not None:
            with self.ctx.db.read() as session:
                found = lookup_code(session, code)
                if found is not None:
                    self.add_product(*found)
        self.focus_scan()

    def create_product(self, code: str) -> int | None:
        """Open the product editor with the scanned barcode; the new product's id or None."""
        try:
            from shop_desk.gui.dialogs.product_editor import ProductEditor
        except ImportError:
            self.message.show_error(self.tr("The product editor is not available."))
            return None
        editor = ProductEditor(self.ctx, product_id=None, barcode=code, parent=self)
        if editor.exec() != QDialog.DialogCode.Accepted:
            return None
        return editor.product_id

    def add_product(self, product, units: int) -> None:
        if self.pay_box.isVisible():
            self.cancel_payment()
        try:
            row = self.model.add(product, units)
        except ShopDeskError as exc:
            self._refused(str(exc))
            return
        self.scan_box.clear()
        self.hide_picks()
        self.last_sale.hide()
        self.select_row(row)
        line = self.cart.lines[row]
        if line.oversold:
            warning = self.tr("{name}: only {n} on the books — sold anyway; count the shelf later.")
            self.message.show_warning(warning.format(name=line.name, n=line.on_hand))
        else:
            self.message.clear_message()
        self.update_totals()

    def _refused(self, text: str) -> None:
        self.message.show_error(text)
        QApplication.beep()
        self.focus_scan()

    # --- the cart -------------------------------------------------------------------------
    def current_row(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            return rows[0].row()
        return len(self.cart.lines) - 1

    def select_row(self, row: int) -> None:
        if 0 <= row < len(self.cart.lines):
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def move_current(self, delta: int) -> None:
        if self.pick_list.isVisible():
            row = self.pick_list.currentRow() + delta
            self.pick_list.setCurrentRow(max(0, min(row, self.pick_list.count() - 1)))
        elif self.cart.lines:
            self.select_row(max(0, min(self.current_row() + delta, len(self.cart.lines) - 1)))

    def set_current_qty(self, qty: int) -> None:
        row = self.current_row()
        if row < 0 or self.busy:
            return
        try:
            self.model.set_qty(row, qty)
        except ShopDeskError as exc:
            self._refused(str(exc))
            return
        self.message.clear_message()
        self.update_totals()

    def step_qty(self, delta: int) -> None:
        row = self.current_row()
        if row < 0:
            return
        qty = self.cart.lines[row].qty + delta
        if qty < 1:
            self.message.show_warning(self.tr("Press Del to remove the line."))
            return
        self.set_current_qty(qty)

    def ask_qty(self) -> None:
        row = self.current_row()
        if row < 0:
            return
        line = self.cart.lines[row]
        qty, ok = QInputDialog.getInt(
            self, self.tr("Quantity"), line.name, line.qty, 1, MAX_LINE_QTY
        )
        if ok:
            self.set_current_qty(qty)
        self.focus_scan()

    def remove_current(self) -> None:
        row = self.current_row()
        if row < 0 or self.busy:
            return
        self.model.remove(row)
        self.select_row(min(row, len(self.cart.lines) - 1))
        self.update_totals()
        self.focus_scan()

    def void_current(self) -> None:
        """Clear the sale being rung up (nothing was written yet)."""
        if self.busy or not self.cart.lines:
            return
        question = self.tr("Void this sale of {n} items ({total})?").format(
            n=self.cart.units, total=format_fen(self.cart.total_fen)
        )
        if ask_yes_no(self, self.tr("Void sale"), question, default_yes=False):
            self.cancel_payment()
            self.model.clear()
            self.update_totals()
            self.message.show_ok(self.tr("The sale was voided; nothing was recorded."))
        self.focus_scan()

    def escape(self) -> None:
        if self.pick_list.isVisible():
            self.hide_picks()
        elif self.pay_box.isVisible():
            self.cancel_payment()
        elif self.scan_box.text():
            self.scan_box.clear()
        else:
            self.void_current()

    def update_totals(self) -> None:
        self.total_label.set_fen(self.cart.total_fen)
        self.items_label.setText(
            self.tr("{n} items, {lines} lines").format(
                n=self.cart.units, lines=len(self.cart.lines)
            )
        )

    # --- payment --------------------------------------------------------------------------
    def start_payment(self) -> None:
        if self.busy:
            return
        if self.pay_box.isVisible():
            self.confirm_payment()  # F12 twice: exact amount, or what was typed
            return
        if not self.cart.lines:
            self._refused(self.tr("The sale is empty: scan a product first."))
            return
        self.hide_picks()
        self.pay_box.start(self.cart.total_fen)

    def cancel_payment(self) -> None:
        self.pay_box.hide()
        self.scan_box.setFocus()

    def confirm_payment(self) -> None:
        try:
            paid = self.pay_box.paid_fen()
        except InputError as exc:
            self._refused(str(exc))
            return
        self.checkout(paid)

    def checkout(self, paid_fen: int | None) -> None:
        """Write the sale in the write lane; the cart stays until the commit succeeded."""
        if self.busy or not self.cart.lines:
            return
        snapshot = Cart([replace(line) for line in self.cart.lines])
        db = self.ctx.db
        self.busy = True
        self.pay_box.setEnabled(False)

        def job() -> Receipt:
            with db.session() as session:
                return checkout(session, snapshot, paid_fen)

        self.ctx.tasks.run(job, self._sold, self._not_sold, write=True)

    def _sold(self, receipt: Receipt) -> None:
        self.last_sale_id = receipt.sale_id
        self.busy = False
        self.pay_box.setEnabled(True)
        self.pay_box.hide()
        self.model.clear()
        self.update_totals()
        self.last_caption.setText(self.tr("Change"))
        self.last_amount.set_fen(receipt.change_fen)
        self.last_detail.setText(
            self.tr("Sale {id}: total {total}, paid {paid}.").format(
                id=receipt.sale_id,
                total=format_fen(receipt.total_fen),
                paid=format_fen(receipt.paid_fen),
            )
        )
        self.last_sale.show()
        if receipt.oversold:
            self.message.show_warning(
                self.tr(
                    "Sold more than the books held: {names}. Count these shelves when you can."
                ).format(names="、".join(receipt.oversold))
            )
        else:
            self.message.clear_message()
        self.ctx.events.status_message.emit(
            self.tr("Sale {id} recorded: {total}, change {change}.").format(
                id=receipt.sale_id,
                total=format_fen(receipt.total_fen),
                change=format_fen(receipt.change_fen),
            )
        )
        self.ctx.events.stock_changed.emit()
        self.scan_box.setFocus()
        self.sold.emit(receipt)
        self._replay_queue()

    def _not_sold(self, error: BaseException) -> None:
        self.busy = False
        self.pay_box.setEnabled(True)
        if isinstance(error, ShopDeskError):
            text = str(error)
        else:
            text = self.tr("The sale was not saved: {error}").format(error=error)
        self._refused(text)  # the cart and the typed cash stay as they were
        self.sale_failed.emit(text)
        self._replay_queue()

    def _replay_queue(self) -> None:
        queued, self._queued = self._queued, []
        for text in queued:
            self.submit(text)

    def print_receipt(self) -> None:
        """The last sale's receipt, previewed, for the receipt printer or a PDF."""
        if self.busy or self.last_sale_id is None:
            return
        from shop_desk.documents.receipts import load_receipt  # Qt printing only when used
        from shop_desk.gui.printing.dialogs import ReceiptPrintDialog

        with self.ctx.db.read() as session:
            receipt = load_receipt(session, self.last_sale_id, self.ctx.settings)
        self.exec_dialog(ReceiptPrintDialog(self.ctx, receipt, parent=self))
        self.focus_scan()

    # --- returns --------------------------------------------------------------------------
    def open_returns(self) -> None:
        if self.busy:
            return
        from shop_desk.gui.dialogs.sale_return import SaleReturnDialog

        dialog = SaleReturnDialog(self.ctx, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.refund is not None:
            self.last_sale_id = dialog.refund.id  # Ctrl+P prints the refund slip
            self.last_caption.setText(self.tr("Refund"))
            self.last_amount.set_fen(dialog.refund.change_fen)
            self.last_detail.setText(dialog.summary)
            self.last_sale.show()
        self.focus_scan()
