"""Draw the application icon with QPainter and write resources/icons/shop-desk.{png,ico}.

    python tools/make_icons.py

A small shop front: a striped awning over a window and a door, on a rounded teal tile. Drawn
per size (not scaled down from 256 px) so the 16 and 32 px icons stay crisp. The .ico holds
PNG-compressed images (Windows Vista and later), written here so no image plugin is needed.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPainterPath

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "icons"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
TEAL, RED, CREAM, DARK = "#0f766e", "#dc2626", "#ffffff", "#134e4a"
WALL = "#fde68a"


def draw(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.scale(size / 64, size / 64)  # draw on a 64 x 64 grid
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(TEAL))
    p.drawRoundedRect(QRectF(2, 2, 60, 60), 12, 12)
    p.setBrush(QColor(WALL))  # the shop front
    p.drawRect(QRectF(12, 26, 40, 28))
    _awning(p)
    p.setBrush(QColor(DARK))  # door and window
    p.drawRect(QRectF(17, 34, 12, 20))
    p.setBrush(QColor("#5eead4"))
    p.drawRect(QRectF(33, 34, 14, 11))
    p.end()
    return image


def _awning(p: QPainter) -> None:
    stripes = 5
    width = 48 / stripes
    for i in range(stripes):
        x = 8 + i * width
        p.setBrush(QColor(RED if i % 2 == 0 else CREAM))
        p.drawRect(QRectF(x, 14, width, 10))
        scallop = QPainterPath()  # the rounded lower edge of each stripe
        scallop.addEllipse(QRectF(x, 19, width, 10))
        p.drawPath(scallop)
    p.setBrush(QColor(DARK))
    p.drawRect(QRectF(8, 12, 48, 3))


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data)


def ico_bytes(images: list[bytes], sizes: tuple[int, ...]) -> bytes:
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries, blobs = b"", b""
    for size, blob in zip(sizes, images, strict=True):
        side = 0 if size >= 256 else size  # 0 means 256 in an ICO directory entry
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(blob), offset)
        offset += len(blob)
        blobs += blob
    return header + entries + blobs


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    OUT.mkdir(parents=True, exist_ok=True)
    images = [png_bytes(draw(size)) for size in ICO_SIZES]
    (OUT / "shop-desk.png").write_bytes(images[-1])
    (OUT / "shop-desk.ico").write_bytes(ico_bytes(images, ICO_SIZES))
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
