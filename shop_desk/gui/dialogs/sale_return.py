"""Return items of a completed sale, or void it whole (F8 at the counter).

The owner picks a recent sale (or types its number), chooses how many of each line come back,
and the refund is written in the write lane as one transaction: stock goes back on the shelf
at the cost it left with, and the daily summary loses the revenue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from shop_desk.clock import to_local
from shop_desk.db.models import Product, Sale
from shop_desk.errors import ShopDeskError
from shop_desk.gui.context import AppContext
from shop_desk.gui.widgets import MessageLine, ask_yes_no, sized_font
from shop_desk.inventory.counter import recent_sales, return_items, void_sale
from shop_desk.money import format_fen, mul_div_round

RECENT = 50


@dataclass
class LineRow:
    id: int
    name: str
    qty: int
    returned: int
    line_total_fen: int

    @property
    def left(self) -> int:
        return self.qty - self.returned

    def refund_for(self, qty: int) -> int:
        return mul_div_round(self.line_total_fen, qty, self.qty)


@dataclass
class SaleRow:
    id: int
    created_at: datetime
    total_fen: int
    voided: bool
    lines: list[LineRow] = field(default_factory=list)

    @property
    def units(self) -> int:
        return sum(line.qty for line in self.lines)

    @property
    def returnable(self) -> bool:
        return not self.voided and any(line.left > 0 for line in self.lines)


def _rows(session, sales: list[Sale]) -> list[SaleRow]:
    ids = {line.product_id for sale in sales for line in sale.lines}
    names = dict(session.execute(select(Product.id, Product.name).where(Product.id.in_(ids))).all())
    return [
        SaleRow(
            sale.id,
            sale.created_at,
            sale.total_fen,
            sale.voided,
            [
                LineRow(
                    line.id,
                    names.get(line.product_id, "?"),
                    line.qty,
                    line.returned_qty,
                    line.line_total_fen,
                )
                for line in sale.lines
            ],
        )
        for sale in sales
    ]


def load_sales(db, sale_id: int | None = None) -> list[SaleRow]:
    """Recent completed sales (newest first), or the one sale asked for."""
    with db.read() as session:
        if sale_id is not None:
            sale = session.get(Sale, sale_id)
            sales = [sale] if sale is not None and sale.kind == "sale" else []
        else:
            sales = [s for s in recent_sales(session, RECENT * 2) if s.kind == "sale"][:RECENT]
        return _rows(session, sales)


class SaleReturnDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.refund: Sale | None = None  # the refund record once written
        self.summary = ""
        self.sales: list[SaleRow] = []
        self.current: SaleRow | None = None
        self.spins: list[QSpinBox] = []
        self.busy = False
        self.setWindowTitle(self.tr("Returns and voids"))
        self.resize(820, 620)
        self._build()
        self.reload()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        find = QHBoxLayout()
        self.find_edit = QLineEdit(placeholderText=self.tr("Sale number"))
        self.find_edit.returnPressed.connect(self.find_sale)
        find.addWidget(QLabel(self.tr("Recent sales — choose one, or type its number:")), 1)
        find.addWidget(self.find_edit)
        layout.addLayout(find)
        self.sales_table = self._table(
            [self.tr("No."), self.tr("Time"), self.tr("Items"), self.tr("Total"), self.tr("State")]
        )
        self.sales_table.itemSelectionChanged.connect(self._sale_chosen)
        layout.addWidget(self.sales_table, 1)
        layout.addWidget(QLabel(self.tr("Lines of the chosen sale — how many come back:")))
        self.lines_table = self._table(
            [
                self.tr("Product"),
                self.tr("Sold"),
                self.tr("Returned"),
                self.tr("Return now"),
                self.tr("Refund"),
            ]
        )
        layout.addWidget(self.lines_table, 1)
        self.refund_label = QLabel()
        self.refund_label.setFont(sized_font(self, 16, True))
        self.message = MessageLine()
        buttons = QHBoxLayout()
        self.return_button = QPushButton(self.tr("Return chosen items"))
        self.return_button.clicked.connect(self.return_chosen)
        self.void_button = QPushButton(self.tr("Void whole sale"))
        self.void_button.clicked.connect(self.void_whole)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.reject)
        buttons.addWidget(self.refund_label, 1)
        for button in (self.return_button, self.void_button, close):
            button.setMinimumHeight(40)
            button.setAutoDefault(False)
            buttons.addWidget(button)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

    def _table(self, headers: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(34)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        return table

    # --- loading --------------------------------------------------------------------------
    def reload(self, sale_id: int | None = None) -> None:
        self.sales = load_sales(self.ctx.db, sale_id)
        self.sales_table.setRowCount(len(self.sales))
        for row, sale in enumerate(self.sales):
            state = ""
            if sale.voided:
                state = self.tr("voided")
            elif any(line.returned for line in sale.lines):
                state = self.tr("partly returned")
            values = (
                str(sale.id),
                to_local(sale.created_at).strftime("%m-%d %H:%M"),
                str(sale.units),
                format_fen(sale.total_fen),
                state,
            )
            for column, value in enumerate(values):
                self.sales_table.setItem(row, column, QTableWidgetItem(value))
        if self.sales:
            self.sales_table.selectRow(0)
        else:
            self.select_sale(None)

    def find_sale(self) -> None:
        text = self.find_edit.text().strip().lstrip("#")
        if not text:
            self.reload()
            return
        if not text.isdigit():
            self.message.show_error(self.tr("Type the sale number shown on the receipt."))
            return
        self.reload(int(text))
        if not self.sales:
            self.message.show_error(self.tr("There is no sale number {id}.").format(id=text))

    def _sale_chosen(self) -> None:
        rows = self.sales_table.selectionModel().selectedRows()
        self.select_sale(self.sales[rows[0].row()] if rows else None)

    def select_sale(self, sale: SaleRow | None) -> None:
        self.current = sale
        self.spins = []
        lines = sale.lines if sale else []
        self.lines_table.setRowCount(len(lines))
        for row, line in enumerate(lines):
            for column, value in enumerate((line.name, str(line.qty), str(line.returned))):
                self.lines_table.setItem(row, column, QTableWidgetItem(value))
            spin = QSpinBox()
            spin.setRange(0, 0 if sale.voided else line.left)
            spin.valueChanged.connect(self.update_refund)
            self.lines_table.setCellWidget(row, 3, spin)
            self.lines_table.setItem(row, 4, QTableWidgetItem(""))
            self.spins.append(spin)
        self.message.clear_message()
        self.update_refund()

    # --- amounts and actions --------------------------------------------------------------
    def chosen(self) -> dict[int, int]:
        if self.current is None:
            return {}
        return {
            line.id: spin.value()
            for line, spin in zip(self.current.lines, self.spins, strict=True)
            if spin.value() > 0
        }

    def chosen_refund_fen(self) -> int:
        if self.current is None:
            return 0
        lines = {line.id: line for line in self.current.lines}
        return sum(lines[i].refund_for(q) for i, q in self.chosen().items())

    def update_refund(self) -> None:
        if self.current is not None:
            for row, (line, spin) in enumerate(zip(self.current.lines, self.spins, strict=True)):
                amount = line.refund_for(spin.value()) if spin.value() else 0
                self.lines_table.item(row, 4).setText(format_fen(amount) if amount else "")
        self.refund_label.setText(
            self.tr("Refund: {amount}").format(amount=format_fen(self.chosen_refund_fen()))
        )
        returnable = self.current is not None and self.current.returnable and not self.busy
        self.return_button.setEnabled(returnable and bool(self.chosen()))
        self.void_button.setEnabled(returnable)

    def return_chosen(self) -> None:
        sale, quantities = self.current, self.chosen()
        if sale is None or not quantities:
            return
        question = self.tr("Take back {n} items of sale {id} and refund {amount}?").format(
            n=sum(quantities.values()), id=sale.id, amount=format_fen(self.chosen_refund_fen())
        )
        if ask_yes_no(self, self.tr("Return items"), question):
            self._write(lambda s: return_items(s, sale.id, quantities))

    def void_whole(self) -> None:
        sale = self.current
        if sale is None:
            return
        left = sum(line.refund_for(line.left) for line in sale.lines)
        question = self.tr(
            "Void sale {id}: everything not yet returned goes back on the shelf and {amount} "
            "is refunded?"
        ).format(id=sale.id, amount=format_fen(left))
        if ask_yes_no(self, self.tr("Void sale"), question, default_yes=False):
            self._write(lambda s: void_sale(s, sale.id))

    def _write(self, action) -> None:
        db, sale_id = self.ctx.db, self.current.id
        self.busy = True
        self.update_refund()

        def job() -> Sale:
            with db.session() as session:
                return action(session)

        self.ctx.tasks.run(
            job, lambda refund: self._done(sale_id, refund), self._failed, write=True
        )

    def _done(self, sale_id: int, refund: Sale) -> None:
        self.busy = False
        self.refund = refund
        self.summary = self.tr("Sale {id}: {amount} refunded, goods back in stock.").format(
            id=sale_id, amount=format_fen(refund.change_fen)
        )
        self.ctx.events.stock_changed.emit()
        self.ctx.events.status_message.emit(self.summary)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.busy = False
        text = str(error) if isinstance(error, ShopDeskError) else repr(error)
        self.message.show_error(text)
        self.update_refund()

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not self.find_edit.hasFocus():
            return  # Enter never refunds by accident; the buttons do
        super().keyPressEvent(event)
