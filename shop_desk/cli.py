"""Headless commands over the same services the window uses.

shop-desk                      open the window (the embedded SQLite shop)
shop-desk --demo               open the demo shop (generated on first use)
shop-desk --self-test          start the real window offscreen, sell once, exit 0
shop-desk products import F    import products from CSV/XLSX (preview, then all-or-nothing)
shop-desk products export F    export products to CSV/XLSX
shop-desk sales import F       import daily sales history from another till
shop-desk stock [--json]       on hand, cost and value per product
shop-desk check [--repair]     recompute every cache from the ledger; integrity check
shop-desk backup [--to DIR]    back up the database now
shop-desk restore FILE         restore a backup (the current data is backed up first)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from shop_desk import __version__, i18n, paths
from shop_desk.errors import ShopDeskError
from shop_desk.i18n import tr


def out(text: str = "") -> None:
    """Print where there is a console (a windowed exe has sys.stdout = None)."""
    if sys.stdout is not None:
        try:
            sys.stdout.write(text + "\n")
        except UnicodeEncodeError:  # a legacy Windows console code page
            sys.stdout.write(text.encode("ascii", "replace").decode() + "\n")
        sys.stdout.flush()


def err(text: str) -> None:
    if sys.stderr is not None:
        sys.stderr.write(text + "\n")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="shop-desk", description=tr("Shop Desk: stock, counter sales and reordering.")
    )
    parser.add_argument("--version", action="version", version=f"shop-desk {__version__}")
    parser.add_argument("--demo", action="store_true", help=tr("open the demo shop"))
    parser.add_argument(
        "--self-test", action="store_true", help=tr("start offscreen, sell once and exit")
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("SHOP_DESK_DATABASE_URL"),
        help=tr("SQLAlchemy URL of a shared database (default: the local SQLite file)"),
    )
    sub = parser.add_subparsers(dest="command")
    products = sub.add_parser("products", help=tr("import or export products"))
    products_sub = products.add_subparsers(dest="action", required=True)
    p_import = products_sub.add_parser("import", help=tr("import products from CSV or XLSX"))
    p_import.add_argument("file", type=Path)
    p_import.add_argument("--dry-run", action="store_true", help=tr("only show the preview"))
    p_export = products_sub.add_parser("export", help=tr("export products to CSV or XLSX"))
    p_export.add_argument("file", type=Path)
    sales = sub.add_parser("sales", help=tr("import daily sales history"))
    sales_sub = sales.add_subparsers(dest="action", required=True)
    s_import = sales_sub.add_parser("import", help=tr("import daily sales from CSV or XLSX"))
    s_import.add_argument("file", type=Path)
    s_import.add_argument("--dry-run", action="store_true", help=tr("only show the preview"))
    stock = sub.add_parser("stock", help=tr("list stock on hand"))
    stock.add_argument("--json", action="store_true", help=tr("print JSON"))
    stock.add_argument("--low", action="store_true", help=tr("only low stock"))
    check = sub.add_parser("check", help=tr("verify the ledger and the database"))
    check.add_argument("--repair", action="store_true", help=tr("rewrite caches from the ledger"))
    backup = sub.add_parser("backup", help=tr("back up the database now"))
    backup.add_argument("--to", type=Path, help=tr("backup folder"))
    restore = sub.add_parser("restore", help=tr("restore a backup"))
    restore.add_argument("file", type=Path)
    return parser


def run(argv: list[str] | None = None) -> int:
    i18n.set_language(i18n.resolve_language(os.environ.get("SHOP_DESK_LANGUAGE")))
    args = build_parser().parse_args(argv)
    if args.self_test:
        from shop_desk.gui.app import self_test

        return self_test()
    folder = paths.demo_dir() if args.demo else paths.data_dir()
    from shop_desk.logs import setup_logging

    setup_logging(folder, console=args.command is not None)
    if args.command is None:
        from shop_desk.gui.app import run_gui

        return run_gui(args.database_url, folder, args.demo)
    handler = COMMANDS[args.command]
    try:
        return handler(args, folder)
    except ShopDeskError as exc:
        err(tr("Error: {message}", message=str(exc)))
        return 1


def _open(args, folder: Path):
    from shop_desk.db.engine import open_database

    return open_database(url=args.database_url, folder=folder)


def cmd_products(args, folder: Path) -> int:
    from shop_desk.importing import apply_products, export_products, preview_products

    db = _open(args, folder)
    if args.action == "export":
        with db.session(write=False) as session:
            count = export_products(session, args.file)
        out(tr("Exported {n} products to {file}.", n=count, file=args.file))
        return 0
    preview = preview_products(args.file)
    return _apply_preview(db, preview, apply_products, args.dry_run)


def cmd_sales(args, folder: Path) -> int:
    from shop_desk.importing import apply_sales, preview_sales

    db = _open(args, folder)
    return _apply_preview(db, preview_sales(args.file), apply_sales, args.dry_run)


def _apply_preview(db, preview, apply: Callable, dry_run: bool) -> int:
    out(preview.summary())
    for error in preview.errors:
        err(str(error))
    if preview.errors:
        err(tr("Nothing was imported: fix the rows above and run the import again."))
        return 1
    if dry_run:
        return 0
    with db.session() as session:
        result = apply(session, preview)
    out(str(result))
    return 0


def cmd_stock(args, folder: Path) -> int:
    from sqlalchemy import select

    from shop_desk.db.models import Product
    from shop_desk.inventory.products import average_cost_fen
    from shop_desk.inventory.stock import low_stock_condition
    from shop_desk.money import format_fen

    db = _open(args, folder)
    with db.session(write=False) as session:
        stmt = select(Product).where(Product.active.is_(True)).order_by(Product.name)
        if args.low:
            stmt = stmt.where(low_stock_condition())
        rows = [
            {
                "id": p.id,
                "name": p.name,
                "category": p.category,
                "on_hand": p.on_hand,
                "avg_cost_fen": average_cost_fen(p),
                "stock_value_fen": p.stock_value_fen,
                "retail_price_fen": p.retail_price_fen,
                "low": p.on_hand <= max(p.min_display_qty, 0),
            }
            for p in session.scalars(stmt)
        ]
    if args.json:
        out(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    for row in rows:
        flag = " !" if row["low"] else ""
        out(f"{row['on_hand']:>8}  {format_fen(row['stock_value_fen']):>14}  {row['name']}{flag}")
    total = sum(r["stock_value_fen"] for r in rows)
    out(tr("{n} products, stock value {value}", n=len(rows), value=format_fen(total)))
    return 0


def cmd_check(args, folder: Path) -> int:
    from shop_desk.inventory.check import check_database

    db = _open(args, folder)
    with db.session() as session:
        report = check_database(session, repair=args.repair)
    for problem in report.problems[:200]:
        out(problem)
    out(tr("Database integrity: {result}", result=report.integrity))
    out(
        tr(
            "{moves} stock moves checked, {problems} differences found.",
            moves=report.moves,
            problems=len(report.problems),
        )
    )
    if report.problems and args.repair:
        out(tr("The caches were rewritten from the ledger."))
        return 0 if report.integrity == "ok" else 1
    return 0 if report.ok else 1


def cmd_backup(args, folder: Path) -> int:
    from shop_desk.backup import backup_now

    db = _open(args, folder)
    path = backup_now(db, args.to)
    out(tr("Backup written: {path}", path=path))
    return 0


def cmd_restore(args, folder: Path) -> int:
    from shop_desk.backup import restore

    db = _open(args, folder)
    safety = restore(db, args.file)
    out(
        tr(
            "Restored {file}. The data before the restore is kept in {safety}.",
            file=args.file,
            safety=safety,
        )
    )
    return 0


COMMANDS: dict[str, Callable] = {
    "products": cmd_products,
    "sales": cmd_sales,
    "stock": cmd_stock,
    "check": cmd_check,
    "backup": cmd_backup,
    "restore": cmd_restore,
}
