"""Reorder page: what to order today, edited by the owner, turned into purchase orders.

The morning glance sits on top (low stock, today's suggestion, price drops, the month's
spend per supplier). The suggestion is computed in a worker (shop_desk.reorder.service);
edits reprice lines and supplier totals at once (shop_desk.reorder.draft), in memory,
until "Create purchase orders" writes one draft order per supplier.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from shop_desk.errors import ShopDeskError
from shop_desk.gui.context import AppContext
from shop_desk.money import format_fen, parse_fen
from shop_desk.reorder.draft import ReorderDraft
from shop_desk.reorder.review import Offer

EDITED = QColor("#e8f0fe")  # a line the owner changed


@dataclass
class Glance:
    low_stock: int
    price_drops: int
    spend: list[tuple[str, int]]  # (supplier name, this month's spend)


def _glance(db) -> Glance:
    from shop_desk.catalog.offers import price_drops
    from shop_desk.clock import shop_day, utcnow
    from shop_desk.db.models import Supplier
    from shop_desk.inventory.stock_list import StockFilter, count_rows
    from shop_desk.purchasing.orders import spend_by_supplier

    today = shop_day(utcnow())
    with db.read() as s:
        names = {row.id: row.name for row in s.query(Supplier)}
        spend = [(names.get(k, str(k)), v) for k, v in spend_by_supplier(s, today).items()]
        return Glance(
            low_stock=count_rows(s, StockFilter(low_only=True, today=today)),
            price_drops=len(price_drops(s, today=today)),
            spend=sorted(spend, key=lambda item: -item[1]),
        )


def _draft(db, budget_fen: int | None) -> ReorderDraft:
    from shop_desk.reorder.service import draft_today

    return draft_today(db, budget_fen=budget_fen)


class Tile(QFrame):
    """A number the owner reads from across the counter, with what it means under it."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("Tile { background: #f7f7f9; border-radius: 6px; }")
        layout = QVBoxLayout(self)
        self.value = QLabel("…")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        self.value.setFont(font)
        self.caption = QLabel(caption)
        self.caption.setStyleSheet("color: #555;")
        self.caption.setWordWrap(True)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)


class DraftModel(QAbstractTableModel):
    PRODUCT, SOURCE, PACKS, UNITS, UNIT_PRICE, LINE_COST, COVER, REASON = range(8)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.draft: ReorderDraft | None = None

    def set_draft(self, draft: ReorderDraft | None) -> None:
        self.beginResetModel()
        self.draft = draft
        self.endResetModel()

    def headers(self) -> list[str]:
        return [
            self.tr("Product"),
            self.tr("Source"),
            self.tr("Packs"),
            self.tr("Units"),
            self.tr("Unit price"),
            self.tr("Line cost"),
            self.tr("Days of cover"),
            self.tr("Why"),
        ]

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() or self.draft is None else len(self.draft.lines)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 8

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None

    def flags(self, index):
        base = super().flags(index)
        if index.column() in (self.SOURCE, self.PACKS):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if self.draft is None or not index.isValid():
            return None
        line = self.draft.lines[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if role == Qt.ItemDataRole.EditRole and col == self.PACKS:
                return line.packs
            return self._text(line, col)
        if role == Qt.ItemDataRole.TextAlignmentRole and self.PACKS <= col <= self.COVER:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and line.edited:
            return EDITED
        if role == Qt.ItemDataRole.ToolTipRole and col == self.REASON:
            return line.reason
        return None

    def _text(self, line, col: int) -> str:
        if col == self.PRODUCT:
            return line.product_name
        if col == self.SOURCE:
            return self.offer_label(line.offer)
        if col == self.PACKS:
            return str(line.packs)
        if col == self.UNITS:
            return f"{line.units} {line.unit}".strip()
        if col == self.UNIT_PRICE:
            return format_fen(round(line.pack_price_fen / line.offer.pack_size))
        if col == self.LINE_COST:
            return format_fen(line.line_cost_fen)
        if col == self.COVER:
            return "" if line.cover_days is None else f"{line.cover_days:.0f}"
        return line.reason

    def offer_label(self, offer: Offer) -> str:
        supplier = self.draft.suppliers.get(offer.supplier_id)
        name = supplier.name if supplier and supplier.name else offer.supplier_id
        return self.tr("{supplier} · {units}/pack · {price}").format(
            supplier=name,
            units=offer.pack_size,
            price=format_fen(offer.tiers[0].pack_price_fen),
        )

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if self.draft is None or role != Qt.ItemDataRole.EditRole:
            return False
        row = index.row()
        if index.column() == self.PACKS:
            if int(value) == 0:
                self.beginRemoveRows(QModelIndex(), row, row)
                self.draft.set_packs(row, 0)
                self.endRemoveRows()
                return True
            self.draft.set_packs(row, int(value))
        elif index.column() == self.SOURCE and isinstance(value, Offer):
            other = self.draft.duplicate_of(row, value)
            if other is not None:  # another line buys it there already: the two become one
                self.beginRemoveRows(QModelIndex(), row, row)
                self.draft.set_source(row, value)
                self.endRemoveRows()
                kept = other if other < row else other - 1
                self.dataChanged.emit(self.index(kept, 0), self.index(kept, self.REASON))
                return True
            self.draft.set_source(row, value)
        else:
            return False
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.REASON))
        return True

    def remove(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        self.draft.remove(row)
        self.endRemoveRows()


class SourceDelegate(QStyledItemDelegate):
    """Choose among every offer linked to the line's product."""

    def __init__(self, model: DraftModel, parent=None) -> None:
        super().__init__(parent)
        self.model = model

    def createEditor(self, parent, option, index):
        combo = QComboBox(parent)
        line = self.model.draft.lines[index.row()]
        for offer in self.model.draft.alternatives.get(line.product_id, []):
            combo.addItem(self.model.offer_label(offer), offer)
        combo.setCurrentIndex(max(combo.findData(line.offer), 0))
        return combo

    def setModelData(self, editor, model, index) -> None:
        model.setData(index, editor.currentData())


class ReorderPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = DraftModel(self)
        self._build()
        self.model.dataChanged.connect(self._totals_changed)
        self.model.rowsRemoved.connect(self._totals_changed)
        ctx.events.stock_changed.connect(self.refresh_glance)
        ctx.events.catalog_changed.connect(self.refresh_glance)
        ctx.events.orders_changed.connect(self.refresh_glance)
        self.refresh()

    # --- layout -----------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        tiles = QHBoxLayout()
        self.tile_low = Tile(self.tr("products at or below their minimum"))
        self.tile_total = Tile(self.tr("today's suggested orders"))
        self.tile_drops = Tile(self.tr("price drops on your products (30 days)"))
        self.tile_spend = Tile(self.tr("spent with suppliers this month"))
        for tile in (self.tile_low, self.tile_total, self.tile_drops, self.tile_spend):
            tiles.addWidget(tile)
        layout.addLayout(tiles)
        layout.addLayout(self._toolbar())
        self.notes = QLabel()
        self.notes.setStyleSheet("color: #b45309;")
        self.notes.setWordWrap(True)
        layout.addWidget(self.notes)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self._table())
        self.suppliers = QLabel()
        self.suppliers.setTextFormat(Qt.TextFormat.RichText)
        self.suppliers.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.suppliers.setWordWrap(True)
        self.suppliers.setMargin(6)
        split.addWidget(self.suppliers)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout.addWidget(split, 1)

    def _toolbar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Budget today:")))
        self.budget = QLineEdit()
        self.budget.setPlaceholderText(self.tr("no limit"))
        self.budget.setMaximumWidth(120)
        budget = self.ctx.settings.reorder_budget_fen
        if budget:
            self.budget.setText(format_fen(budget, symbol=False))
        self.budget.returnPressed.connect(self.refresh)
        self.refresh_button = QPushButton(self.tr("Suggest again"))
        self.refresh_button.clicked.connect(self.refresh)
        self.remove_button = QPushButton(self.tr("Remove line"))
        self.remove_button.clicked.connect(self.remove_selected)
        self.create_button = QPushButton(self.tr("Create purchase orders"))
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self.create_orders)
        self.status = QLabel()
        bar.addWidget(self.budget)
        bar.addWidget(self.refresh_button)
        bar.addWidget(self.status, 1)
        bar.addWidget(self.remove_button)
        bar.addWidget(self.create_button)
        return bar

    def _table(self) -> QTableView:
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(DraftModel.SOURCE, SourceDelegate(self.model, self))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(DraftModel.REASON, QHeaderView.ResizeMode.Stretch)
        return self.table

    # --- work -------------------------------------------------------------------------------
    def refresh(self) -> None:
        try:
            text = self.budget.text().strip()
            budget = parse_fen(text) if text else None
        except ShopDeskError as exc:
            self.status.setText(str(exc))
            return
        self.status.setText(self.tr("Working out today's orders…"))
        self.refresh_button.setEnabled(False)
        self.create_button.setEnabled(False)
        db = self.ctx.db
        self.ctx.tasks.run(lambda: _draft(db, budget), self._shown, self._failed)
        self.refresh_glance()

    def refresh_glance(self) -> None:
        db = self.ctx.db
        self.ctx.tasks.run(lambda: _glance(db), self._show_glance, lambda exc: None)

    def _show_glance(self, glance: Glance) -> None:
        self.tile_low.value.setText(str(glance.low_stock))
        self.tile_drops.value.setText(str(glance.price_drops))
        self.tile_spend.value.setText(format_fen(sum(v for _, v in glance.spend)))
        detail = " · ".join(f"{name} {format_fen(v)}" for name, v in glance.spend[:3])
        self.tile_spend.setToolTip(detail)
        self.tile_spend.caption.setText(
            self.tr("spent with suppliers this month") + (f"\n{detail}" if detail else "")
        )

    def _shown(self, draft: ReorderDraft) -> None:
        self.model.set_draft(draft)
        self.refresh_button.setEnabled(True)
        self.notes.setText("\n".join(draft.notes))
        self.notes.setVisible(bool(draft.notes))
        if not draft.lines:
            self.status.setText(self.tr("Nothing to order today."))
        else:
            self.status.setText(self.tr("{count} lines").format(count=len(draft.lines)))
        self._totals_changed()

    def _failed(self, error: BaseException) -> None:
        self.refresh_button.setEnabled(True)
        self.status.setText(str(error) if isinstance(error, ShopDeskError) else repr(error))

    def _totals_changed(self, *args) -> None:
        draft = self.model.draft
        has_lines = bool(draft and draft.lines)
        self.create_button.setEnabled(has_lines)
        self.remove_button.setEnabled(has_lines)
        summaries = draft.summaries() if draft else []
        self.tile_total.value.setText(format_fen(sum(s.total_fen for s in summaries)))
        self.suppliers.setText("<br>".join(self._supplier_line(s) for s in summaries))

    def _supplier_line(self, s) -> str:
        parts = [
            self.tr("<b>{name}</b>: {lines} lines, total {total}").format(
                name=s.supplier_name, lines=s.lines, total=format_fen(s.total_fen)
            )
        ]
        if s.shipping_fen:
            parts.append(self.tr("shipping {fee}").format(fee=format_fen(s.shipping_fen)))
            if s.missing_to_free_fen:
                parts.append(
                    self.tr("{amount} more ships free").format(
                        amount=format_fen(s.missing_to_free_fen)
                    )
                )
        else:
            parts.append(self.tr("free shipping"))
        parts.append(
            self.tr("month's spend {before} → {after}").format(
                before=format_fen(s.month_spend_fen), after=format_fen(s.month_spend_after_fen)
            )
        )
        if s.tier_bp_after:
            parts.append(self.tr("member discount {pct}%").format(pct=s.tier_bp_after / 100))
        if s.next_tier_missing_fen is not None:
            parts.append(
                self.tr(
                    "{missing} more this month reaches the next tier (saves {saving} here)"
                ).format(
                    missing=format_fen(s.next_tier_missing_fen),
                    saving=format_fen(s.next_tier_saving_fen or 0),
                )
            )
        pair = self.tr("{first}; {second}")  # "；" in Chinese
        text = parts[0]
        for part in parts[1:]:
            text = pair.format(first=text, second=part)
        return text

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()}, reverse=True)
        for row in rows:
            self.model.remove(row)

    def create_orders(self) -> None:
        draft = self.model.draft
        if draft is None or not draft.lines:
            return
        lines = draft.order_lines()
        db = self.ctx.db

        def job() -> list[int]:
            from shop_desk.reorder.service import create_orders

            return create_orders(db, lines)

        self.create_button.setEnabled(False)
        self.ctx.tasks.run(job, self._created, self._create_failed, write=True)

    def _created(self, order_ids: list[int]) -> None:
        self.model.set_draft(None)
        self._totals_changed()
        self.status.setText(
            self.tr("{count} draft purchase orders created.").format(count=len(order_ids))
        )
        self.ctx.events.status_message.emit(self.status.text())
        self.ctx.events.orders_changed.emit()

    def _create_failed(self, error: BaseException) -> None:
        self.create_button.setEnabled(True)
        text = str(error) if isinstance(error, ShopDeskError) else repr(error)
        QMessageBox.warning(self, self.tr("Purchase orders not created"), text)
