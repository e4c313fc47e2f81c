"""Purchases by supplier and month with the member tier reached, on the purchase-order test
shop (two suppliers synced from real feed folders; drinks: B1 from ¥200 a month at 1 %,
B2 from ¥1,000 at 3 %; shipping ¥15 under ¥300, snacks ¥8 always)."""

from __future__ import annotations

from datetime import date

import pytest

from shop_desk.purchasing.orders import DraftLine, cancel_order, create_drafts, mark_sent
from shop_desk.reports import Period, ReportParams, run_report
from shop_desk.reports.purchases import purchases_by_month
from tests.purchasing_shop import build_shop
from tests.report_shop import noon


@pytest.fixture
def shop(db, tmp_path):
    shop = build_shop(db, tmp_path)
    cola = shop.cola

    def order(supplier: int, sku: str, product: int, packs: int, day: date | None) -> int:
        with db.session() as s:
            (made,) = create_drafts(
                s, [DraftLine(supplier, sku, product, packs)], at=noon(day or date(2026, 1, 1))
            )
            if day is not None:
                mark_sent(s, made.id, at=noon(day))
            return made.id

    with db.session() as s:  # cola has no link yet: link it to the drinks case of 24
        from shop_desk.catalog.links import link_offer

        link_offer(s, cola, shop.drinks, "A1", 24)
    order(shop.drinks, "A1", cola, 5, date(2026, 1, 10))  # 5 x 51.00, no tier yet
    order(shop.drinks, "M1", shop.milk, 2, date(2026, 1, 20))  # 2 x 36.00, B1: 1 % off
    order(shop.snacks, "C1", shop.chips, 1, date(2026, 2, 3))  # 90.00 + 8.00 shipping
    cancelled = order(shop.drinks, "A1", cola, 10, date(2026, 2, 5))
    with db.session() as s:
        cancel_order(s, cancelled)
    order(shop.drinks, "A1", cola, 1, None)  # a draft: not a purchase
    return shop


def test_purchases_by_month_with_tiers(shop):
    with shop.db.read() as s:
        rows = purchases_by_month(s, Period(date(2026, 1, 15), date(2026, 2, 10)))
    january, february = rows
    assert (january.month, january.supplier, january.orders) == (
        date(2026, 1, 1),
        "广州饮料批发",
        2,
    )
    assert (january.goods_fen, january.discount_fen) == (25500 + 7200, 72)
    assert january.spend_fen == 32628
    assert (january.shipping_fen, january.paid_fen) == (3000, 35628)
    assert (january.tier, january.next_tier, january.to_next_fen) == ("B1", "B2", 100000 - 32628)
    assert (february.month, february.supplier, february.orders) == (date(2026, 2, 1), "零食批发", 1)
    assert (february.spend_fen, february.shipping_fen, february.paid_fen) == (9000, 800, 9800)
    assert (february.tier, february.next_tier, february.to_next_fen) == ("", "", None)


def test_purchases_table_and_whole_months(shop):
    with shop.db.read() as s:
        table = run_report(
            s, "purchases", ReportParams(period=Period(date(2026, 1, 15), date(2026, 1, 16)))
        )
        march = run_report(
            s, "purchases", ReportParams(period=Period(date(2026, 3, 1), date(2026, 3, 31)))
        )
    assert (table.first, table.last) == (date(2026, 1, 1), date(2026, 1, 31))  # the whole month
    assert table.values("month") == ["2026-01"]
    assert table.values("tier") == ["B1"]
    assert table.totals[table.column("paid_fen")] == 35628
    assert march.rows == [] and march.totals[march.column("orders")] == 0
