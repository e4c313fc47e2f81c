"""Small review states for the reorder tests: steady sellers, a factory and a distributor."""

from __future__ import annotations

import datetime as dt

import numpy as np

from shop_desk.reorder.review import (
    Lot,
    Offer,
    OpenLine,
    ProductInfo,
    ReviewState,
    Supplier,
    Tier,
)

TODAY = dt.date(2024, 3, 13)

FACTORY = Supplier("factory", lead_time_days=5, shipping_fee_fen=3000, free_over_fen=60000)
DISTRIBUTOR = Supplier("distributor", lead_time_days=1, shipping_fee_fen=1000, free_over_fen=15000)


def product(pid: str, retail: int = 100, **kw) -> ProductInfo:
    return ProductInfo(product_id=pid, name=kw.pop("name", pid), retail_price_fen=retail, **kw)


def offer(supplier: str, pid: str, tiers, pack: int = 1, moq: int = 1, multiple: int = 1) -> Offer:
    return Offer(
        supplier_id=supplier,
        sku=f"{supplier[0].upper()}-{pid}",
        product_id=pid,
        pack_size=pack,
        tiers=tuple(Tier(m, p) for m, p in tiers),
        moq_packs=moq,
        multiple_packs=multiple,
    )


def state(
    products: list[ProductInfo],
    rates: list[float],
    on_hand: list[int],
    offers: list[Offer],
    suppliers: list[Supplier],
    *,
    today: dt.date = TODAY,
    days: int = 120,
    lots: list[list[Lot]] | None = None,
    open_lines: list[OpenLine] | None = None,
    out_of_stock: np.ndarray | None = None,
    month_spend: dict[str, int] | None = None,
    budget_fen: int | None = None,
    review_days: int = 7,
) -> ReviewState:
    """Products that sold exactly `rates` units every day for `days` days before today."""
    sold = np.repeat(np.array(rates, dtype=np.int64)[:, None], days, axis=1)
    oos = np.zeros_like(sold, dtype=bool) if out_of_stock is None else out_of_stock
    return ReviewState(
        today=today,
        first_day=today - dt.timedelta(days=days),
        products=products,
        sold=sold,
        out_of_stock=oos,
        on_hand=np.array(on_hand, dtype=np.int64),
        lots=lots if lots is not None else [[] for _ in products],
        open_lines=open_lines or [],
        offers=offers,
        suppliers={s.supplier_id: s for s in suppliers},
        month_spend_fen=month_spend or {},
        review_days=review_days,
        budget_fen=budget_fen,
    )
