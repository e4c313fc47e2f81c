"""Long periods take other query plans (sales read product by product, products ranked on
one figure first, the rollups): the same figures as short ones, on the hand-worked history
of tests/report_shop.py."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shop_desk.reports import Period, Rank
from shop_desk.reports.products import BY_PRODUCT_AFTER_DAYS, margin_by_category, top_sellers
from shop_desk.reports.stock import slow_movers
from shop_desk.reports.stockouts import stockouts
from tests.report_shop import T, build

D = timedelta
SHORT = Period(T - D(59), T)  # every sale of the ledger (the first was T-50)
LONG = Period(T - D(119), T)  # the same sales, read by product
assert SHORT.days <= BY_PRODUCT_AFTER_DAYS < LONG.days


@pytest.fixture
def shop(db, tmp_path):
    return build(db, tmp_path)


def _figures(top):
    return [(p.name, p.figures.units, p.figures.revenue_fen, p.figures.cost_fen) for p in top.rows]


@pytest.mark.parametrize(
    ("rank", "order"),
    [
        (Rank.REVENUE, ["chips", "cola", "gum"]),  # 33.00, 15.00, 2.00
        (Rank.UNITS, ["chips", "cola", "gum"]),  # 6, 5, 1
        (Rank.PROFIT, ["chips", "cola", "gum"]),  # 15.00, 5.00, 1.00
    ],
)
def test_top_sellers_over_a_long_period(shop, rank, order):
    with shop.db.read() as s:
        short = top_sellers(s, SHORT, rank=rank)
        long = top_sellers(s, LONG, rank=rank)
        first = top_sellers(s, LONG, rank=rank, limit=1)
    names = {shop.chips: "chips", shop.cola: "cola", shop.gum: "gum"}
    assert [names[p.product_id] for p in long.rows] == order
    assert _figures(long) == _figures(short)
    assert _figures(long)[:2] == [
        ("乐事薯片 原味", 6, 3300, 1800),  # 1 + 5 at 5.50, cost 3.00 each
        ("可口可乐 500ml", 5, 1500, 1000),  # 2 + 3 - 1 returned + 1 at 3.00, cost 2.00
    ]
    assert (long.shop.units, long.shop.revenue_fen, long.shop.cost_fen) == (12, 5000, 2900)
    assert long.products_sold == short.products_sold == 3
    assert _figures(first) == _figures(long)[:1] and first.products_sold == 3


def test_a_year_with_imported_history_ranks_its_uncosted_sales(shop):
    """Last year's imported cola (5 for 15.00, no cost) is in sales, not in gross profit."""
    year = Period(T - D(400), T)
    with shop.db.read() as s:
        by_sales = top_sellers(s, year)
        by_profit = top_sellers(s, year, rank=Rank.PROFIT, limit=2)
    cola = next(p for p in by_sales.rows if p.product_id == shop.cola)
    assert (cola.figures.units, cola.figures.revenue_fen, cola.figures.cost_fen) == (10, 3000, 1000)
    assert cola.figures.uncosted_revenue_fen == 1500
    assert cola.figures.gross_profit_fen == 500
    assert [p.product_id for p in by_sales.rows] == [shop.chips, shop.cola, shop.gum]
    assert [p.figures.gross_profit_fen for p in by_profit.rows] == [1500, 500]
    assert by_profit.shop.uncosted_revenue_fen == 1500


def test_margin_by_category_over_a_long_period(shop):
    with shop.db.read() as s:
        short = margin_by_category(s, SHORT)
        long = margin_by_category(s, LONG)
    assert long == short
    assert [(c.category, c.products, c.figures.gross_profit_fen) for c in long] == [
        ("零食", 1, 1500),
        ("饮料", 1, 500),
        ("", 1, 100),
    ]


def test_slow_movers_over_a_long_range(shop):
    """A hundred days on, nothing has sold: every product in stock is slow over 30 days and
    over 100 alike; over a year none (none was on the books a year before)."""
    later = T + D(100)
    with shop.db.read() as s:
        short = slow_movers(s, 30, later)
        long = slow_movers(s, 100, later)
        year = slow_movers(s, 365, later)  # on the books a year ago: none of them
    assert [r.product_id for r in long.rows] == [r.product_id for r in short.rows]
    assert (
        (long.count, long.value_fen)
        == (short.count, short.value_fen)
        == (4, 3000 + 3000 + 1800 + 300)
    )
    assert year.rows == [] and year.count == 0


def test_stockouts_over_a_year_as_over_the_fortnight(shop):
    with shop.db.read() as s:
        year = stockouts(s, Period(T - D(364), T))
    (chips,) = year.rows
    assert (chips.product_id, chips.days_out, chips.out_now) == (shop.chips, 3, False)
    # the rate over the year from chips' first row (T-40): 41 days, 3 out, 1 unit sold
    assert chips.rate == pytest.approx(1 / 38)
    assert chips.lost_units == pytest.approx(2 / 38)
