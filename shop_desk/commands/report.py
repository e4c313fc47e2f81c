"""shop-desk report | labels | receipt

shop-desk report NAME [--from DATE] [--to DATE] [--by day|week|month] [--days N]
                 [--limit N] [--rank revenue|units|profit] [--json | --xlsx FILE]
    NAME: sales, top-sellers, slow-movers, stock-value, margin-products,
          margin-categories, stockouts, purchases, or all (with --xlsx, a sheet each)
shop-desk labels --out FILE.pdf [--template a4-3x8] [--copies N] [--skip N] [PRODUCT ...]
    PRODUCT: a barcode or short code; --category C adds a category's products
shop-desk receipt --out FILE.pdf [--sale N] [--width 58|80]   (default: the last sale)
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from shop_desk.errors import InputError
from shop_desk.i18n import tr

# The names without importing the reports (and SQLAlchemy): the window's start-up builds this
# parser too. A test keeps the list equal to shop_desk.reports.REPORTS.
REPORT_NAMES = (
    "sales",
    "top-sellers",
    "slow-movers",
    "stock-value",
    "margin-products",
    "margin-categories",
    "stockouts",
    "purchases",
)


def add_parsers(sub) -> None:
    report = sub.add_parser("report", help=tr("print a report, or save it as an Excel file"))
    report.add_argument("name", help=", ".join([*REPORT_NAMES, "all"]))
    report.add_argument("--from", dest="first", default=None, help=tr("first day, 2026-01-31"))
    report.add_argument("--to", dest="last", default=None, help=tr("last day (default today)"))
    report.add_argument("--by", choices=("day", "week", "month"), default="day")
    report.add_argument("--days", type=int, default=30, help=tr("slow movers: days without a sale"))
    report.add_argument("--limit", type=int, default=None, help=tr("at most this many rows"))
    report.add_argument("--rank", choices=("revenue", "units", "profit"), default="revenue")
    output = report.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help=tr("print JSON"))
    output.add_argument("--xlsx", type=Path, default=None, help=tr("save as an Excel file"))
    labels = sub.add_parser("labels", help=tr("shelf labels as a PDF"))
    labels.add_argument("products", nargs="*", help=tr("barcodes or short codes"))
    labels.add_argument("--out", type=Path, required=True, help=tr("PDF file to write"))
    labels.add_argument("--template", default="a4-3x8", help=tr("label sheet or label size"))
    labels.add_argument(
        "--category", action="append", default=[], help=tr("every product of a category")
    )
    labels.add_argument("--copies", type=int, default=1, help=tr("labels per product"))
    labels.add_argument("--skip", type=int, default=0, help=tr("labels already used on the sheet"))
    receipt = sub.add_parser("receipt", help=tr("a sale's receipt as a PDF"))
    receipt.add_argument("--out", type=Path, required=True, help=tr("PDF file to write"))
    receipt.add_argument(
        "--sale", type=int, default=None, help=tr("sale number (default the last)")
    )
    receipt.add_argument(
        "--width", type=int, choices=(58, 80), default=58, help=tr("paper width, mm")
    )


def _params(args):
    from shop_desk.reports import Grain, Rank, ReportParams, period_from, today
    from shop_desk.reports.periods import parse_day

    now = today()
    grain = Grain(args.by)
    first = parse_day(args.first) if args.first else None
    last = parse_day(args.last) if args.last else None
    period = period_from(first, last, grain, now)
    return ReportParams(period, grain, args.days, args.limit, Rank(args.rank), now)


def cmd_report(args, folder: Path) -> int:
    from shop_desk.cli import _open, out
    from shop_desk.reports import REPORTS, run_report

    params = _params(args)
    names = list(REPORTS) if args.name == "all" else [args.name]
    db = _open(args, folder)
    with db.read() as session:
        tables = [run_report(session, name, params) for name in names]
    if args.xlsx:
        from shop_desk.reports.xlsx import write_xlsx

        write_xlsx(args.xlsx, tables)
        out(tr("Saved {n} report(s) to {file}.", n=len(tables), file=args.xlsx))
        return 0
    if args.json:
        data = [t.as_json() for t in tables]
        out(json.dumps(data[0] if len(data) == 1 else data, ensure_ascii=False, indent=1))
        return 0
    for table in tables:
        for line in text_lines(table):
            out(line)
        out()
    return 0


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    space = " " * max(width - _width(text), 0)
    return space + text if right else text + space


def text_lines(table) -> list[str]:
    """A report as aligned plain text (Chinese characters count two columns)."""
    from shop_desk.reports.table import Kind, display

    kinds = [c.kind for c in table.columns]
    body = [[display(k, v) for k, v in zip(kinds, row, strict=True)] for row in table.rows]
    totals = (
        [display(k, v) for k, v in zip(kinds, table.totals, strict=True)] if table.totals else None
    )
    header = [c.title for c in table.columns]
    every = [header, *body, *([totals] if totals else [])]
    widths = [max(_width(r[i]) for r in every) for i in range(len(header))]
    right = [k not in (Kind.TEXT, Kind.DATE) for k in kinds]

    def line(cells: list[str]) -> str:
        return "  ".join(
            _pad(c, w, r) for c, w, r in zip(cells, widths, right, strict=True)
        ).rstrip()

    lines = [table.title]
    if table.first and table.last:
        lines.append(tr("Period: {period}", period=f"{table.first} ~ {table.last}"))
    lines += [line(header), "  ".join("-" * w for w in widths)]
    lines += [line(r) for r in body]
    if totals:
        lines += ["  ".join("-" * w for w in widths), line(totals)]
    lines += table.notes
    return lines


def cmd_labels(args, folder: Path) -> int:
    from shop_desk.cli import _open, out
    from shop_desk.documents.label_templates import template_by_name
    from shop_desk.documents.labels import find_label_products

    template = template_by_name(args.template)
    if not args.products and not args.category:
        raise InputError(tr("Name the products: barcodes, short codes or --category."))
    db = _open(args, folder)
    with db.read() as session:
        items = find_label_products(session, args.products, args.category)
    from shop_desk.gui.printing.labels import write_labels_pdf
    from shop_desk.gui.printing.output import offscreen_app

    offscreen_app()
    pages = write_labels_pdf(args.out, items, template, copies=args.copies, skip=args.skip)
    out(
        tr(
            "{n} labels on {pages} page(s) written to {file}.",
            n=len(items) * max(args.copies, 1),
            pages=pages,
            file=args.out,
        )
    )
    return 0


def cmd_receipt(args, folder: Path) -> int:
    from shop_desk.cli import _open, out
    from shop_desk.documents.receipts import load_receipt
    from shop_desk.settings import load_settings

    db = _open(args, folder)
    with db.read() as session:
        receipt = load_receipt(session, args.sale, load_settings(session))
    from shop_desk.gui.printing.output import offscreen_app
    from shop_desk.gui.printing.receipt import write_receipt_pdf

    offscreen_app()
    write_receipt_pdf(args.out, receipt, args.width)
    out(tr("Receipt of sale {id} written to {file}.", id=receipt.sale_id, file=args.out))
    return 0


COMMANDS = {"report": cmd_report, "labels": cmd_labels, "receipt": cmd_receipt}
