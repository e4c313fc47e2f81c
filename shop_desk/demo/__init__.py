"""The demo shop (`shop-desk --demo`): about 800 products of a Chinese convenience store with
two years of daily sales, generated on first use in its own data folder.

The history ends yesterday (the day the demo is first opened), so the shop feels alive: the
sales chart runs up to today, milk and bread bought this week expire in the next days, a few
shelves are empty and wait for tomorrow's delivery. Generation is deterministic for a given
end date: the same products, prices, sales and lots every time and on every machine (shop
days and quantities; the stored UTC instants follow the computer's time zone, so the shop
opens at 09:00 local time wherever it runs). Tests pass end_date, and products/days for a
smaller shop.

    from shop_desk.demo import demo_products, ensure_demo
    created = run_job(ensure_demo(db))      # False when the shop already has products
    demo_products()                         # the ~800 products (name, barcodes, category,
                                            # unit, retail and cost): supplier feeds use it

NumPy is imported only while the history is generated.
"""

from __future__ import annotations

import tempfile
from collections.abc import Generator
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from shop_desk.clock import shop_day, utcnow
from shop_desk.db.models import (
    Barcode,
    CountLine,
    CountSession,
    Lot,
    Product,
    Sale,
    SaleLine,
    StockMove,
)
from shop_desk.demo.catalog import DemandProfile, DemoProduct, demo_products
from shop_desk.demo.history import Counters, NextIds, Simulation, local_instant
from shop_desk.i18n import tr
from shop_desk.progress import Progress
from shop_desk.settings import load_settings, save_settings
from shop_desk.text import pinyin_keys

__all__ = ["DemandProfile", "DemoProduct", "demo_products", "ensure_demo"]

SEED = 20_240_210  # 春节 2024: any fixed number; the history depends on it and the end date
SHOP_NAME = "示例便利店"
SHOP_ADDRESS = "杭州市西湖区文三路 168 号"
SHOP_PHONE = "0571-8888 6666"
MAX_DAYS = 3660


def ensure_demo(
    db,
    *,
    end_date: date | None = None,
    products: int | None = None,
    days: int = 730,
    with_sources: bool = True,
) -> Generator[Progress, None, bool]:
    """Fill an empty shop with the demo (a job: yields Progress, returns True if it did).

    end_date: the last day of history (default yesterday); products: how many (default all,
    about 800; fewer keep each category's share); days: how long the history runs;
    with_sources: also publish and sync the demo's wholesale sources (demo/feeds.py) in a
    `demo-feeds` folder beside the database.
    """
    if not 1 <= days <= MAX_DAYS:
        raise ValueError("days must be between 1 and 3660")
    with db.session() as session:
        if session.scalar(select(func.count(Product.id))):
            return False
        yield Progress(0, 100, tr("Preparing the demo shop…"))
        end = end_date or shop_day(utcnow()) - timedelta(days=1)
        first = end - timedelta(days=days - 1)
        items = demo_products(products)
        ids = _write_products(session, items, local_instant(first, 7))
        yield Progress(2, 100, tr("Simulating the shop's customers…"))
        tables = (Lot, StockMove, Sale, SaleLine, CountSession, CountLine)
        next_ids = NextIds(*(_next_id(session, table) for table in tables))
        simulation = Simulation(session, items, ids, first, days, ids=next_ids, seed=SEED)
        yield Progress(4, 100, tr("Writing the sales history…"))
        job = simulation.run()
        counts = yield from _scaled(job, 4, 97)
        _write_caches(session, simulation.finals())
        _fix_sequences(session)
        _write_settings(session)
        _log(counts)
    if with_sources:
        from shop_desk.demo.feeds import build_demo_sources

        folder = (db.folder or Path(tempfile.mkdtemp(prefix="shop-desk-demo-"))) / "demo-feeds"
        yield from _scaled(build_demo_sources(db, folder, items, end + timedelta(days=1)), 97, 99)
    yield Progress(100, 100, tr("The demo shop is ready."))
    return True


def _scaled(job, low: int, high: int):
    """Re-yield a job's progress on the low..high part of a 0..100 bar."""
    try:
        while True:
            step = next(job)
            share = step.done / step.total if step.total else 0
            yield Progress(low + round((high - low) * share), 100, step.message)
    except StopIteration as stop:
        return stop.value


def _next_id(session: Session, model) -> int:
    return (session.scalar(select(func.max(model.id))) or 0) + 1


def _write_products(session: Session, items: list[DemoProduct], at: datetime) -> list[int]:
    base = _next_id(session, Product)
    ids = list(range(base, base + len(items)))
    # each demo product says how often it is reviewed; the service level is the shop's
    service_level_bp = load_settings(session).default_service_level_bp
    rows, codes = [], []
    for pid, item in zip(ids, items, strict=True):
        initials, full = pinyin_keys(item.name)
        rows.append(
            {
                "id": pid,
                "name": item.name,
                "name_initials": initials,
                "name_pinyin": full,
                "category": item.category,
                "unit": item.unit,
                "spec": item.spec,
                "retail_price_fen": item.retail_fen,
                "on_hand": 0,
                "stock_value_fen": 0,
                "last_cost_fen": item.cost_fen,
                "shelf_life_days": item.shelf_life_days,
                "service_level_bp": service_level_bp,
                "review_days": item.review_days,
                "shelf_capacity": item.shelf_capacity,
                "min_display_qty": item.min_display_qty,
                "short_code": item.short_code,
                "active": True,
                "created_at": at,
                "updated_at": at,
            }
        )
        codes += [{"code": c, "product_id": pid, "units": u} for c, u in item.barcodes]
    session.execute(insert(Product.__table__), rows)
    if codes:
        session.execute(insert(Barcode.__table__), codes)
    return ids


def _write_caches(session: Session, finals: list[tuple[int, int, int, int]]) -> None:
    stmt = (
        update(Product)
        .where(Product.id == bindparam("pid"))
        .values(
            on_hand=bindparam("on_hand"),
            stock_value_fen=bindparam("value"),
            last_cost_fen=bindparam("last_cost"),
        )
    )
    rows = [
        {"pid": pid, "on_hand": on_hand, "value": value, "last_cost": last}
        for pid, on_hand, value, last in finals
    ]
    session.connection().execute(stmt, rows)


def _fix_sequences(session: Session) -> None:
    """Rows were inserted with their ids: move PostgreSQL's sequences past them."""
    if session.get_bind().dialect.name != "postgresql":
        return
    from sqlalchemy import text

    tables = ("products", "lots", "stock_moves", "sales", "sale_lines", "count_sessions")
    for table in (*tables, "count_lines"):
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
            )
        )


def _write_settings(session: Session) -> None:
    settings = load_settings(session)
    settings.shop_name = SHOP_NAME
    settings.shop_address = SHOP_ADDRESS
    settings.shop_phone = SHOP_PHONE
    save_settings(session, settings)


def _log(counts: Counters) -> None:
    import logging

    logging.getLogger(__name__).info(
        "demo shop: %d moves (%d receipts, %d sale lines in %d sales, %d write-offs, "
        "%d count differences), %d lots, %d summary rows",
        counts.moves,
        counts.receipts,
        counts.sale_lines,
        counts.sales,
        counts.waste,
        counts.counted,
        counts.lots,
        counts.summaries,
    )
