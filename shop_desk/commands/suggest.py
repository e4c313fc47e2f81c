"""shop-desk suggest [--budget FEN] [--json] [--refit] [--create-orders]

What to order today, from the shop's own history, stock, open orders and linked offers:
the same code as the Reorder page. --refit redoes the per-product forecast back-test
first (a background job in the window); --create-orders turns the list into draft
purchase orders, one per supplier.
"""

from __future__ import annotations

import json
from pathlib import Path

from shop_desk.i18n import tr
from shop_desk.money import format_fen, parse_fen


def add_parsers(sub) -> None:
    suggest = sub.add_parser("suggest", help=tr("what to order today"))
    suggest.add_argument(
        "--budget", default=None, help=tr("cash for today's orders, e.g. 500 or 500.00 (yuan)")
    )
    suggest.add_argument("--json", action="store_true", help=tr("print JSON"))
    suggest.add_argument(
        "--refit", action="store_true", help=tr("redo the forecast back-test first")
    )
    suggest.add_argument(
        "--create-orders", action="store_true", help=tr("create draft purchase orders")
    )


def cmd_suggest(args, folder: Path) -> int:
    from shop_desk.cli import _open, out
    from shop_desk.reorder import service
    from shop_desk.reorder.draft import ReorderDraft

    budget = parse_fen(args.budget) if args.budget else None
    db = _open(args, folder)
    if args.refit:
        service.refit(db)
    state, suggestions = service.suggest_today(db, budget_fen=budget)
    draft = ReorderDraft.from_suggestions(state, suggestions)
    if args.json:
        out(json.dumps(suggestions.to_dict(), ensure_ascii=False, indent=1))
    else:
        _print(draft, out)
    if args.create_orders and draft.lines:
        ids = service.create_orders(db, draft.order_lines())
        out(tr("Draft purchase orders created: {ids}", ids=", ".join(map(str, ids))))
    return 0


def _print(draft, out) -> None:
    if not draft.lines:
        out(tr("Nothing to order today."))
    for line in draft.lines:
        supplier = draft.suppliers[line.offer.supplier_id]
        out(
            tr(
                "{product}: {packs} x {pack_size} from {supplier}, {cost}",
                product=line.product_name,
                packs=line.packs,
                pack_size=line.offer.pack_size,
                supplier=supplier.name or supplier.supplier_id,
                cost=format_fen(line.line_cost_fen),
            )
        )
        out(f"    {line.reason}")
    for s in draft.summaries():
        out(
            tr(
                "{supplier}: total {total} (shipping {shipping})",
                supplier=s.supplier_name,
                total=format_fen(s.total_fen),
                shipping=format_fen(s.shipping_fen),
            )
        )
    for note in draft.notes:
        out(note)
