"""`shop-desk check`: recompute every cache from the ledger and compare (or repair)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from shop_desk.db.models import DailySummary, Lot, Product, StockMove
from shop_desk.inventory.ledger import LotState, consume_lots, incoming_lot_qty, summary_delta


@dataclass
class CheckReport:
    products: int = 0
    moves: int = 0
    problems: list[str] = field(default_factory=list)
    integrity: str = "ok"

    @property
    def ok(self) -> bool:
        return not self.problems and self.integrity == "ok"


@dataclass
class _Replay:
    on_hand: int = 0
    value: int = 0
    lots: dict[int, LotState] = field(default_factory=dict)
    expiry: dict[int, tuple[bool, date | None, int]] = field(default_factory=dict)
    days: dict[date, list[int]] = field(default_factory=dict)  # units, revenue, cost, closing


def _moves_by_product(session: Session) -> Iterator[tuple[int, list]]:
    stmt = (
        select(
            StockMove.product_id,
            StockMove.kind,
            StockMove.qty,
            StockMove.value_fen,
            StockMove.revenue_fen,
            StockMove.lot_id,
            StockMove.shop_day,
        )
        .order_by(StockMove.product_id, StockMove.id)
        .execution_options(yield_per=20_000)
    )
    current, batch = None, []
    for row in session.execute(stmt):
        if row[0] != current and batch:
            yield current, batch
            batch = []
        current = row[0]
        batch.append(row)
    if batch:
        yield current, batch


def _replay(session: Session, product_id: int, moves: list) -> _Replay:
    state = _Replay()
    lot_rows = {
        lot.id: lot for lot in session.scalars(select(Lot).where(Lot.product_id == product_id))
    }
    for _, kind, qty, value, revenue, lot_id, day in moves:
        if qty > 0 and lot_id is not None:
            lot = lot_rows.get(lot_id)
            state.lots[lot_id] = LotState(lot_id, incoming_lot_qty(state.on_hand, qty))
            if lot is not None:
                state.expiry[lot_id] = (lot.expiry_date is None, lot.expiry_date, lot_id)
        elif qty < 0:
            ordered = sorted(
                (s for s in state.lots.values() if s.qty_left > 0),
                key=lambda s: state.expiry.get(s.id, (True, None, s.id)),
            )
            consume_lots(ordered, -qty, lot_id)
        state.on_hand += qty
        state.value += value
        units, rev, cost = summary_delta(kind, qty, value, revenue)
        totals = state.days.setdefault(day, [0, 0, 0, 0])
        totals[0] += units
        totals[1] += rev
        totals[2] += cost
        totals[3] = state.on_hand
    return state


def check_database(session: Session, *, repair: bool = False) -> CheckReport:
    report = CheckReport()
    report.integrity = _integrity(session)
    seen: set[int] = set()
    for product_id, moves in _moves_by_product(session):
        seen.add(product_id)
        report.moves += len(moves)
        state = _replay(session, product_id, moves)
        _compare_product(session, product_id, state, report, repair)
    for product in session.scalars(select(Product).where(Product.id.not_in(seen or {0}))):
        if product.on_hand or product.stock_value_fen:
            report.problems.append(f"product {product.id}: on hand without any move")
            if repair:
                product.on_hand = product.stock_value_fen = 0
    report.products = session.scalar(select(Product.id).order_by(Product.id.desc())) or 0
    return report


def _compare_product(
    session: Session, product_id: int, state: _Replay, report: CheckReport, repair: bool
) -> None:
    product = session.get(Product, product_id)
    if (product.on_hand, product.stock_value_fen) != (state.on_hand, state.value):
        report.problems.append(
            f"product {product_id}: cache on_hand={product.on_hand} value={product.stock_value_fen}"
            f", ledger says {state.on_hand} / {state.value}"
        )
        if repair:
            product.on_hand, product.stock_value_fen = state.on_hand, state.value
    for lot in session.scalars(select(Lot).where(Lot.product_id == product_id)):
        want = state.lots.get(lot.id, LotState(lot.id, 0)).qty_left
        if lot.qty_left != want:
            report.problems.append(f"lot {lot.id}: qty_left={lot.qty_left}, ledger says {want}")
            if repair:
                lot.qty_left = want
    rows = {
        row.day: row
        for row in session.scalars(
            select(DailySummary).where(
                DailySummary.product_id == product_id, DailySummary.imported.is_(False)
            )
        )
    }
    for day, (units, revenue, cost, closing) in state.days.items():
        row = rows.pop(day, None)
        want = (units, revenue, cost, closing, closing <= 0)
        have = (
            None
            if row is None
            else (
                row.units_sold,
                row.revenue_fen,
                row.cost_fen,
                row.closing_on_hand,
                row.out_of_stock,
            )
        )
        if have != want:
            report.problems.append(f"summary {product_id} {day}: {have}, ledger says {want}")
            if repair:
                _write_summary(session, product_id, day, row, want)
    for day in rows:
        report.problems.append(f"summary {product_id} {day}: no moves that day")
        if repair:
            session.delete(rows[day])


def _write_summary(session: Session, product_id: int, day: date, row, want) -> None:
    if row is None:
        row = DailySummary(product_id=product_id, day=day, imported=False)
        session.add(row)
    (row.units_sold, row.revenue_fen, row.cost_fen, row.closing_on_hand, row.out_of_stock) = want


def _integrity(session: Session) -> str:
    if session.get_bind().dialect.name != "sqlite":
        return "ok"  # PostgreSQL checks its pages itself; amcheck needs superuser
    rows = [r[0] for r in session.execute(text("PRAGMA integrity_check"))]
    fk = list(session.execute(text("PRAGMA foreign_key_check")))
    if fk:
        rows.append(f"{len(fk)} rows point at missing rows")
    return "ok" if rows == ["ok"] else "; ".join(map(str, rows))[:2000]
