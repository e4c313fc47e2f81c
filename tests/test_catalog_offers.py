"""Reading the local copy: search, links by hand, price drops and new arrivals."""

from datetime import date, timedelta

import pytest

from shop_desk.catalog.links import link_offer, links_of_product, unlink_offer
from shop_desk.catalog.manifest import SupplierInfo
from shop_desk.catalog.offers import new_arrivals, price_drops, search_offers
from shop_desk.catalog.publisher import publish
from shop_desk.catalog.records import OfferRecord
from shop_desk.catalog.sync import sync_source
from shop_desk.clock import shop_day, utcnow
from shop_desk.db.models import CatalogSource
from shop_desk.errors import InputError
from shop_desk.inventory.counter import Cart, checkout
from shop_desk.inventory.stock import receive_stock
from shop_desk.progress import run_job
from tests.factories import make_product
from tests.helpers.folder_source import add_folder_source

TODAY = shop_day(utcnow())


def rec(sku, name, price, category="饮料/碳酸饮料", gtin=None, new_since=None, pack=24):
    return OfferRecord(
        sku=sku,
        name=name,
        pack_size=pack,
        tiers=((1, price),),
        gtin=gtin,
        category=category,
        new_since=new_since,
    )


@pytest.fixture
def shop(db, tmp_path):
    feed = tmp_path / "feed"
    with db.session() as s:
        cola = make_product(
            s, "可口可乐 500ml", 300, category="饮料/碳酸饮料", barcodes=[("6908512108211", 1)]
        )
        chips = make_product(s, "乐事薯片", 650, category="零食/膨化")
        receive_stock(s, cola.id, 48, 48 * 230)  # paid ¥2.30 a bottle: ¥55.20 a case
        cart = Cart()
        cart.add(cola, 10)
        checkout(s, cart)
        source = CatalogSource(kind="folder", name="广州", location=str(feed))
        s.add(source)
        s.flush()
        ids = (cola.id, chips.id, source.id)
    supplier = SupplierInfo(code="gz", name="广州饮料批发")
    publish(
        [
            rec("A1", "可口可乐 500ml×24", 5400, gtin="6908512108211"),
            rec("B1", "薯片大礼包", 3000, category="零食/膨化"),
        ],
        supplier,
        feed,
    )
    run_job(sync_source(db, ids[2]))
    return db, feed, supplier, ids


def test_links_by_hand_with_pack_conversion(shop):
    db, _, _, (cola, chips, source_id) = shop
    with db.session() as s:
        supplier_id = s.get(CatalogSource, source_id).supplier_id
        link_offer(s, chips, supplier_id, "B1", 12)
        with pytest.raises(InputError):
            link_offer(s, chips, supplier_id, "B1", 0)
    with db.session(write=False) as s:
        assert [(x.sku, x.units_per_pack, x.auto) for x in links_of_product(s, chips)] == [
            ("B1", 12, False)
        ]
        assert [o.sku for o in search_offers(s, linked=False)] == []
        assert {o.sku: o.linked_products for o in search_offers(s)} == {"A1": [cola], "B1": [chips]}
    with db.session() as s:
        unlink_offer(s, chips, supplier_id, "B1")
    with db.session(write=False) as s:
        assert [o.sku for o in search_offers(s, linked=False)] == ["B1"]


def test_price_drop_shows_saving_against_last_purchase(shop):
    db, feed, supplier, (cola, _, source_id) = shop
    publish(
        [
            rec("A1", "可口可乐 500ml×24", 5100, gtin="6908512108211"),
            rec("B1", "薯片大礼包", 2500, category="零食/膨化"),
        ],
        supplier,
        feed,
    )
    run_job(sync_source(db, source_id))
    with db.session(write=False) as s:
        (drop,) = price_drops(s)  # B1 fell too, but the shop does not sell it
    assert (drop.product_id, drop.previous_fen, drop.price_fen) == (cola, 5400, 5100)
    assert drop.saving_per_pack_fen == 24 * 230 - 5100


def test_new_arrivals_in_the_shops_best_categories(shop):
    db, feed, supplier, (_, _, source_id) = shop
    soon = TODAY - timedelta(days=3)
    publish(
        [
            rec("A1", "可口可乐 500ml×24", 5400, gtin="6908512108211"),
            rec("B1", "薯片大礼包", 3000, category="零食/膨化"),
            rec("C1", "新品 可乐 零度", 5600, new_since=soon),
            rec("D1", "新品 洗衣液", 2000, category="日用品", new_since=soon),
        ],
        supplier,
        feed,
    )
    run_job(sync_source(db, source_id))
    with db.session(write=False) as s:
        names = [o.sku for o in new_arrivals(s, today=TODAY)]
        # the first sync's offers are not "new"; the shop sells drinks, not detergent
        assert names == ["C1"]
        assert [o.sku for o in new_arrivals(s, today=TODAY + timedelta(days=60))] == []


def test_search_by_gtin_prefix_and_initials(shop):
    db, *_ = shop
    with db.session(write=False) as s:
        assert [o.sku for o in search_offers(s, "690851")] == ["A1"]
        assert [o.sku for o in search_offers(s, "sp")] == ["B1"]
        (offer,) = search_offers(s, "可口")
        assert offer.tiers == [(1, 5400)] and offer.first_seen == TODAY
        assert isinstance(offer.first_seen, date)


def test_fragments_of_any_length_and_only_current_rows(db, tmp_path):
    feed = tmp_path / "feed2"
    source_id = add_folder_source(db, feed, "f")
    supplier = SupplierInfo(code="f", name="f")
    publish(
        [
            rec("K1", "康师傅 冰红茶 500ml", 4000, gtin="6920459905012"),
            rec("K2", "百事可乐 330ml", 3000),
            rec("K3", "可口可乐 2L", 5000),
        ],
        supplier,
        feed,
    )
    run_job(sync_source(db, source_id))
    publish(
        [
            rec("K1", "康师傅 冰红茶 500ml", 3900, gtin="6920459905012"),
            rec("K2", "百事可乐 330ml", 3000),
        ],
        supplier,
        feed,
    )
    run_job(sync_source(db, source_id))
    with db.session(write=False) as s:

        def skus(q):
            return sorted(o.sku for o in search_offers(s, q))

        assert skus("可乐") == ["K2"]  # K3 was removed by the second version
        assert skus("红茶") == ["K1"] and skus("冰红") == ["K1"]
        assert skus("可乐 330") == ["K2"] and skus("可乐 500") == []
        assert skus("692045") == ["K1"] and skus("k1") == ["K1"]
        assert skus("bsk") == ["K2"] and skus("ksf") == ["K1"]
        assert [o.price_fen for o in search_offers(s, "红茶")] == [3900]
