"""Reports page: what the shop sold, earned and holds, read at a glance.

A row of figures on top (sales against last year, gross profit, stock value, slow movers,
lost sales), then one tab per report: a picture where it helps (sales by day, week or month
with last year's line over it; ranked bars) and the table with every figure below it. One
period for the whole page; one button exports every report of the period to Excel.

Reports run in a worker (shop_desk.reports, read-only sessions); a tab loads what it shows
when it is first opened, and everything is read again when the period changes. Sales (and
orders, products) changed while the page is open refresh it after a short pause; when it is
hidden, on its next show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from shop_desk.errors import ShopDeskError
from shop_desk.gui.charts import BarChart, BarItem, Series, SeriesChart
from shop_desk.gui.charts.axis import short_money
from shop_desk.gui.context import AppContext
from shop_desk.gui.pages.report_table import ReportTableModel
from shop_desk.gui.widgets import MessageLine, sized_font
from shop_desk.reports import REPORTS, Grain, Period, Rank, ReportParams, ReportTable, run_report
from shop_desk.reports.periods import bucket_start, default_period
from shop_desk.reports.table import Kind, display

THIS_YEAR = "#2563eb"
LAST_YEAR = "#9ca3af"
GOOD, BAD, MUTED = "#15803d", "#b91c1c", "#6b7280"
TOP_LIMIT = 50  # top sellers in the table (the chart shows the first 15)
SLOW_LIMIT = 200  # slow movers listed on screen (the count and cash cover all; Excel: all)
MARGIN_LIMIT = 500  # products by gross margin listed on screen (Excel: all)
STOCKOUT_LIMIT = 500  # products that ran out listed on screen, most lost first (Excel: all)
CHART_ROWS = 15
REFRESH_AFTER_MS = 3000  # after a sale, while the page is open

# tab key -> the reports it shows
TABS = {
    "sales": ("sales",),
    "top": ("top-sellers",),
    "margins": ("margin-categories", "margin-products"),
    "stock": ("stock-value",),
    "slow": ("slow-movers",),
    "stockouts": ("stockouts",),
    "purchases": ("purchases",),
}
SUPPLIER_COLORS = ("#2563eb", "#16a34a", "#d97706", "#7c3aed", "#9ca3af")  # the last: others
OVERVIEW = ("sales", "stock-value", "slow-movers", "stockouts")  # the figures on top


def preset_period(key: str, today: date) -> tuple[Period, Grain] | None:
    """The period and grain of a preset; None for "custom"."""
    if key == "7d":
        return Period(today - timedelta(days=6), today), Grain.DAY
    if key == "30d":
        return default_period(Grain.DAY, today), Grain.DAY
    if key == "month":
        return Period(today.replace(day=1), today), Grain.DAY
    if key == "last_month":
        last = today.replace(day=1) - timedelta(days=1)
        return Period(last.replace(day=1), last), Grain.DAY
    if key == "12w":
        return default_period(Grain.WEEK, today), Grain.WEEK
    if key == "12m":
        return default_period(Grain.MONTH, today), Grain.MONTH
    if key == "year":
        return Period(today.replace(month=1, day=1), today), Grain.MONTH
    return None


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


class Tile(QFrame):
    """One figure: a caption, the amount, and a line saying what it means."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "Tile { background: #ffffff; border: 1px solid #e5e7eb; border-radius: 6px; }"
        )
        self.caption = QLabel(caption)
        self.caption.setStyleSheet(f"color: {MUTED};")
        self.value = QLabel("—")
        self.value.setFont(sized_font(self, 18, True))
        self.detail = QLabel("")
        self.detail.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        for widget in (self.caption, self.value, self.detail):
            layout.addWidget(widget)

    def set(self, value: str, detail: str = "", color: str = MUTED) -> None:
        self.value.setText(value)
        self.detail.setText(detail)
        self.detail.setStyleSheet(f"color: {color};")


def _table_view(model: ReportTableModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # report order
    view.setSortingEnabled(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(24)
    view.horizontalHeader().setResizeContentsPrecision(200)  # not every row of a long list
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return view


class ReportsPage(QWidget):
    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        today: Callable[[], date] | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._today = today  # a test's fixed day; the shop's day otherwise
        self.tables: dict[str, ReportTable] = {}
        self._loading: set[str] = set()
        self._generation = 0
        self._stale = False
        # Hook, so a test picks the Excel file without a modal dialog.
        self.ask_xlsx_path: Callable[[], str | None] = self._ask_xlsx_path
        self._refresh_timer = QTimer(self, singleShot=True, interval=REFRESH_AFTER_MS)
        self._refresh_timer.timeout.connect(self.reload)
        self._build()
        self.choose_preset("30d")
        for signal in (
            ctx.events.stock_changed,
            ctx.events.products_changed,
            ctx.events.orders_changed,
        ):
            signal.connect(self._data_changed)

    # --- layout -----------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(self._controls())
        layout.addLayout(self._tiles())
        self.tabs = QTabWidget()
        self.tab_keys: list[str] = []
        for key, title, widget in (
            ("sales", self.tr("Sales"), self._sales_tab()),
            ("top", self.tr("Top sellers"), self._top_tab()),
            ("margins", self.tr("Gross margin"), self._margins_tab()),
            ("stock", self.tr("Stock value"), self._stock_tab()),
            ("slow", self.tr("Slow movers"), self._slow_tab()),
            ("stockouts", self.tr("Stock-outs"), self._stockouts_tab()),
            ("purchases", self.tr("Purchases"), self._purchases_tab()),
        ):
            self.tabs.addTab(widget, title)
            self.tab_keys.append(key)
        self.tabs.currentChanged.connect(lambda _i: self._load_current())
        layout.addWidget(self.tabs, 1)
        self.status = MessageLine()
        layout.addWidget(self.status)

    def _controls(self) -> QHBoxLayout:
        self.preset = QComboBox()
        for key, text in (
            ("7d", self.tr("Last 7 days")),
            ("30d", self.tr("Last 30 days")),
            ("month", self.tr("This month")),
            ("last_month", self.tr("Last month")),
            ("12w", self.tr("Last 12 weeks")),
            ("12m", self.tr("Last 12 months")),
            ("year", self.tr("This year")),
            ("custom", self.tr("Custom")),
        ):
            self.preset.addItem(text, key)
        self.first_edit, self.last_edit = QDateEdit(), QDateEdit()
        for edit in (self.first_edit, self.last_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(self._dates_edited)
        self.grain = QComboBox()
        self.grain.addItem(self.tr("By day"), Grain.DAY.value)
        self.grain.addItem(self.tr("By week"), Grain.WEEK.value)
        self.grain.addItem(self.tr("By month"), Grain.MONTH.value)
        self.grain.currentIndexChanged.connect(lambda _i: self._params_changed())
        self.preset.currentIndexChanged.connect(
            lambda _i: self.choose_preset(self.preset.currentData())
        )
        self.export_button = QPushButton(self.tr("Export to Excel…"))
        self.export_button.setToolTip(self.tr("Every report of this period, one sheet each"))
        self.export_button.clicked.connect(self.export_xlsx)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Period")))
        row.addWidget(self.preset)
        row.addWidget(self.first_edit)
        row.addWidget(QLabel("–"))
        row.addWidget(self.last_edit)
        row.addWidget(self.grain)
        row.addStretch(1)
        row.addWidget(self.export_button)
        return row

    def _tiles(self) -> QHBoxLayout:
        self.sales_tile = Tile(self.tr("Sales"))
        self.profit_tile = Tile(self.tr("Gross profit"))
        self.stock_tile = Tile(self.tr("Stock value at cost"))
        self.slow_tile = Tile(self.tr("Cash in slow movers"))
        self.lost_tile = Tile(self.tr("Sales lost to stock-outs (est.)"))
        row = QHBoxLayout()
        for tile in (
            self.sales_tile,
            self.profit_tile,
            self.stock_tile,
            self.slow_tile,
            self.lost_tile,
        ):
            row.addWidget(tile, 1)
        return row

    def _split(self, first: QWidget, second: QWidget, vertical: bool = True) -> QSplitter:
        splitter = QSplitter(Qt.Orientation.Vertical if vertical else Qt.Orientation.Horizontal)
        splitter.addWidget(first)
        splitter.addWidget(second)
        # the picture first; beside it the table gets the larger share (it has the columns)
        shares = (3, 2) if vertical else (2, 3)
        splitter.setStretchFactor(0, shares[0])
        splitter.setStretchFactor(1, shares[1])
        splitter.setSizes([300 * shares[0], 300 * shares[1]])
        return splitter

    def _sales_tab(self) -> QWidget:
        self.sales_chart = SeriesChart()
        self.sales_chart.empty_text = self.tr("No sales in this period.")
        self.sales_model = ReportTableModel(self)
        self.sales_view = _table_view(self.sales_model)
        return self._split(self.sales_chart, self.sales_view)

    def _top_tab(self) -> QWidget:
        self.rank = QComboBox()
        self.rank.addItem(self.tr("by sales"), Rank.REVENUE.value)
        self.rank.addItem(self.tr("by units"), Rank.UNITS.value)
        self.rank.addItem(self.tr("by gross profit"), Rank.PROFIT.value)
        self.rank.currentIndexChanged.connect(lambda _i: self._reload_reports(("top-sellers",)))
        self.top_chart = BarChart()
        self.top_chart.empty_text = self.tr("Nothing sold in this period.")
        self.top_model = ReportTableModel(self)
        self.top_view = _table_view(self.top_model)
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 4, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Rank")))
        row.addWidget(self.rank)
        row.addStretch(1)
        column.addLayout(row)
        column.addWidget(self._split(self.top_chart, self.top_view, vertical=False), 1)
        return box

    def _margins_tab(self) -> QWidget:
        self.margin_chart = BarChart()
        self.margin_chart.color = "#16a34a"
        self.margin_chart.empty_text = self.tr("Nothing sold in this period.")
        self.category_model = ReportTableModel(self)
        self.product_model = ReportTableModel(self)
        self.category_view = _table_view(self.category_model)
        self.product_view = _table_view(self.product_model)
        top = self._split(self.margin_chart, self.category_view, vertical=False)
        return self._split(top, self.product_view)

    def _stock_tab(self) -> QWidget:
        self.stock_chart = BarChart()
        self.stock_chart.color = "#7c3aed"
        self.stock_chart.empty_text = self.tr("No stock on the books.")
        self.stock_model = ReportTableModel(self)
        self.stock_view = _table_view(self.stock_model)
        return self._split(self.stock_chart, self.stock_view, vertical=False)

    def _slow_tab(self) -> QWidget:
        self.slow_days = QSpinBox()
        self.slow_days.setRange(7, 365)
        self.slow_days.setValue(30)
        self.slow_days.setSuffix(self.tr(" days"))
        self._slow_timer = QTimer(self, singleShot=True, interval=400)
        self._slow_timer.timeout.connect(lambda: self._reload_reports(("slow-movers",)))
        self.slow_days.valueChanged.connect(self._slow_timer.start)
        self.slow_chart = BarChart()
        self.slow_chart.color = "#d97706"
        self.slow_chart.empty_text = self.tr("No slow movers: everything in stock sold lately.")
        self.slow_model = ReportTableModel(self)
        self.slow_view = _table_view(self.slow_model)
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 4, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("No sale in")))
        row.addWidget(self.slow_days)
        row.addStretch(1)
        column.addLayout(row)
        column.addWidget(self._split(self.slow_chart, self.slow_view, vertical=False), 1)
        return box

    def _stockouts_tab(self) -> QWidget:
        self.stockout_chart = BarChart()
        self.stockout_chart.color = "#dc2626"
        self.stockout_chart.empty_text = self.tr("Nothing ran out in this period.")
        self.stockout_model = ReportTableModel(self)
        self.stockout_view = _table_view(self.stockout_model)
        return self._split(self.stockout_chart, self.stockout_view, vertical=False)

    def _purchases_tab(self) -> QWidget:
        self.purchase_chart = SeriesChart()
        self.purchase_chart.empty_text = self.tr("No purchase orders were sent in this period.")
        self.purchase_model = ReportTableModel(self)
        self.purchase_view = _table_view(self.purchase_model)
        return self._split(self.purchase_chart, self.purchase_view)

    # --- the period -------------------------------------------------------------------------
    def today(self) -> date:
        from shop_desk.reports import today

        return self._today() if self._today is not None else today()

    def choose_preset(self, key: str) -> None:
        found = preset_period(key, self.today())
        if found is None:
            return
        period, grain = found
        for widget in (self.first_edit, self.last_edit, self.grain, self.preset):
            widget.blockSignals(True)
        self.first_edit.setDate(_qdate(period.first))
        self.last_edit.setDate(_qdate(period.last))
        self.grain.setCurrentIndex(self.grain.findData(grain.value))
        self.preset.setCurrentIndex(self.preset.findData(key))
        for widget in (self.first_edit, self.last_edit, self.grain, self.preset):
            widget.blockSignals(False)
        self._params_changed()

    def _dates_edited(self) -> None:
        self.preset.blockSignals(True)
        self.preset.setCurrentIndex(self.preset.findData("custom"))
        self.preset.blockSignals(False)
        self._params_changed()

    def period(self) -> Period:
        first, last = _pydate(self.first_edit.date()), _pydate(self.last_edit.date())
        return Period(min(first, last), max(first, last))

    def params(self, name: str) -> ReportParams:
        base = ReportParams(
            period=self.period(),
            grain=Grain(self.grain.currentData()),
            days=self.slow_days.value(),
            rank=Rank(self.rank.currentData()),
            today=self.today(),
        )
        if name == "top-sellers":
            return replace(base, limit=TOP_LIMIT)
        if name == "slow-movers":
            return replace(base, limit=SLOW_LIMIT)
        if name == "margin-products":
            return replace(base, limit=MARGIN_LIMIT)
        if name == "stockouts":
            return replace(base, limit=STOCKOUT_LIMIT)
        return base

    # --- loading ----------------------------------------------------------------------------
    def _params_changed(self) -> None:
        try:
            self.period()
        except ShopDeskError as exc:
            self.status.show_error(str(exc))
            return
        self.reload()

    def reload(self) -> None:
        """Throw away what was read and read what is on screen again."""
        self._refresh_timer.stop()
        self._stale = False
        self._generation += 1
        self.tables.clear()
        self._loading.clear()
        self._load(OVERVIEW + TABS[self.current_tab()])

    def _reload_reports(self, names: tuple[str, ...]) -> None:
        for name in names:
            self.tables.pop(name, None)
        self._load(names)

    def current_tab(self) -> str:
        return self.tab_keys[max(self.tabs.currentIndex(), 0)]

    def _load_current(self) -> None:
        self._load(TABS[self.current_tab()])

    def _load(self, names) -> None:
        missing = [
            n for n in dict.fromkeys(names) if n not in self.tables and n not in self._loading
        ]
        if not missing:
            return
        self._loading.update(missing)
        self.status.show_ok(self.tr("Reading the figures…"))
        for name in missing:  # a job each: a quick figure never waits for a slow report
            self._load_one(name, self.params(name))  # params read on the GUI thread

    def _load_one(self, name: str, params: ReportParams) -> None:
        generation, db = self._generation, self.ctx.db

        def job() -> dict[str, ReportTable]:
            with db.read() as session:
                return {name: run_report(session, name, params)}

        def done(result: dict[str, ReportTable]) -> None:
            if generation != self._generation:
                return
            self._loading.difference_update(result)
            self.tables.update(result)
            self.show_tables(list(result))

        def failed(error: BaseException) -> None:
            if generation != self._generation:
                return
            self._loading.discard(name)
            if not isinstance(error, ShopDeskError):
                raise error
            self.status.show_error(str(error))

        self.ctx.tasks.run(job, done, failed)

    @property
    def loading(self) -> bool:
        return bool(self._loading)

    def _data_changed(self) -> None:
        if self.isVisible():
            self._refresh_timer.start()
        else:
            self._stale = True

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()

    # --- showing ----------------------------------------------------------------------------
    def show_tables(self, names=None) -> None:
        """Put the named reports (default: every one read) on screen, and the figures on top."""
        for name in names if names is not None else list(self.tables):
            table = self.tables.get(name)
            if table is not None:
                self._show(name, table)
        self._show_tiles()
        if not self._loading:
            self.status.show_ok(
                self.tr("Figures of {period}.").format(period=self.period().label())
            )

    def _show(self, name: str, table: ReportTable) -> None:
        bars = {  # report: (model, view, chart, label column, value column, note column)
            "top-sellers": (
                self.top_model,
                self.top_view,
                self.top_chart,
                "product",
                self._top_key(),
                "share",
            ),
            "margin-categories": (
                self.category_model,
                self.category_view,
                self.margin_chart,
                "category",
                "gross_profit_fen",
                "margin",
            ),
            "stock-value": (
                self.stock_model,
                self.stock_view,
                self.stock_chart,
                "category",
                "value_fen",
                "share",
            ),
            "slow-movers": (
                self.slow_model,
                self.slow_view,
                self.slow_chart,
                "product",
                "value_fen",
                None,
            ),
            "stockouts": (
                self.stockout_model,
                self.stockout_view,
                self.stockout_chart,
                "product",
                "lost_revenue_fen",
                None,
            ),
        }
        if name in bars:
            self._show_bars(table, *bars[name])
        elif name == "sales":
            self._show_sales(table)
        elif name == "margin-products":
            self._fill(self.product_model, self.product_view, table)
        elif name == "purchases":
            self._show_purchases(table)

    def _top_key(self) -> str:
        return {"units": "units", "profit": "gross_profit_fen"}.get(
            self.rank.currentData(), "revenue_fen"
        )

    def _fill(self, model: ReportTableModel, view: QTableView, table: ReportTable) -> None:
        view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        model.set_table(table)
        view.resizeColumnsToContents()
        for column in range(model.columnCount()):
            view.setColumnWidth(column, min(view.columnWidth(column), 320))

    def _show_bars(
        self, table, model, view, chart: BarChart, label_key: str, value_key: str, note_key
    ) -> None:
        self._fill(model, view, table)
        labels, values = table.values(label_key), table.values(value_key)
        notes = table.values(note_key) if note_key else [None] * len(labels)
        kind = table.columns[table.column(value_key)].kind
        note_kind = table.columns[table.column(note_key)].kind if note_key else Kind.TEXT
        chart.format_value = short_money if kind == Kind.MONEY else (lambda v: f"{v:,.0f}")
        chart.set_items(
            [
                BarItem(
                    str(label),
                    float(value or 0),
                    display(note_kind, note) if note is not None else "",
                )
                for label, value, note in list(zip(labels, values, notes, strict=True))[:CHART_ROWS]
            ]
        )

    def _show_sales(self, table: ReportTable) -> None:
        self._fill(self.sales_model, self.sales_view, table)
        grain = Grain(self.grain.currentData())
        starts = table.values("period_start")
        labels = [self._bucket_label(day, grain) for day in starts]
        self.sales_chart.set_data(
            labels,
            [
                Series(
                    self.tr("Sales"),
                    [float(v) for v in table.values("revenue_fen")],
                    THIS_YEAR,
                    "bar",
                ),
                Series(
                    self.tr("Same period last year"),
                    [float(v) for v in table.values("ly_revenue_fen")],
                    LAST_YEAR,
                    "line",
                    dashed=True,
                ),
            ],
        )

    def _show_purchases(self, table: ReportTable) -> None:
        """Spend toward the tiers by month, a bar per supplier (the biggest four, the rest
        together)."""
        self._fill(self.purchase_model, self.purchase_view, table)
        months = sorted(set(table.values("month")))
        spend: dict[str, dict[str, int]] = {}
        for month, supplier, value in zip(
            table.values("month"), table.values("supplier"), table.values("spend_fen"), strict=True
        ):
            spend.setdefault(supplier, {}).setdefault(month, 0)
            spend[supplier][month] += value
        ranked = sorted(spend, key=lambda name: -sum(spend[name].values()))
        shown, rest = ranked[:4], ranked[4:]
        series = [
            Series(name, [float(spend[name].get(m, 0)) for m in months], color, "bar")
            for name, color in zip(shown, SUPPLIER_COLORS, strict=False)
        ]
        if rest:
            others = [float(sum(spend[n].get(m, 0) for n in rest)) for m in months]
            series.append(Series(self.tr("Others"), others, SUPPLIER_COLORS[-1], "bar"))
        self.purchase_chart.set_data(months, series)

    def _bucket_label(self, day: date, grain: Grain) -> str:
        if grain == Grain.MONTH:
            return f"{day.year}-{day.month:02d}"
        start = bucket_start(day, grain) if grain == Grain.WEEK else day
        return f"{start.month:02d}-{start.day:02d}"

    def _show_tiles(self) -> None:
        t = self.tables
        if "sales" in t and t["sales"].totals:
            sales = t["sales"]
            total = dict(zip([c.key for c in sales.columns], sales.totals, strict=True))
            change = total["change"]
            if change is None:
                detail, color = self.tr("nothing to compare last year"), MUTED
            else:
                detail = self.tr("{change} against last year").format(
                    change=f"{change * 100:+.1f}%"
                )
                color = GOOD if change >= 0 else BAD
            self.sales_tile.set(short_money(total["revenue_fen"]), detail, color)
            margin = total["margin"]
            self.profit_tile.set(
                short_money(total["gross_profit_fen"]),
                self.tr("margin {margin}").format(margin=display(Kind.PERCENT, margin))
                if margin is not None
                else "",
            )
        if "stock-value" in t and t["stock-value"].totals:
            stock = t["stock-value"]
            value = stock.totals[stock.column("value_fen")]
            products = stock.totals[stock.column("products")]
            self.stock_tile.set(
                short_money(value), self.tr("{n} products in stock").format(n=f"{products:,}")
            )
        if "slow-movers" in t:
            slow = t["slow-movers"]
            held = slow.totals[slow.column("value_fen")] if slow.totals else 0
            count = slow.totals[slow.column("product")] if slow.totals else ""
            self.slow_tile.set(
                short_money(held),
                self.tr("{what}, no sale in {days} days").format(
                    what=count, days=self.slow_days.value()
                ),
                BAD if held > 0 else MUTED,
            )
        if "stockouts" in t:
            out = t["stockouts"]
            lost = out.totals[out.column("lost_revenue_fen")] if out.totals else 0
            self.lost_tile.set(
                short_money(lost),
                out.totals[0],  # "{n} products ran out", of all of them (the list is cut)
                BAD if lost > 0 else MUTED,
            )

    # --- export -----------------------------------------------------------------------------
    def _ask_xlsx_path(self) -> str | None:
        name = self.tr("reports {first} to {last}.xlsx").format(
            first=self.period().first, last=self.period().last
        )
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export to Excel"), name, "Excel (*.xlsx)"
        )
        return path or None

    def export_xlsx(self) -> None:
        path = self.ask_xlsx_path()
        if not path:
            return
        target = Path(path) if path.lower().endswith(".xlsx") else Path(path + ".xlsx")
        params = {name: replace(self.params(name), limit=None) for name in REPORTS}
        params["top-sellers"] = self.params("top-sellers")
        db = self.ctx.db
        self.export_button.setEnabled(False)
        self.status.show_ok(self.tr("Exporting…"))

        def job() -> Path:
            from shop_desk.reports.xlsx import write_xlsx

            with db.read() as session:
                tables = [run_report(session, name, params[name]) for name in REPORTS]
            return write_xlsx(target, tables)

        def done(written: Path) -> None:
            self.export_button.setEnabled(True)
            self.status.show_ok(self.tr("Saved {file}").format(file=str(written)))

        def failed(error: BaseException) -> None:
            self.export_button.setEnabled(True)
            if not isinstance(error, ShopDeskError):
                raise error
            self.status.show_error(str(error))

        self.ctx.tasks.run(job, done, failed)
