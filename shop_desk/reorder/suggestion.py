"""Suggestions as the owner reads them: lines with a plain reason, and a summary per supplier.

Built from a Plan (policy.py). Money is integer fen; per-unit prices are rounded for display
only (line and basket amounts are exact, as the supplier bills them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

import numpy as np

from shop_desk.i18n import tr
from shop_desk.money import format_fen, round_half_even
from shop_desk.purchasing.pricing import tier_price
from shop_desk.reorder import basket, lots, position
from shop_desk.reorder.policy import EARLY, ORDER, PROBE, TOPUP, Plan, PlanLine
from shop_desk.reorder.review import OrderLine, Supplier
from shop_desk.reorder.sourcing import member_discount_bp


@dataclass(frozen=True, slots=True)
class SuggestionLine:
    product_id: str
    product_name: str
    supplier_id: str
    supplier_name: str
    sku: str
    packs: int
    pack_size: int
    units: int
    unit_price_fen: int  # tier price per unit after the member discount (rounded)
    landed_unit_fen: int  # ... plus this line's share of shipping (rounded)
    line_cost_fen: int  # packs x tier pack price, before the member discount
    cover_days: float | None  # days the product's stock lasts after this order lands
    urgency_fen: int  # expected lost margin avoided by ordering today
    kind: str  # order, topup (until a slower delivery), early (to fill a basket), tier
    arrives: dt.date
    sells_per_day: float
    on_hand: int
    reason: str


@dataclass(frozen=True, slots=True)
class SupplierSummary:
    supplier_id: str
    supplier_name: str
    lines: int
    subtotal_fen: int
    discount_bp: int
    discount_fen: int
    shipping_fen: int
    missing_to_free_fen: int  # more to buy for free shipping (0: free, or never free)
    total_fen: int
    month_spend_fen: int  # before this order
    month_spend_after_fen: int
    tier_bp_after: int  # member discount reached with this order (for later orders)
    next_tier_missing_fen: int | None  # more this month to reach the next tier
    next_tier_saving_fen: int | None  # what the next tier's discount would take off this order


@dataclass(frozen=True, slots=True)
class Suggestions:
    today: dt.date
    lines: list[SuggestionLine]
    suppliers: list[SupplierSummary]
    total_fen: int
    budget_fen: int | None = None
    dropped: list[SuggestionLine] = field(default_factory=list)  # trimmed by the budget
    notes: list[str] = field(default_factory=list)  # translated sentences for the list

    def order_lines(self) -> list[OrderLine]:
        merged: dict[tuple[str, str], OrderLine] = {}
        for ln in self.lines:
            key = (ln.supplier_id, ln.sku)
            packs = merged[key].packs + ln.packs if key in merged else ln.packs
            merged[key] = OrderLine(ln.supplier_id, ln.sku, ln.product_id, packs)
        return list(merged.values())

    def to_dict(self) -> dict:
        data = asdict(self)
        data["today"] = self.today.isoformat()
        for ln in data["lines"] + data["dropped"]:
            ln["arrives"] = ln["arrives"].isoformat()
        return data


def explain(plan: Plan) -> Suggestions:
    state = plan.state
    inventory = plan.position.inventory.astype(np.float64)
    for line in plan.lines:
        inventory[line.row] += line.lot.units
    kept = merge_lines(plan, plan.lines)
    summaries = _summaries(plan, [m.line for m in kept])
    shipping_share = {s.supplier_id: s.shipping_fen / max(s.subtotal_fen, 1) for s in summaries}
    say = Phrases()
    lines = [_line(plan, m, inventory, shipping_share, say) for m in kept]
    lines.sort(key=lambda ln: (ln.supplier_id, -ln.urgency_fen, ln.product_id))
    dropped = [
        _line(plan, m, inventory, shipping_share, say) for m in merge_lines(plan, plan.dropped)
    ]
    notes = []
    if basket.BUDGET_TOO_SMALL in plan.notes:
        notes.append(tr("The budget does not cover even one pack of the most urgent item."))
    elif basket.BUDGET_TRIMMED in plan.notes:
        notes.append(
            tr("{count} lines left out to stay within the budget.", count=len(plan.dropped))
        )
    return Suggestions(
        today=state.today,
        lines=lines,
        suppliers=summaries,
        total_fen=sum(s.total_fen for s in summaries),
        budget_fen=state.budget_fen,
        dropped=dropped,
        notes=notes,
    )


@dataclass(frozen=True, slots=True)
class MergedLine:
    """The plan's lines for one offer as one suggestion line: what the order will hold."""

    line: PlanLine  # the first line's kind and base lot; packs, units, urgency summed
    later: tuple[PlanLine, ...] = ()  # lines merged into it (a pull a review early, ...)


def merge_lines(plan: Plan, lines: list[PlanLine]) -> list[MergedLine]:
    """One line per offer: a product ordered and also pulled forward on the same offer is
    one order line of the summed packs, priced at the tier those packs reach (as the order
    is billed, Plan.order_lines)."""
    groups: dict[int, list[PlanLine]] = {}
    for line in lines:
        groups.setdefault(line.offer, []).append(line)
    out = []
    for group in groups.values():
        first = group[0]
        if len(group) == 1:
            out.append(MergedLine(first))
            continue
        offer = plan.state.offers[first.offer]
        packs = sum(ln.lot.packs for ln in group)
        lot = lots.Lot(
            packs,
            packs * offer.pack_size,
            tier_price(offer.tiers, packs),
            first.lot.base_packs,
            first.lot.base_pack_price_fen,
        )
        merged = PlanLine(
            first.row,
            first.offer,
            lot,
            first.kind,
            sum(ln.urgency_fen for ln in group),
            sum(ln.need_units for ln in group),
        )
        out.append(MergedLine(merged, tuple(group[1:])))
    return out


def _line(
    plan: Plan, merged: MergedLine, inventory: np.ndarray, share: dict, say: Phrases
) -> SuggestionLine:
    state = plan.state
    line = merged.line
    offer = state.offers[line.offer]
    product = state.products[line.row]
    supplier = state.suppliers[offer.supplier_id]
    bp = plan.sources.discount_bp.get(offer.supplier_id, 0)
    unit_price = line.lot.pack_price_fen * (1 - bp / 10_000) / offer.pack_size
    landed = unit_price * (1 + share.get(offer.supplier_id, 0.0))
    unit_price_fen = round(unit_price)  # money leaves here as integer fen
    lead = supplier.lead_time_days
    rate = float(plan.rate[line.row])
    before = position.demand_until(plan.cumulative[line.row], lead)
    cover = (float(inventory[line.row]) - before) / rate if rate > 0 else None
    return SuggestionLine(
        product_id=product.product_id,
        product_name=product.name,
        supplier_id=offer.supplier_id,
        supplier_name=supplier.name or offer.supplier_id,
        sku=offer.sku,
        packs=line.lot.packs,
        pack_size=offer.pack_size,
        units=line.lot.units,
        unit_price_fen=unit_price_fen,
        landed_unit_fen=round(landed),
        line_cost_fen=line.lot.cost_fen,
        cover_days=None if cover is None else round(max(cover, 0.0), 1),
        urgency_fen=round(line.urgency_fen),
        kind=line.kind,
        arrives=state.today + dt.timedelta(days=lead),
        sells_per_day=round(rate, 2),
        on_hand=int(state.on_hand[line.row]),
        reason=reason(plan, line, unit_price_fen, say, merged.later),
    )


class Phrases:
    """The reason templates in the current language, translated once per list.

    Each is asked of tr() with its placeholders passed through as themselves, so the
    translation (checked like any other) comes back still holding them; a list of
    thousands of lines then costs one str.format per phrase, not a catalogue lookup."""

    def __init__(self) -> None:
        names = "rate unit left days every packs pack price saving base first second supplier count"
        keep = {k: "{" + k + "}" for k in names.split()}
        self.pcs = tr("pcs")
        self.packs = tr("packs")
        self.sells = tr(
            "sells about {rate} {unit}/day, {left} {unit} left, arrives in {days} days",
            rate=keep["rate"],
            unit=keep["unit"],
            left=keep["left"],
            days=keep["days"],
        )
        self.sells_slowly = tr(
            "sells about 1 {unit} every {every} days, {left} {unit} left, arrives in {days} days",
            unit=keep["unit"],
            every=keep["every"],
            left=keep["left"],
            days=keep["days"],
        )
        self.buy = tr(
            "buy {packs} {pack} at {price} per {unit}",
            packs=keep["packs"],
            pack=keep["pack"],
            price=keep["price"],
            unit=keep["unit"],
        )
        self.buy_tier = tr(
            "buy {packs} {pack} at {price} per {unit}, saving {saving} over {base} {pack}",
            packs=keep["packs"],
            pack=keep["pack"],
            price=keep["price"],
            unit=keep["unit"],
            saving=keep["saving"],
            base=keep["base"],
        )
        self.join = tr("{first}; {second}", first=keep["first"], second=keep["second"])
        self.topup = tr(
            "tops up until an order from {supplier} could arrive", supplier=keep["supplier"]
        )
        self.early = tr("ordered a review early to fill the basket")
        self.tier = tr("ordered a review early to reach the next member tier")
        self.early_part = tr(
            "{packs} {pack} of them ordered a review early to fill the basket",
            packs=keep["packs"],
            pack=keep["pack"],
        )
        self.tier_part = tr(
            "{packs} {pack} of them ordered a review early to reach the next member tier",
            packs=keep["packs"],
            pack=keep["pack"],
        )
        self.probe = tr("out of stock for a while: a small lot to see whether it sells")
        self.expiring = tr(
            "{count} {unit} will expire before they sell", count=keep["count"], unit=keep["unit"]
        )


def reason(
    plan: Plan,
    line: PlanLine,
    unit_price_fen: int,
    phrases: Phrases | None = None,
    later: tuple[PlanLine, ...] = (),
) -> str:
    """One plain sentence: how it sells, what is left, when it arrives, why this lot; for a
    line that merges later ones (MergedLine), how many of its packs are there and why."""
    say = phrases or Phrases()
    state = plan.state
    product = state.products[line.row]
    offer = state.offers[line.offer]
    supplier = state.suppliers[offer.supplier_id]
    unit = product.unit or say.pcs
    rate = float(plan.rate[line.row])
    left = int(state.on_hand[line.row])
    days = supplier.lead_time_days
    if rate >= 0.95 or rate == 0:
        demand = say.sells.format(rate=_amount(rate), unit=unit, left=left, days=days)
    else:
        every = max(1, round(1 / rate))
        demand = say.sells_slowly.format(unit=unit, every=every, left=left, days=days)
    pack = say.packs if offer.pack_size > 1 else unit
    price = format_fen(unit_price_fen)
    if line.lot.saving_fen > 0:
        buy = say.buy_tier.format(
            packs=line.lot.packs,
            pack=pack,
            price=price,
            unit=unit,
            saving=format_fen(line.lot.saving_fen),
            base=line.lot.base_packs,
        )
    else:
        buy = say.buy.format(packs=line.lot.packs, pack=pack, price=price, unit=unit)
    text = say.join.format(first=demand, second=buy)
    for extra in [_why(plan, line, unit, say), *_parts(later, pack, say, line.kind)]:
        if extra:
            text = say.join.format(first=text, second=extra)
    return text[:1].upper() + text[1:]


def _parts(later: tuple[PlanLine, ...], pack: str, say: Phrases, kind: str) -> list[str]:
    """Why some packs of a merged line are there: pulled a review early, for the basket or
    for the member tier (a kind the first line already explains is not said twice)."""
    out = []
    for why, phrase in ((EARLY, say.early_part), ("tier", say.tier_part)):
        packs = sum(ln.lot.packs for ln in later if ln.kind == why)
        if packs and why != kind:
            out.append(phrase.format(packs=packs, pack=pack))
    return out


def _why(plan: Plan, line: PlanLine, unit: str, say: Phrases) -> str:
    if line.kind == TOPUP:
        primary = plan.sources.primary[line.row]
        slow = plan.state.offers[int(primary)].supplier_id if primary >= 0 else ""
        name = plan.state.suppliers[slow].name or slow if slow else ""
        return say.topup.format(supplier=name)
    if line.kind == EARLY:
        return say.early
    if line.kind == "tier":
        return say.tier
    if line.kind == PROBE:
        return say.probe
    expiring = float(plan.position.expiring[line.row])
    if line.kind == ORDER and expiring >= 1:
        return say.expiring.format(count=int(expiring), unit=unit)
    return ""


def _amount(rate: float) -> str:
    return f"{rate:.0f}" if rate >= 10 else f"{rate:.1f}".rstrip("0").rstrip(".")


def _summaries(plan: Plan, merged: list[PlanLine]) -> list[SupplierSummary]:
    state = plan.state
    out = []
    for s in sorted({state.offers[ln.offer].supplier_id for ln in merged}):
        subtotal, _ = basket.supplier_subtotal(plan, s, merged)
        lines = sum(1 for ln in merged if state.offers[ln.offer].supplier_id == s)
        spend = state.month_spend_fen.get(s, 0)
        out.append(summarise(state.suppliers[s], spend, subtotal, lines))
    return out


def summarise(supplier: Supplier, spend_fen: int, subtotal_fen: int, lines: int) -> SupplierSummary:
    """One supplier's order: discount at the month's spend, shipping, the next member tier."""
    t = basket.totals(supplier, spend_fen, subtotal_fen)
    after = spend_fen + t.discounted_fen
    nxt = next(((sp, bp) for sp, bp in supplier.member_tiers if sp > after), None)
    return SupplierSummary(
        supplier_id=supplier.supplier_id,
        supplier_name=supplier.name or supplier.supplier_id,
        lines=lines,
        subtotal_fen=subtotal_fen,
        discount_bp=t.discount_bp,
        discount_fen=subtotal_fen - t.discounted_fen,
        shipping_fen=t.shipping_fen,
        missing_to_free_fen=t.missing_to_free_fen,
        total_fen=t.total_fen,
        month_spend_fen=spend_fen,
        month_spend_after_fen=after,
        tier_bp_after=member_discount_bp(supplier, after),
        next_tier_missing_fen=None if nxt is None else nxt[0] - after,
        next_tier_saving_fen=None
        if nxt is None
        else round_half_even(subtotal_fen * (nxt[1] - t.discount_bp), 10_000),
    )
