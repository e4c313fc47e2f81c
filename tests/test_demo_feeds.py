"""The demo shop's wholesale sources: published, added and synced for real."""

from datetime import date, timedelta

from shop_desk.catalog.offers import new_arrivals, price_drops, search_offers
from shop_desk.catalog.sources import list_sources
from shop_desk.demo import ensure_demo
from shop_desk.demo.catalog import demo_products
from shop_desk.demo.feeds import build_demo_sources
from shop_desk.progress import run_job

END = date(2026, 11, 26)


def test_three_sources_with_links_price_drops_and_new_arrivals(sqlite_db, tmp_path):
    run_job(ensure_demo(sqlite_db, end_date=END, products=80, days=120, with_sources=False))
    ids = run_job(
        build_demo_sources(
            sqlite_db, tmp_path / "feeds", demo_products(80), END + timedelta(days=1)
        )
    )
    assert len(ids) == 3
    with sqlite_db.session(write=False) as s:
        sources = {row.name: row for row in list_sources(s)}
        assert {r.kind for r in sources.values()} == {"folder", "pricelist"}
        assert all(r.offers > 0 and not r.last_error for r in sources.values())
        assert sources["街坊批发部"].sequence == 2
        linked = search_offers(s, linked=True, limit=1000)
        assert len(linked) >= 50  # offers found the shop's products by their barcodes
        assert {o.supplier for o in linked} == set(sources)
        factory = next(o for o in linked if o.supplier == "康达食品饮料厂")
        assert [p for p, _ in factory.tiers] == [1, 5, 20] and factory.lead_time_days == 5
        assert price_drops(s, today=END + timedelta(days=1))
        assert new_arrivals(s, today=END + timedelta(days=1))
