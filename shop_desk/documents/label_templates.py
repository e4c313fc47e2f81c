"""Label sheets and label-printer sizes, in millimetres.

A4 sheets of sticky labels come in fixed grids; the common ones here are the full-bleed
Chinese sheets (3 x 8 of 70 x 37.1 mm, 4 x 10 of 52.5 x 29.7 mm) and Avery L7160 (3 x 7 of
63.5 x 38.1 mm, with margins and gaps). A label printer takes one label per page, the page
being the label (40 x 30, 50 x 30 and 60 x 40 mm are the usual thermal labels).
"""

from __future__ import annotations

from dataclasses import dataclass

from shop_desk.errors import InputError
from shop_desk.i18n import tr

A4 = (210.0, 297.0)


@dataclass(frozen=True)
class LabelTemplate:
    name: str
    page_w: float
    page_h: float
    columns: int
    rows: int
    label_w: float
    label_h: float
    left: float = 0.0  # page margin to the first label
    top: float = 0.0
    gap_x: float = 0.0  # between labels
    gap_y: float = 0.0

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def is_roll(self) -> bool:
        """A label printer: each label is its own page."""
        return self.per_page == 1 and (self.page_w, self.page_h) == (self.label_w, self.label_h)

    def origin(self, slot: int) -> tuple[float, float]:
        """Top-left corner (mm) of the label in slot 0..per_page-1, row by row."""
        row, column = divmod(slot, self.columns)
        return (
            self.left + column * (self.label_w + self.gap_x),
            self.top + row * (self.label_h + self.gap_y),
        )

    def title(self) -> str:
        if self.is_roll:
            return tr("Label printer {w} × {h} mm", w=_mm(self.label_w), h=_mm(self.label_h))
        return tr(
            "A4 sheet, {columns} × {rows} labels of {w} × {h} mm",
            columns=self.columns,
            rows=self.rows,
            w=_mm(self.label_w),
            h=_mm(self.label_h),
        )


def _mm(value: float) -> str:
    return f"{value:g}"


TEMPLATES = (
    LabelTemplate("a4-3x8", *A4, 3, 8, 70.0, 37.125),
    LabelTemplate("a4-4x10", *A4, 4, 10, 52.5, 29.7),
    LabelTemplate("a4-3x7", *A4, 3, 7, 63.5, 38.1, left=7.2, top=15.15, gap_x=2.5),
    LabelTemplate("roll-40x30", 40.0, 30.0, 1, 1, 40.0, 30.0),
    LabelTemplate("roll-50x30", 50.0, 30.0, 1, 1, 50.0, 30.0),
    LabelTemplate("roll-60x40", 60.0, 40.0, 1, 1, 60.0, 40.0),
)


def template_by_name(name: str) -> LabelTemplate:
    for template in TEMPLATES:
        if template.name == name:
            return template
    raise InputError(
        tr(
            "There is no label template {name}. Templates: {names}.",
            name=name,
            names=", ".join(t.name for t in TEMPLATES),
        )
    )


def placements(count: int, template: LabelTemplate, skip: int = 0) -> list[tuple[int, int]]:
    """(page, slot) of each of `count` labels, after `skip` slots already used on the first
    sheet (a part-used sheet goes back into the printer)."""
    skip = skip % template.per_page if template.per_page > 1 else 0
    return [divmod(skip + i, template.per_page) for i in range(count)]
