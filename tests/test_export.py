"""Product export to CSV/XLSX, and the round trip export -> import."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from shop_desk import i18n
from shop_desk.db.engine import open_database
from shop_desk.db.models import Product
from shop_desk.errors import InputError
from shop_desk.importing import apply_products, export_products, preview_products
from shop_desk.inventory.products import data_of, set_active
from tests.factories import make_product

ZH_HEADERS = [
    "条码",
    "商品名称",
    "零售价",
    "进价",
    "分类",
    "单位",
    "规格",
    "自编码",
    "保质期（天）",
    "箱码",
    "箱规",
]


def fill(db) -> None:
    with db.session() as s:
        make_product(
            s,
            "可口可乐 500ml",
            price=350,
            cost_fen=210,
            category="饮料",
            unit="瓶",
            spec="500ml",
            shelf_life_days=365,
            barcodes=[("6908512108211", 1), ("6908512108426", 1), ("16908512108218", 12)],
        )
        make_product(
            s,
            "雪碧",
            price=850,
            barcodes=[("6908512109218", 1), ("16908512109215", 6), ("26908512109212", 24)],
        )
        make_product(s, "散装花生米", price=1200, unit="斤", barcodes=[], short_code="HSM")
        make_product(s, "A旺仔牛奶(纸盒)", price=250, barcodes=[("69021824", 1)])
        old = make_product(s, "停售商品", price=100)
        set_active(s, old.id, False)


def snapshot(db) -> dict[str, object]:
    with db.read() as s:
        return {
            p.name: _comparable(data_of(p))
            for p in s.scalars(select(Product).where(Product.active.is_(True)))
        }


def _comparable(data):
    data.barcodes = sorted(data.barcodes)
    return data


def reimport(db, path: Path):
    with db.read() as s:
        preview = preview_products(path, session=s)
    assert preview.ok, preview.errors
    assert not preview.unused_columns
    with db.session() as s:
        return preview, apply_products(s, preview)


@pytest.mark.parametrize("language", ["zh_CN", "en"])
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_round_trip_into_a_new_shop(db, tmp_path, language, suffix):
    fill(db)
    i18n.set_language(language)
    path = tmp_path / f"products{suffix}"
    with db.read() as s:
        assert export_products(s, path) == 4  # the archived product is left out
    other = open_database(folder=tmp_path / "other")
    try:
        preview, result = reimport(other, path)
        assert len(preview.mapping) == 11  # every exported column recognised
        assert (result.created, preview.warning_count) == (4, 0)
        assert snapshot(other) == snapshot(db)
    finally:
        other.dispose()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_reimport_into_the_same_shop_changes_nothing(db, tmp_path, suffix):
    fill(db)
    before = snapshot(db)
    path = tmp_path / f"p{suffix}"
    with db.read() as s:
        export_products(s, path)
    preview, result = reimport(db, path)
    assert (preview.new_count, preview.update_count) == (0, 4)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 4)
    assert snapshot(db) == before


def test_csv_has_a_bom_and_chinese_headers(db, tmp_path):
    fill(db)
    i18n.set_language("zh_CN")
    path = tmp_path / "p.csv"
    with db.read() as s:
        export_products(s, path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ZH_HEADERS
    cola = rows[1]
    assert cola[:4] == ["6908512108211,6908512108426", "可口可乐 500ml", "3.50", "2.10"]
    assert cola[9:] == ["16908512108218", "12"]
    sprite = rows[2]
    assert sprite[9:] == ["16908512109215*6,26908512109212*24", ""]


def test_xlsx_keeps_barcodes_as_text_and_prices_as_numbers(db, tmp_path):
    fill(db)
    path = tmp_path / "p.xlsx"
    with db.read() as s:
        export_products(s, path)
    sheet = load_workbook(path).active
    assert sheet["A2"].value == "6908512108211,6908512108426"
    assert sheet["A5"].value == "69021824" and sheet["A5"].number_format == "@"
    assert sheet["C2"].value == 3.5 and sheet["C2"].number_format == "0.00"
    assert sheet["H4"].value == "HSM"


def test_archived_included_on_request_and_bad_suffix(db, tmp_path):
    fill(db)
    with db.read() as s:
        assert export_products(s, tmp_path / "all.csv", include_archived=True) == 5
        with pytest.raises(InputError, match=r"\.csv or \.xlsx"):
            export_products(s, tmp_path / "p.pdf")
        with pytest.raises(InputError, match="Cannot write"):
            export_products(s, tmp_path / "missing-folder" / "p.csv")
