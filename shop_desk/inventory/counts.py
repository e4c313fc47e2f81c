"""Stock counts (盘点): expected against counted, variance applied as count moves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from shop_desk.clock import utcnow
from shop_desk.db.models import CountLine, CountSession, Product
from shop_desk.errors import InputError, NotFoundError
from shop_desk.i18n import tr
from shop_desk.inventory.ledger import MoveKind, lock_product, post_move
from shop_desk.inventory.products import average_cost_fen, get_product

MAX_COUNT = 1_000_000


def start_count(session: Session, note: str = "") -> CountSession:
    count = CountSession(status="open", note=note[:500])
    session.add(count)
    session.flush()
    return count


def open_count(session: Session, count_id: int) -> CountSession:
    count = session.get(CountSession, count_id)
    if count is None:
        raise NotFoundError(tr("Stock count {id} does not exist.", id=count_id))
    if count.status != "open":
        raise InputError(tr("Stock count {id} is already closed.", id=count_id))
    return count


def latest_open_count(session: Session) -> CountSession | None:
    return session.scalar(
        select(CountSession).where(CountSession.status == "open").order_by(CountSession.id.desc())
    )


def record_count(session: Session, count_id: int, product_id: int, counted: int) -> CountLine:
    """Record what is on the shelf now; the books' figure is taken at the same moment, so
    sales between counting and applying do not distort the variance."""
    if not 0 <= counted <= MAX_COUNT:
        raise InputError(tr("A counted quantity must be 0 or more."))
    count = open_count(session, count_id)
    product = get_product(session, product_id)
    line = session.scalar(
        select(CountLine).where(
            CountLine.session_id == count.id, CountLine.product_id == product_id
        )
    )
    if line is None:
        line = CountLine(session_id=count.id, product_id=product_id)
        session.add(line)
    line.expected = product.on_hand
    line.counted = counted
    line.unit_cost_fen = average_cost_fen(product)
    line.counted_at = utcnow()
    session.flush()
    return line


@dataclass
class Variance:
    product_id: int
    name: str
    expected: int
    counted: int
    unit_cost_fen: int

    @property
    def units(self) -> int:
        return self.counted - self.expected

    @property
    def value_fen(self) -> int:
        return self.units * self.unit_cost_fen


def variances(session: Session, count_id: int) -> list[Variance]:
    rows = session.execute(
        select(CountLine, Product.name)
        .join(Product, Product.id == CountLine.product_id)
        .where(CountLine.session_id == count_id)
        .order_by(CountLine.id)
    )
    return [
        Variance(line.product_id, name, line.expected, line.counted, line.unit_cost_fen)
        for line, name in rows
    ]


def apply_count(session: Session, count_id: int, *, at: datetime | None = None) -> int:
    """Post one count move per line with a variance. Returns the number of moves."""
    count = open_count(session, count_id)
    posted = 0
    for line in sorted(count.lines, key=lambda item: item.product_id):
        diff = line.counted - line.expected
        if diff == 0:
            continue
        product = lock_product(session, line.product_id)
        post_move(
            session,
            product,
            MoveKind.COUNT,
            diff,
            value_fen=diff * line.unit_cost_fen if diff > 0 else None,
            reference=f"count:{count.id}",
            at=at,
        )
        posted += 1
    count.status = "applied"
    count.closed_at = utcnow()
    return posted


def cancel_count(session: Session, count_id: int) -> None:
    count = open_count(session, count_id)
    count.status = "cancelled"
    count.closed_at = utcnow()
