"""A parsing process hands a block's rows over as a SQLite database image (row_image.py): the
rows come back exactly, and a first sync staged from images equals one staged from rows."""

from sqlalchemy import text

from shop_desk.catalog import bulk, parsing
from shop_desk.catalog.decode import ROW_COLUMNS, row_of
from shop_desk.catalog.manifest import SupplierInfo
from shop_desk.catalog.publisher import publish
from shop_desk.catalog.records import OfferRecord
from shop_desk.catalog.row_image import RowImage, image_of, pairs_of
from shop_desk.catalog.sync import sync_source
from shop_desk.db.engine import open_database
from shop_desk.progress import run_job
from tests.helpers.folder_source import add_folder_source
from tests.helpers.search_index import assert_index_matches_offers
from tests.test_catalog_sync_staging import append_to_change

SUPPLIER = SupplierInfo(code="img", name="图像批发", lead_time_days=1)


def record(n: int) -> OfferRecord:
    return OfferRecord(
        sku=f"S{n:05d}",
        name=f"可口可乐 {n} 号 '引号' \\ 斜杠",
        gtin="6901234567892" if n % 3 == 0 else None,
        brand="可口可乐" if n % 2 else "",
        pack_size=24,
        pack_name="箱",
        tiers=((1, 5400 + n), (10, 5100)) if n % 4 else ((1, 0),),
        available_packs=None if n % 5 == 0 else n,
        lead_time_days=None if n % 7 == 0 else 2,
        shelf_life_days=None if n % 2 else 365,
        dropship=n % 2 == 0,
    )


def test_an_image_gives_back_its_rows_and_deletes_in_order():
    ops = {r.sku: row_of(r) for r in map(record, range(50))}
    ops["S00007"] = None  # a delete
    ops["Z-last"] = None
    image = image_of(ops)
    assert type(image.data) is bytes and len(image) == 51
    assert pairs_of(image) == list(ops.items())
    assert pairs_of(list(ops.items())) == list(ops.items())  # rows in Python pass through


def test_an_empty_block_makes_an_empty_image():
    assert pairs_of(image_of({})) == []


def _offers(db) -> list[tuple]:
    with db.session(write=False) as s:
        columns = ", ".join(("supplier_id", "valid_from", "first_seen", *ROW_COLUMNS))
        return s.execute(text(f"SELECT {columns} FROM offers ORDER BY sku")).all()


def test_a_first_sync_staged_from_images_equals_one_staged_from_rows(tmp_path, monkeypatch):
    feed = tmp_path / "feed"
    publish([record(n) for n in range(4000)], SUPPLIER, feed)
    shops = {}
    for worker in (False, True):
        monkeypatch.setattr(parsing, "IN_PROCESS_BELOW", 0 if worker else 1 << 40)
        db = open_database(folder=tmp_path / f"shop-{worker}")
        run_job(sync_source(db, add_folder_source(db, feed, "图像")))
        shops[worker] = db
    assert len(_offers(shops[True])) == 4000
    assert _offers(shops[True]) == _offers(shops[False])
    assert_index_matches_offers(shops[True])
    # The writer's connection went back to the pool without the image attached.
    with shops[True].engine.connect() as conn:
        schemas = [row[1] for row in conn.exec_driver_sql("PRAGMA database_list")]
    assert bulk.IMAGE not in schemas
    for db in shops.values():
        db.dispose()


def test_a_first_change_file_deletes_what_an_earlier_block_staged(tmp_path, monkeypatch):
    """A supplier with no offers yet takes a change file as it comes, through images: a line
    may delete a SKU that an earlier block of the same file staged."""
    monkeypatch.setattr(parsing, "IN_PROCESS_BELOW", 0)
    feed = tmp_path / "feed"
    publish([], SUPPLIER, feed)  # sequence 1: an empty snapshot
    db = open_database(folder=tmp_path / "shop")
    source_id = add_folder_source(db, feed, "图像")
    run_job(sync_source(db, source_id))
    long = [
        OfferRecord(
            sku=f"L{n:05d}",
            name="加厚耐用家庭装多用途清洁湿巾" * 12,
            pack_size=1,
            tiers=((1, 100),),
        )
        for n in range(3000)
    ]
    publish([record(1), record(2), *long], SUPPLIER, feed)  # sequence 2: a change file
    append_to_change(feed, 2, [{"op": "delete", "sku": "S00001"}])  # in a later block
    images = []
    stage_image = bulk.stage_image
    monkeypatch.setattr(
        bulk, "stage_image", lambda *args: images.append(args[3]) or stage_image(*args)
    )
    run_job(sync_source(db, source_id))
    assert len(images) >= 2 and all(type(image) is RowImage for image in images)
    with db.session(write=False) as s:
        skus = {row[0] for row in s.execute(text("SELECT sku FROM current_offers"))}
    assert skus == {"S00002", *(r.sku for r in long)}
    assert_index_matches_offers(db)
    db.dispose()
