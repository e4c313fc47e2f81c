"""The shop's database as a ReviewState: what the reorder policy knows on a review day.

The daily summary holds a row only for days with activity, so a day without a row
closed with the on hand of the last row before it: when that was zero or less, the day
was out of stock and its demand is censored. Days before a product's first row are
unknown and marked censored too, never read as zero demand. Imported history (another
till's daily sales) carries no stock figure: its days count as in stock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shop_desk.catalog.offers import CO, current_offers
from shop_desk.clock import shop_day
from shop_desk.db.models import DailySummary, Lot, Product, ProductOfferLink, Supplier
from shop_desk.purchasing.pricing import member_tiers, parse_tiers
from shop_desk.reorder import review as rv

HISTORY_DAYS = 365  # enough for a weekday profile and a rolling back-test


def load_review_state(
    session: Session,
    today: date,
    *,
    history_days: int = HISTORY_DAYS,
    open_lines: Iterable[rv.OpenLine] = (),
    month_spend_fen: Mapping[str, int] | None = None,
    review_days: int = 7,
    holding_rate: float = 0.20,
    budget_fen: int | None = None,
) -> rv.ReviewState:
    """Everything the policy needs for `today`; history ends the day before."""
    first_day = today - timedelta(days=history_days)
    rows = _products(session)
    index = {row.id: i for i, row in enumerate(rows)}
    sold, out = _history(session, index, first_day, history_days)
    return rv.ReviewState(
        today=today,
        first_day=first_day,
        products=[_product_info(row) for row in rows],
        sold=sold,
        out_of_stock=out,
        on_hand=np.array([row.on_hand for row in rows], dtype=np.int64),
        lots=_lots(session, index),
        open_lines=list(open_lines),
        offers=_offers(session, index),
        suppliers=_suppliers(session),
        month_spend_fen=dict(month_spend_fen or {}),
        review_days=review_days,
        holding_rate=holding_rate,
        budget_fen=budget_fen,
    )


def _products(session: Session) -> list[Product]:
    query = select(Product).where(Product.active.is_(True)).order_by(Product.id)
    return list(session.scalars(query))


def _product_info(row: Product) -> rv.ProductInfo:
    return rv.ProductInfo(
        product_id=str(row.id),
        name=row.name,
        retail_price_fen=row.retail_price_fen,
        shelf_life_days=row.shelf_life_days,
        unit=row.unit,
        service_level=row.service_level_bp / 10_000,
        shelf_capacity=row.shelf_capacity,
        min_display_qty=row.min_display_qty,
    )


def _history(
    session: Session, index: dict[int, int], first_day: date, days: int
) -> tuple[np.ndarray, np.ndarray]:
    """Units sold and stock-out flags per product and day, first_day .. first_day+days-1."""
    n = len(index)
    sold = np.zeros((n, days), dtype=np.int64)
    closing = np.full((n, days), np.nan)  # nan: no row that day
    imported = np.zeros((n, days), dtype=bool)
    query = select(
        DailySummary.product_id,
        DailySummary.day,
        DailySummary.units_sold,
        DailySummary.closing_on_hand,
        DailySummary.imported,
    ).where(DailySummary.day >= first_day, DailySummary.day < first_day + timedelta(days=days))
    for product_id, day, units, on_hand, was_imported in session.execute(query):
        row = index.get(product_id)
        if row is None:
            continue  # archived product
        col = (day - first_day).days
        sold[row, col] = units
        closing[row, col] = np.inf if was_imported else on_hand
        imported[row, col] = was_imported
    opening = _closing_before(session, index, first_day)
    closing = _carry_forward(closing, opening)
    return sold, ~(closing > 0)  # nan (unknown) and <= 0 are both censored


def _closing_before(session: Session, index: dict[int, int], first_day: date) -> np.ndarray:
    """Each product's last closing on hand before the window (nan when it has none)."""
    before = np.full(len(index), np.nan)
    latest = (
        select(DailySummary.product_id, func.max(DailySummary.day).label("day"))
        .where(DailySummary.day < first_day)
        .group_by(DailySummary.product_id)
        .subquery()
    )
    last = select(
        DailySummary.product_id, DailySummary.closing_on_hand, DailySummary.imported
    ).join(
        latest,
        (latest.c.product_id == DailySummary.product_id) & (latest.c.day == DailySummary.day),
    )
    for product_id, on_hand, was_imported in session.execute(last):
        row = index.get(product_id)
        if row is not None:
            before[row] = np.inf if was_imported else on_hand
    return before


def _carry_forward(closing: np.ndarray, opening: np.ndarray) -> np.ndarray:
    """Fill each nan with the last known value to its left (or the opening value)."""
    filled = np.concatenate([opening[:, None], closing], axis=1)
    known = ~np.isnan(filled)
    last = np.where(known, np.arange(filled.shape[1]), 0)
    np.maximum.accumulate(last, axis=1, out=last)
    filled = np.take_along_axis(filled, last, axis=1)
    return filled[:, 1:]


def _lots(session: Session, index: dict[int, int]) -> list[list[rv.Lot]]:
    lots: list[list[rv.Lot]] = [[] for _ in index]
    query = (
        select(Lot.product_id, Lot.qty_left, Lot.received_at, Lot.expiry_date)
        .where(Lot.qty_left > 0)
        .order_by(Lot.product_id, Lot.expiry_date.is_(None), Lot.expiry_date, Lot.id)
    )
    for product_id, left, received_at, expiry in session.execute(query):
        row = index.get(product_id)
        if row is not None:
            lots[row].append(rv.Lot(units=left, arrived=shop_day(received_at), expires=expiry))
    return lots


def _suppliers(session: Session) -> dict[str, rv.Supplier]:
    return {str(row.id): _supplier(row) for row in session.scalars(select(Supplier))}


def _supplier(row: Supplier) -> rv.Supplier:
    return rv.Supplier(
        supplier_id=str(row.id),  # as purchase orders key suppliers
        name=row.name,
        lead_time_days=row.lead_time_days,
        shipping_fee_fen=row.shipping_fee_fen,
        free_over_fen=row.free_over_fen,
        member_tiers=tuple(
            (t.monthly_spend_fen, t.discount_bp) for t in member_tiers(row.member_tiers)
        ),
        mixed_min_amount_fen=row.mixed_min_amount_fen,
        mixed_min_units=row.mixed_min_units,
    )


def _offers(session: Session, index: dict[int, int]) -> list[rv.Offer]:
    """Current offers of linked SKUs, priced per pack of the link's unit conversion."""
    query = (
        select(
            ProductOfferLink.product_id,
            ProductOfferLink.units_per_pack,
            ProductOfferLink.supplier_id,
            CO.sku,
            CO.tiers,
            CO.moq_packs,
            CO.multiple_packs,
            CO.shelf_life_days,
        )
        .join(
            current_offers,
            (CO.supplier_id == ProductOfferLink.supplier_id) & (CO.sku == ProductOfferLink.sku),
        )
        .order_by(ProductOfferLink.product_id, ProductOfferLink.supplier_id, CO.sku)
    )
    offers = []
    for product_id, per_pack, supplier_id, sku, tiers, moq, multiple, shelf_life in session.execute(
        query
    ):
        parsed = _tiers(tiers)
        if product_id not in index or not parsed or per_pack <= 0:
            continue  # archived product or an offer that cannot be priced
        offers.append(
            rv.Offer(
                supplier_id=str(supplier_id),
                sku=sku,
                product_id=str(product_id),
                pack_size=per_pack,
                tiers=parsed,
                moq_packs=max(1, moq or 1),
                multiple_packs=max(1, multiple or 1),
                shelf_life_days=shelf_life,
            )
        )
    return offers


def _tiers(stored: str) -> tuple[rv.Tier, ...]:
    try:
        pairs = parse_tiers(stored)
    except (ValueError, TypeError):
        return ()  # an offer that cannot be priced is left out
    return tuple(rv.Tier(min_packs=low, pack_price_fen=price) for low, price in pairs)
