"""Shelf labels: name, size, price and barcode on each label of a sheet, or one label per
page on a label printer (templates in shop_desk.documents.label_templates)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPagedPaintDevice, QPainter, QPen

from shop_desk.documents.barcodes import symbol_for
from shop_desk.documents.label_templates import LabelTemplate, placements
from shop_desk.documents.labels import LabelItem, check_count
from shop_desk.gui.printing.barcode import draw_symbol
from shop_desk.gui.printing.output import Sheet, page_layout, write_pdf
from shop_desk.i18n import tr
from shop_desk.money import format_fen

PAD_MM = 1.8  # inside each label: sheets are cut with some play, printers do not reach edges


def labels_layout(template: LabelTemplate):
    return page_layout(template.page_w, template.page_h)


def expand(items: Sequence[LabelItem], copies: int) -> list[LabelItem]:
    check_count(len(items), copies)
    return [item for item in items for _ in range(copies)]


def page_count(count: int, template: LabelTemplate, skip: int = 0) -> int:
    spots = placements(count, template, skip)
    return spots[-1][0] + 1 if spots else 0


def paint_labels(
    painter: QPainter,
    device: QPagedPaintDevice,
    items: Sequence[LabelItem],
    template: LabelTemplate,
    *,
    skip: int = 0,
    outline: bool = False,
) -> int:
    """Paint every label, starting a new page as the sheet fills; returns the page count.
    outline draws the label edges (the preview; never on paper, where the cut is off)."""
    sheet = Sheet.of(device)
    page = 0
    for item, (on_page, slot) in zip(items, placements(len(items), template, skip), strict=True):
        if on_page != page:
            device.newPage()
            page = on_page
        x, y = template.origin(slot)
        rect = sheet.rect(x, y, template.label_w, template.label_h)
        if outline:
            painter.save()
            painter.setPen(QPen(QColor("#b0b0b0"), 0, Qt.PenStyle.DashLine))
            painter.drawRect(rect)
            painter.restore()
        paint_label(painter, sheet, rect, item)
    return page + 1 if items else 0


def _fitted_font(
    sheet: Sheet, text: str, box: QRectF, lines: int, start_pt: float, bold: bool
) -> QFont:
    """The largest font (from start_pt down) with which text fits `lines` lines of the box."""
    font = QFont()
    font.setBold(bold)
    size = start_pt
    width, height = box.width(), box.height()
    while size > 4:
        font.setPointSizeF(size)
        metrics = sheet.metrics(font)
        bound = metrics.boundingRect(
            QRectF(0, 0, width, 10_000),
            int(Qt.TextFlag.TextWordWrap | Qt.TextFlag.TextWrapAnywhere),
            text,
        )
        if bound.height() <= height and bound.height() <= lines * metrics.lineSpacing() + 1:
            return font
        size -= 0.5
    font.setPointSizeF(4)
    return font


def paint_label(painter: QPainter, sheet: Sheet, rect: QRectF, item: LabelItem) -> None:
    pad_x, pad_y = sheet.x(PAD_MM), sheet.y(PAD_MM)
    inner = rect.adjusted(pad_x, pad_y, -pad_x, -pad_y)
    h_mm = inner.height() * 25.4 / sheet.dpi_y
    name_h = inner.height() * 0.30
    price_h = inner.height() * 0.26
    code_h = inner.height() - name_h - price_h
    painter.save()
    painter.setPen(QColor("black"))
    wrap = int(Qt.TextFlag.TextWordWrap | Qt.TextFlag.TextWrapAnywhere)
    name_box = QRectF(inner.left(), inner.top(), inner.width(), name_h)
    painter.setFont(_fitted_font(sheet, item.name, name_box, 2, h_mm * 0.55, True))
    painter.drawText(
        name_box, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop) | wrap, item.name
    )
    middle = QRectF(inner.left(), inner.top() + name_h, inner.width(), price_h)
    detail = " / ".join(part for part in (item.spec, item.unit) if part)
    small = QFont()
    small.setPointSizeF(max(4.0, h_mm * 0.22))
    painter.setFont(small)
    painter.drawText(
        middle, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), detail
    )
    price = format_fen(item.price_fen)
    price_box = QRectF(middle.topLeft(), middle.size()).adjusted(middle.width() * 0.38, 0, 0, 0)
    price_font = _fitted_font(sheet, price, price_box, 1, h_mm * 0.75, True)
    painter.setFont(price_font)
    painter.drawText(
        middle, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), price
    )
    painter.restore()
    symbol = symbol_for(item.code)
    code_box = QRectF(inner.left(), inner.bottom() - code_h, inner.width(), code_h)
    if symbol is not None:
        code_box = QRectF(
            rect.left(), code_box.top(), rect.width(), code_h
        )  # quiet zones may use the padding
        if not draw_symbol(painter, symbol, code_box, sheet.dpi_x):
            painter.drawText(code_box, int(Qt.AlignmentFlag.AlignCenter), item.code)


def write_labels_pdf(
    path: Path,
    items: Sequence[LabelItem],
    template: LabelTemplate,
    *,
    copies: int = 1,
    skip: int = 0,
) -> int:
    """Labels to a PDF file; returns the number of pages."""
    labels = expand(items, copies)
    pages = 0

    def paint(painter: QPainter, device: QPagedPaintDevice) -> None:
        nonlocal pages
        pages = paint_labels(painter, device, labels, template, skip=skip)

    write_pdf(Path(path), labels_layout(template), paint, tr("Shelf labels"))
    return pages
