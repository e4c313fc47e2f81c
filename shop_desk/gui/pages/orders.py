"""Purchase Orders page: the orders (filtered by status), one order's lines and totals, and
what can be done with it: mark sent, submit to the supplier, export (PDF, Excel, text for
WeChat), receive, cancel, close.

Reads, the submission and the PDF run in workers (ctx.tasks); the short writes (send,
cancel, receive) are single transactions like the other stock dialogs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from shop_desk.clock import to_local
from shop_desk.db.models import OrderStatus, Supplier
from shop_desk.errors import ShopDeskError
from shop_desk.gui.context import AppContext
from shop_desk.gui.dialogs.receive_order import ReceivableLine, ReceiveOrderDialog
from shop_desk.gui.table_model import Column, PagedTableModel, PageRequest, PageResult, list_fetch
from shop_desk.gui.widgets import MessageLine, ask_yes_no
from shop_desk.money import format_fen
from shop_desk.purchasing.orders import (
    OrderRow,
    cancel_order,
    close_order,
    count_orders,
    due_date,
    get_order,
    list_orders,
    mark_sent,
    order_ref,
    order_warnings,
    status_label,
)


@dataclass(frozen=True)
class LineView:
    id: int
    sku: str
    name: str
    packs: int
    pack_name: str
    units_per_pack: int
    pack_price_fen: int
    line_total_fen: int
    received_units: int
    outstanding_units: int


@dataclass(frozen=True)
class OrderView:
    """One order, read in a worker, shown on the GUI thread."""

    id: int
    ref: str
    supplier: str
    status: str
    created_at: datetime
    sent_at: datetime | None
    due: date | None
    member_tier: str
    discount_bp: int
    subtotal_fen: int
    discount_fen: int
    shipping_fen: int
    total_fen: int
    remote_order_id: str | None
    remote_status: str
    note: str
    can_submit: bool
    warnings: list[str] = field(default_factory=list)
    lines: list[LineView] = field(default_factory=list)


def load_view(session: Session, order_id: int) -> OrderView:
    order = get_order(session, order_id)
    supplier = session.get(Supplier, order.supplier_id) if order.supplier_id else None
    return OrderView(
        id=order.id,
        ref=order_ref(order.id),
        supplier=order.supplier_name,
        status=order.status,
        created_at=order.created_at,
        sent_at=order.sent_at,
        due=due_date(order),
        member_tier=order.member_tier,
        discount_bp=order.discount_bp,
        subtotal_fen=order.subtotal_fen,
        discount_fen=order.discount_fen,
        shipping_fen=order.shipping_fen,
        total_fen=order.total_fen,
        remote_order_id=order.remote_order_id,
        remote_status=order.remote_status,
        note=order.note,
        can_submit=bool(supplier and supplier.orders_url),
        warnings=order_warnings(session, order),
        lines=[
            LineView(
                x.id,
                x.sku,
                x.name,
                x.packs,
                x.pack_name,
                x.units_per_pack,
                x.pack_price_fen,
                x.line_total_fen,
                x.received_units,
                x.outstanding_units,
            )
            for x in order.lines
        ],
    )


def _local(when: datetime | None) -> str:
    return to_local(when).strftime("%Y-%m-%d %H:%M") if when else ""


class OrdersPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.view: OrderView | None = None
        # Hooks a test replaces: dialogs, questions, file choice and error boxes.
        self.exec_dialog: Callable[[QDialog], int] = lambda dialog: dialog.exec()
        self.confirm: Callable[[QWidget, str, str], bool] = ask_yes_no
        self.choose_file: Callable[[str, str], str] = self._save_file_name
        self.show_error: Callable[[str], None] = self._error_box
        self._select_after_load: int | None = None
        self._detail_stale = False
        self._build()
        ctx.events.stock_changed.connect(self.refresh)
        ctx.events.orders_changed.connect(self.refresh)
        self.model.reload(keep_loaded=False)

    # --- layout -------------------------------------------------------------------------
    def _build(self) -> None:
        self.status_combo = QComboBox()
        for text, value in (
            (self.tr("Open (drafts and goods to come)"), "open"),
            (self.tr("All orders"), None),
            (self.tr("Drafts"), OrderStatus.DRAFT),
            (self.tr("Sent"), OrderStatus.SENT),
            (self.tr("Partly received"), OrderStatus.PARTLY_RECEIVED),
            (self.tr("Received"), OrderStatus.RECEIVED),
            (self.tr("Cancelled"), OrderStatus.CANCELLED),
        ):
            self.status_combo.addItem(text, value)
        self.status_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.count_label = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Show")))
        bar.addWidget(self.status_combo)
        bar.addStretch(1)
        bar.addWidget(self.count_label)
        self.message = MessageLine()
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self._orders_table())
        splitter.addWidget(self._detail())
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)

    def _orders_table(self) -> QTableView:
        columns = [
            Column(self.tr("Order"), lambda r: r.ref),
            Column(self.tr("Supplier"), lambda r: r.supplier),
            Column(self.tr("Status"), lambda r: status_label(r.status)),
            Column(self.tr("Made"), lambda r: _local(r.created_at)),
            Column(self.tr("Sent"), lambda r: _local(r.sent_at)),
            Column(self.tr("Due"), lambda r: r.due, "date"),
            Column(self.tr("Lines"), lambda r: r.lines, "int"),
            Column(self.tr("Total"), lambda r: r.total_fen, "money"),
            Column(self.tr("Supplier's no."), lambda r: r.remote_order_id or ""),
        ]
        self.model = PagedTableModel(columns, self._fetch, runner=self._run, parent=self)
        self.model.loaded.connect(self._loaded)
        self.model.failed.connect(self.message.show_error)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 90), (2, 90), (3, 145), (4, 145), (5, 95), (6, 50), (7, 100)):
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        return self.table

    def _detail(self) -> QGroupBox:
        self.detail_box = QGroupBox(self.tr("Order"))
        self.header_label = QLabel()
        self.header_label.setWordWrap(True)
        self.header_label.setTextFormat(Qt.TextFormat.RichText)
        self.lines_model = PagedTableModel(
            [
                Column(self.tr("Item no."), lambda x: x.sku),
                Column(self.tr("Item"), lambda x: x.name),
                Column(self.tr("Packs"), lambda x: f"{x.packs} {x.pack_name}".strip()),
                Column(self.tr("Units per pack"), lambda x: x.units_per_pack, "int"),
                Column(self.tr("Price per pack"), lambda x: x.pack_price_fen, "money"),
                Column(self.tr("Amount"), lambda x: x.line_total_fen, "money"),
                Column(self.tr("Received"), lambda x: x.received_units, "int"),
                Column(self.tr("Still to come"), lambda x: x.outstanding_units, "int"),
            ],
            list_fetch(lambda: self.view.lines if self.view else []),
            page_size=10_000,
            parent=self,
        )
        self.lines_table = QTableView()
        self.lines_table.setModel(self.lines_model)
        self.lines_table.verticalHeader().hide()
        self.lines_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.lines_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.totals_label = QLabel()
        self.totals_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.totals_label.setTextFormat(Qt.TextFormat.RichText)
        self.warnings_label = MessageLine()
        layout = QVBoxLayout(self.detail_box)
        layout.addWidget(self.header_label)
        layout.addWidget(self.lines_table, 1)
        layout.addWidget(self.warnings_label)
        layout.addWidget(self.totals_label)
        layout.addLayout(self._buttons())
        self._show_view(None)
        return self.detail_box

    def _button(self, text: str, slot, tip: str = "") -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(slot)
        if tip:
            button.setToolTip(tip)
        return button

    def _buttons(self) -> QHBoxLayout:
        self.send_button = self._button(
            self.tr("Mark as sent"),
            self.mark_sent,
            self.tr("You passed the order on yourself (WeChat, phone, PDF)"),
        )
        self.submit_button = self._button(
            self.tr("Submit to supplier"), self.submit, self.tr("Send over the internet")
        )
        self.export_button = QPushButton(self.tr("Export"))
        menu = QMenu(self.export_button)
        menu.addAction(self.tr("PDF…"), lambda: self.export("pdf"))
        menu.addAction(self.tr("Excel (XLSX)…"), lambda: self.export("xlsx"))
        menu.addAction(self.tr("Copy text for WeChat"), self.copy_text)
        self.export_button.setMenu(menu)
        self.receive_button = self._button(self.tr("Receive…"), self.receive)
        self.status_button = self._button(self.tr("Ask supplier for status"), self.refresh_remote)
        self.close_button = self._button(self.tr("Close (rest will not come)"), self.close_short)
        self.cancel_button = self._button(self.tr("Cancel order"), self.cancel)
        row = QHBoxLayout()
        for button in (
            self.send_button,
            self.submit_button,
            self.export_button,
            self.receive_button,
            self.status_button,
        ):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.close_button)
        row.addWidget(self.cancel_button)
        return row

    # --- data ---------------------------------------------------------------------------
    def _run(self, job, on_done, on_error) -> None:
        self.ctx.tasks.run(job, on_done, on_error)

    def _fetch(self, request: PageRequest) -> PageResult:
        status = self.status_combo.currentData()
        with self.ctx.db.read() as session:
            rows = list_orders(session, status, limit=request.limit, offset=request.offset)
            total = count_orders(session, status) if request.with_total else None
        return PageResult(rows, total)

    def refresh(self) -> None:
        selected = self.selected_row()
        if selected is not None and self._select_after_load is None:
            self._select_after_load = selected.id
        self.model.reload()

    def _loaded(self) -> None:
        self.count_label.setText(self.tr("{n} orders").format(n=f"{self.model.total:,}"))
        target = self._select_after_load
        self._select_after_load = None
        row = self.model.find(target) if target is not None else -1
        if row < 0 and self.model.rowCount():
            row = 0
        if row >= 0:
            self.table.selectRow(row)  # loads the detail (selectionChanged)
        else:
            self._show_view(None)

    def selected_row(self) -> OrderRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row(rows[0].row()) if rows else None

    def _selection_changed(self, *_args) -> None:
        row = self.selected_row()
        if row is None:
            self._show_view(None)
            return
        self.load_detail(row.id)

    def load_detail(self, order_id: int) -> None:
        if not self.isVisible():  # hidden (another page, or the window closing): on show
            self._detail_stale = True
            return
        self._detail_stale = False

        def job() -> OrderView:
            with self.ctx.db.read() as session:
                return load_view(session, order_id)

        self.ctx.tasks.run(job, self._detail_loaded, self._failed)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._detail_stale:
            self._selection_changed()

    def _detail_loaded(self, view: OrderView) -> None:
        row = self.selected_row()
        if row is not None and row.id == view.id:
            self._show_view(view)

    # --- showing one order ----------------------------------------------------------------
    def _show_view(self, view: OrderView | None) -> None:
        self.view = view
        self.lines_model.reload()
        if view is None:
            self.detail_box.setTitle(self.tr("Order"))
            self.header_label.setText(self.tr("Choose an order above."))
            self.totals_label.setText("")
            self.warnings_label.clear_message()
        else:
            self.detail_box.setTitle(f"{view.ref} · {view.supplier}")
            self.header_label.setText(self._header_text(view))
            self.totals_label.setText(self._totals_text(view))
            if view.warnings:
                self.warnings_label.show_warning("\n".join(view.warnings))
            else:
                self.warnings_label.clear_message()
        self._update_buttons()

    def _header_text(self, view: OrderView) -> str:
        parts = [
            self.tr("Status: <b>{status}</b>").format(status=status_label(view.status)),
            self.tr("made {when}").format(when=_local(view.created_at)),
        ]
        if view.sent_at:
            parts.append(self.tr("sent {when}").format(when=_local(view.sent_at)))
        if view.due and view.status in OrderStatus.OPEN:
            parts.append(self.tr("due {day}").format(day=view.due.isoformat()))
        if view.remote_order_id:
            parts.append(
                self.tr("supplier's order {id}: {status}").format(
                    id=view.remote_order_id, status=view.remote_status
                )
            )
        if view.note:
            parts.append(self.tr("note: {note}").format(note=view.note))
        return " · ".join(parts)

    def _totals_text(self, view: OrderView) -> str:
        parts = [self.tr("Subtotal {amount}").format(amount=format_fen(view.subtotal_fen))]
        if view.discount_fen:
            parts.append(
                self.tr("member {tier} −{amount}").format(
                    tier=view.member_tier, amount=format_fen(view.discount_fen)
                )
            )
        parts.append(self.tr("shipping {amount}").format(amount=format_fen(view.shipping_fen)))
        parts.append(self.tr("<b>total {amount}</b>").format(amount=format_fen(view.total_fen)))
        return " · ".join(parts)

    def _update_buttons(self) -> None:
        view = self.view
        status = view.status if view else None
        draft = status == OrderStatus.DRAFT
        self.send_button.setEnabled(draft and bool(view and view.lines))
        self.submit_button.setEnabled(draft and bool(view and view.can_submit and view.lines))
        self.export_button.setEnabled(view is not None)
        self.receive_button.setEnabled(status in OrderStatus.OPEN)
        self.status_button.setVisible(bool(view and view.remote_order_id))
        self.close_button.setEnabled(status == OrderStatus.PARTLY_RECEIVED)
        self.cancel_button.setEnabled(status in (OrderStatus.DRAFT, OrderStatus.SENT))

    # --- actions ------------------------------------------------------------------------
    def _write(self, action: Callable[[Session, int], object]) -> bool:
        """A short write on this order, then a refresh; the owner sees any refusal."""
        if self.view is None:
            return False
        try:
            with self.ctx.db.session() as session:
                action(session, self.view.id)
        except ShopDeskError as exc:
            self.show_error(str(exc))
            return False
        self._select_after_load = self.view.id
        self.model.reload()
        return True

    def mark_sent(self) -> None:
        if self.view and self.confirm(
            self,
            self.tr("Mark as sent"),
            self.tr(
                "Did you pass {ref} on to {supplier}? From now on it counts as ordered."
            ).format(ref=self.view.ref, supplier=self.view.supplier),
        ):
            self._write(lambda s, order_id: mark_sent(s, order_id))

    def cancel(self) -> None:
        if self.view and self.confirm(
            self,
            self.tr("Cancel order"),
            self.tr("Cancel {ref}? Tell {supplier} too if it was already sent.").format(
                ref=self.view.ref, supplier=self.view.supplier
            ),
        ):
            self._write(cancel_order)

    def close_short(self) -> None:
        if self.view and self.confirm(
            self,
            self.tr("Close order"),
            self.tr("Will the rest of {ref} not come? It then stops counting as ordered.").format(
                ref=self.view.ref
            ),
        ):
            self._write(lambda s, order_id: close_order(s, order_id))

    def receive(self) -> None:
        view = self.view
        if view is None or view.status not in OrderStatus.OPEN:
            return
        lines = [
            ReceivableLine(
                x.id,
                x.sku,
                x.name,
                x.units_per_pack,
                x.pack_price_fen,
                x.packs * x.units_per_pack,
                x.received_units,
                x.outstanding_units,
            )
            for x in view.lines
        ]
        dialog = ReceiveOrderDialog(self.ctx, view.id, view.ref, lines, parent=self)
        if self.exec_dialog(dialog) == QDialog.DialogCode.Accepted:
            self.ctx.events.status_message.emit(
                self.tr("{ref} is now {status}.").format(
                    ref=view.ref, status=status_label(dialog.result_status or "")
                )
            )
            self._select_after_load = view.id  # the page refreshes on stock_changed

    def submit(self) -> None:
        view = self.view
        if view is None or not self.confirm(
            self,
            self.tr("Submit to supplier"),
            self.tr("Send {ref} to {supplier} for {total}?").format(
                ref=view.ref, supplier=view.supplier, total=format_fen(view.total_fen)
            ),
        ):
            return
        from shop_desk.purchasing.submit import submit_order

        self.submit_button.setEnabled(False)
        self.message.show_ok(self.tr("Sending {ref}…").format(ref=view.ref))

        def done(result) -> None:
            _order, answer = result
            self.message.show_ok(
                self.tr("{ref} is with {supplier} as order {id} ({status}).").format(
                    ref=view.ref, supplier=view.supplier, id=answer.order_id, status=answer.status
                )
            )
            self._select_after_load = view.id
            self.model.reload()

        self.ctx.tasks.run(lambda: submit_order(self.ctx.db, view.id), done, self._failed)

    def refresh_remote(self) -> None:
        view = self.view
        if view is None:
            return
        from shop_desk.purchasing.submit import refresh_status

        def done(_result) -> None:
            self._select_after_load = view.id
            self.model.reload()

        self.ctx.tasks.run(lambda: refresh_status(self.ctx.db, view.id), done, self._failed)

    def export(self, fmt: str) -> None:
        view = self.view
        if view is None:
            return
        filters = {"pdf": self.tr("PDF (*.pdf)"), "xlsx": self.tr("Excel (*.xlsx)")}
        path = self.choose_file(f"{view.ref}.{fmt}", filters[fmt])
        if not path:
            return
        db = self.ctx.db

        def job() -> str:
            from shop_desk.purchasing.export import order_document, write_document

            with db.read() as session:
                document = order_document(session, view.id)
            if fmt == "pdf":
                from shop_desk.gui.printing.purchase_order import write_pdf

                write_pdf(document, Path(path))
            else:
                write_document(document, Path(path), fmt)
            return path

        def done(written: str) -> None:
            self.message.show_ok(self.tr("Written: {file}").format(file=written))

        self.ctx.tasks.run(job, done, self._failed)

    def copy_text(self) -> None:
        view = self.view
        if view is None:
            return
        from shop_desk.purchasing.export import order_document, order_text

        with self.ctx.db.read() as session:
            text = order_text(order_document(session, view.id))
        QGuiApplication.clipboard().setText(text)
        self.message.show_ok(
            self.tr("The order is on the clipboard: paste it into WeChat for {supplier}.").format(
                supplier=view.supplier
            )
        )

    # --- messages -------------------------------------------------------------------------
    def _failed(self, error: BaseException) -> None:
        if not isinstance(error, ShopDeskError):
            raise error
        self.message.clear_message()
        self.show_error(str(error))
        self.refresh()

    def _error_box(self, text: str) -> None:
        QMessageBox.warning(self, self.tr("Purchase orders"), text)

    def _save_file_name(self, suggested: str, filter_text: str) -> str:
        folder = Path.home() / suggested
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export order"), str(folder), filter_text
        )
        return path
