import pytest
from sqlalchemy import delete, inspect, select

from shop_desk.db.models import Product, ProductGram
from shop_desk.errors import InputError
from shop_desk.inventory.products import ProductData, create_product, update_product
from shop_desk.inventory.search import name_grams, search_products
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


# --- name fragments through product_grams (migration 0005) -------------------------------


def _grams_in_step(db) -> None:
    """product_grams holds exactly name_grams() of every product's name (the triggers and
    the Python twin that bulk loaders use agree)."""
    with db.read() as s:
        want = {
            (gram, len(name), pid)
            for pid, name in s.execute(select(Product.id, Product.name))
            for gram in name_grams(name)
        }
        have = set(
            s.execute(select(ProductGram.gram, ProductGram.name_len, ProductGram.product_id))
        )
    assert have == want


def test_fragments_come_shortest_name_first(db):
    with db.session() as s:
        for name in (
            "可乐味棒棒糖 家庭分享装",
            "百事可乐 330ml",
            "可乐",
            "可口可乐 500ml",
            "纯果汁100%",
        ):
            make_product(s, name, 300)
    with db.read() as s:

        def names(query: str) -> list[str]:
            return [p.name for p in search_products(s, query)]

        assert names("可乐") == [
            "可乐",
            "百事可乐 330ml",
            "可口可乐 500ml",
            "可乐味棒棒糖 家庭分享装",
        ]
        assert names("乐") == names("可乐")  # one character: its own range
        assert names("可乐味") == ["可乐味棒棒糖 家庭分享装"]
        assert names("糖 家庭") == ["可乐味棒棒糖 家庭分享装"]  # a space inside the fragment
        assert names("口可乐 5") == ["可口可乐 500ml"]
        assert names("乐可") == []  # both pieces exist, never together
        assert names("ML") == ["百事可乐 330ml", "可口可乐 500ml"]
        assert names("330") == ["百事可乐 330ml"]  # digits inside a name
        assert names("0%") == ["纯果汁100%"] and names("1_0") == []  # LIKE characters
        # full pinyin: the names it begins (in pinyin order), then those holding it
        assert names("kele")[:2] == ["可乐", "可乐味棒棒糖 家庭分享装"]
        assert set(names("kele")) == {
            "可乐",
            "百事可乐 330ml",
            "可口可乐 500ml",
            "可乐味棒棒糖 家庭分享装",
        }
        long_name = "可乐味棒棒糖 家庭分享装"
        assert names(long_name) == [long_name]  # more pieces than are compared


def test_grams_follow_inserts_renames_and_deletes(db):
    with db.session() as s:
        keep = make_product(s, "雪碧 500ml", 300).id
        gone = make_product(s, "康师傅红烧牛肉面", 450, barcodes=[]).id
        make_product(s, "AD钙奶", 200)
    _grams_in_step(db)
    with db.session() as s:
        update_product(s, keep, ProductData(name="雪碧 柠檬味 1L", retail_price_fen=300))
        s.get(Product, gone).name = "统一老坛酸菜面"  # a plain rename, as the stock page does
    _grams_in_step(db)
    with db.read() as s:
        assert [p.name for p in search_products(s, "柠檬")] == ["雪碧 柠檬味 1L"]
        assert search_products(s, "牛肉") == [] and search_products(s, "500") == []
    with db.session() as s:
        s.execute(delete(Product).where(Product.id == gone))
    _grams_in_step(db)


def test_migration_fills_grams_of_existing_products(db):
    from alembic import command

    from shop_desk.db.migrate import alembic_config

    with db.session() as s:
        make_product(s, "可口可乐 500ml", 300)
        make_product(s, "农夫山泉 550ml", 200)
    with db.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0004")
    assert "product_grams" not in inspect(db.engine).get_table_names()
    assert db.migrate() is True
    _grams_in_step(db)
    with db.read() as s:
        assert [p.name for p in search_products(s, "山泉")] == ["农夫山泉 550ml"]
