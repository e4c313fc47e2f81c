"""A receipt for a 58 mm or 80 mm roll: the page is as long as the receipt.

Receipt printers print about 48 mm of a 58 mm roll and 72 mm of an 80 mm roll; the text is
laid out in that width, lines measured first so the page length fits the content (a roll
has no fixed page length; the Windows driver cuts after the page).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPagedPaintDevice, QPainter, QPen

from shop_desk.documents.receipts import ReceiptData
from shop_desk.gui.printing.output import Sheet, page_layout, probe_device, write_pdf
from shop_desk.i18n import tr
from shop_desk.money import format_fen

PRINTABLE_MM = {58: 48.0, 80: 72.0}
MARGIN_TOP_MM = 3.0
MARGIN_BOTTOM_MM = 8.0  # room for the cutter


def printable_width(paper_mm: int) -> float:
    return PRINTABLE_MM.get(paper_mm, PRINTABLE_MM[58])


@dataclass(frozen=True)
class _Row:
    left: str
    right: str = ""
    size_pt: float = 8.0
    bold: bool = False
    centre: bool = False
    rule: bool = False  # a dashed line instead of text


def _rows(data: ReceiptData, paper_mm: int) -> list[_Row]:
    big = 11.0 if paper_mm >= 80 else 10.0
    body = 8.5 if paper_mm >= 80 else 7.5
    rows = [_Row(data.shop_name, size_pt=big, bold=True, centre=True)]
    rows += [
        _Row(text, size_pt=body, centre=True)
        for text in (data.shop_address, data.shop_phone)
        if text
    ]
    title = tr("Refund") if data.refund else tr("Sales receipt")
    rows += [
        _Row(title, size_pt=body, bold=True, centre=True),
        _Row(tr("No. {id}", id=data.sale_id), data.at.strftime("%Y-%m-%d %H:%M"), body),
        _Row("", rule=True),
    ]
    for line in data.lines:
        rows.append(_Row(line.name, size_pt=body))
        rows.append(
            _Row(
                f"  {line.qty} × {format_fen(line.unit_price_fen)}",
                format_fen(line.total_fen),
                body,
            )
        )
    rows += [
        _Row("", rule=True),
        _Row(tr("{n} items", n=abs(data.units)), size_pt=body),
        _Row(tr("Total"), format_fen(data.total_fen), big, bold=True),
    ]
    if data.refund:
        rows.append(_Row(tr("Cash refunded"), format_fen(data.change_fen), body))
    else:
        rows += [
            _Row(tr("Paid"), format_fen(data.paid_fen), body),
            _Row(tr("Change"), format_fen(data.change_fen), body),
        ]
    rows += [_Row("", rule=True), _Row(tr("Thank you, see you again!"), size_pt=body, centre=True)]
    return rows


def _font(row: _Row) -> QFont:
    font = QFont()
    font.setPointSizeF(row.size_pt)
    font.setBold(row.bold)
    return font


def _flags(row: _Row) -> int:
    horizontal = Qt.AlignmentFlag.AlignHCenter if row.centre else Qt.AlignmentFlag.AlignLeft
    return int(
        horizontal
        | Qt.AlignmentFlag.AlignTop
        | Qt.TextFlag.TextWordWrap
        | Qt.TextFlag.TextWrapAnywhere
    )


def _layout(sheet: Sheet, data: ReceiptData, paper_mm: int, draw: Callable | None) -> float:
    """Place every row; returns the height used in mm. draw(row, rect, right_rect) paints."""
    width = sheet.x(printable_width(paper_mm))
    left = sheet.x((paper_mm - printable_width(paper_mm)) / 2)
    y = sheet.y(MARGIN_TOP_MM)
    for row in _rows(data, paper_mm):
        metrics = sheet.metrics(_font(row))
        if row.rule:
            height = metrics.height() * 0.8
        else:
            right_w = metrics.horizontalAdvance(row.right) + sheet.x(1) if row.right else 0.0
            box = metrics.boundingRect(QRectF(0, 0, width - right_w, 10_000), _flags(row), row.left)
            height = max(box.height(), metrics.height())
        if draw is not None:
            draw(row, QRectF(left, y, width, height))
        y += height + sheet.y(0.6)
    return y * 25.4 / sheet.dpi_y + MARGIN_BOTTOM_MM


def receipt_height_mm(data: ReceiptData, paper_mm: int, device) -> float:
    return _layout(Sheet.of(device), data, paper_mm, None)


def paint_receipt(
    painter: QPainter, device: QPagedPaintDevice, data: ReceiptData, paper_mm: int
) -> None:
    sheet = Sheet.of(device)

    def draw(row: _Row, rect: QRectF) -> None:
        painter.setPen(QColor("black"))
        if row.rule:
            painter.save()
            painter.setPen(QPen(QColor("black"), sheet.y(0.2), Qt.PenStyle.DashLine))
            middle = rect.center().y()
            painter.drawLine(rect.left(), middle, rect.right(), middle)
            painter.restore()
            return
        painter.setFont(_font(row))
        painter.drawText(rect, _flags(row), row.left)
        if row.right:
            painter.drawText(
                rect, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop), row.right
            )

    _layout(sheet, data, paper_mm, draw)


def receipt_layout(data: ReceiptData, paper_mm: int, device):
    """The page for this receipt: the roll's width, as long as the receipt."""
    return page_layout(float(paper_mm), round(receipt_height_mm(data, paper_mm, device) + 0.5))


def write_receipt_pdf(path: Path, data: ReceiptData, paper_mm: int = 58) -> None:
    layout = receipt_layout(data, paper_mm, probe_device())
    write_pdf(
        Path(path),
        layout,
        lambda painter, device: paint_receipt(painter, device, data, paper_mm),
        tr("Receipt {id}", id=data.sale_id),
    )
