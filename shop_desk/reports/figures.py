"""Sales figures of a day, a product or a period, added up from the daily summary.

History imported from another till has revenue but no cost of goods (see
importing/sales_import.py): its revenue is counted in sales and kept apart as
`uncosted_revenue_fen`, and gross profit and margin are worked out on the rest only, so an
import never shows as a 100 % margin.
"""

from __future__ import annotations

from dataclasses import dataclass

from shop_desk.i18n import tr


@dataclass(frozen=True, slots=True)
class Figures:
    units: int = 0
    revenue_fen: int = 0
    cost_fen: int = 0
    uncosted_revenue_fen: int = 0  # imported history: revenue whose cost is unknown

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            self.units + other.units,
            self.revenue_fen + other.revenue_fen,
            self.cost_fen + other.cost_fen,
            self.uncosted_revenue_fen + other.uncosted_revenue_fen,
        )

    @property
    def costed_revenue_fen(self) -> int:
        return self.revenue_fen - self.uncosted_revenue_fen

    @property
    def gross_profit_fen(self) -> int:
        return self.costed_revenue_fen - self.cost_fen

    @property
    def margin(self) -> float | None:
        """Gross profit over the revenue whose cost is known; None without such revenue."""
        revenue = self.costed_revenue_fen
        return self.gross_profit_fen / revenue if revenue > 0 else None


def total(figures) -> Figures:
    result = Figures()
    for item in figures:
        result = result + item
    return result


def change(now: int, before: int) -> float | None:
    """Relative change against last year; None when last year had nothing to compare."""
    return (now - before) / before if before > 0 else None


def uncosted_note() -> str:
    return tr(
        "Sales imported from another till have no cost of goods: gross profit and margin "
        "leave them out."
    )
