"""What a reorder policy is told on a review day, and what it answers.

One contract for both callers: the shop simulator (SIMULATION.md) and the
shop's own database (``shop-desk suggest``, the Reorder page). The policy
never sees demand of the review day or later; arrays end at day d-1.

Arrays are indexed [product, day] in the order of ``ReviewState.products``;
column 0 is ``ReviewState.first_day``. Callers pass views, never copies, so a
policy must not write into them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

import numpy as np


class Tier(NamedTuple):
    """A price break; a (min_packs, pack_price_fen) pair, as purchasing.pricing.tier_price
    reads them."""

    min_packs: int
    pack_price_fen: int  # price of one pack at this tier, before member discount


@dataclass(frozen=True, slots=True)
class Offer:
    supplier_id: str
    sku: str
    product_id: str
    pack_size: int  # shop units per pack (already converted for links by hand)
    tiers: tuple[Tier, ...]  # ascending min_packs; first tier's min_packs is 1 or the MOQ
    moq_packs: int = 1
    multiple_packs: int = 1
    shelf_life_days: int | None = None  # None: the product's own shelf life applies


@dataclass(frozen=True, slots=True)
class Supplier:
    supplier_id: str
    lead_time_days: int
    shipping_fee_fen: int = 0
    free_over_fen: int | None = None  # None: shipping always charged (0 fee: never)
    member_tiers: tuple[tuple[int, int], ...] = ()  # (month spend fen, discount bp), ascending
    mixed_min_amount_fen: int | None = None  # 1688 混批: minimum order amount per order
    mixed_min_units: int | None = None  # ... or minimum pack count per order
    name: str = ""


@dataclass(frozen=True, slots=True)
class ProductInfo:
    product_id: str
    name: str
    retail_price_fen: int
    shelf_life_days: int | None = None  # None: does not expire
    unit: str = ""
    service_level: float = 0.97
    shelf_capacity: int | None = None  # units; None: no limit
    min_display_qty: int = 0


@dataclass(frozen=True, slots=True)
class Lot:
    units: int
    arrived: dt.date
    expires: dt.date | None  # None: does not expire


@dataclass(frozen=True, slots=True)
class OpenLine:
    """Units ordered and not yet received."""

    product_id: str
    supplier_id: str
    sku: str
    units: int
    due: dt.date


@dataclass(slots=True)
class ReviewState:
    today: dt.date  # the review day d; orders placed now arrive on d + lead time
    first_day: dt.date  # date of column 0 of the history arrays
    products: list[ProductInfo]
    sold: np.ndarray  # int64 [n_products, n_days]: units sold (served), days first_day..d-1
    out_of_stock: np.ndarray  # bool [n_products, n_days]: on hand 0 at that day's close
    on_hand: np.ndarray  # int64 [n_products]: units on hand now (after today's arrivals)
    lots: list[list[Lot]]  # per product, oldest first; sums to on_hand where known
    open_lines: list[OpenLine]
    offers: list[Offer]  # every offer the shop may buy from, in a stable order
    suppliers: dict[str, Supplier]
    month_spend_fen: dict[str, int]  # discounted subtotals this calendar month, per supplier
    review_days: int = 7  # days until the next review
    holding_rate: float = 0.20  # cost of holding stock, per year, of its value
    budget_fen: int | None = None  # cash available for today's orders; None: no limit
    index: dict[str, int] = field(default_factory=dict)  # product_id -> row; filled if empty

    def __post_init__(self) -> None:
        if not self.index:
            self.index = {p.product_id: i for i, p in enumerate(self.products)}


@dataclass(frozen=True, slots=True)
class OrderLine:
    supplier_id: str
    sku: str
    product_id: str
    packs: int


class Policy(Protocol):
    """A reorder policy: called on every review day, may keep state between calls."""

    name: str

    def review(self, state: ReviewState) -> list[OrderLine]: ...
