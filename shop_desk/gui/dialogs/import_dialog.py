"""Import products from CSV/XLSX, and export them: the window over shop_desk.importing.

The file is read in a worker (a 100,000-line price list never freezes the window): the
dialog shows the detected encoding and header line, which column feeds which field (each
can be changed by hand, which reads the file again), a preview of the rows, and every
error and warning with its line. Import is all or nothing, so it is enabled only when the
file has no errors; the owner fixes the file (or the column choice) and tries again.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from shop_desk.errors import ShopDeskError
from shop_desk.gui.context import AppContext
from shop_desk.gui.table_model import Column, PagedTableModel, RowStyle, list_fetch
from shop_desk.importing.problems import RowError
from shop_desk.importing.products_import import (
    ProductImportPreview,
    ProductRow,
    iter_apply_products,
    iter_preview_products,
)
from shop_desk.progress import Progress

ERROR_BACKGROUND = QColor("#fbd5d3")
WARNING_BACKGROUND = QColor("#ffe7a8")
NOT_USED = -1


class ImportDialog(QDialog):
    def __init__(
        self, ctx: AppContext, path: Path | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.path: Path | None = None
        self.preview: ProductImportPreview | None = None
        self.result_message = ""
        self._generation = 0
        self._busy = False
        self.setWindowTitle(self.tr("Import products"))
        self.resize(980, 640)
        self._build()
        self._set_busy(False)
        if path is not None:
            self.load(path)

    # --- layout -------------------------------------------------------------------------
    def field_labels(self) -> dict[str, str]:
        return {
            "barcode": self.tr("Barcode"),
            "name": self.tr("Name"),
            "retail_price": self.tr("Retail price"),
            "cost": self.tr("Cost"),
            "category": self.tr("Category"),
            "unit": self.tr("Unit"),
            "spec": self.tr("Size"),
            "short_code": self.tr("Short code"),
            "shelf_life": self.tr("Shelf life (days)"),
            "case_barcode": self.tr("Case barcode"),
            "case_units": self.tr("Units per case"),
        }

    def _build(self) -> None:
        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText(self.tr("Choose a CSV or Excel file…"))
        self.browse_button = QPushButton(self.tr("Choose file…"))
        self.browse_button.clicked.connect(self.browse)
        file_row = QHBoxLayout()
        file_row.addWidget(QLabel(self.tr("File")))
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(self.browse_button)
        self.info_label = QLabel()
        self.info_label.setStyleSheet("color: #555;")
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.progress = QProgressBar()
        self.progress.setMaximumHeight(14)
        self.progress.setTextVisible(False)
        body = QHBoxLayout()
        body.addWidget(self._mapping_box())
        body.addWidget(self._tabs(), 1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.import_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText(self.tr("Import"))
        self.import_button.setEnabled(False)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(file_row)
        layout.addWidget(self.info_label)
        layout.addLayout(body, 1)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.progress)
        layout.addWidget(buttons)

    def _mapping_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Columns"))
        form = QFormLayout(box)
        self.mapping_combos: dict[str, QComboBox] = {}
        for field, label in self.field_labels().items():
            combo = QComboBox()
            combo.setMinimumContentsLength(10)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.activated.connect(self._mapping_changed)  # the owner's choice, not ours
            self.mapping_combos[field] = combo
            form.addRow(label, combo)
        box.setMaximumWidth(320)
        return box

    def _tabs(self) -> QTabWidget:
        self.tabs = QTabWidget()
        self.rows_model = PagedTableModel(
            [
                Column(self.tr("Line"), lambda r: r.line, "int"),
                Column(self.tr("Action"), self._action_text),
                Column(self.tr("Name"), lambda r: r.data.name),
                Column(self.tr("Barcodes"), self._codes_text),
                Column(self.tr("Retail price"), self._price, "money"),
                Column(self.tr("Cost"), self._cost, "money"),
                Column(self.tr("Category"), lambda r: r.data.category),
                Column(self.tr("Unit"), lambda r: r.data.unit),
                Column(self.tr("Size"), lambda r: r.data.spec),
            ],
            list_fetch(lambda: self.preview.rows if self.preview else []),
            row_key=lambda r: r.line,
            parent=self,
        )
        self.problems_model = PagedTableModel(
            [
                Column(self.tr("Line"), lambda p: p[1].line, "int"),
                Column(self.tr("Column"), lambda p: p[1].column),
                Column(self.tr("Problem"), lambda p: p[1].message),
            ],
            list_fetch(self._problems),
            row_style=lambda p: RowStyle(ERROR_BACKGROUND if p[0] else WARNING_BACKGROUND),
            row_key=lambda p: (p[0], p[1]),
            page_size=2000,
            parent=self,
        )
        self.rows_view = self._view(self.rows_model, 2, (50, 50, 0, 130, 75, 75, 80, 45, 70))
        self.problems_view = self._view(self.problems_model, 2, (50, 110))
        self.tabs.addTab(self.rows_view, self.tr("Preview"))
        self.tabs.addTab(self.problems_view, self.tr("Problems"))
        return self.tabs

    @staticmethod
    def _view(model: PagedTableModel, stretch: int, widths: tuple[int, ...]) -> QTableView:
        view = QTableView()
        view.setModel(model)
        for column, width in enumerate(widths):
            if width:
                view.setColumnWidth(column, width)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.verticalHeader().hide()
        view.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        view.verticalHeader().setDefaultSectionSize(24)
        return view

    # --- preview columns ----------------------------------------------------------------
    def _action_text(self, row: ProductRow) -> str:
        return self.tr("New") if row.product_id is None else self.tr("Update")

    @staticmethod
    def _codes_text(row: ProductRow) -> str:
        return ", ".join(c if u == 1 else f"{c}×{u}" for c, u in row.data.barcodes)

    @staticmethod
    def _price(row: ProductRow) -> int | None:
        return row.data.retail_price_fen if "retail_price_fen" in row.present else None

    @staticmethod
    def _cost(row: ProductRow) -> int | None:
        return row.data.cost_fen if "cost_fen" in row.present else None

    def _problems(self) -> list[tuple[bool, RowError]]:
        if self.preview is None:
            return []
        return [(True, e) for e in self.preview.errors] + [
            (False, w) for w in self.preview.warnings
        ]

    # --- reading ------------------------------------------------------------------------
    def browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Import products"),
            str(self.path.parent) if self.path else "",
            self.tr("Spreadsheets (*.xlsx *.csv *.txt);;All files (*)"),
        )
        if name:
            self.load(Path(name))

    def load(self, path: Path) -> None:
        """Read a new file with automatic column detection."""
        self.path = Path(path)
        self.file_edit.setText(str(self.path))
        self._read(None)

    def _mapping_changed(self) -> None:
        overrides: dict[str, int | None] = {}
        for field, combo in self.mapping_combos.items():
            index = combo.currentData()
            overrides[field] = None if index in (None, NOT_USED) else int(index)
        self._read(overrides)

    def _read(self, overrides: dict[str, int | None] | None) -> None:
        if self.path is None:
            return
        self._generation += 1
        generation = self._generation
        path = self.path
        self.preview = None
        self._show_error("")
        self._set_busy(True)

        def job():
            with self.ctx.db.read() as session:
                return (yield from iter_preview_products(path, mapping=overrides, session=session))

        def done(preview: ProductImportPreview) -> None:
            if generation == self._generation:
                self._set_busy(False)
                self._show_preview(preview)

        def failed(error: BaseException) -> None:
            if generation != self._generation:
                return
            self._set_busy(False)
            self._clear_preview()
            self._show_error(self._message(error))

        self.ctx.tasks.run(job, done, failed, self._progress)

    def _show_preview(self, preview: ProductImportPreview) -> None:
        self.preview = preview
        parts = [self.tr("Header on line {line}").format(line=preview.header_line)]
        if preview.encoding:
            parts.insert(0, self.tr("Encoding: {name}").format(name=preview.encoding.upper()))
        if preview.sheet:
            parts.insert(0, self.tr("Sheet: {name}").format(name=preview.sheet))
        if preview.unused_columns:
            parts.append(
                self.tr("Not imported: {columns}").format(columns=", ".join(preview.unused_columns))
            )
        self.info_label.setText(" · ".join(parts))
        self._fill_mapping(preview)
        self.rows_model.reload(keep_loaded=False)
        self.problems_model.reload(keep_loaded=False)
        self.tabs.setTabText(0, self.tr("Preview ({n})").format(n=f"{len(preview.rows):,}"))
        self.tabs.setTabText(
            1,
            self.tr("Problems ({errors} errors, {warnings} warnings)").format(
                errors=preview.error_count, warnings=preview.warning_count
            ),
        )
        self.summary_label.setText(preview.summary())
        if not preview.ok:
            self.tabs.setCurrentIndex(1)
            self._show_error(
                self.tr(
                    "Nothing can be imported until the file has no errors. Fix the lines "
                    "listed (or choose other columns) and read it again."
                )
            )
        self.import_button.setEnabled(preview.ok and bool(preview.rows))

    def _fill_mapping(self, preview: ProductImportPreview) -> None:
        for field, combo in self.mapping_combos.items():
            combo.clear()
            combo.addItem(self.tr("(not used)"), NOT_USED)
            for index, header in enumerate(preview.columns):
                combo.addItem(f"{_column_letter(index)}: {header}", index)
            chosen = preview.mapping.get(field)
            combo.setCurrentIndex(combo.findData(chosen) if chosen is not None else 0)

    def _clear_preview(self) -> None:
        self.preview = None
        self.info_label.setText("")
        self.summary_label.setText("")
        self.rows_model.reload(keep_loaded=False)
        self.problems_model.reload(keep_loaded=False)
        self.import_button.setEnabled(False)

    # --- applying -----------------------------------------------------------------------
    def apply(self) -> None:
        preview = self.preview
        if preview is None or not preview.ok or self._busy:
            return
        self._set_busy(True)

        def job():
            with self.ctx.db.session() as session:
                return (yield from iter_apply_products(session, preview))

        def done(result) -> None:
            self._set_busy(False)
            self.result_message = str(result)
            self.ctx.events.products_changed.emit()
            self.accept()

        def failed(error: BaseException) -> None:
            self._set_busy(False)
            self._show_error(self._message(error))  # nothing was written; the preview stays

        self.ctx.tasks.run(job, done, failed, self._progress, write=True)

    # --- state --------------------------------------------------------------------------
    def _progress(self, progress: Progress) -> None:
        self.progress.setRange(0, progress.total or 0)
        if progress.total:
            self.progress.setValue(progress.done)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.progress.setVisible(busy)
        self.progress.setRange(0, 0)
        self.browse_button.setEnabled(not busy)
        for combo in self.mapping_combos.values():
            combo.setEnabled(not busy and self.path is not None)
        if busy:
            self.import_button.setEnabled(False)

    @property
    def busy(self) -> bool:
        return self._busy

    def _message(self, error: BaseException) -> str:
        if isinstance(error, ShopDeskError):
            return str(error)  # already a sentence for the owner
        return self.tr(
            "Something went wrong while handling the file; nothing was imported. "
            "The log has the details. ({detail})"
        ).format(detail=f"{type(error).__name__}: {error}"[:200])

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def reject(self) -> None:
        if self._busy and self.preview is not None:
            return  # an import is being written: it finishes (or rolls back) first
        super().reject()


def _column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: how Excel names the column."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def export_products_with_dialog(ctx: AppContext, parent: QWidget) -> None:
    """Placeholder until shop_desk.importing offers an export; see the report."""
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.information(
        parent,
        parent.tr("Export products"),
        parent.tr("Export is not available yet."),
    )
