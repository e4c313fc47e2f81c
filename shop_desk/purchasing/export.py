"""A purchase order as a document: XLSX for the supplier's office, plain text to paste into
WeChat, and the labels the PDF (rendered with Qt under gui/printing) shares with them.

Labels go through tr(), so a Chinese shop sends Chinese headers. Amounts in the spreadsheet
are numbers with two decimals (yuan), so the supplier's Excel can add them up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session

from shop_desk.clock import to_local
from shop_desk.db.models import PurchaseOrder
from shop_desk.errors import InputError
from shop_desk.i18n import tr
from shop_desk.money import format_fen
from shop_desk.purchasing.orders import get_order, order_ref, status_label
from shop_desk.settings import ShopSettings, load_settings

FORMATS = ("pdf", "xlsx", "txt")


@dataclass(frozen=True)
class DocLine:
    sku: str
    name: str
    packs: int
    pack_name: str
    units_per_pack: int
    pack_price_fen: int
    line_total_fen: int


@dataclass(frozen=True)
class OrderDocument:
    ref: str
    uuid: str
    supplier: str
    status: str
    date: str  # local date the order was sent, else made
    shop_name: str
    shop_address: str
    shop_phone: str
    subtotal_fen: int
    member_tier: str
    discount_bp: int
    discount_fen: int
    shipping_fen: int
    total_fen: int
    note: str = ""
    remote_order_id: str | None = None
    lines: list[DocLine] = field(default_factory=list)


def build_document(order: PurchaseOrder, settings: ShopSettings) -> OrderDocument:
    when = order.sent_at or order.created_at
    return OrderDocument(
        ref=order_ref(order.id),
        uuid=order.uuid,
        supplier=order.supplier_name,
        status=status_label(order.status),
        date=to_local(when).date().isoformat(),
        shop_name=settings.shop_name,
        shop_address=settings.shop_address,
        shop_phone=settings.shop_phone,
        subtotal_fen=order.subtotal_fen,
        member_tier=order.member_tier,
        discount_bp=order.discount_bp,
        discount_fen=order.discount_fen,
        shipping_fen=order.shipping_fen,
        total_fen=order.total_fen,
        note=order.note,
        remote_order_id=order.remote_order_id,
        lines=[
            DocLine(
                x.sku,
                x.name,
                x.packs,
                x.pack_name,
                x.units_per_pack,
                x.pack_price_fen,
                x.line_total_fen,
            )
            for x in order.lines
        ],
    )


def order_document(session: Session, order_id: int) -> OrderDocument:
    return build_document(get_order(session, order_id), load_settings(session))


def labels() -> dict[str, str]:
    """Every caption of the exported order, in the current language."""
    return {
        "title": tr("Purchase order"),
        "order": tr("Order no."),
        "date": tr("Date"),
        "supplier": tr("Supplier"),
        "buyer": tr("Buyer"),
        "address": tr("Address"),
        "phone": tr("Phone"),
        "sku": tr("Item no."),
        "name": tr("Item"),
        "packs": tr("Packs"),
        "pack_size": tr("Units per pack"),
        "price": tr("Price per pack"),
        "amount": tr("Amount"),
        "subtotal": tr("Subtotal"),
        "discount": tr("Member discount"),
        "shipping": tr("Shipping"),
        "total": tr("Total"),
        "note": tr("Note"),
        "remote": tr("Supplier's order no."),
    }


def discount_caption(doc: OrderDocument) -> str:
    text = labels()["discount"]
    if doc.discount_bp:
        text += f" {doc.member_tier} ({doc.discount_bp / 100:g}%)".replace("  ", " ")
    return text


def _yuan(fen: int) -> Decimal:
    return Decimal(fen) / 100


def write_document(doc: OrderDocument, path: Path, fmt: str) -> None:
    """xlsx or txt (the PDF is drawn by shop_desk.gui.printing)."""
    try:
        if fmt == "xlsx":
            write_xlsx(doc, path)
        elif fmt == "txt":
            Path(path).write_text(order_text(doc), encoding="utf-8")
        else:
            raise InputError(tr("Unknown export format: {fmt}", fmt=fmt))
    except OSError as exc:
        raise InputError(
            tr("Cannot write {file}: {error}", file=path, error=exc.strerror or exc)
        ) from None


def write_xlsx(doc: OrderDocument, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    lab = labels()
    book = Workbook()
    sheet = book.active
    sheet.title = doc.ref
    sheet.append([lab["title"], doc.ref])
    sheet["A1"].font = Font(bold=True, size=14)
    for key, value in (
        ("date", doc.date),
        ("supplier", doc.supplier),
        ("buyer", doc.shop_name),
        ("address", doc.shop_address),
        ("phone", doc.shop_phone),
    ):
        sheet.append([lab[key], value])
    sheet.append([])
    header_row = sheet.max_row + 1
    sheet.append([lab[k] for k in ("sku", "name", "packs", "pack_size", "price", "amount")])
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    for line in doc.lines:
        sheet.append(
            [
                line.sku,
                line.name,
                line.packs,
                line.units_per_pack,
                _yuan(line.pack_price_fen),
                _yuan(line.line_total_fen),
            ]
        )
        sheet.cell(sheet.max_row, 1).number_format = "@"  # item numbers stay text
    sheet.append([])
    for caption, fen in _total_rows(doc):
        sheet.append([None, None, None, None, caption, _yuan(fen)])
    if doc.note:
        sheet.append([lab["note"], doc.note])
    for row in sheet.iter_rows(min_row=header_row + 1, min_col=5, max_col=6):
        for cell in row:
            cell.number_format = "0.00"
    for column, width in zip("ABCDEF", (14, 36, 8, 10, 14, 14), strict=True):
        sheet.column_dimensions[column].width = width
    book.save(path)


def _total_rows(doc: OrderDocument) -> list[tuple[str, int]]:
    lab = labels()
    rows = [(lab["subtotal"], doc.subtotal_fen)]
    if doc.discount_fen:
        rows.append((discount_caption(doc), -doc.discount_fen))
    rows.append((lab["shipping"], doc.shipping_fen))
    rows.append((lab["total"], doc.total_fen))
    return rows


def order_text(doc: OrderDocument) -> str:
    """Short lines that read well in a chat window."""
    lab = labels()
    out = [f"【{lab['title']} {doc.ref}】{doc.supplier}", f"{lab['date']}: {doc.date}"]
    buyer = " ".join(x for x in (doc.shop_name, doc.shop_phone) if x)
    if buyer:
        out.append(f"{lab['buyer']}: {buyer}")
    if doc.shop_address:
        out.append(f"{lab['address']}: {doc.shop_address}")
    out.append("")
    for number, line in enumerate(doc.lines, start=1):
        pack = line.pack_name or tr("pack")
        out.append(
            tr(
                "{n}. [{sku}] {name} × {packs} {pack} ({size}/{pack}) @ {price} = {amount}",
                n=number,
                sku=line.sku,
                name=line.name,
                packs=line.packs,
                pack=pack,
                size=line.units_per_pack,
                price=format_fen(line.pack_price_fen),
                amount=format_fen(line.line_total_fen),
            )
        )
    out.append("")
    out.extend(f"{caption}: {format_fen(fen)}" for caption, fen in _total_rows(doc))
    if doc.note:
        out.append(f"{lab['note']}: {doc.note}")
    return "\n".join(out) + "\n"
