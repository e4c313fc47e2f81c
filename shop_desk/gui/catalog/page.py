"""The Catalog page: every offer of every source, searchable, with filters for linked, new
arrivals and price drops, a link dialog, and syncs in the background."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from shop_desk.catalog.offers import OfferRow, PriceDrop, count_offers, search_offers
from shop_desk.clock import utcnow
from shop_desk.gui.catalog.sync_runner import SyncRunner
from shop_desk.gui.context import AppContext
from shop_desk.gui.table_model import Column, PagedTableModel, PageRequest, PageResult, RowStyle
from shop_desk.money import format_fen

NEW_DAYS = 30
NEW_COLOR = QColor("#e3f2fd")
DROP_COLOR = QColor("#e8f5e9")


def tiers_text(tiers: list[tuple[int, int]]) -> str:
    return " / ".join(f"{packs}+ {format_fen(price)}" for packs, price in tiers)


class CatalogPage(QWidget):
    VIEWS = ("all", "linked", "unlinked", "new", "drops")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.sync_runner = SyncRunner(ctx, self)
        self.sync_runner.finished.connect(self._sync_finished)
        self.sync_runner.running_changed.connect(self._running_changed)
        self._search_timer = QTimer(self, singleShot=True, interval=250)
        self._search_timer.timeout.connect(self.refresh)
        self._build()
        ctx.events.catalog_changed.connect(self.refresh)
        ctx.events.products_changed.connect(self.refresh)
        self.reload_sources()
        self.refresh()

    # --- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.search = QLineEdit(
            placeholderText=self.tr("Search offers: name, pinyin initials, barcode or item number")
        )
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.source_box = QComboBox()
        self.source_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.view_box = QComboBox()
        for key, label in zip(
            self.VIEWS,
            (
                self.tr("All offers"),
                self.tr("Linked to my products"),
                self.tr("Not linked"),
                self.tr("New arrivals"),
                self.tr("Price drops"),
            ),
            strict=True,
        ):
            self.view_box.addItem(label, key)
        self.view_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.link_button = QPushButton(self.tr("Link to product…"))
        self.link_button.clicked.connect(self.link_selected)
        self.sync_button = QPushButton(self.tr("Sync now"))
        self.sync_button.clicked.connect(self.sync_now)
        for widget, stretch in (
            (self.search, 3),
            (self.source_box, 1),
            (self.view_box, 1),
            (self.link_button, 0),
            (self.sync_button, 0),
        ):
            bar.addWidget(widget, stretch)
        layout.addLayout(bar)
        self.age_label = QLabel()
        layout.addWidget(self.age_label)
        self.offers_model = PagedTableModel(
            self._offer_columns(),
            self._fetch_offers,
            row_style=self._offer_style,
            row_key=lambda r: (r.supplier_id, r.sku),
        )
        self.drops_model = PagedTableModel(
            self._drop_columns(), self._fetch_drops, row_key=lambda r: (r.product_id, r.sku)
        )
        self.table = QTableView(sortingEnabled=True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _i: self.link_selected())
        layout.addWidget(self.table, 1)
        self.count_label = QLabel()
        layout.addWidget(self.count_label)
        self.offers_model.loaded.connect(self._loaded)
        self.drops_model.loaded.connect(self._loaded)

    def _offer_columns(self) -> list[Column]:
        return [
            Column(self.tr("Supplier"), lambda r: r.supplier, sort_key="supplier"),
            Column(self.tr("Item no."), lambda r: r.sku, sort_key="sku"),
            Column(self.tr("Name"), lambda r: r.name, sort_key="name"),
            Column(
                self.tr("Pack"),
                lambda r: f"{r.pack_size}{r.pack_name and '/' + r.pack_name}",
                sort_key="pack",
            ),
            Column(self.tr("Price per pack"), lambda r: tiers_text(r.tiers), sort_key="price"),
            Column(self.tr("Min. order"), lambda r: r.moq_packs, "int"),
            Column(self.tr("Multiple"), lambda r: r.multiple_packs, "int"),
            Column(self.tr("Available"), lambda r: r.available_packs, "int", sort_key="available"),
            Column(self.tr("Lead time (days)"), lambda r: r.lead_time_days, "int"),
            Column(self.tr("New since"), lambda r: r.new_since, "date", sort_key="new"),
            Column(self.tr("Barcode"), lambda r: r.gtin or ""),
            Column(self.tr("Linked"), lambda r: self.tr("yes") if r.linked_products else ""),
        ]

    def _drop_columns(self) -> list[Column]:
        return [
            Column(self.tr("Product"), lambda d: d.product),
            Column(self.tr("Supplier"), lambda d: d.supplier),
            Column(self.tr("Item no."), lambda d: d.sku),
            Column(self.tr("Since"), lambda d: d.day, "date"),
            Column(self.tr("Was"), lambda d: d.previous_fen, "money"),
            Column(self.tr("Now"), lambda d: d.price_fen, "money"),
            Column(self.tr("Units per pack"), lambda d: d.units_per_pack, "int"),
            Column(
                self.tr("Saving per pack vs. last purchase"),
                lambda d: d.saving_per_pack_fen,
                "money",
            ),
        ]

    # --- data -----------------------------------------------------------------------------
    def _filters(self) -> dict:
        view = self.view_box.currentData()
        return {
            "source_id": self.source_box.currentData(),
            "linked": {"linked": True, "unlinked": False}.get(view),
            "new_within_days": NEW_DAYS if view == "new" else None,
        }

    def _fetch_offers(self, request: PageRequest) -> PageResult:
        query, filters = self.search.text(), self._filters()
        with self.ctx.db.session(write=False) as session:
            if self.view_box.currentData() == "new":
                from shop_desk.catalog.offers import new_arrivals

                rows = new_arrivals(session, within_days=NEW_DAYS, limit=request.limit)
                return PageResult(rows[: request.limit], len(rows))
            rows = search_offers(
                session,
                query,
                limit=request.limit,
                offset=request.offset,
                sort=request.sort_key,  # none chosen: match order, fast over a million
                descending=request.descending,
                **filters,
            )
            total = count_offers(session, query, **filters) if request.with_total else None
        return PageResult(rows, total)

    def _fetch_drops(self, request: PageRequest) -> PageResult:
        from shop_desk.catalog.offers import price_drops

        with self.ctx.db.session(write=False) as session:
            drops = price_drops(session)
        return PageResult(drops[request.offset : request.offset + request.limit], len(drops))

    def _offer_style(self, row: OfferRow) -> RowStyle | None:
        if row.new_since and (utcnow().date() - row.new_since).days <= NEW_DAYS:
            return RowStyle(background=NEW_COLOR, tooltip=self.tr("New arrival"))
        return None

    def refresh(self) -> None:
        model = self.drops_model if self.view_box.currentData() == "drops" else self.offers_model
        if self.table.model() is not model:
            self.table.setModel(model)
        model.reload()
        self._show_age()

    def reload_sources(self) -> None:
        from shop_desk.catalog.sources import list_sources

        current = self.source_box.currentData()
        self.source_box.blockSignals(True)
        self.source_box.clear()
        self.source_box.addItem(self.tr("All sources"), None)
        with self.ctx.db.session(write=False) as session:
            self._sources = list_sources(session)
        for source in self._sources:
            self.source_box.addItem(source.name, source.id)
        index = self.source_box.findData(current)
        self.source_box.setCurrentIndex(max(index, 0))
        self.source_box.blockSignals(False)

    def _show_age(self) -> None:
        if not getattr(self, "_sources", None):
            self.age_label.setText(
                self.tr(
                    "No sources yet: add a supplier's feed or price list in Settings → Sources."
                )
            )
            return
        parts = []
        for source in self._sources:
            if source.last_success_at is None:
                parts.append(self.tr("{name}: never synced").format(name=source.name))
                continue
            hours = (utcnow() - source.last_success_at).total_seconds() / 3600
            if hours * 60 < 1:
                parts.append(self.tr("{name}: copy from just now").format(name=source.name))
                continue
            age = (
                self.tr("{n} min").format(n=int(hours * 60))
                if hours < 1
                else self.tr("{n} h").format(n=int(hours))
                if hours < 48
                else self.tr("{n} days").format(n=int(hours / 24))
            )
            parts.append(self.tr("{name}: copy from {age} ago").format(name=source.name, age=age))
        self.age_label.setText("  ·  ".join(parts))

    def _loaded(self) -> None:
        model = self.table.model()
        self.count_label.setText(self.tr("{n} rows").format(n=model.total))
        self.table.resizeColumnsToContents()

    # --- actions --------------------------------------------------------------------------
    def selected_offer(self) -> OfferRow | None:
        index = self.table.currentIndex()
        if not index.isValid() or self.table.model() is not self.offers_model:
            return None
        row = self.offers_model.row(index.row())
        return row if isinstance(row, OfferRow) else None

    def link_selected(self) -> None:
        offer = self.selected_offer()
        if offer is None:
            if isinstance(self._selected_drop(), PriceDrop):
                return
            QMessageBox.information(self, self.tr("Link"), self.tr("Choose an offer first."))
            return
        from shop_desk.gui.catalog.link_dialog import LinkDialog

        if LinkDialog(self.ctx, offer, self).exec():
            self.ctx.events.catalog_changed.emit()

    def _selected_drop(self):
        index = self.table.currentIndex()
        if not index.isValid() or self.table.model() is not self.drops_model:
            return None
        return self.drops_model.row(index.row())

    def sync_now(self) -> None:
        if self.sync_runner.running:
            self.sync_runner.cancel()
            return
        self.sync_runner.sync(self.source_box.currentData() and [self.source_box.currentData()])

    def _running_changed(self, running: bool) -> None:
        self.sync_button.setText(self.tr("Cancel sync") if running else self.tr("Sync now"))

    def _sync_finished(self, results: list) -> None:
        self.reload_sources()
        self.refresh()
        from shop_desk.gui.catalog.sync_report import SyncReportDialog

        self.last_report = SyncReportDialog(results, self)
        self.last_report.show()
