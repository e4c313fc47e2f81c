"""reports/columns.py: a query's integers as NumPy columns, on SQLite and PostgreSQL."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import BigInteger, func, literal_column, select

from shop_desk.db.models import Product
from shop_desk.reports.columns import int_columns, ints_from_json
from tests.factories import make_product


def test_columns_keep_each_row_together_and_every_value_exact(db):
    prices = [0, 199, 350]
    with db.session() as s:
        ids = [make_product(s, f"商品{n}", price).id for n, price in enumerate(prices)]
    big = literal_column(str(2**62 + 1), BigInteger)  # beyond a float's 53 bits
    with db.read() as s:
        stmt = select(Product.id, Product.retail_price_fen, -Product.id, big).order_by(Product.id)
        got_ids, got_prices, negated, bigs = int_columns(s, stmt)
    assert got_ids.dtype == np.int64
    assert got_ids.tolist() == ids
    assert got_prices.tolist() == prices
    assert negated.tolist() == [-i for i in ids]
    assert bigs.tolist() == [2**62 + 1] * 3


def test_no_rows_gives_empty_columns(db):
    with db.read() as s:
        columns = int_columns(s, select(Product.id, Product.on_hand).where(Product.id < 0))
    assert [c.tolist() for c in columns] == [[], []]


def test_a_value_that_is_not_an_integer_is_refused(db):
    with db.session() as s:
        make_product(s, "可乐", 300)
    with db.read() as s:
        with pytest.raises(ValueError, match="not an integer"):
            int_columns(s, select(Product.id, literal_column("1.5")))
        with pytest.raises(ValueError, match="not an integer"):
            int_columns(s, select(func.nullif(Product.id, Product.id)))  # a NULL


@pytest.mark.parametrize(
    ("text", "values"),
    [("[1,2,-3]", [1, 2, -3]), ("[1, 2, -3]", [1, 2, -3]), ("[]", []), (None, []), ("[7]", [7])],
)
def test_json_arrays_as_both_databases_write_them(text, values):
    assert ints_from_json(text).tolist() == values
