"""create_products (the import's bulk path) and the planner statistics after bulk writes."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from shop_desk.db.models import Barcode, Product
from shop_desk.errors import InputError
from shop_desk.inventory.products import (
    ItemError,
    ProductData,
    create_product,
    create_products,
    lookup_code,
)
from shop_desk.inventory.search import search_products
from tests.factories import make_product, new_barcode


def test_create_products_writes_what_create_product_writes(db):
    code = new_barcode()
    with db.session() as s:
        data = ProductData(
            name="可口可乐 500ml",
            retail_price_fen=300,
            category="饮料",
            barcodes=[(new_barcode(), 1)],
            cost_fen=210,
            short_code="kk1",
        )
        one = create_product(s, data)  # fmt: skip
        ids = create_products(
            s,
            [
                ProductData(name="可口可乐 500ml", retail_price_fen=300, barcodes=[(code, 1)],
                            category="饮料", cost_fen=210, short_code="kk2"),
                ProductData(name=" 雪碧  330ml ", retail_price_fen=250, barcodes=[]),
            ],
        )  # fmt: skip
        columns = [c for c in Product.__table__.c if c.name not in ("id", "short_code",
                   "created_at", "updated_at")]  # fmt: skip
        rows = s.execute(select(*columns).where(Product.id.in_([one.id, ids[0]]))).all()
        assert rows[0] == rows[1]
    with db.read() as s:
        product, units = lookup_code(s, code)
        assert (product.id, units, product.short_code) == (ids[0], 1, "KK2")
        assert [p.id for p in search_products(s, "xb")] == [ids[1]]  # pinyin and name clean
        assert [p.id for p in search_products(s, "雪碧 33")] == [ids[1]]  # grams by trigger


def test_create_products_refuses_taken_or_repeated_codes_and_writes_nothing(db):
    with db.session() as s:
        taken = make_product(s, "旧商品", 100).barcodes[0].code
        make_product(s, "散装", 100, barcodes=[], short_code="SZ")
    fresh = new_barcode()
    cases = [
        ([ProductData("甲", 1, barcodes=[(fresh, 1)]), ProductData("乙", 1, barcodes=[(taken, 1)])],
         1, "already belongs to 旧商品"),
        ([ProductData("甲", 1, barcodes=[(fresh, 1)]), ProductData("乙", 1, barcodes=[(fresh, 6)])],
         1, "listed twice"),
        ([ProductData("甲", 1, short_code="sz")], 0, "already belongs to 散装"),
        ([ProductData("甲", 1, short_code="A"), ProductData("乙", 1, short_code="a")], 1,
         "listed twice"),
        ([ProductData("甲", 1), ProductData("", 1)], 1, "needs a name"),
    ]  # fmt: skip
    for items, index, message in cases:
        with pytest.raises(ItemError, match=message) as caught, db.session() as s:
            create_products(s, items)
        assert caught.value.index == index and isinstance(caught.value, InputError)
    with db.read() as s:
        assert s.scalar(select(func.count(Product.id))) == 2
        assert s.scalar(select(func.count()).select_from(Barcode)) == 1


def test_statistics_after_migration_and_large_import(sqlite_db):
    from shop_desk.db.engine import refresh_statistics

    with sqlite_db.engine.connect() as conn:
        tables = {r[0] for r in conn.exec_driver_sql("SELECT tbl FROM sqlite_stat1")}
    assert "alembic_version" in tables  # the migration ran ANALYZE (empty tables get no row)
    with sqlite_db.session() as s:
        create_products(s, [ProductData(f"商品{i}", 100) for i in range(50)])
        refresh_statistics(s.connection(), ("products",))
        rows = s.connection().exec_driver_sql(
            "SELECT stat FROM sqlite_stat1 WHERE idx = 'ix_products_name_pinyin'"
        )
        assert rows.scalar().split()[0] == "50"  # rows in the index, as ANALYZE counted them
