"""Each product's first day on the books and the last day it sold (products.first_day and
last_sold_day, migration 0014), kept beside the daily summary.

Every writer of DailySummary refreshes them for the products it wrote, in the same
transaction, as it keeps the rollups and the runs: the ledger after each move's summary
rows (post_move, post_outgoing), the history import and the demo after theirs;
`shop-desk check` compares them with the ledger and the imported history and repairs them.
They are recomputed from the product's summary rows rather than moved along: a return that
takes back a day's only sale moves the last day it sold back, and a move dated back moves
the first day back. Two index look-ups a product (its first summary row; its last row with
sales, from ix_summary_product_sales). Slow movers read them instead of asking each
product's summary rows (reports/stock.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection

from shop_desk.db.models import SALES_ROW

# Plain SQL: the migration, the benchmark builder and `shop-desk check` run it too. The last
# day sold repeats SALES_ROW so SQLite reads it from ix_summary_product_sales (units_sold > 0
# is a sales row anyway). Not through SQLAlchemy's update(): it would stamp updated_at,
# which says when the product's stock last moved.
FILL = (
    "UPDATE products SET "
    "first_day = (SELECT min(d.day) FROM daily_summary AS d WHERE d.product_id = products.id), "
    "last_sold_day = (SELECT max(d.day) FROM daily_summary AS d "
    f"WHERE d.product_id = products.id AND ({SALES_ROW}) AND d.units_sold > 0)"
)
_REFRESH = text(FILL + " WHERE products.id IN :ids").bindparams(bindparam("ids", expanding=True))
CHUNK = 900  # ids per statement: below SQLite's old 999-parameter limit


def refresh_product_days(conn: Connection, product_ids: Iterable[int]) -> None:
    """These products' first and last sold days recomputed from their summary rows (after
    those rows were written)."""
    ids = sorted(set(product_ids))
    for start in range(0, len(ids), CHUNK):
        conn.execute(_REFRESH, {"ids": ids[start : start + CHUNK]})


def refill_product_days(conn: Connection) -> None:
    """Every product's days recomputed (after a bulk write of the summary)."""
    conn.execute(text(FILL))
