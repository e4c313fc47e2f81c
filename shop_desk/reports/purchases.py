"""Purchases by supplier and month, with the member tier each month's spend reached.

Purchases are the purchase orders sent (drafts are plans, cancelled orders were not bought),
in the shop's local month of sending, as shop_desk.purchasing counts a month's spend toward
a supplier's member tiers: the discounted subtotal (goods less the member discount;
shipping does not count). The period is widened to whole months: a tier is reached by a
month's spend, not by part of it. Tiers come from the supplier's current terms; an order of a
supplier whose source was removed keeps its name, without tiers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from shop_desk.clock import shop_day
from shop_desk.db.models import OrderStatus, PurchaseOrder, Supplier
from shop_desk.i18n import tr
from shop_desk.purchasing.pricing import member_tiers, reached_tier
from shop_desk.reports.periods import Period, month_end
from shop_desk.reports.table import Kind, ReportColumn, ReportTable


@dataclass
class MonthPurchases:
    month: date  # the first day of the month
    supplier_id: int | None
    supplier: str
    orders: int = 0
    goods_fen: int = 0  # subtotal before the member discount
    discount_fen: int = 0
    shipping_fen: int = 0
    paid_fen: int = 0  # what the orders cost in all
    tier: str = ""  # reached by the month's spend
    next_tier: str = ""
    to_next_fen: int | None = None  # more spend needed for the next tier
    tiers: list = field(default_factory=list, repr=False)

    @property
    def spend_fen(self) -> int:
        """What counts toward the member tiers."""
        return self.goods_fen - self.discount_fen


def whole_months(period: Period) -> Period:
    return Period(period.first.replace(day=1), month_end(period.last))


def purchases_by_month(session: Session, period: Period) -> list[MonthPurchases]:
    months = whole_months(period)
    # sent_at is UTC: read a day more on each side, then keep the shop's local days
    since = datetime.combine(months.first - timedelta(days=1), datetime.min.time())
    until = datetime.combine(months.last + timedelta(days=2), datetime.min.time())
    stmt = (
        select(
            PurchaseOrder.supplier_id,
            PurchaseOrder.supplier_name,
            PurchaseOrder.sent_at,
            PurchaseOrder.subtotal_fen,
            PurchaseOrder.discount_fen,
            PurchaseOrder.shipping_fen,
            PurchaseOrder.total_fen,
        )
        .where(
            PurchaseOrder.status != OrderStatus.CANCELLED,
            PurchaseOrder.sent_at.is_not(None),
            PurchaseOrder.sent_at >= since,
            PurchaseOrder.sent_at < until,
        )
        .order_by(PurchaseOrder.sent_at)
    )
    grouped: dict[tuple, MonthPurchases] = {}
    for supplier_id, name, sent_at, goods, discount, shipping, paid in (
        session.connection().execute(stmt).all()
    ):
        day = shop_day(sent_at)
        if not months.first <= day <= months.last:
            continue
        key = (day.replace(day=1), supplier_id, name)
        row = grouped.get(key)
        if row is None:
            row = grouped[key] = MonthPurchases(day.replace(day=1), supplier_id, name)
        row.orders += 1
        row.goods_fen += goods
        row.discount_fen += discount
        row.shipping_fen += shipping
        row.paid_fen += paid
    _tiers(session, grouped.values())
    return sorted(grouped.values(), key=lambda r: (r.month, -r.spend_fen, r.supplier))


def _tiers(session: Session, rows) -> None:
    ids = {r.supplier_id for r in rows if r.supplier_id is not None}
    terms = {}
    if ids:
        stmt = select(Supplier.id, Supplier.member_tiers).where(Supplier.id.in_(ids))
        terms = {sid: member_tiers(text) for sid, text in session.connection().execute(stmt).all()}
    for row in rows:
        tiers = terms.get(row.supplier_id, [])
        reached = reached_tier(tiers, row.spend_fen)
        row.tier = reached.name if reached else ""
        upcoming = next((t for t in tiers if t.monthly_spend_fen > row.spend_fen), None)
        if upcoming is not None:
            row.next_tier = upcoming.name
            row.to_next_fen = upcoming.monthly_spend_fen - row.spend_fen


def purchases_table(rows: list[MonthPurchases], period: Period) -> ReportTable:
    months = whole_months(period)
    columns = [
        ReportColumn("month", tr("Month"), Kind.TEXT),
        ReportColumn("supplier", tr("Supplier"), Kind.TEXT),
        ReportColumn("orders", tr("Orders"), Kind.INT),
        ReportColumn("goods_fen", tr("Goods"), Kind.MONEY),
        ReportColumn("discount_fen", tr("Member discount"), Kind.MONEY),
        ReportColumn("spend_fen", tr("Spend toward tiers"), Kind.MONEY),
        ReportColumn("shipping_fen", tr("Shipping"), Kind.MONEY),
        ReportColumn("paid_fen", tr("Paid in all"), Kind.MONEY),
        ReportColumn("tier", tr("Member tier reached"), Kind.TEXT),
        ReportColumn("next_tier", tr("Next tier"), Kind.TEXT),
        ReportColumn("to_next_fen", tr("Still to spend"), Kind.MONEY),
    ]
    table_rows = [
        (
            f"{r.month.year}-{r.month.month:02d}",
            r.supplier,
            r.orders,
            r.goods_fen,
            r.discount_fen,
            r.spend_fen,
            r.shipping_fen,
            r.paid_fen,
            r.tier or tr("none"),
            r.next_tier,
            r.to_next_fen,
        )
        for r in rows
    ]
    totals = (
        tr("Total"),
        None,
        sum(r.orders for r in rows),
        sum(r.goods_fen for r in rows),
        sum(r.discount_fen for r in rows),
        sum(r.spend_fen for r in rows),
        sum(r.shipping_fen for r in rows),
        sum(r.paid_fen for r in rows),
        None,
        None,
        None,
    )
    notes = [
        tr(
            "Purchase orders sent, by the month they were sent; spend toward a tier is the "
            "goods less the member discount (shipping does not count), over whole months."
        )
    ]
    return ReportTable(
        "purchases",
        tr("Purchases by supplier and month"),
        columns,
        table_rows,
        totals,
        notes,
        months.first,
        months.last,
    )
