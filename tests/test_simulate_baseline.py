"""`minmax` on the real shop folders reproduces BASELINE.md, made by an independent simulator.

This is the check that the simulator follows SIMULATION.md: every listed column of every row
within 0.1 %.
"""

from __future__ import annotations

from functools import cache

import pytest

from shop_desk.simulate import load_shop, make_policy, simulate
from tests.conftest import DATA

COLUMNS = (
    "fill_rate",
    "profit_fen",
    "avg_stock_value_fen",
    "lost_units",
    "expired_fen",
    "orders",
    "order_lines",
)


def baseline_rows() -> list[dict]:
    rows = []
    for line in (DATA / "BASELINE.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 2 + len(COLUMNS) and cells[1].isdigit():
            row = {"folder": cells[0], "review_days": int(cells[1])}
            row |= {c: float(v) for c, v in zip(COLUMNS, cells[2:], strict=True)}
            rows.append(row)
    return rows


@cache
def shop(folder: str):
    return load_shop(DATA / folder)


def test_the_baseline_file_lists_both_folders_at_both_reviews():
    rows = baseline_rows()
    assert {(r["folder"], r["review_days"]) for r in rows} == {
        (f, r) for f in ("m5-dev", "online-retail-dev") for r in (7, 1)
    }


@pytest.mark.parametrize(
    "row", baseline_rows(), ids=lambda r: f"{r['folder']}-review{r['review_days']}"
)
def test_minmax_reproduces_the_baseline(row):
    result = simulate(shop(row["folder"]), make_policy("minmax"), review_days=row["review_days"])
    totals = result.totals()
    off = {c: (totals[c], row[c]) for c in COLUMNS if abs(totals[c] - row[c]) > 0.001 * abs(row[c])}
    assert not off, f"simulated vs BASELINE.md: {off}"
    # Every unit is accounted for: what the shop had and bought was sold, written off, or is
    # still on hand or on its way.
    g = result.ledger
    assert (g.start_units + g.bought_units == g.served + g.expired_units + g.end_units).all()
    assert totals["lost_units"] == g.demand.sum() - g.served.sum()
