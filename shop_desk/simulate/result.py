"""Totals and per-product figures of a simulation (SIMULATION.md "Output")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from shop_desk.reorder.review import OrderLine, Policy

if TYPE_CHECKING:
    from shop_desk.simulate.shop import Shop


@dataclass(frozen=True)
class PlacedOrder:
    day: dt.date
    supplier_id: str
    subtotal_fen: int  # before member discount
    discount_bp: int
    paid_fen: int  # discounted subtotal, rounded half to even
    shipping_fen: int
    lines: tuple[OrderLine, ...]


class Ledger:
    """Running sums over the simulated days, per product where the figure has an owner."""

    def __init__(self, n: int) -> None:
        self.demand = np.zeros(n, dtype=np.int64)
        self.served = np.zeros(n, dtype=np.int64)
        self.stockout_days = np.zeros(n, dtype=np.int64)
        self.lost_margin = np.zeros(n)
        self.expired = np.zeros(n)
        self.expired_units = np.zeros(n, dtype=np.int64)
        self.stock_value = np.zeros(n)  # sum of closing values over the days
        self.holding = np.zeros(n)
        self.purchase = np.zeros(n)  # line costs after member discount, unrounded
        self.line_count = np.zeros(n, dtype=np.int64)
        self.orders: list[PlacedOrder] = []
        self.days = 0
        self.start_value = np.zeros(n)  # the start stock at its unit price
        self.last_close = np.zeros(n)  # stock value at the latest close
        self.end_value = np.zeros(n)  # on hand and in transit at the end, at cost
        self.start_units = np.zeros(n, dtype=np.int64)
        self.bought_units = np.zeros(n, dtype=np.int64)
        self.end_units = np.zeros(n, dtype=np.int64)

    def day(self, demand, served, expired, value, lost_price, holding_per_day) -> None:
        lost = demand - served
        self.demand += demand
        self.served += served
        self.stockout_days += lost > 0
        self.lost_margin += lost * lost_price
        self.expired += expired
        self.stock_value += value
        self.holding += value * holding_per_day
        self.last_close = value
        self.days += 1

    def lines(self, rows: np.ndarray, cost: np.ndarray) -> None:
        np.add.at(self.purchase, rows, cost)
        np.add.at(self.line_count, rows, 1)

    def result(self, shop: Shop, policy: Policy, review_days: int, warmup: int) -> SimulationResult:
        return SimulationResult(
            policy=policy.name,
            review_days=review_days,
            warmup_days=warmup,
            first_day=shop.first_day + dt.timedelta(days=warmup),
            days=self.days,
            product_ids=[p.product_id for p in shop.products],
            names=[p.name for p in shop.products],
            retail=np.array([p.retail_price_fen for p in shop.products], dtype=np.int64),
            ledger=self,
        )


def _fen(value: float) -> int:
    return round(float(value))  # half to even, and only for the output


@dataclass
class SimulationResult:
    policy: str
    review_days: int
    warmup_days: int
    first_day: dt.date  # the first simulated day
    days: int
    product_ids: list[str]
    names: list[str]
    retail: np.ndarray
    ledger: Ledger
    orders: list[PlacedOrder] = field(init=False)

    def __post_init__(self) -> None:
        self.orders = self.ledger.orders

    @property
    def revenue(self) -> np.ndarray:
        return self.ledger.served * self.retail

    def totals(self) -> dict:
        g = self.ledger
        demanded = int(g.demand.sum())
        purchase = sum(o.paid_fen for o in g.orders)
        shipping = sum(o.shipping_fen for o in g.orders)
        revenue = int(self.revenue.sum())
        holding = float(g.holding.sum())
        change = float(g.end_value.sum() - g.start_value.sum())
        profit = revenue - purchase - shipping - holding + change
        return {
            "fill_rate": float(g.served.sum()) / demanded if demanded else 1.0,
            "lost_units": demanded - int(g.served.sum()),
            "lost_margin_fen": _fen(g.lost_margin.sum()),
            "purchase_fen": purchase,
            "shipping_fen": shipping,
            "holding_fen": _fen(holding),
            "expired_fen": _fen(g.expired.sum()),
            "avg_stock_value_fen": _fen(g.stock_value.sum() / g.days),
            "orders": len(g.orders),
            "order_lines": int(g.line_count.sum()),
            "stockout_product_days": int(g.stockout_days.sum()),
            "revenue_fen": revenue,
            "profit_fen": _fen(profit),
        }

    def per_product(self) -> list[dict]:
        """Each product's figures; its profit leaves out shipping, which belongs to orders."""
        g = self.ledger
        lost = g.demand - g.served
        profit = self.revenue - g.purchase - g.holding + g.end_value - g.start_value
        rows = []
        for i, pid in enumerate(self.product_ids):
            demanded = int(g.demand[i])
            rows.append(
                {
                    "product_id": pid,
                    "name": self.names[i],
                    "demand_units": demanded,
                    "fill_rate": int(g.served[i]) / demanded if demanded else 1.0,
                    "lost_units": int(lost[i]),
                    "lost_margin_fen": _fen(g.lost_margin[i]),
                    "purchase_fen": _fen(g.purchase[i]),
                    "holding_fen": _fen(g.holding[i]),
                    "expired_units": int(g.expired_units[i]),
                    "expired_fen": _fen(g.expired[i]),
                    "avg_stock_value_fen": _fen(g.stock_value[i] / g.days),
                    "order_lines": int(g.line_count[i]),
                    "stockout_days": int(g.stockout_days[i]),
                    "revenue_fen": int(self.revenue[i]),
                    "profit_fen": _fen(profit[i]),
                }
            )
        return rows

    def as_json(self, *, per_product: bool = True) -> dict:
        data = {
            "policy": self.policy,
            "review_days": self.review_days,
            "warmup_days": self.warmup_days,
            "first_day": self.first_day.isoformat(),
            "days": self.days,
            "products": len(self.product_ids),
            **self.totals(),
        }
        if per_product:
            data["per_product"] = self.per_product()
        return data
