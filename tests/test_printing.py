"""Shelf labels and receipts as PDF: opened again, measured, read and scanned."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shop_desk.documents.barcodes import symbol_for
from shop_desk.documents.label_templates import TEMPLATES, placements, template_by_name
from shop_desk.documents.labels import LabelItem, find_label_products, label_items
from shop_desk.documents.receipts import load_receipt
from shop_desk.errors import InputError, NotFoundError
from shop_desk.gui.printing.labels import write_labels_pdf
from shop_desk.gui.printing.output import offscreen_app
from shop_desk.gui.printing.receipt import write_receipt_pdf
from shop_desk.settings import ShopSettings
from tests.factories import make_product
from tests.pdf_check import read_pdf
from tests.report_shop import T, build

COLA = LabelItem(1, "可口可乐 500ml", "500ml", "瓶", 300, "6901234567892")
CHIPS = LabelItem(2, "乐事薯片 原味 大包装限定款", "75g", "袋", 1250, "96385074")  # EAN-8
PEANUTS = LabelItem(3, "散装花生", "", "斤", 1590, "Z00007")  # a short code: Code 128


@pytest.fixture(autouse=True)
def _qt(qapp):
    """pytest-qt's QApplication (fonts need an application): offscreen_app() would make a
    bare QGuiApplication, and a later widget test in this process would abort."""
    assert offscreen_app() is qapp


def test_a4_sheet_holds_its_grid_and_every_barcode_scans(tmp_path):
    template = template_by_name("a4-3x8")
    path = tmp_path / "labels.pdf"
    pages = write_labels_pdf(path, [COLA, CHIPS, PEANUTS], template, copies=9)
    first, second = read_pdf(path)
    assert pages == 2
    assert (round(first.width_mm), round(first.height_mm)) == (210, 297)
    expected = {
        "6901234567892": ("EAN13", "6901234567892"),
        "96385074": ("EAN8", "96385074"),
        "Z00007": ("Code128", "Z00007"),
    }
    codes = [COLA.code] * 9 + [CHIPS.code] * 9 + [PEANUTS.code] * 9
    for n, code in enumerate(codes):  # each label alone, where the template puts it
        page, slot = divmod(n, template.per_page)
        x, y = template.origin(slot)
        found = (first, second)[page].decode(x, y, template.label_w, template.label_h)
        assert found == [expected[code]], (n, slot)
    assert "可口可乐 500ml" in first.text and "¥3.00" in first.text and "¥15.90" in first.text
    assert "500ml / 瓶" in first.text and "¥12.50" in first.text


@pytest.mark.parametrize("name", [t.name for t in TEMPLATES if t.is_roll])
def test_label_printer_prints_one_label_a_page_of_its_size(tmp_path, name):
    template = template_by_name(name)
    path = tmp_path / f"{name}.pdf"
    write_labels_pdf(path, [COLA, PEANUTS], template)
    pages = read_pdf(path)
    assert len(pages) == 2
    for page in pages:
        assert page.width_mm == pytest.approx(template.label_w, abs=0.3)
        assert page.height_mm == pytest.approx(template.label_h, abs=0.3)
    assert pages[0].barcodes == [("EAN13", "6901234567892")]
    assert pages[1].barcodes == [("Code128", "Z00007")]
    assert "¥3.00" in pages[0].text


def test_skip_starts_on_a_part_used_sheet():
    template = template_by_name("a4-4x10")
    assert placements(3, template, skip=38) == [(0, 38), (0, 39), (1, 0)]
    x, y = template.origin(5)
    assert (x, y) == pytest.approx((52.5, 29.7))


def test_wrong_check_digit_is_not_printed_as_ean():
    assert symbol_for("6901234567892").kind == "ean13"
    assert symbol_for("6901234567891").kind == "code128"  # python-barcode would "fix" it
    assert symbol_for("036000291452").kind == "upca"
    assert symbol_for("") is None


def test_labels_come_from_the_products_and_refuse_unknown_codes(db, tmp_path):
    with db.session() as s:
        cola = make_product(s, "可口可乐 500ml", 300, category="饮料", spec="500ml", unit="瓶")
        case_only = make_product(
            s, "矿泉水", 150, category="饮料", barcodes=[], short_code="Z00001"
        )
        code = cola.barcodes[0].code
        ids = (cola.id, case_only.id)
    with db.read() as s:
        items = label_items(s, ids)
        assert [(i.name, i.code, i.price_fen) for i in items] == [
            ("可口可乐 500ml", code, 300),
            ("矿泉水", "Z00001", 150),
        ]
        assert [i.name for i in find_label_products(s, [code], [])] == ["可口可乐 500ml"]
        assert len(find_label_products(s, [], ["饮料"])) == 2
        with pytest.raises(InputError, match="6999999999999"):
            find_label_products(s, ["6999999999999"], [])
    path = tmp_path / "shop.pdf"
    write_labels_pdf(path, items, template_by_name("a4-4x10"))
    (page,) = read_pdf(path)
    assert ("EAN13", code) in page.barcodes and ("Code128", "Z00001") in page.barcodes


@pytest.mark.parametrize("paper", [58, 80])
def test_receipt_of_the_last_sale_fits_the_roll(db, tmp_path, paper):
    shop = build(db, tmp_path)
    settings = ShopSettings(
        shop_name="老王便利店", shop_address="幸福路 12 号", shop_phone="010-8888"
    )
    with db.read() as s:
        receipt = load_receipt(s, None, settings)  # the last sale: one cola at T-1
    assert receipt.at.date() == T - timedelta(days=1)
    path = tmp_path / f"receipt{paper}.pdf"
    write_receipt_pdf(path, receipt, paper)
    (page,) = read_pdf(path)
    assert page.width_mm == pytest.approx(paper, abs=0.3)
    assert 40 < page.height_mm < 150  # as long as the receipt, no A4 page
    for text in ("老王便利店", "幸福路 12 号", "可口可乐 500ml", "1 × ¥3.00", "¥3.00", "Change"):
        assert text in page.text
    assert str(receipt.sale_id) in page.text
    del shop


def test_refund_receipt_and_missing_sale(db, tmp_path):
    build(db, tmp_path)
    with db.read() as s:
        from sqlalchemy import select

        from shop_desk.db.models import Sale

        refund_id = s.scalar(select(Sale.id).where(Sale.kind == "return"))
        refund = load_receipt(s, refund_id, ShopSettings(shop_name="老王便利店"))
        with pytest.raises(NotFoundError):
            load_receipt(s, 9999, ShopSettings())
    assert refund.refund and refund.total_fen == -300 and refund.lines[0].qty == -1
    path = tmp_path / "refund.pdf"
    write_receipt_pdf(path, refund, 58)
    (page,) = read_pdf(path)
    assert "Refund" in page.text and "-¥3.00" in page.text


def test_a_folder_that_cannot_be_written_says_so(tmp_path):
    with pytest.raises(InputError, match="Cannot write"):
        write_labels_pdf(tmp_path / "missing" / "x.pdf", [COLA], template_by_name("a4-3x8"))
    with pytest.raises(InputError, match=r"\.pdf"):
        write_labels_pdf(tmp_path / "x.png", [COLA], template_by_name("a4-3x8"))
