import pytest

from shop_desk.errors import InputError
from shop_desk.inventory.products import ProductData, create_product, update_product
from shop_desk.inventory.search import search_products
from tests.factories import make_product


@pytest.fixture
def shop(db):
    with db.session() as s:
        make_product(s, "可口可乐 500ml", 300, barcodes=[("6908512108211", 1)])
        make_product(s, "百事可乐 330ml", 250)
        make_product(s, "雪碧 500ml", 300, short_code="XB5")
        make_product(s, "康师傅红烧牛肉面", 450)
        make_product(s, "散装鸡蛋", 60, barcodes=[], short_code="JD")
    return db


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("kkkl", "可口可乐 500ml"),
        ("KKKL", "可口可乐 500ml"),
        ("kekoukele", "可口可乐 500ml"),
        ("可乐", None),
        ("红烧牛肉", "康师傅红烧牛肉面"),
        ("6908512108211", "可口可乐 500ml"),
        ("690851210", "可口可乐 500ml"),
        ("xb5", "雪碧 500ml"),
        ("jd", "散装鸡蛋"),
        ("ksf", "康师傅红烧牛肉面"),
    ],
)
def test_search(shop, query, first):
    with shop.session() as s:
        names = [p.name for p in search_products(s, query)]
    if first is None:
        assert set(names) == {"可口可乐 500ml", "百事可乐 330ml"}
    else:
        assert names and names[0] == first


def test_search_follows_renames_and_skips_archived(shop):
    with shop.session() as s:
        product = search_products(s, "雪碧")[0]
        data = ProductData(name="雪碧 柠檬味", retail_price_fen=300, short_code="XB5")
        update_product(s, product.id, data)
    with shop.session() as s:
        assert [p.name for p in search_products(s, "xbnmw")] == ["雪碧 柠檬味"]
        assert search_products(s, "柠檬味")[0].name == "雪碧 柠檬味"
        product = search_products(s, "柠檬")[0]
        product.active = False
    with shop.session() as s:
        assert search_products(s, "柠檬") == []
        assert search_products(s, "柠檬", include_archived=True)


def test_duplicate_barcode_and_short_code_are_refused(shop):
    with shop.session() as s, pytest.raises(InputError, match="already belongs"):
        make_product(s, "假可乐", 100, barcodes=[("6908512108211", 1)])
    with shop.session() as s, pytest.raises(InputError, match="already belongs"):
        create_product(s, ProductData(name="另一个", retail_price_fen=1, short_code="jd"))


def test_product_validation(shop):
    with shop.session() as s:
        for bad in (
            ProductData(name="", retail_price_fen=100),
            ProductData(name="x", retail_price_fen=-1),
            ProductData(name="x", retail_price_fen=100, barcodes=[("6908512108212", 1)]),
            ProductData(name="x", retail_price_fen=100, review_days=0),
            ProductData(name="x", retail_price_fen=100, shelf_life_days=-3),
        ):
            with pytest.raises(InputError):
                create_product(s, bad)
