"""Receive the goods of a purchase order: per line, how many units arrived (what is still to
come by default) and the price per pack on the delivery note (the ordered price by default).

More than ordered is asked about, not silently taken. The dialog passes what it showed as
already received, so confirming it twice (or after another counter received the order) is
refused instead of counted twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from shop_desk.errors import InputError, ShopDeskError
from shop_desk.gui.context import AppContext
from shop_desk.gui.widgets import ask_yes_no
from shop_desk.money import fen_to_plain, format_fen, parse_fen
from shop_desk.purchasing.receiving import ReceiptLine, receive_order

MAX_UNITS = 1_000_000
SPIN, PRICE = 5, 6  # the editable columns


@dataclass(frozen=True)
class ReceivableLine:
    id: int
    sku: str
    name: str
    units_per_pack: int
    pack_price_fen: int
    ordered_units: int
    received_units: int
    outstanding_units: int


class ReceiveOrderDialog(QDialog):
    def __init__(
        self,
        ctx: AppContext,
        order_id: int,
        title: str,
        lines: list[ReceivableLine],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.order_id = order_id
        self.lines = lines
        self.result_status: str | None = None
        self.confirm: Callable[[QWidget, str, str], bool] = ask_yes_no
        self.setWindowTitle(self.tr("Receive {title}").format(title=title))
        self.setMinimumSize(820, 360)
        self._build()

    def _build(self) -> None:
        hint = QLabel(
            self.tr(
                "Count what arrived. Quantities are in the shop's units; change the price if "
                "the delivery note says another."
            )
        )
        hint.setWordWrap(True)
        self.table = QTableWidget(len(self.lines), 7)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Item no."),
                self.tr("Item"),
                self.tr("Ordered"),
                self.tr("Received"),
                self.tr("Still to come"),
                self.tr("Arrived now"),
                self.tr("Price per pack (¥)"),
            ]
        )
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.spins: list[QSpinBox] = []
        self.prices: list[QLineEdit] = []
        for row, line in enumerate(self.lines):
            self._fill_row(row, line)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.summary = QLabel()
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Receive"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self._update_summary()

    def _fill_row(self, row: int, line: ReceivableLine) -> None:
        values = (
            line.sku,
            line.name,
            f"{line.ordered_units:,}",
            f"{line.received_units:,}",
            f"{line.outstanding_units:,}",
        )
        for column, text in enumerate(values):
            item = QTableWidgetItem(text)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)  # only the two last columns are typed in
            if column >= 2:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, column, item)
        spin = QSpinBox()
        spin.setRange(0, MAX_UNITS)
        spin.setValue(line.outstanding_units)
        spin.setSuffix(" ")
        spin.setToolTip(self.tr("{n} per pack").format(n=line.units_per_pack))
        spin.valueChanged.connect(self._update_summary)
        price = QLineEdit(fen_to_plain(line.pack_price_fen))
        price.setAlignment(Qt.AlignmentFlag.AlignRight)
        price.textChanged.connect(self._update_summary)
        self.table.setCellWidget(row, SPIN, spin)
        self.table.setCellWidget(row, PRICE, price)
        self.spins.append(spin)
        self.prices.append(price)

    def receipt_lines(self) -> list[ReceiptLine]:
        """What the owner entered; raises InputError for an unreadable price."""
        result = []
        for line, spin, price in zip(self.lines, self.spins, self.prices, strict=True):
            if spin.value() == 0:
                continue
            text = price.text().strip()
            fen = parse_fen(text) if text else line.pack_price_fen
            changed = None if fen == line.pack_price_fen else fen
            result.append(ReceiptLine(line.id, spin.value(), changed))
        return result

    def _update_summary(self) -> None:
        try:
            receipts = self.receipt_lines()
        except InputError as exc:
            self.error_label.setText(str(exc))
            return
        self.error_label.setText("")
        by_id = {line.id: line for line in self.lines}
        units = sum(r.units for r in receipts)
        value = sum(
            r.units
            * (r.pack_price_fen or by_id[r.line_id].pack_price_fen)
            // by_id[r.line_id].units_per_pack
            for r in receipts
        )
        self.summary.setText(
            self.tr("Receiving {units} units, about {value} before member discount.").format(
                units=f"{units:,}", value=format_fen(value)
            )
        )

    def _over(self, receipts: list[ReceiptLine]) -> list[str]:
        by_id = {line.id: line for line in self.lines}
        return [
            by_id[r.line_id].sku for r in receipts if r.units > by_id[r.line_id].outstanding_units
        ]

    def accept(self) -> None:
        try:
            receipts = self.receipt_lines()
        except InputError as exc:
            self.error_label.setText(str(exc))
            return
        over = self._over(receipts)
        if over and not self.confirm(
            self,
            self.tr("More than ordered"),
            self.tr("More arrived than is still to come for {skus}. Receive it all?").format(
                skus=", ".join(over)
            ),
        ):
            return
        expected = {line.id: line.received_units for line in self.lines}
        try:
            with self.ctx.db.session() as session:
                result = receive_order(
                    session,
                    self.order_id,
                    receipts,
                    allow_over=bool(over),
                    expect_received=expected,
                )
        except ShopDeskError as exc:
            self.error_label.setText(str(exc))
            return
        self.result_status = result.status
        self.ctx.events.stock_changed.emit()
        super().accept()
