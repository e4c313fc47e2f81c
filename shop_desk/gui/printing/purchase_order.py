"""A purchase order as PDF: HTML laid out by QTextDocument, written by QPdfWriter.

Safe in a worker thread (QPainter on a QPdfWriter needs no GUI thread) and from the CLI,
which calls gui.printing.output.offscreen_app() first. Captions come from
shop_desk.purchasing.export.labels(), the same words as the XLSX and the WeChat text.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from shop_desk.errors import InputError
from shop_desk.i18n import tr
from shop_desk.money import format_fen
from shop_desk.purchasing.export import OrderDocument, discount_caption, labels

_STYLE = """
body { font-size: 10pt; }
h1 { font-size: 16pt; margin-bottom: 4px; }
table.lines { border-collapse: collapse; width: 100%; }
table.lines th { background: #e8eef7; border: 1px solid #9aa7b8; padding: 4px; }
table.lines td { border: 1px solid #9aa7b8; padding: 4px; }
td.num, th.num { text-align: right; }
table.totals td { padding: 2px 6px; }
"""


def order_html(doc: OrderDocument) -> str:
    lab = labels()
    e = escape
    head = [
        f"<h1>{e(lab['title'])} {e(doc.ref)}</h1>",
        "<table>",
        f"<tr><td><b>{e(lab['supplier'])}</b></td><td>{e(doc.supplier)}</td></tr>",
        f"<tr><td><b>{e(lab['date'])}</b></td><td>{e(doc.date)}</td></tr>",
        f"<tr><td><b>{e(lab['buyer'])}</b></td><td>{e(doc.shop_name)}</td></tr>",
        f"<tr><td><b>{e(lab['address'])}</b></td><td>{e(doc.shop_address)}</td></tr>",
        f"<tr><td><b>{e(lab['phone'])}</b></td><td>{e(doc.shop_phone)}</td></tr>",
    ]
    if doc.remote_order_id:
        head.append(f"<tr><td><b>{e(lab['remote'])}</b></td><td>{e(doc.remote_order_id)}</td></tr>")
    head.append("</table><br/>")
    cols = ("sku", "name", "packs", "pack_size", "price", "amount")
    numeric = {"packs", "pack_size", "price", "amount"}
    header = "".join(f"<th class='{'num' if c in numeric else ''}'>{e(lab[c])}</th>" for c in cols)
    rows = [
        "<tr>"
        f"<td>{e(x.sku)}</td><td>{e(x.name)}</td>"
        f"<td class='num'>{x.packs} {e(x.pack_name)}</td>"
        f"<td class='num'>{x.units_per_pack}</td>"
        f"<td class='num'>{format_fen(x.pack_price_fen)}</td>"
        f"<td class='num'>{format_fen(x.line_total_fen)}</td>"
        "</tr>"
        for x in doc.lines
    ]
    totals = [(lab["subtotal"], doc.subtotal_fen)]
    if doc.discount_fen:
        totals.append((discount_caption(doc), -doc.discount_fen))
    totals += [(lab["shipping"], doc.shipping_fen), (lab["total"], doc.total_fen)]
    total_rows = "".join(
        f"<tr><td>{e(caption)}</td><td class='num'><b>{format_fen(fen)}</b></td></tr>"
        for caption, fen in totals
    )
    note = f"<p><b>{e(lab['note'])}</b>: {e(doc.note)}</p>" if doc.note else ""
    return (
        f"<html><head><style>{_STYLE}</style></head><body>{''.join(head)}"
        "<table class='lines' width='100%' cellspacing='0' cellpadding='4'>"
        f"<tr>{header}</tr>{''.join(rows)}</table><br/>"
        f"<table class='totals' align='right'>{total_rows}</table>{note}</body></html>"
    )


def write_pdf(doc: OrderDocument, path: Path) -> None:
    """Lay the order out on A4 and write it to path."""
    path = Path(path)
    try:
        with open(path, "wb"):
            pass  # a clear message for a folder that cannot be written, before Qt tries
    except OSError as exc:
        raise InputError(
            tr("Cannot write {file}: {error}", file=path, error=exc.strerror or exc)
        ) from None
    writer = QPdfWriter(str(path))
    writer.setTitle(f"{labels()['title']} {doc.ref}")
    writer.setCreator("Shop Desk")
    writer.setResolution(300)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(15, 15, 15, 15),
            QPageLayout.Unit.Millimeter,
        )
    )
    text = QTextDocument()
    font = QFont()
    font.setPointSize(10)
    text.setDefaultFont(font)
    text.setHtml(order_html(doc))
    text.print_(writer)
    del writer  # the file is finished when the writer goes
