"""Print dialogs: options on top, a live preview of the pages, Print… and Save as PDF….

The preview is Qt's QPrintPreviewWidget over the same painter functions the printer and the
PDF use, so what the owner sees is what comes out. A PDF is written in a worker (a long label
run must not freeze the window); printing goes through the system print dialog, i.e. the
Windows printer driver of a label or receipt printer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from PySide6.QtGui import QPageLayout, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewWidget
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from shop_desk.documents.label_templates import TEMPLATES, LabelTemplate, template_by_name
from shop_desk.documents.labels import MAX_LABELS, LabelItem
from shop_desk.documents.receipts import ReceiptData
from shop_desk.errors import ShopDeskError
from shop_desk.gui.context import AppContext
from shop_desk.gui.printing.labels import (
    expand,
    labels_layout,
    page_count,
    paint_labels,
    write_labels_pdf,
)
from shop_desk.gui.printing.receipt import paint_receipt, receipt_layout, write_receipt_pdf
from shop_desk.gui.widgets import MessageLine
from shop_desk.settings import save_settings


class PrintDialog(QDialog):
    """The shared frame; subclasses give options, the page layout and the painting."""

    def __init__(self, ctx: AppContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(title)
        self.resize(900, 720)
        # Hooks, so a test drives the dialog without modal windows.
        self.ask_pdf_path: Callable[[], str | None] = self._ask_pdf_path
        self.ask_printer: Callable[[QPrinter], bool] = self._ask_printer
        self.printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        self.options = QFormLayout()
        self.preview = QPrintPreviewWidget(self.printer)
        self.preview.paintRequested.connect(lambda printer: self.paint(printer, preview=True))
        self.message = MessageLine()
        self.print_button = QPushButton(self.tr("Print…"))
        self.pdf_button = QPushButton(self.tr("Save as PDF…"))
        close = QPushButton(self.tr("Close"))
        self.print_button.clicked.connect(self.print_pages)
        self.pdf_button.clicked.connect(self.save_pdf)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        for button in (self.print_button, self.pdf_button, close):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(self.options)
        layout.addWidget(self.preview, 1)
        layout.addLayout(buttons)

    # --- what subclasses give -------------------------------------------------------------
    def page_layout(self) -> QPageLayout:
        raise NotImplementedError

    def draw(self, painter: QPainter, printer: QPrinter, preview: bool) -> None:
        raise NotImplementedError

    def pdf_writer(self) -> Callable[[Path], None]:
        """What writes the PDF, with the options read now (the writing runs in a worker,
        which must not touch the widgets)."""
        raise NotImplementedError

    def remember(self) -> None:
        """Keep the chosen options in the settings (for the next time)."""

    # --- behaviour ------------------------------------------------------------------------
    def refresh(self) -> None:
        self.printer.setPageLayout(self.page_layout())
        self.preview.updatePreview()

    def paint(self, printer: QPrinter, preview: bool = False) -> None:
        painter = QPainter(printer)
        try:
            self.draw(painter, printer, preview)
        finally:
            painter.end()

    def print_pages(self) -> None:
        self.printer.setPageLayout(self.page_layout())
        if not self.ask_printer(self.printer):
            return
        self.paint(self.printer)
        self.remember()
        self.message.show_ok(self.tr("Sent to the printer."))

    def _ask_printer(self, printer: QPrinter) -> bool:
        return QPrintDialog(printer, self).exec() == QDialog.DialogCode.Accepted

    def _ask_pdf_path(self) -> str | None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save as PDF"), "", "PDF (*.pdf)")
        return path or None

    def save_pdf(self) -> None:
        path = self.ask_pdf_path()
        if not path:
            return
        target = Path(path) if path.lower().endswith(".pdf") else Path(path + ".pdf")
        self.pdf_button.setEnabled(False)
        write = self.pdf_writer()  # the options, read here on the GUI thread
        self.ctx.tasks.run(lambda: write(target), lambda _: self._saved(target), self._failed)

    def _saved(self, path: Path) -> None:
        self.pdf_button.setEnabled(True)
        self.remember()
        self.message.show_ok(self.tr("Saved {file}").format(file=str(path)))

    def _failed(self, error: BaseException) -> None:
        self.pdf_button.setEnabled(True)
        if not isinstance(error, ShopDeskError):
            raise error
        self.message.show_error(str(error))

    def _save_settings(self, **changes) -> None:
        settings = replace(self.ctx.settings, **changes)
        if settings == self.ctx.settings:
            return
        self.ctx.settings = settings
        db = self.ctx.db

        def job() -> None:
            with db.session() as session:
                save_settings(session, settings)

        self.ctx.tasks.run(job, lambda _: None, lambda _error: None, write=True)


class LabelPrintDialog(PrintDialog):
    def __init__(self, ctx: AppContext, items: Sequence[LabelItem], parent=None) -> None:
        super().__init__(ctx, self.tr("Print shelf labels"), parent)
        self.items = list(items)
        self.template_combo = QComboBox()
        for template in TEMPLATES:
            self.template_combo.addItem(template.title(), template.name)
        index = self.template_combo.findData(ctx.settings.label_template)
        self.template_combo.setCurrentIndex(max(index, 0))
        self.copies = QSpinBox()
        self.copies.setRange(1, max(1, MAX_LABELS // max(len(self.items), 1)))
        self.skip = QSpinBox()
        self.skip.setToolTip(self.tr("Labels already used on the first sheet"))
        self.options.addRow(self.tr("Labels"), self.template_combo)
        self.options.addRow(self.tr("Copies of each"), self.copies)
        self.options.addRow(self.tr("Skip on the first sheet"), self.skip)
        self.template_combo.currentIndexChanged.connect(self._changed)
        self.copies.valueChanged.connect(self._changed)
        self.skip.valueChanged.connect(self._changed)
        self._changed()

    @property
    def template(self) -> LabelTemplate:
        return template_by_name(self.template_combo.currentData())

    def _changed(self) -> None:
        template = self.template
        self.skip.setEnabled(not template.is_roll)
        self.skip.setRange(0, max(template.per_page - 1, 0))
        count = len(self.items) * self.copies.value()
        pages = page_count(count, template, self.skip.value())
        self.message.show_ok(self.tr("{n} labels on {pages} page(s)").format(n=count, pages=pages))
        self.refresh()

    def page_layout(self) -> QPageLayout:
        return labels_layout(self.template)

    def draw(self, painter: QPainter, printer: QPrinter, preview: bool) -> None:
        labels = expand(self.items, self.copies.value())
        paint_labels(
            painter, printer, labels, self.template, skip=self.skip.value(), outline=preview
        )

    def pdf_writer(self) -> Callable[[Path], None]:
        items, template = list(self.items), self.template
        copies, skip = self.copies.value(), self.skip.value()
        return lambda path: write_labels_pdf(path, items, template, copies=copies, skip=skip)

    def remember(self) -> None:
        self._save_settings(label_template=self.template.name)


class ReceiptPrintDialog(PrintDialog):
    def __init__(self, ctx: AppContext, receipt: ReceiptData, parent=None) -> None:
        super().__init__(ctx, self.tr("Print receipt"), parent)
        self.receipt = receipt
        self.resize(560, 760)
        self.width_combo = QComboBox()
        self.width_combo.addItem(self.tr("58 mm paper"), 58)
        self.width_combo.addItem(self.tr("80 mm paper"), 80)
        self.width_combo.setCurrentIndex(
            max(self.width_combo.findData(ctx.settings.receipt_width_mm), 0)
        )
        self.options.addRow(self.tr("Receipt printer"), self.width_combo)
        self.width_combo.currentIndexChanged.connect(self.refresh)
        self.refresh()

    @property
    def paper_mm(self) -> int:
        return int(self.width_combo.currentData())

    def page_layout(self) -> QPageLayout:
        return receipt_layout(self.receipt, self.paper_mm, self.printer)

    def draw(self, painter: QPainter, printer: QPrinter, preview: bool) -> None:
        paint_receipt(painter, printer, self.receipt, self.paper_mm)

    def pdf_writer(self) -> Callable[[Path], None]:
        receipt, paper = self.receipt, self.paper_mm
        return lambda path: write_receipt_pdf(path, receipt, paper)

    def remember(self) -> None:
        self._save_settings(receipt_width_mm=self.paper_mm)
