"""Open a PDF the way a reader would: page sizes, the text on it, the barcodes a scanner
decodes from a 300 dpi rendering (pypdfium2 renders, zxing-cpp decodes)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import zxingcpp

POINT_MM = 25.4 / 72


@dataclass(frozen=True)
class PdfPage:
    width_mm: float
    height_mm: float
    text: str  # NFKC: CJK fonts map some characters to radicals (口 -> ⼝) in the text layer
    image: np.ndarray  # grey, `dpi` dots per inch
    dpi: int

    @property
    def barcodes(self) -> list[tuple[str, str]]:
        """(format, text) of what a scanner finds on the whole page (identical codes stacked
        in a column may be read as one: use decode() for one label)."""
        return sorted((r.format.name, r.text) for r in zxingcpp.read_barcodes(self.image))

    def decode(self, x_mm: float, y_mm: float, w_mm: float, h_mm: float) -> list[tuple[str, str]]:
        """The barcodes inside one rectangle of the page (one label)."""
        scale = self.dpi / 25.4
        top, left = round(y_mm * scale), round(x_mm * scale)
        crop = self.image[top : top + round(h_mm * scale), left : left + round(w_mm * scale)]
        return sorted(
            (r.format.name, r.text) for r in zxingcpp.read_barcodes(np.ascontiguousarray(crop))
        )


def read_pdf(path: Path, dpi: int = 300) -> list[PdfPage]:
    pdf = pdfium.PdfDocument(str(path))
    pages = []
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            width, height = page.get_size()
            text = unicodedata.normalize("NFKC", page.get_textpage().get_text_range())
            image = page.render(scale=dpi / 72, grayscale=True).to_numpy().squeeze()
            pages.append(PdfPage(width * POINT_MM, height * POINT_MM, text, image, dpi))
            page.close()
    finally:
        pdf.close()
    return pages
