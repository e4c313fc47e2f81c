"""shop-desk orders list|show|export|submit|receive|send|cancel

shop-desk orders list [--status S] [--json]       newest first
shop-desk orders show N [--json]                  one order with its lines
shop-desk orders export N [--format pdf|xlsx|txt] [--out FILE]   (txt without --out: printed)
shop-desk orders submit N                         to the supplier's orders_url (safe to repeat)
shop-desk orders receive N (--all | --line SKU=UNITS[@PRICE] ...) [--allow-over]
                                                  UNITS in the shop's units, PRICE per pack
shop-desk orders send N                           mark as sent (passed on by hand)
shop-desk orders cancel N
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from shop_desk.errors import InputError
from shop_desk.i18n import tr
from shop_desk.money import format_fen, parse_fen

_LINE = re.compile(r"^(?P<sku>[^=]+)=(?P<units>\d+)(?:@(?P<price>.+))?$")


def add_parsers(sub) -> None:
    orders = sub.add_parser("orders", help=tr("purchase orders"))
    actions = orders.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help=tr("list purchase orders"))
    listing.add_argument("--status", default=None, help=tr("draft, sent, ..., or open"))
    listing.add_argument("--json", action="store_true", help=tr("print JSON"))
    show = actions.add_parser("show", help=tr("show one order with its lines"))
    show.add_argument("order", type=int)
    show.add_argument("--json", action="store_true", help=tr("print JSON"))
    export = actions.add_parser("export", help=tr("write an order as PDF, XLSX or text"))
    export.add_argument("order", type=int)
    export.add_argument("--format", choices=("pdf", "xlsx", "txt"), default=None)
    export.add_argument("--out", type=Path, default=None, help=tr("file to write"))
    submit = actions.add_parser("submit", help=tr("submit an order to the supplier"))
    submit.add_argument("order", type=int)
    receive = actions.add_parser("receive", help=tr("receive the goods of an order"))
    receive.add_argument("order", type=int)
    receive.add_argument("--all", action="store_true", help=tr("everything still to come"))
    receive.add_argument(
        "--line",
        action="append",
        default=[],
        metavar="SKU=UNITS[@PRICE]",
        help=tr("units that arrived, and the price per pack if it changed"),
    )
    receive.add_argument(
        "--allow-over", action="store_true", help=tr("accept more than was ordered")
    )
    for name, help_text in (
        ("send", tr("mark an order as sent")),
        ("cancel", tr("cancel an order")),
    ):
        action = actions.add_parser(name, help=help_text)
        action.add_argument("order", type=int)


def cmd_orders(args, folder: Path) -> int:
    from shop_desk.cli import _open

    db = _open(args, folder)
    handler = {
        "list": _list,
        "show": _show,
        "export": _export,
        "submit": _submit,
        "receive": _receive,
        "send": _send,
        "cancel": _cancel,
    }[args.action]
    return handler(db, args)


def _list(db, args) -> int:
    from shop_desk.cli import out
    from shop_desk.purchasing.orders import list_orders, status_label

    with db.session(write=False) as session:
        rows = list_orders(session, args.status)
    if args.json:
        out(json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=1))
        return 0
    for r in rows:
        due = r.due.isoformat() if r.due else ""
        out(
            f"{r.ref}  {status_label(r.status):<10} {format_fen(r.total_fen):>12}  "
            f"{r.lines:>3}  {due:<10}  {r.supplier}"
        )
    out(tr("{n} orders", n=len(rows)))
    return 0


def _order_json(order) -> dict:
    from shop_desk.purchasing.orders import due_date, order_ref

    def stamp(value):
        return value.isoformat() + "Z" if value else None

    due = due_date(order)
    return {
        "id": order.id,
        "ref": order_ref(order.id),
        "uuid": order.uuid,
        "supplier": order.supplier_name,
        "supplier_id": order.supplier_id,
        "status": order.status,
        "created_at": stamp(order.created_at),
        "sent_at": stamp(order.sent_at),
        "received_at": stamp(order.received_at),
        "due": due.isoformat() if due else None,
        "member_tier": order.member_tier,
        "discount_bp": order.discount_bp,
        "subtotal_fen": order.subtotal_fen,
        "discount_fen": order.discount_fen,
        "shipping_fen": order.shipping_fen,
        "total_fen": order.total_fen,
        "remote_order_id": order.remote_order_id,
        "remote_status": order.remote_status,
        "note": order.note,
        "lines": [
            {
                "id": x.id,
                "product_id": x.product_id,
                "sku": x.sku,
                "name": x.name,
                "packs": x.packs,
                "units_per_pack": x.units_per_pack,
                "pack_price_fen": x.pack_price_fen,
                "line_total_fen": x.line_total_fen,
                "received_units": x.received_units,
                "received_value_fen": x.received_value_fen,
                "outstanding_units": x.outstanding_units,
            }
            for x in order.lines
        ],
    }


def _show(db, args) -> int:
    from shop_desk.cli import out
    from shop_desk.purchasing.export import order_document, order_text
    from shop_desk.purchasing.orders import get_order, order_warnings, status_label

    with db.session(write=False) as session:
        order = get_order(session, args.order)
        data = _order_json(order)
        warnings = order_warnings(session, order)
        document = order_document(session, args.order)
    if args.json:
        data["warnings"] = warnings
        out(json.dumps(data, ensure_ascii=False, indent=1))
        return 0
    out(order_text(document).rstrip())
    out(tr("Status: {status}", status=status_label(data["status"])))
    if data["remote_order_id"]:
        out(
            tr(
                "Supplier's order {id}: {status}",
                id=data["remote_order_id"],
                status=data["remote_status"],
            )
        )
    for line in data["lines"]:
        if line["received_units"]:
            out(
                tr(
                    "{sku}: received {received} of {ordered}",
                    sku=line["sku"],
                    received=line["received_units"],
                    ordered=line["packs"] * line["units_per_pack"],
                )
            )
    for warning in warnings:
        out("! " + warning)
    return 0


def _export(db, args) -> int:
    from shop_desk.cli import out
    from shop_desk.purchasing.export import order_document, order_text, write_document

    fmt = args.format or (args.out.suffix.lower().lstrip(".") if args.out else "txt")
    if fmt not in ("pdf", "xlsx", "txt"):
        raise InputError(tr("Export to a file ending in .pdf, .xlsx or .txt."))
    with db.session(write=False) as session:
        document = order_document(session, args.order)
    if args.out is None:
        if fmt != "txt":
            raise InputError(tr("Name the file to write with --out."))
        out(order_text(document).rstrip())
        return 0
    if fmt == "pdf":
        from shop_desk.gui.printing.output import offscreen_app
        from shop_desk.gui.printing.purchase_order import write_pdf

        offscreen_app()
        write_pdf(document, args.out)
    else:
        write_document(document, args.out, fmt)
    out(tr("Written: {file}", file=args.out))
    return 0


def _submit(db, args) -> int:
    from shop_desk.cli import out
    from shop_desk.purchasing.orders import order_ref
    from shop_desk.purchasing.submit import submit_order

    order, answer = submit_order(db, args.order)
    out(
        tr(
            "{ref} is with the supplier as order {id} ({status}).",
            ref=order_ref(order.id),
            id=answer.order_id,
            status=answer.status,
        )
    )
    if answer.total_fen is not None and answer.total_fen != order.total_fen:
        out(
            tr(
                "The supplier's total is {theirs}; this order's total is {ours}.",
                theirs=format_fen(answer.total_fen),
                ours=format_fen(order.total_fen),
            )
        )
    return 0


def parse_line(text: str) -> tuple[str, int, int | None]:
    """ "A1=48@49.00" -> ("A1", 48, 4900)."""
    match = _LINE.match(text.strip())
    if not match:
        raise InputError(
            tr("Write a received line as SKU=UNITS or SKU=UNITS@PRICE, not {text}.", text=text)
        )
    price = parse_fen(match["price"]) if match["price"] else None
    return match["sku"].strip(), int(match["units"]), price


def _receive(db, args) -> int:
    from shop_desk.cli import out
    from shop_desk.purchasing.orders import get_order, order_ref, status_label
    from shop_desk.purchasing.receiving import lines_by_sku, outstanding, receive_order

    if args.all == bool(args.line):
        raise InputError(tr("Say what arrived: --all, or one --line SKU=UNITS per item."))
    wanted: dict[str, tuple[int, int | None]] = {}
    for text in args.line:
        sku, units, price = parse_line(text)
        wanted[sku] = (units, price)
    with db.session() as session:
        order = get_order(session, args.order)
        lines = outstanding(order) if args.all else lines_by_sku(order, wanted)
        if not lines:
            raise InputError(tr("{ref}: nothing is still to come.", ref=order_ref(order.id)))
        result = receive_order(session, args.order, lines, allow_over=args.allow_over)
    out(
        tr(
            "Received {units} units worth {value}; {ref} is now {status}.",
            units=result.units,
            value=format_fen(result.value_fen),
            ref=order_ref(result.order_id),
            status=status_label(result.status),
        )
    )
    return 0


def _send(db, args) -> int:
    from shop_desk.cli import out
    from shop_desk.purchasing.orders import mark_sent, order_ref

    with db.session() as session:
        order = mark_sent(session, args.order)
        total = order.total_fen
    out(tr("{ref} is sent ({total}).", ref=order_ref(args.order), total=format_fen(total)))
    return 0


def _cancel(db, args) -> int:
    from shop_desk.cli import out
    from shop_desk.purchasing.orders import cancel_order, order_ref

    with db.session() as session:
        cancel_order(session, args.order)
    out(tr("{ref} is cancelled.", ref=order_ref(args.order)))
    return 0
