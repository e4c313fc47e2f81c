"""Headless commands over the same services the window uses.

shop-desk                      open the window (the embedded SQLite shop)
shop-desk --demo               open the demo shop (generated on first use)
shop-desk --self-test          start the real window offscreen, sell once, sync a catalog, exit 0
shop-desk products import F    import products from CSV/XLSX (preview, then all-or-nothing)
shop-desk products export F    export products to CSV/XLSX
shop-desk sales import F       import daily sales history from another till
shop-desk stock [--json]       on hand, cost and value per product
shop-desk check [--repair] [--full]  recompute every cache from the ledger; integrity check
shop-desk backup [--to DIR]    back up the database now
shop-desk restore FILE         restore a backup (the current data is backed up first)
shop-desk simulate FOLDER      replay a shop folder through a reorder policy (SIMULATION.md)
shop-desk suggest              what to order today [--budget YUAN] [--json] [--create-orders]
shop-desk orders ...           purchase orders: list, show, export, submit, receive
shop-desk report NAME ...      sales, margins, stock value... as text, JSON or Excel
shop-desk labels / receipt     shelf labels or a sale's receipt as PDF
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from shop_desk import __version__, i18n, paths
from shop_desk.commands import orders as orders_commands
from shop_desk.commands import report as report_commands
from shop_desk.commands import simulate as simulate_command
from shop_desk.commands import suggest as suggest_command
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
    check.add_argument("--full", action="store_true", help=tr("also check every index (slow)"))
    backup = sub.add_parser("backup", help=tr("back up the database now"))
    backup.add_argument("--to", type=Path, help=tr("backup folder"))
    restore = sub.add_parser("restore", help=tr("restore a backup"))
    restore.add_argument("file", type=Path)
    _catalog_parsers(sub)
    simulate_command.add_parsers(sub)
    suggest_command.add_parsers(sub)
    orders_commands.add_parsers(sub)
    report_commands.add_parsers(sub)
    return parser


def _catalog_parsers(sub) -> None:
    sources = sub.add_parser("sources", help=tr("wholesale catalog sources"))
    sources_sub = sources.add_subparsers(dest="action", required=True)
    add = sources_sub.add_parser("add", help=tr("add a feed URL, a feed folder or a price list"))
    add.add_argument("location")
    add.add_argument("--name", default="", help=tr("a name for the source"))
    add.add_argument("--token", default=None, help=tr("access token the supplier gave you"))
    listing = sources_sub.add_parser("list", help=tr("list sources"))
    listing.add_argument("--json", action="store_true", help=tr("print JSON"))
    remove = sources_sub.add_parser("remove", help=tr("remove a source and its offers"))
    remove.add_argument("source")
    sync = sub.add_parser("sync", help=tr("update the local copy of the catalogs"))
    sync.add_argument("source", nargs="?", help=tr("one source (name or id); default all"))
    offers = sub.add_parser("offers", help=tr("list offers of the local copy"))
    offers.add_argument("query", nargs="?", default="")
    offers.add_argument("--json", action="store_true", help=tr("print JSON"))
    offers.add_argument("--limit", type=int, default=50)
    catalog = sub.add_parser("catalog", help=tr("publish a catalog feed"))
    catalog_sub = catalog.add_subparsers(dest="action", required=True)
    publish = catalog_sub.add_parser("publish", help=tr("turn a price list into a feed folder"))
    publish.add_argument("price_list", type=Path)
    publish.add_argument("out_dir", type=Path)
    publish.add_argument(
        "--supplier",
        type=Path,
        default=None,
        help=tr("supplier details (JSON or TOML); default: beside the list"),
    )
    publish.add_argument("--snapshot-every", type=int, default=20)
    publish.add_argument("--retention", type=int, default=200)


def run(argv: list[str] | None = None) -> int:
    i18n.set_language(i18n.resolve_language(os.environ.get("SHOP_DESK_LANGUAGE")))
    args = build_parser().parse_args(argv)
    if args.self_test:
        from shop_desk.gui.app import self_test

        return self_test()
    folder = paths.demo_dir() if args.demo else paths.data_dir()
    if not args.database_url and not args.demo:  # this PC's choice (Settings > Database)
        from shop_desk.local_config import stored_database_url

        args.database_url = stored_database_url(folder)
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

    db = open_database(url=args.database_url, folder=folder)
    if getattr(args, "demo", False):
        _ensure_demo(db)
    return db


def _ensure_demo(db) -> None:
    """`shop-desk --demo COMMAND` works on the demo shop, generated first if it is empty (as
    the window does), with the same progress line as a sync."""
    from shop_desk.demo import ensure_demo
    from shop_desk.progress import run_job

    try:
        if run_job(ensure_demo(db), _progress_line(tr("Demo shop"))):
            _end_progress_line()
            out(tr("The demo shop is ready."))
    except BaseException:
        _end_progress_line()
        raise


def cmd_products(args, folder: Path) -> int:
    from shop_desk.importing import apply_products, export_products, preview_products

    db = _open(args, folder)
    if args.action == "export":
        with db.session(write=False) as session:
            count = export_products(session, args.file)
        out(tr("Exported {n} products to {file}.", n=count, file=args.file))
        return 0
    with db.session(write=False) as session:  # so the preview tells new from updated
        preview = preview_products(args.file, session=session)
    return _apply_preview(db, preview, apply_products, args.dry_run)


def cmd_sales(args, folder: Path) -> int:
    from shop_desk.importing import apply_sales, preview_sales

    db = _open(args, folder)
    with db.session(write=False) as session:  # so the preview names the days it replaces
        preview = preview_sales(args.file, session=session)
    return _apply_preview(db, preview, apply_sales, args.dry_run)


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
    from shop_desk.purchasing.receiving import check_received

    db = _open(args, folder)
    # Only a repair takes the write lock: a plain check reads a snapshot, the counter sells on.
    with db.session() if args.repair else db.read() as session:
        report = check_database(session, repair=args.repair, full=args.full)
        # Purchase order lines against their receipts: reported, never "repaired" (the
        # ledger is the truth and an order line's figure is only what the owner entered).
        report.problems.extend(check_received(session))
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
    from shop_desk.backup import make_backup

    db = _open(args, folder)
    result = make_backup(db, folder=args.to)
    if result.note:
        err(result.note)
    out(tr("Backup written: {path}", path=result.path))
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


def cmd_sources(args, folder: Path) -> int:
    from shop_desk.catalog.sources import add_source, list_sources, remove_source

    db = _open(args, folder)
    if args.action == "add":
        with db.session() as session:
            source = add_source(session, args.location, name=args.name, token=args.token)
            out(tr("Added source {name} ({kind}).", name=source.name, kind=source.kind))
        return 0
    if args.action == "remove":
        with db.session() as session:
            name = remove_source(session, args.source)
        out(tr("Removed source {name} and its offers.", name=name))
        return 0
    with db.session(write=False) as session:
        rows = list_sources(session)
    if args.json:
        out(json.dumps([_source_json(r) for r in rows], ensure_ascii=False, indent=1))
        return 0
    for r in rows:
        age = _age(r.last_success_at)
        out(f"{r.id:>3}  {r.name}  [{r.kind}]  {r.offers}  {age}  {r.last_error[:80]}")
    return 0


def _source_json(row) -> dict:
    data = dict(row.__dict__)
    data["last_success_at"] = row.last_success_at.isoformat() + "Z" if row.last_success_at else None
    return data


def _age(when) -> str:
    if when is None:
        return tr("never synced")
    from shop_desk.clock import utcnow

    hours = (utcnow() - when).total_seconds() / 3600
    if hours < 1:
        return tr("synced {n} min ago", n=int(hours * 60))
    if hours < 48:
        return tr("synced {n} h ago", n=int(hours))
    return tr("synced {n} days ago", n=int(hours / 24))


def cmd_sync(args, folder: Path) -> int:
    from sqlalchemy import select

    from shop_desk.catalog.sources import find_source
    from shop_desk.db.models import CatalogSource
    from shop_desk.progress import run_job

    db = _open(args, folder)
    with db.session(write=False) as session:
        if args.source:
            targets = [find_source(session, args.source)]
        else:
            targets = list(session.scalars(select(CatalogSource).where(CatalogSource.active)))
        targets = [(t.id, t.name, t.kind) for t in targets]
    failures = 0
    for source_id, name, kind in targets:
        try:
            outcome = run_job(_sync_job(db, source_id, kind), _progress_line(name))
        except ShopDeskError as exc:
            _end_progress_line()
            err(tr("{name}: {message}", name=name, message=str(exc)))
            failures += 1
            continue
        _end_progress_line()
        out(_outcome_line(name, outcome))
        for reject in outcome.rejected[:20]:
            err(f"  {reject['file']}:{reject['line']}: {reject['why']}")
        if outcome.status != "unchanged":
            from shop_desk.catalog.sync import tidy

            tidy(db, source_id)
    _index_if_unusable(db)
    return 1 if failures else 0


def _index_if_unusable(db) -> None:
    """A sync that found nothing new leaves the search index alone; after an update of the
    program changed its format, searches would scan until a window ran: build it here."""
    from shop_desk.catalog import search_index
    from shop_desk.catalog.sync import update_search_index

    if db.is_sqlite and not search_index.usable(search_index.shop_path(db)):
        err(tr("Building the offers' search index (once, after an update)…"))
        update_search_index(db)


def _sync_job(db, source_id: int, kind: str):
    if kind == "pricelist":
        from shop_desk.catalog.pricelist_source import sync_price_list

        return sync_price_list(db, source_id)
    from shop_desk.catalog.sync import sync_source

    return sync_source(db, source_id)


def _outcome_line(name: str, outcome) -> str:
    if outcome.status == "unchanged":
        return tr("{name}: up to date (sequence {seq}).", name=name, seq=outcome.to_sequence)
    return tr(
        "{name}: now at sequence {seq}: {upserts} offers added or changed, {deletes} removed, "
        "{prices} price changes, {links} new links, {rejected} records rejected.",
        name=name,
        seq=outcome.to_sequence,
        upserts=outcome.upserts,
        deletes=outcome.deletes,
        prices=outcome.price_changes,
        links=outcome.links,
        rejected=outcome.rejected_count,
    )


def _progress_line(name: str):
    def show(progress) -> None:
        if sys.stderr is None or not sys.stderr.isatty():
            return
        pct = f"{100 * progress.done // progress.total:3d}%" if progress.total else "   "
        sys.stderr.write(f"\r{name}: {pct} {progress.message}   ")
        sys.stderr.flush()

    return show


def _end_progress_line() -> None:
    if sys.stderr is not None and sys.stderr.isatty():
        sys.stderr.write("\n")


def cmd_offers(args, folder: Path) -> int:
    from shop_desk.catalog.offers import search_offers
    from shop_desk.money import format_fen

    db = _open(args, folder)
    with db.session(write=False) as session:
        rows = search_offers(session, args.query, limit=args.limit)
    if args.json:
        out(json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=1))
    else:
        for r in rows:
            tiers = " / ".join(f"{p}+:{format_fen(f)}" for p, f in r.tiers)
            out(f"{r.supplier}  {r.sku}  {r.name}  {r.pack_size}{r.pack_name}  {tiers}")
    _finish_index(db)
    return 0


def _finish_index(db) -> None:
    """A search that found the index unusable (missing, or of an older format) started
    building it in a thread: let it finish before the program ends."""
    from shop_desk.catalog import search_index

    if db.is_sqlite and search_index.rebuilding(shop := search_index.shop_path(db)):
        err(tr("Building the offers' search index (once, after an update)…"))
        search_index.wait_for_background(shop)


def cmd_catalog(args, folder: Path) -> int:
    from shop_desk.catalog.pricelist import publish_price_list

    result = publish_price_list(
        args.price_list,
        args.out_dir,
        supplier_file=args.supplier,
        snapshot_every=args.snapshot_every,
        retention=args.retention,
    )
    if not result.changed:
        out(tr("Nothing changed since sequence {seq}: nothing published.", seq=result.sequence))
    else:
        out(
            tr(
                "Published sequence {seq}: {upserts} added or changed, {deletes} removed.",
                seq=result.sequence,
                upserts=result.upserts,
                deletes=result.deletes,
            )
        )
    return 0


COMMANDS: dict[str, Callable] = {
    "sources": cmd_sources,
    "sync": cmd_sync,
    "offers": cmd_offers,
    "catalog": cmd_catalog,
    "products": cmd_products,
    "sales": cmd_sales,
    "stock": cmd_stock,
    "check": cmd_check,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "simulate": simulate_command.cmd_simulate,
    "suggest": suggest_command.cmd_suggest,
    "orders": orders_commands.cmd_orders,
    **report_commands.COMMANDS,
}
