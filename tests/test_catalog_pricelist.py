"""Wholesalers' price lists: tier forms, bad rows, publishing, and as a shop's source."""

import json
import subprocess
import sys

import openpyxl
import pytest
from sqlalchemy import text

from shop_desk.catalog.pricelist import parse_tier_text, read_price_list
from shop_desk.catalog.pricelist_source import sync_price_list
from shop_desk.catalog.sources import add_source, list_sources, remove_source
from shop_desk.errors import InputError
from shop_desk.importing.cells import CellError
from shop_desk.progress import run_job


def xlsx(path, rows, merge=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    if merge:
        ws.merge_cells(merge)
    wb.save(path)
    return path


GOOD_ROWS = [
    ["广州饮料批发 2026年11月价格表"],
    [],
    ["货号", "条码", "商品名称", "箱规", "单位", "阶梯价", "起订量"],
    ["A1", "6908512108211", "可口可乐 500ml", 24, "瓶", "1-9箱:54 / 10箱以上:51", 1],
    ["A2", "", "雪碧 500ml", "24", "瓶", "1箱:52；10箱起:50", None],
    [],
    ["A3", 6901028075862, "康师傅冰红茶", 15, "瓶", "≥1件 40元", 2],
]


@pytest.mark.parametrize(
    ("text", "tiers"),
    [
        ("1-9箱:54 / 10箱以上:51", [(1, 5400), (10, 5100)]),
        ("1箱:54；10箱起:51.5", [(1, 5400), (10, 5150)]),
        ("≥10件 51元", [(10, 5100)]),
        ("1+:3.50, 5+:3.20", [(1, 350), (5, 320)]),
    ],
)
def test_tier_text_forms(text, tiers):
    assert parse_tier_text(text) == tiers


def test_tier_text_garbage():
    with pytest.raises(CellError):
        parse_tier_text("便宜点")


def test_title_rows_blank_rows_and_merged_title(tmp_path):
    path = xlsx(tmp_path / "list.xlsx", GOOD_ROWS, merge="A1:G1")
    price_list = read_price_list(path)
    assert price_list.errors == [] and price_list.header_line == 3
    by_sku = {r.sku: r for r in price_list.records}
    assert by_sku["A1"].tiers == ((1, 5400), (10, 5100)) and by_sku["A1"].pack_size == 24
    assert by_sku["A2"].gtin is None and by_sku["A3"].gtin == "6901028075862"
    assert by_sku["A3"].moq_packs == 2


def test_tier_columns_in_the_header(tmp_path):
    path = xlsx(
        tmp_path / "cols.xlsx",
        [
            ["商品编码", "品名", "箱规", "1-9箱", "10箱以上", "50箱以上"],
            ["B1", "农夫山泉 550ml", 24, 30, 28.5, 27],
            ["B2", "怡宝 555ml", 24, 29, None, None],
        ],
    )
    records = {r.sku: r for r in read_price_list(path).records}
    assert records["B1"].tiers == ((1, 3000), (10, 2850), (50, 2700))
    assert records["B2"].tiers == ((1, 2900),)


def test_bad_rows_are_all_listed_and_nothing_is_applied(tmp_path):
    path = xlsx(
        tmp_path / "bad.xlsx",
        [
            ["货号", "商品名称", "箱规", "批发价", "10箱以上"],
            ["C1", "好的", 12, 30, 28],
            ["C2", "涨价了", 12, 30, 31],  # price rises with quantity
            ["C3", "箱规错", "一箱", 30, None],  # text in a number column
            ["C1", "重复", 12, 30, None],  # duplicate SKU
            ["C4", "负价", 12, -5, None],
        ],
    )
    price_list = read_price_list(path)
    lines = sorted(e.line for e in price_list.errors)
    assert lines == [3, 4, 5, 6]
    messages = " ".join(str(e) for e in price_list.errors)
    assert "costs more" in messages and "line 2" in messages
    with pytest.raises(InputError, match="4 problems"):
        price_list.raise_if_bad()


def test_publish_from_the_command_line(tmp_path):
    path = xlsx(tmp_path / "list.xlsx", GOOD_ROWS)
    (tmp_path / "supplier.toml").write_text(
        'id = "gz-drinks"\nname = "广州饮料批发"\nlead_time_days = 2\n'
        "[shipping]\nfee_fen = 1500\nfree_over_fen = 30000\n",
        encoding="utf-8",
    )
    out = tmp_path / "feed"
    run = lambda: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "shop_desk", "catalog", "publish", str(path), str(out)],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "SHOP_DESK_LANGUAGE": "en"},
    )
    first = run()
    assert first.returncode == 0, first.stderr
    assert "Published sequence 1" in first.stdout
    manifest = json.loads((out / "feed.json").read_text(encoding="utf-8"))
    assert manifest["supplier"]["shipping"] == {"fee_fen": 1500, "free_over_fen": 30000}
    assert "Nothing changed" in run().stdout


def test_price_list_as_a_source(db, tmp_path):
    path = xlsx(tmp_path / "list.xlsx", GOOD_ROWS)
    with db.session() as s:
        source_id = add_source(s, str(path), name="批发市场").id
    outcome = run_job(sync_price_list(db, source_id))
    assert (outcome.to_sequence, outcome.upserts) == (1, 3)
    assert run_job(sync_price_list(db, source_id)).status == "unchanged"
    rows = [*GOOD_ROWS[:3], ["A1", "6908512108211", "可口可乐 500ml", 24, "瓶", "1箱:50", 1]]
    xlsx(path, rows)
    outcome = run_job(sync_price_list(db, source_id))
    assert (outcome.to_sequence, outcome.deletes, outcome.price_changes) == (2, 2, 1)
    with db.session(write=False) as s:
        assert dict(s.execute(text("SELECT sku, price_fen FROM current_offers")).all()) == {
            "A1": 5000
        }
        (row,) = list_sources(s)
        assert (row.offers, row.sequence, row.kind) == (1, 2, "pricelist")
    xlsx(path, [["货号", "商品名称", "批发价"], ["Z", "坏", "abc"]])
    with pytest.raises(InputError, match="problems"):
        run_job(sync_price_list(db, source_id))
    with db.session(write=False) as s:
        assert s.scalar(text("SELECT count(*) FROM current_offers")) == 1
    with db.session() as s:
        remove_source(s, "批发市场")
    with db.session(write=False) as s:
        assert s.scalar(text("SELECT count(*) FROM offers")) == 0
