"""Stock page: every product with what is on hand, low-stock and near-expiry highlights,
and the stock actions (new, edit, receive, write off, count, import, export, archive).

Filtering, sorting and paging happen in SQL (shop_desk.inventory.stock_list); the first page
of a new filter is read in a worker, so a search over 100,000 products never stalls typing.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from shop_desk.errors import ShopDeskError
from shop_desk.gui.context import AppContext
from shop_desk.gui.dialogs.product_editor import ProductEditor
from shop_desk.gui.dialogs.receive import ReceiveDialog
from shop_desk.gui.dialogs.stock_count import StockCountDialog
from shop_desk.gui.dialogs.write_off import WriteOffDialog
from shop_desk.gui.table_model import (
    Column,
    PagedTableModel,
    PageRequest,
    PageResult,
    RowStyle,
    list_fetch,
)
from shop_desk.inventory.products import set_active
from shop_desk.inventory.stock import ExpiringLot, near_expiry
from shop_desk.inventory.stock_list import (
    SortKey,
    StockFilter,
    StockRow,
    categories,
    count_rows,
    fetch_rows,
    resolve,
)

LOW = QColor("#fbd5d3")  # light red: at or below the minimum display quantity
NEAR_EXPIRY = QColor("#ffe7a8")  # amber: a lot expires soon (or already has)
ARCHIVED = QColor("#8a8a8a")
EXPIRED_TEXT = QColor("#b00020")


def _ask(parent: QWidget, title: str, text: str) -> bool:
    answer = QMessageBox.question(parent, title, text)
    return answer == QMessageBox.StandardButton.Yes


def _swatch(color: QColor, text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet(f"background: {color.name()}; border: 1px solid #c8c8c8; padding: 1px 8px;")
    return label


class StockPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        # Dialogs run through this hook, so a test can drive them without a modal loop.
        self.exec_dialog: Callable[[QDialog], int] = lambda dialog: dialog.exec()
        self.confirm: Callable[[QWidget, str, str], bool] = _ask
        self._resolved: dict[StockFilter, StockFilter] = {}
        self._select_after_load: int | None = None
        self._filter = StockFilter(near_expiry_days=ctx.settings.near_expiry_days)
        self._build()  # enabling sorting on the table starts the first load
        self._reload_categories()
        ctx.events.stock_changed.connect(self.refresh)
        ctx.events.products_changed.connect(self._products_changed)
        ctx.events.settings_changed.connect(self.refresh)
        self._reload_lots()

    # --- layout -------------------------------------------------------------------------
    def _build(self) -> None:
        self.status_label = QLabel()
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #b00020;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self._toolbar())
        layout.addLayout(self._filter_bar())
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self._table())
        splitter.addWidget(self._lots_panel())
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label)
        bottom.addWidget(self.error_label, 1)
        bottom.addWidget(_swatch(LOW, self.tr("Low stock")))
        bottom.addWidget(_swatch(NEAR_EXPIRY, self.tr("Near expiry")))
        layout.addLayout(bottom)
        self._update_actions()

    def _action(self, text: str, slot, shortcut: QKeySequence | str | None = None) -> QAction:
        action = QAction(text, self)
        action.triggered.connect(slot)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.setToolTip(f"{text} ({action.shortcut().toString()})")
        return action

    def _toolbar(self) -> QToolBar:
        bar = QToolBar()
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.new_action = self._action(self.tr("New product"), self.new_product, "Ctrl+N")
        self.edit_action = self._action(self.tr("Edit"), self.edit_product, "F2")
        self.receive_action = self._action(self.tr("Receive stock"), self.receive, "Ctrl+R")
        self.write_off_action = self._action(self.tr("Write off"), self.write_off)
        self.count_action = self._action(self.tr("Stock count"), self.stock_count)
        self.import_action = self._action(self.tr("Import…"), self.import_products)
        self.export_action = self._action(self.tr("Export…"), self.export_products)
        self.archive_action = self._action(self.tr("Archive"), self.toggle_archived)
        self.labels_action = self._action(self.tr("Print labels…"), self.print_labels, "Ctrl+P")
        for action in (
            self.new_action,
            self.edit_action,
            None,
            self.receive_action,
            self.write_off_action,
            self.count_action,
            None,
            self.import_action,
            self.export_action,
            self.labels_action,
            None,
            self.archive_action,
        ):
            if action is None:
                bar.addSeparator()
            else:
                bar.addAction(action)
        self.addActions(bar.actions())
        return bar

    def _filter_bar(self) -> QHBoxLayout:
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(
            self.tr("Search: pinyin initials, name, barcode or short code (Ctrl+F)")
        )
        self.search_edit.setClearButtonEnabled(True)
        self.addAction(self._action("", self.search_edit.setFocus, "Ctrl+F"))
        self.category_combo = QComboBox()
        self.category_combo.setMinimumContentsLength(8)
        self.low_check = QCheckBox(self.tr("Low stock only"))
        self.expiry_check = QCheckBox(self.tr("Near expiry only"))
        self.archived_check = QCheckBox(self.tr("Show archived"))
        self._search_timer = QTimer(self, singleShot=True, interval=200)
        self._search_timer.timeout.connect(self._filters_changed)
        self.search_edit.textChanged.connect(self._search_timer.start)
        self.search_edit.returnPressed.connect(self._filters_changed)
        self.category_combo.currentIndexChanged.connect(self._filters_changed)
        for box in (self.low_check, self.expiry_check, self.archived_check):
            box.toggled.connect(self._filters_changed)
        bar = QHBoxLayout()
        bar.addWidget(self.search_edit, 3)
        bar.addWidget(self.category_combo, 1)
        bar.addWidget(self.low_check)
        bar.addWidget(self.expiry_check)
        bar.addWidget(self.archived_check)
        return bar

    def _columns(self) -> list[Column]:
        return [
            Column(self.tr("Name"), lambda r: r.name, sort_key=SortKey.NAME),
            Column(self.tr("Size"), lambda r: r.spec),
            Column(self.tr("Category"), lambda r: r.category, sort_key=SortKey.CATEGORY),
            Column(self.tr("Barcodes"), lambda r: r.barcodes),
            Column(self.tr("On hand"), lambda r: r.on_hand, "int", SortKey.ON_HAND),
            Column(self.tr("Unit"), lambda r: r.unit),
            Column(self.tr("Price"), lambda r: r.retail_price_fen, "money", SortKey.RETAIL_PRICE),
            Column(self.tr("Avg. cost"), lambda r: r.avg_cost_fen, "money", SortKey.AVG_COST),
            Column(
                self.tr("Stock value"), lambda r: r.stock_value_fen, "money", SortKey.STOCK_VALUE
            ),
            Column(
                self.tr("Next expiry"),
                lambda r: r.nearest_expiry,
                "date",
                cell_style=lambda r: RowStyle(NEAR_EXPIRY) if r.near_expiry else None,
            ),
        ]

    def _table(self) -> QTableView:
        self.model = PagedTableModel(
            self._columns(),
            self._fetch,
            runner=self._run,
            row_style=self.row_style,
            parent=self,
        )
        self.model.loaded.connect(self._loaded)
        self.model.failed.connect(self.error_label.setText)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)  # sorts (= loads) once, by name
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Several rows (Ctrl/Shift+click) for printing their labels; the other actions take
        # the first selected row.
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(False)  # the highlights carry meaning
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for column, width in enumerate((220, 80, 80, 150, 70, 50, 80, 80, 100, 95)):
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self.edit_product)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        return self.table

    def _lots_panel(self) -> QGroupBox:
        self.lots_box = QGroupBox()
        self.lots_model = PagedTableModel(
            [
                Column(self.tr("Product"), lambda lot: lot.name),
                Column(self.tr("Expires"), lambda lot: lot.expiry_date, "date"),
                Column(self.tr("Days left"), lambda lot: lot.days_left, "int"),
                Column(self.tr("Quantity left"), lambda lot: lot.qty_left, "int"),
            ],
            list_fetch(self._expiring_lots),
            row_style=self.lot_style,
            row_key=lambda lot: lot.lot_id,
            page_size=10_000,
            parent=self,
        )
        self.lots_table = QTableView()
        self.lots_table.setModel(self.lots_model)
        self.lots_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.lots_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.lots_table.verticalHeader().hide()
        self.lots_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.lots_table.doubleClicked.connect(self.write_off_lot)
        self.write_off_lot_button = QPushButton(self.tr("Write off lot…"))
        self.write_off_lot_button.clicked.connect(self.write_off_lot)
        box_layout = QHBoxLayout(self.lots_box)
        box_layout.addWidget(self.lots_table, 1)
        box_layout.addWidget(self.write_off_lot_button, 0, Qt.AlignmentFlag.AlignTop)
        return self.lots_box

    # --- data ---------------------------------------------------------------------------
    def _run(self, job, on_done, on_error) -> None:
        self.ctx.tasks.run(job, on_done, on_error)

    def _current_filter(self) -> StockFilter:
        return StockFilter(
            text=self.search_edit.text().strip(),
            category=self.category_combo.currentData(),  # None: every category
            low_only=self.low_check.isChecked(),
            near_expiry_only=self.expiry_check.isChecked(),
            show_archived=self.archived_check.isChecked(),
            near_expiry_days=self.ctx.settings.near_expiry_days,
        )

    def _fetch(self, request: PageRequest) -> PageResult:
        """Runs in a worker for a reload, on the GUI thread for later pages (cheap then)."""
        flt = self._filter
        with self.ctx.db.read() as session:
            resolved = self._resolved.get(flt)
            if resolved is None:
                resolved = resolve(session, flt)
                if len(self._resolved) > 20:
                    self._resolved.clear()
                self._resolved[flt] = resolved
            rows = fetch_rows(
                session,
                resolved,
                sort=SortKey(request.sort_key or SortKey.NAME),
                descending=request.descending,
                offset=request.offset,
                limit=request.limit,
            )
            total = count_rows(session, resolved) if request.with_total else None
        return PageResult(rows, total)

    def _expiring_lots(self) -> list[ExpiringLot]:
        with self.ctx.db.read() as session:
            return near_expiry(session, self.ctx.settings.near_expiry_days)

    def row_style(self, row: StockRow) -> RowStyle | None:
        tips = []
        background = None
        if row.near_expiry and row.nearest_expiry is not None:
            background = NEAR_EXPIRY
            tips.append(
                self.tr("Near expiry: a lot expires {date}").format(
                    date=row.nearest_expiry.isoformat()
                )
            )
        if row.low:
            background = LOW  # running out matters more at the counter than expiry
            tips.append(
                self.tr("Low stock: {qty} on hand, minimum display {min}").format(
                    qty=f"{row.on_hand:,}", min=f"{row.min_display_qty:,}"
                )
            )
        foreground = None if row.active else ARCHIVED
        if background is None and foreground is None:
            return None
        return RowStyle(background, foreground, tooltip=" · ".join(tips) or None)

    @staticmethod
    def lot_style(lot: ExpiringLot) -> RowStyle:
        if lot.days_left < 0:
            return RowStyle(NEAR_EXPIRY, EXPIRED_TEXT, bold=True)
        return RowStyle(NEAR_EXPIRY)

    def _filters_changed(self) -> None:
        self._search_timer.stop()
        self._filter = self._current_filter()
        self.model.reload(keep_loaded=False)

    def refresh(self) -> None:
        """Stock or products changed: read again, keeping the place and the selection."""
        self._resolved.clear()
        self._filter = self._current_filter()
        selected = self.selected_row()
        if selected is not None and self._select_after_load is None:
            self._select_after_load = selected.id
        self.model.reload()
        self._reload_lots()

    def _products_changed(self) -> None:
        self._reload_categories()
        self.refresh()

    def _reload_categories(self) -> None:
        current = self.category_combo.currentData() if self.category_combo.count() else None
        with self.ctx.db.read() as session:
            names = categories(session)
        self.category_combo.blockSignals(True)
        self.category_combo.clear()
        self.category_combo.addItem(self.tr("All categories"), None)
        for name in names:
            self.category_combo.addItem(name, name)
        self.category_combo.addItem(self.tr("(no category)"), "")
        index = self.category_combo.findData(current) if current is not None else 0
        self.category_combo.setCurrentIndex(max(0, index))
        self.category_combo.blockSignals(False)

    def _reload_lots(self) -> None:
        self.lots_model.reload()
        count = self.lots_model.total
        self.lots_box.setTitle(
            self.tr("Lots expiring within {days} days: {n}").format(
                days=self.ctx.settings.near_expiry_days, n=count
            )
        )
        self.write_off_lot_button.setEnabled(count > 0)

    def _loaded(self) -> None:
        self.error_label.setText("")
        self.status_label.setText(
            self.tr("{shown} of {total} products").format(
                shown=f"{self.model.rowCount():,}", total=f"{self.model.total:,}"
            )
        )
        if self._select_after_load is not None:
            row = self.model.find(self._select_after_load)
            self._select_after_load = None
            if row >= 0:
                self.table.selectRow(row)
                self.table.scrollTo(self.model.index(row, 0))
        self._update_actions()

    def selected_row(self) -> StockRow | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.row(rows[0].row()) if rows else None

    def selected_rows(self) -> list[StockRow]:
        model = self.table.selectionModel()
        rows = sorted(index.row() for index in model.selectedRows()) if model else []
        return [self.model.row(r) for r in rows]

    def _update_actions(self) -> None:
        row = self.selected_row()
        for action in (
            self.edit_action,
            self.write_off_action,
            self.archive_action,
            self.labels_action,
        ):
            action.setEnabled(row is not None)
        self.archive_action.setText(
            self.tr("Restore") if row is not None and not row.active else self.tr("Archive")
        )

    # --- actions ------------------------------------------------------------------------
    def _after(self, dialog: QDialog, select: int | None = None) -> bool:
        accepted = self.exec_dialog(dialog) == QDialog.DialogCode.Accepted
        if accepted and select is not None:
            self._select_after_load = select
        return accepted

    def new_product(self) -> None:
        dialog = ProductEditor(self.ctx, parent=self)
        if self._after(dialog):
            self._select_after_load = dialog.product_id

    def edit_product(self, *_args) -> None:
        row = self.selected_row()
        if row is not None:
            self._after(ProductEditor(self.ctx, product_id=row.id, parent=self), row.id)

    def receive(self) -> None:
        row = self.selected_row()
        dialog = ReceiveDialog(self.ctx, row.id if row else None, parent=self)
        self._after(dialog, row.id if row else None)

    def write_off(self) -> None:
        row = self.selected_row()
        if row is not None:
            self._after(WriteOffDialog(self.ctx, row.id, parent=self), row.id)

    def write_off_lot(self, *_args) -> None:
        rows = self.lots_table.selectionModel().selectedRows()
        index = rows[0].row() if rows else (0 if self.lots_model.rowCount() else -1)
        if index < 0:
            return
        lot = self.lots_model.row(index)
        self._after(WriteOffDialog(self.ctx, lot.product_id, lot.lot_id, parent=self))

    def stock_count(self) -> None:
        self._after(StockCountDialog(self.ctx, parent=self))

    def import_products(self) -> None:
        from shop_desk.gui.dialogs.import_dialog import ImportDialog  # openpyxl only when used

        self._after(ImportDialog(self.ctx, parent=self))

    def export_products(self) -> None:
        from shop_desk.gui.dialogs.import_dialog import export_products_with_dialog

        export_products_with_dialog(self.ctx, self)

    def print_labels(self) -> None:
        from shop_desk.documents.labels import label_items  # Qt printing only when used
        from shop_desk.gui.printing.dialogs import LabelPrintDialog

        rows = self.selected_rows()
        if not rows:
            return
        with self.ctx.db.read() as session:
            items = label_items(session, [r.id for r in rows])
        self.exec_dialog(LabelPrintDialog(self.ctx, items, parent=self))

    def toggle_archived(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        if row.active:
            question = self.tr(
                "Archive {name}? It leaves the counter's search and this list "
                "(tick “Show archived” to see it); its history is kept."
            ).format(name=row.name)
            if not self.confirm(self, self.tr("Archive product"), question):
                return
        try:
            with self.ctx.db.session() as session:
                set_active(session, row.id, not row.active)
        except ShopDeskError as exc:
            self.error_label.setText(str(exc))
            return
        self._select_after_load = row.id
        self.ctx.events.products_changed.emit()
