"""Draw a barcode Symbol (shop_desk.documents.barcodes) with QPainter: filled rectangles,
so the bars stay vectors in a PDF and exact on a printer.

The module width is rounded down to whole device pixels (a printer at 203 or 300 dpi prints
whole dots: uneven bars are what makes a barcode hard to scan), with the human-readable
digits under the bars the way EAN-13 and EAN-8 print them.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter

from shop_desk.documents.barcodes import Symbol

MIN_MODULE_MM = 0.19  # below this a counter scanner misses bars


def module_px(symbol: Symbol, width_px: float, dpi: float) -> float:
    """Width of one module: what fits with the quiet zones, in whole pixels when possible."""
    modules = symbol.width + symbol.quiet_left + symbol.quiet_right
    fit = width_px / modules
    return math.floor(fit) if fit >= 2 else fit


def draw_symbol(painter: QPainter, symbol: Symbol, rect: QRectF, dpi: float) -> bool:
    """Bars and digits inside rect (which includes the quiet zones). False when the bars
    would be too thin to scan: nothing is drawn then."""
    x_dim = module_px(symbol, rect.width(), dpi)
    if x_dim * 25.4 / dpi < MIN_MODULE_MM:
        return False
    digits_h = rect.height() * 0.22
    bars_h = rect.height() - digits_h
    total = (symbol.width + symbol.quiet_left + symbol.quiet_right) * x_dim
    left = rect.left() + (rect.width() - total) / 2 + symbol.quiet_left * x_dim
    painter.save()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("black"))
    guard_extra = digits_h * 0.6 if symbol.kind in ("ean13", "ean8", "upca") else 0.0
    for index, mark in enumerate(symbol.modules):
        if mark == "0":
            continue
        height = bars_h + (guard_extra if mark == "G" else 0.0)
        painter.drawRect(QRectF(left + index * x_dim, rect.top(), x_dim, height))
    painter.restore()
    _digits(
        painter, symbol, QRectF(left, rect.top() + bars_h, symbol.width * x_dim, digits_h), x_dim
    )
    return True


def _digits(painter: QPainter, symbol: Symbol, area: QRectF, x_dim: float) -> None:
    painter.save()
    font = QFont("monospace")
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setPixelSize(max(1, int(area.height() * 0.95)))
    painter.setFont(font)
    painter.setPen(QColor("black"))
    centre = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
    text = symbol.text
    if symbol.kind == "ean13":
        # first digit left of the bars, then six under each half (between the guards)
        painter.drawText(
            QRectF(area.left() - 9 * x_dim, area.top(), 8 * x_dim, area.height()), centre, text[0]
        )
        for start, chunk in ((3, text[1:7]), (50, text[7:])):
            box = QRectF(area.left() + start * x_dim, area.top(), 42 * x_dim, area.height())
            painter.drawText(box, centre, chunk)
    elif symbol.kind == "ean8":
        for start, chunk in ((3, text[:4]), (36, text[4:])):
            box = QRectF(area.left() + start * x_dim, area.top(), 28 * x_dim, area.height())
            painter.drawText(box, centre, chunk)
    else:
        painter.drawText(area, centre, text)
    painter.restore()
