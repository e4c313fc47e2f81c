"""Where printed pages go: a PDF file (QPdfWriter) or a printer (QPrinter), in millimetres.

Painting code works in device pixels through `Sheet` (mm -> px for this device), so one
painter function serves the preview, a real printer at its resolution, and a PDF written by
the CLI offscreen. Fonts are given in points, which Qt scales for each device itself.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMarginsF, QRectF, QSizeF
from PySide6.QtGui import (
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
)

from shop_desk.errors import InputError
from shop_desk.i18n import tr

PDF_DPI = 600  # bars of a 0.3 mm module land on whole device pixels, text stays vector


def offscreen_app() -> QCoreApplication:
    """A QGuiApplication for a headless command (fonts need one); reuses a running one."""
    app = QCoreApplication.instance()
    if app is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication(["shop-desk"])
    return app


def page_layout(width_mm: float, height_mm: float) -> QPageLayout:
    """A page of exactly this size with no margins (labels and receipts place everything)."""
    size = QPageSize(
        QSizeF(width_mm, height_mm),
        QPageSize.Unit.Millimeter,
        "",
        QPageSize.SizeMatchPolicy.ExactMatch,
    )
    orientation = QPageLayout.Orientation.Portrait
    return QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)


@dataclass(frozen=True)
class Sheet:
    """Millimetres to the pixels of one paint device."""

    dpi_x: float
    dpi_y: float
    device: object  # for font metrics: text measured at the screen's resolution is off

    @classmethod
    def of(cls, device) -> Sheet:
        return cls(float(device.logicalDpiX()), float(device.logicalDpiY()), device)

    def metrics(self, font: QFont) -> QFontMetricsF:
        return QFontMetricsF(font, self.device)

    def x(self, mm: float) -> float:
        return mm * self.dpi_x / 25.4

    def y(self, mm: float) -> float:
        return mm * self.dpi_y / 25.4

    def rect(self, x_mm: float, y_mm: float, w_mm: float, h_mm: float) -> QRectF:
        return QRectF(self.x(x_mm), self.y(y_mm), self.x(w_mm), self.y(h_mm))


def probe_device(dpi: int = PDF_DPI) -> QImage:
    """A paint device at dpi for measuring text before the real device exists."""
    image = QImage(1, 1, QImage.Format.Format_Mono)
    dots_per_metre = round(dpi / 0.0254)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    return image


def _check_writable(path: Path) -> None:
    if path.suffix.lower() != ".pdf":
        raise InputError(tr("Save to a file ending in .pdf."))
    try:
        with open(path, "wb"):
            pass  # a plain message for a folder that cannot be written, before Qt tries
    except OSError as exc:
        raise InputError(
            tr("Cannot write {file}: {error}", file=path, error=exc.strerror or exc)
        ) from None


def write_pdf(
    path: Path,
    layout: QPageLayout,
    paint: Callable[[QPainter, QPagedPaintDevice], None],
    title: str,
) -> None:
    """Paint a document into a PDF file (safe off the GUI thread and offscreen)."""
    path = Path(path)
    _check_writable(path)
    writer = QPdfWriter(str(path))
    writer.setResolution(PDF_DPI)
    writer.setTitle(title)
    writer.setCreator("Shop Desk")
    writer.setPageLayout(layout)
    painter = QPainter(writer)
    try:
        paint(painter, writer)
    finally:
        painter.end()
    del writer  # the file is complete when the writer goes
