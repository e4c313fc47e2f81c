"""A really full disk under the shop's data folder: a 3 MB tmpfs (Linux, root with
CAP_SYS_ADMIN as in CI; skipped elsewhere, where test_storage_faults.py's max_page_count
variant still runs). Sales go on until the disk is full: the failing one says so in a
sentence and leaves no trace, every acknowledged sale is kept, an import refused for lack of
space leaves nothing half, and once space is freed the same cart goes through and
`check` finds the database whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from shop_desk import paths
from shop_desk.db.engine import open_database
from shop_desk.db.models import Product, Sale
from shop_desk.errors import StorageError
from shop_desk.importing.products_import import apply_products, preview_products
from shop_desk.inventory.check import check_database
from shop_desk.inventory.counter import Cart, checkout
from shop_desk.inventory.stock import receive_stock
from tests.factories import make_product
from tests.helpers.small_disk import fill, small_disk
from tests.helpers.till import ledger_counts, sell_until_refused


def _cart(db, ids: list[int], n: int) -> Cart:
    with db.read() as s:
        cart = Cart()
        for pid in ids[n % len(ids) :][:3]:
            cart.add(s.get(Product, pid), 1 + n % 2)
    return cart


def _products_file(folder: Path, rows: int) -> Path:
    path = folder / "新商品.csv"
    lines = ["商品名称,自编码,售价"] + [
        f"满盘商品 {i},F{i:05d},{3 + i % 7}.50" for i in range(rows)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


def test_a_full_disk_refuses_the_write_clearly_and_keeps_the_shop_whole(tmp_path):
    with small_disk(tmp_path / "小盘", 3 * 1024) as disk:
        folder = disk / "店铺数据"
        db = open_database(folder=folder)
        with db.session() as s:
            ids = [make_product(s, name=f"康师傅红烧牛肉面 {i}", price=450).id for i in range(6)]
            for pid in ids:
                receive_stock(s, pid, 100_000, 100_000 * 300)
        fill(disk, leave_bytes=512 * 1024)
        acknowledged, error, before, cart = sell_until_refused(
            db, lambda n: _cart(db, ids, n), limit=20_000
        )
        assert "disk is full" in str(error) and "nothing was saved" in str(error)
        assert ledger_counts(db) == before  # the refused sale left no trace
        assert len(acknowledged) > 5

        refused = _products_file(tmp_path, 2000)
        with pytest.raises(StorageError, match="disk is full"), db.session() as s:
            apply_products(s, preview_products(refused, session=s))
        assert ledger_counts(db) == before  # not one of the 2,000 products

        (disk / "filler.bin").unlink()  # the owner frees some space
        with db.session() as s:
            checkout(s, cart)  # the cart that failed goes through now
        with db.read() as s:
            report = check_database(s)
            assert report.ok, (report.integrity, report.problems[:5])
            assert set(acknowledged) <= set(s.scalars(select(Sale.id)))
        db.dispose()
        assert paths.database_path(folder).stat().st_size > 0
