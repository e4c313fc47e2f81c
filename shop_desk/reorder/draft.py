"""Today's suggestion as the owner edits it: packs and sources per line, totals per supplier.

The policy proposes; the owner decides. Every edit keeps a line orderable (whole packs,
MOQ, order multiple) and reprices it at the tier its pack count reaches, and the
supplier totals (member discount, shipping, free-shipping gap, next tier) follow.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from shop_desk.errors import InputError
from shop_desk.i18n import tr
from shop_desk.purchasing.pricing import tier_price
from shop_desk.reorder import lots
from shop_desk.reorder.review import Offer, OrderLine, ReviewState, Supplier
from shop_desk.reorder.suggestion import Suggestions, SupplierSummary, summarise

MAX_PACKS = 100_000


@dataclass(frozen=True, slots=True)
class DraftLine:
    product_id: str
    product_name: str
    unit: str
    offer: Offer
    packs: int
    reason: str
    cover_days: float | None = None
    on_hand: int = 0
    sells_per_day: float = 0.0
    edited: bool = False

    @property
    def units(self) -> int:
        return self.packs * self.offer.pack_size

    @property
    def pack_price_fen(self) -> int:
        return tier_price(self.offer.tiers, self.packs)

    @property
    def line_cost_fen(self) -> int:
        return self.packs * self.pack_price_fen


@dataclass(slots=True)
class ReorderDraft:
    today: dt.date
    lines: list[DraftLine]
    alternatives: dict[str, list[Offer]]  # product id -> every offer that can supply it
    suppliers: dict[str, Supplier]
    month_spend_fen: dict[str, int]
    notes: list[str] = field(default_factory=list)
    budget_fen: int | None = None

    @classmethod
    def from_suggestions(cls, state: ReviewState, suggestions: Suggestions) -> ReorderDraft:
        alternatives: dict[str, list[Offer]] = {}
        for offer in state.offers:
            alternatives.setdefault(offer.product_id, []).append(offer)
        by_key = {(o.supplier_id, o.sku, o.product_id): o for o in state.offers}
        units = {p.product_id: p.unit for p in state.products}
        lines = [
            DraftLine(
                product_id=s.product_id,
                product_name=s.product_name,
                unit=units.get(s.product_id, ""),
                offer=by_key[(s.supplier_id, s.sku, s.product_id)],
                packs=s.packs,
                reason=s.reason,
                cover_days=s.cover_days,
                on_hand=s.on_hand,
                sells_per_day=s.sells_per_day,
            )
            for s in suggestions.lines
        ]
        return cls(
            today=state.today,
            lines=lines,
            alternatives=alternatives,
            suppliers=state.suppliers,
            month_spend_fen=dict(state.month_spend_fen),
            notes=list(suggestions.notes),
            budget_fen=suggestions.budget_fen,
        )

    # --- edits ----------------------------------------------------------------------------
    def set_packs(self, row: int, packs: int) -> DraftLine:
        """Order this many packs (raised to the MOQ and multiple); 0 removes the line."""
        if packs == 0:
            return self.lines.pop(row)
        if not 0 < packs <= MAX_PACKS:
            raise InputError(tr("Packs must be between 1 and {max}.", max=MAX_PACKS))
        line = self.lines[row]
        self.lines[row] = replace(line, packs=lots.valid_packs(line.offer, packs), edited=True)
        return self.lines[row]

    def set_source(self, row: int, offer: Offer) -> DraftLine:
        """Buy the line from another offer, keeping at least the units it had. When another
        line already buys the product on that offer, the two become one line (the packs
        added up): see duplicate_of()."""
        line = self.lines[row]
        if offer not in self.alternatives.get(line.product_id, []):
            raise InputError(tr("That offer is not linked to {name}.", name=line.product_name))
        other = self.duplicate_of(row, offer)
        if other is not None:
            kept = self.lines[other]
            packs = lots.valid_packs(offer, kept.packs + lots.packs_for_units(offer, line.units))
            self.lines[other] = replace(kept, packs=packs, edited=True)
            del self.lines[row]
            return self.lines[other if other < row else other - 1]
        packs = lots.packs_for_units(offer, line.units)
        self.lines[row] = replace(line, offer=offer, packs=packs, edited=True)
        return self.lines[row]

    def duplicate_of(self, row: int, offer: Offer) -> int | None:
        """The other line buying this row's product on `offer`, if any."""
        product = self.lines[row].product_id
        for i, ln in enumerate(self.lines):
            if i != row and ln.product_id == product and ln.offer == offer:
                return i
        return None

    def remove(self, row: int) -> None:
        del self.lines[row]

    # --- what it adds up to ---------------------------------------------------------------
    def order_lines(self) -> list[OrderLine]:
        """One order line per supplier SKU (lines are merged as they are made; this holds
        whatever the edits did)."""
        merged: dict[tuple[str, str], OrderLine] = {}
        for ln in self.lines:
            key = (ln.offer.supplier_id, ln.offer.sku)
            packs = merged[key].packs + ln.packs if key in merged else ln.packs
            merged[key] = OrderLine(key[0], key[1], ln.product_id, packs)
        return list(merged.values())

    def summaries(self) -> list[SupplierSummary]:
        out = []
        for s in sorted({ln.offer.supplier_id for ln in self.lines}):
            lines = [ln for ln in self.lines if ln.offer.supplier_id == s]
            subtotal = sum(ln.line_cost_fen for ln in lines)
            spend = self.month_spend_fen.get(s, 0)
            out.append(summarise(self.suppliers[s], spend, subtotal, len(lines)))
        return out

    @property
    def total_fen(self) -> int:
        return sum(s.total_fen for s in self.summaries())
