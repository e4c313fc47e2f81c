"""Exported orders: the XLSX reads back to the same lines and totals (Chinese headers in the
Chinese UI), the WeChat text says it all in a few lines, the PDF holds the order's text."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from shop_desk import i18n
from shop_desk.purchasing.export import order_document, order_text, write_xlsx
from shop_desk.purchasing.orders import DraftLine, create_drafts, mark_sent, set_note
from shop_desk.settings import ShopSettings, save_settings
from tests.purchasing_shop import build_shop


@pytest.fixture
def document(sqlite_db, tmp_path):
    shop = build_shop(sqlite_db, tmp_path / "feeds")
    with sqlite_db.session() as s:
        save_settings(
            s,
            ShopSettings(
                shop_name="张三便利店", shop_phone="020-1234", shop_address="广州天河路1号"
            ),
        )
        first = create_drafts(s, [DraftLine(shop.drinks, "A1", shop.cola, 5)])[0]
        mark_sent(s, first.id)  # this month's spend reaches B1 for the next order
        order = create_drafts(
            s,
            [
                DraftLine(shop.drinks, "A1", shop.cola, 10),
                DraftLine(shop.drinks, "M1", shop.milk, 2),
            ],
        )[0]
        set_note(s, order.id, "请周五前送到")
        order_id = order.id
    with sqlite_db.read() as s:
        return order_document(s, order_id)


def _xlsx_back(path):
    sheet = load_workbook(path).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    start = next(i for i, r in enumerate(rows) if r[0] in ("Item no.", "货号")) + 1
    lines = []
    for row in rows[start:]:
        if row[0] is None:
            break
        lines.append((row[0], row[1], row[2], row[3], round(Decimal(str(row[4])) * 100)))
    totals = {r[4]: round(Decimal(str(r[5])) * 100) for r in rows[start:] if r[4] and r[0] is None}
    return rows, lines, totals


def test_xlsx_round_trip(document, tmp_path):
    path = tmp_path / "order.xlsx"
    write_xlsx(document, path)
    rows, lines, totals = _xlsx_back(path)
    assert rows[0][:2] == ["Purchase order", document.ref]
    assert lines == [
        (x.sku, x.name, x.packs, x.units_per_pack, x.pack_price_fen) for x in document.lines
    ]
    assert lines[0] == ("A1", "可口可乐 500ml×24", 10, 24, 4800)
    # 480.00 + 72.00 = 552.00, B1 takes 1 % = 5.52, over 300.00: free shipping
    assert totals == {
        "Subtotal": 55200,
        "Member discount B1 (1%)": -552,
        "Shipping": 0,
        "Total": 54648,
    }
    assert rows[-1][:2] == ["Note", "请周五前送到"]


def test_xlsx_headers_in_chinese(document, tmp_path):
    i18n.set_language("zh_CN")
    path = tmp_path / "采购单.xlsx"
    write_xlsx(document, path)
    rows, lines, totals = _xlsx_back(path)
    assert rows[0][0] == "采购单"
    header = next(r for r in rows if r[0] == "货号")
    assert header == ["货号", "品名", "件数", "每件数量", "每件价格", "金额"]
    assert totals["合计"] == 54648 and len(lines) == 2


def test_wechat_text(document):
    text = order_text(document)
    assert text.splitlines()[0] == f"【Purchase order {document.ref}】广州饮料批发"
    assert "1. [A1] 可口可乐 500ml×24 × 10 箱 (24/箱) @ ¥48.00 = ¥480.00" in text
    assert "Buyer: 张三便利店 020-1234" in text and "Total: ¥546.48" in text
    assert text.rstrip().endswith("Note: 请周五前送到")


def test_pdf_holds_the_order_text(document, tmp_path, qapp):
    from pypdf import PdfReader

    from shop_desk.gui.printing.purchase_order import write_pdf

    i18n.set_language("zh_CN")
    path = tmp_path / "order.pdf"
    write_pdf(document, path)
    reader = PdfReader(path)
    assert reader.metadata.title == f"采购单 {document.ref}"
    text = unicodedata.normalize("NFKC", "".join(p.extract_text() for p in reader.pages))
    compact = "".join(text.split())
    for expected in (document.ref, "广州饮料批发", "张三便利店", "A1", "M1", "¥546.48", "合计"):
        assert expected in compact, expected
    assert "可口可乐500ml×24" in compact and "请周五前送到" in compact
