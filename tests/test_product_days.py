"""Each product's first day on the books and last day sold (products.first_day and
last_sold_day, migration 0014): kept by the ledger and the history import, filled by the
migration, compared and repaired by `shop-desk check`; slow movers read them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import inspect, select, update

from shop_desk.db.models import Product
from shop_desk.importing import apply_sales, preview_sales
from shop_desk.inventory.check import check_database
from shop_desk.inventory.counter import get_sale, return_items
from shop_desk.inventory.stock import adjust
from shop_desk.reports.stock import slow_movers
from tests.factories import make_product
from tests.report_shop import T, build, noon, receive_on, sell_on

D = timedelta


@pytest.fixture
def shop(db, tmp_path):
    return build(db, tmp_path)


def _days(db, product_id: int) -> tuple:
    with db.read() as s:
        assert check_database(s).ok  # what the ledger and the imported history say too
        product = s.get(Product, product_id)
        return product.first_day, product.last_sold_day


def test_the_fixture_shops_days_by_hand(shop):
    with shop.db.read() as s:
        days = {
            pid: (first, last)
            for pid, first, last in s.execute(
                select(Product.id, Product.first_day, Product.last_sold_day)
            )
        }
    assert days == {
        shop.cola: (date(2025, 3, 9), T - D(1)),  # imported last year; T-4 only a return
        shop.chips: (T - D(40), T - D(5)),
        shop.towel: (T - D(60), None),  # never sold
        shop.gum: (T - D(60), T - D(50)),
    }


def test_the_ledger_keeps_them(db):
    """A receipt puts a product on the books, a sale (at the counter or as a correction)
    is its last day sold, a return that takes back a day's only sale moves that back, and
    a receipt dated back moves the first day back."""
    with db.session() as s:
        pid = make_product(s, "统一冰红茶", 350).id
    d = date(2026, 3, 1)
    assert _days(db, pid) == (None, None)
    receive_on(db, pid, 5, d)
    assert _days(db, pid) == (d, None)
    sell_on(db, pid, 2, d + D(2))
    assert _days(db, pid) == (d, d + D(2))
    sale = sell_on(db, pid, 1, d + D(4))
    assert _days(db, pid) == (d, d + D(4))
    with db.session() as s:  # brought back the same day: that day sold nothing after all
        line = get_sale(s, sale).lines[0]
        return_items(s, sale, {line.id: 1}, at=noon(d + D(4)))
    assert _days(db, pid) == (d, d + D(2))
    with db.session() as s:  # a write-off is not a sale
        adjust(s, pid, -1, note="broken", at=noon(d + D(6)))
    assert _days(db, pid) == (d, d + D(2))
    receive_on(db, pid, 3, d - D(3))  # entered late, for an earlier day
    assert _days(db, pid) == (d - D(3), d + D(2))


def test_the_history_import_moves_them(shop, tmp_path):
    """Imported sales are sales: an earlier day moves the first day back, a later one the
    last day sold on."""
    path = tmp_path / "history.csv"
    path.write_text(
        "日期,条码,数量,销售额\n"
        f"2025-06-01,{shop.codes['chips']},2,11.00\n"
        f"{(T - D(3)).isoformat()},{shop.codes['gum']},1,2.00\n",
        "utf-8",
    )
    with shop.db.read() as s:
        preview = preview_sales(path, session=s)
    with shop.db.session() as s:
        apply_sales(s, preview)
    assert _days(shop.db, shop.chips) == (date(2025, 6, 1), T - D(5))
    assert _days(shop.db, shop.gum) == (T - D(60), T - D(3))


def test_check_finds_and_repairs_them(shop):
    with shop.db.session() as s:
        s.execute(update(Product).where(Product.id == shop.cola).values(last_sold_day=None))
        s.execute(update(Product).where(Product.id == shop.towel).values(first_day=T))
    with shop.db.read() as s:
        problems = check_database(s).problems
    assert sum("first day and last day sold" in p for p in problems) == 2, problems
    with shop.db.session() as s:
        check_database(s, repair=True)
    assert _days(shop.db, shop.cola) == (date(2025, 3, 9), T - D(1))
    assert _days(shop.db, shop.towel) == (T - D(60), None)


def test_migration_fills_them_from_existing_shops(shop):
    from alembic import command

    from shop_desk.db.migrate import alembic_config

    def days() -> list[tuple]:
        with shop.db.read() as s:
            columns = (Product.id, Product.first_day, Product.last_sold_day)
            return [tuple(r) for r in s.execute(select(*columns).order_by(Product.id))]

    kept = days()
    with shop.db.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0013_offer_closures")
    columns = {c["name"] for c in inspect(shop.db.engine).get_columns("products")}
    assert "first_day" not in columns and "last_sold_day" not in columns
    assert shop.db.migrate() is True
    assert days() == kept
    with shop.db.read() as s:
        assert check_database(s).ok


@pytest.mark.parametrize(
    ("today", "days", "slow"),
    [
        # cola and chips sold on T-5
        (T - D(3), 3, ["towel", "gum"]),
        # chips last sold after this `today` (T-5), not in T-10..T-6: slow then
        (T - D(6), 5, ["chips", "towel", "gum"]),
        # cola last sold after it, not in T-20..T-11; chips sold on T-20
        (T - D(11), 10, ["cola", "towel", "gum"]),
    ],
)
def test_slow_movers_of_a_past_day(shop, today, days, slow):
    """Slow movers up to an earlier day: a product that sold after it is asked whether it
    sold in the range (stock as it is now, most cash held first)."""
    names = {shop.cola: "cola", shop.chips: "chips", shop.towel: "towel", shop.gum: "gum"}
    with shop.db.read() as s:
        found = slow_movers(s, days, today)
    assert [names[r.product_id] for r in found.rows] == slow
    assert found.count == len(slow)
