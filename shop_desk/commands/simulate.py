"""`shop-desk simulate SHOP_FOLDER`: judge a reorder policy on a shop's real demand.

Heavy imports (NumPy, the simulator) happen in the handler, so the CLI starts fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from shop_desk.i18n import tr

WORST_SHOWN = 5


def add_parsers(sub) -> None:
    simulate = sub.add_parser(
        "simulate", help=tr("replay a shop folder's demand through a reorder policy")
    )
    simulate.add_argument("shop_folder", type=Path)
    simulate.add_argument(
        "--policy", default="shopdesk", metavar="shopdesk|minmax", help=tr("reorder policy")
    )
    simulate.add_argument(
        "--review-days", type=int, default=7, help=tr("days between reviews (default 7)")
    )
    simulate.add_argument(
        "--warmup-days",
        type=int,
        default=56,
        help=tr("first days used as history only (default 56)"),
    )
    simulate.add_argument("--json", action="store_true", help=tr("print JSON"))


def cmd_simulate(args, folder: Path) -> int:
    from shop_desk.cli import out
    from shop_desk.simulate import load_shop, make_policy, simulate

    policy = make_policy(args.policy)
    shop = load_shop(args.shop_folder)
    result = simulate(
        shop,
        policy,
        review_days=args.review_days,
        warmup_days=args.warmup_days,
        progress=_show_progress,
    )
    if args.json:
        out(json.dumps(result.as_json(), ensure_ascii=False, indent=1))
    else:
        for line in summary_lines(result):
            out(line)
    return 0


def _show_progress(done: int, total: int) -> None:
    """A progress line on a terminal only (never in a pipe or a windowed exe)."""
    if sys.stderr is None or not sys.stderr.isatty():
        return
    sys.stderr.write("\r" + tr("Simulated {done} of {total} days", done=done, total=total))
    sys.stderr.write("\n" if done == total else "")
    sys.stderr.flush()


def summary_lines(result) -> list[str]:
    from shop_desk.money import format_fen

    t = result.totals()
    lines = [
        tr(
            "Policy {policy}, a review every {review} days, {days} days from {first}, "
            "{products} products.",
            policy=result.policy,
            review=result.review_days,
            days=result.days,
            first=result.first_day.isoformat(),
            products=len(result.product_ids),
        ),
        tr(
            "Fill rate {fill:.2%}: {lost} units lost on {days} product-days out of stock.",
            fill=t["fill_rate"],
            lost=t["lost_units"],
            days=t["stockout_product_days"],
        ),
        tr(
            "Revenue {revenue}, lost margin {lost}.",
            revenue=format_fen(t["revenue_fen"]),
            lost=format_fen(t["lost_margin_fen"]),
        ),
        tr(
            "Purchases {purchase} in {orders} orders ({lines} lines), shipping {shipping}.",
            purchase=format_fen(t["purchase_fen"]),
            orders=t["orders"],
            lines=t["order_lines"],
            shipping=format_fen(t["shipping_fen"]),
        ),
        tr(
            "Average stock value {stock}, holding cost {holding}, written off {expired}.",
            stock=format_fen(t["avg_stock_value_fen"]),
            holding=format_fen(t["holding_fen"]),
            expired=format_fen(t["expired_fen"]),
        ),
        tr("Profit {profit}.", profit=format_fen(t["profit_fen"])),
    ]
    worst = sorted(result.per_product(), key=lambda p: -p["lost_margin_fen"])[:WORST_SHOWN]
    worst = [p for p in worst if p["lost_margin_fen"] > 0]
    if worst:
        lines.append(tr("Most margin lost:"))
        lines += [
            tr(
                "  {name}: fill {fill:.1%}, lost margin {lost}",
                name=_label(p),
                fill=p["fill_rate"],
                lost=format_fen(p["lost_margin_fen"]),
            )
            for p in worst
        ]
    return lines


def _label(row: dict) -> str:
    """The name, with the id when they differ (the same item may be sold in several stores)."""
    if row["name"] == row["product_id"]:
        return row["name"]
    return f"{row['product_id']} {row['name']}"
