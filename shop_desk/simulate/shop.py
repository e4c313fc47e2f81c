"""A shop folder (SIMULATION.md "Input") read into arrays and the reorder contract's records.

Every problem names the file and the line, in the owner's language, and nothing is simulated
from a folder that has one.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from shop_desk.errors import InputError
from shop_desk.i18n import tr
from shop_desk.reorder.review import Offer, ProductInfo, Supplier, Tier

FILES = {
    "products.csv": ("product_id", "name", "retail_price_fen", "shelf_life_days"),
    "demand.csv": ("date", "product_id", "units"),
    "suppliers.csv": (
        "supplier_id",
        "lead_time_days",
        "shipping_fee_fen",
        "free_over_fen",
        "member_tiers",
    ),
    "offers.csv": (
        "supplier_id",
        "sku",
        "product_id",
        "pack_size",
        "tiers",
        "moq_packs",
        "multiple_packs",
    ),
}


@dataclass(frozen=True)
class Shop:
    """What the simulator needs of a shop folder; products in products.csv order."""

    products: list[ProductInfo]
    suppliers: dict[str, Supplier]
    offers: list[Offer]  # offers.csv order (ties between offers go to the first)
    first_day: dt.date
    demand: np.ndarray  # int64 [n_products, n_days]; day 0 is first_day

    @property
    def n_days(self) -> int:
        return int(self.demand.shape[1])


class _Problem(Exception):
    """One bad cell or row; turned into an InputError naming the file and line."""


def load_shop(folder: str | Path) -> Shop:
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(tr("Not a shop folder: {folder}", folder=folder))
    products = _read_products(folder)
    index = {p.product_id: i for i, p in enumerate(products)}
    suppliers = _read_suppliers(folder)
    offers = _read_offers(folder, suppliers, index)
    first_day, demand = _read_demand(folder, index)
    return Shop(products, suppliers, offers, first_day, demand)


@contextmanager
def _table(folder: Path, name: str) -> Iterator[tuple[Any, dict[str, int]]]:
    """A csv.reader past the header, and where each column FILES names is."""
    path = folder / name
    if not path.is_file():
        raise InputError(tr("The shop folder has no {file}.", file=name))
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = [h.strip() for h in next(reader, [])]
            missing = [c for c in FILES[name] if c not in header]
            if missing:
                raise InputError(
                    tr("{file}: the header has no column {column}.", file=name, column=missing[0])
                )
            yield reader, {c: header.index(c) for c in FILES[name]}
    except UnicodeDecodeError:
        raise InputError(tr("{file} is not UTF-8 text.", file=name)) from None


def _rows(folder: Path, name: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) of a CSV with the columns FILES names; other columns are ignored."""
    with _table(folder, name) as (reader, cols):
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            line = reader.line_num
            yield line, {c: (row[i].strip() if i < len(row) else "") for c, i in cols.items()}


def _error(name: str, line: int, message: str) -> InputError:
    return InputError(tr("{file} line {line}: {message}", file=name, line=line, message=message))


def _int(text: str, column: str, *, low: int = 0) -> int:
    try:
        value = int(text)
    except ValueError:
        raise _Problem(
            tr("{column} must be a whole number, not '{value}'.", column=column, value=text)
        ) from None
    if value < low:
        raise _Problem(tr("{column} must be at least {low}.", column=column, low=low))
    return value


def _optional_int(text: str, column: str, *, low: int = 0) -> int | None:
    return None if text == "" else _int(text, column, low=low)


def _pairs(text: str, column: str) -> list[tuple[int, int]]:
    """'a:b|c:d' -> [(a, b), (c, d)], ascending by a."""
    pairs = []
    for part in filter(None, (p.strip() for p in text.split("|"))):
        left, sep, right = part.partition(":")
        if not sep:
            raise _Problem(
                tr("{column}: '{value}' is not a pair like 5:3648.", column=column, value=part)
            )
        pairs.append((_int(left.strip(), column), _int(right.strip(), column)))
    if any(b[0] <= a[0] for a, b in itertools.pairwise(pairs)):
        raise _Problem(tr("{column}: the thresholds must go up.", column=column))
    return pairs


def _read(folder: Path, name: str, parse) -> None:
    """Call parse(line, row) for each row, naming the file and line of any problem."""
    for line, row in _rows(folder, name):
        try:
            parse(line, row)
        except _Problem as exc:
            raise _error(name, line, str(exc)) from None


def _read_products(folder: Path) -> list[ProductInfo]:
    products: list[ProductInfo] = []
    seen: set[str] = set()

    def parse(line: int, row: dict[str, str]) -> None:
        pid = row["product_id"]
        if not pid:
            raise _Problem(tr("product_id is empty."))
        if pid in seen:
            raise _Problem(tr("product {product} is listed twice.", product=pid))
        seen.add(pid)
        products.append(
            ProductInfo(
                product_id=pid,
                name=row["name"] or pid,
                retail_price_fen=_int(row["retail_price_fen"], "retail_price_fen"),
                shelf_life_days=_optional_int(row["shelf_life_days"], "shelf_life_days", low=1),
            )
        )

    _read(folder, "products.csv", parse)
    if not products:
        raise InputError(tr("{file} lists no product.", file="products.csv"))
    return products


def _read_suppliers(folder: Path) -> dict[str, Supplier]:
    suppliers: dict[str, Supplier] = {}

    def parse(line: int, row: dict[str, str]) -> None:
        sid = row["supplier_id"]
        if not sid:
            raise _Problem(tr("supplier_id is empty."))
        if sid in suppliers:
            raise _Problem(tr("supplier {supplier} is listed twice.", supplier=sid))
        tiers = _pairs(row["member_tiers"], "member_tiers")
        if any(bp > 10_000 for _, bp in tiers):
            raise _Problem(tr("member_tiers: a discount above 10000 bp (100 %)."))
        suppliers[sid] = Supplier(
            supplier_id=sid,
            lead_time_days=_int(row["lead_time_days"], "lead_time_days"),
            shipping_fee_fen=_int(row["shipping_fee_fen"], "shipping_fee_fen"),
            free_over_fen=_optional_int(row["free_over_fen"], "free_over_fen"),
            member_tiers=tuple(tiers),
            name=sid,
        )

    _read(folder, "suppliers.csv", parse)
    return suppliers


def _read_offers(
    folder: Path, suppliers: dict[str, Supplier], index: dict[str, int]
) -> list[Offer]:
    offers: list[Offer] = []
    seen: set[tuple[str, str]] = set()

    def parse(line: int, row: dict[str, str]) -> None:
        sid, sku, pid = row["supplier_id"], row["sku"], row["product_id"]
        if sid not in suppliers:
            raise _Problem(tr("supplier {supplier} is not in suppliers.csv.", supplier=sid))
        if pid not in index:
            raise _Problem(tr("product {product} is not in products.csv.", product=pid))
        if not sku or (sid, sku) in seen:
            raise _Problem(tr("sku '{sku}' is empty or listed twice.", sku=sku))
        seen.add((sid, sku))
        tiers = _pairs(row["tiers"], "tiers")
        moq = _int(row["moq_packs"] or "1", "moq_packs", low=1)
        if not tiers or tiers[0][0] > moq:
            raise _Problem(tr("tiers give no price for the MOQ of {moq} packs.", moq=moq))
        offers.append(
            Offer(
                supplier_id=sid,
                sku=sku,
                product_id=pid,
                pack_size=_int(row["pack_size"], "pack_size", low=1),
                tiers=tuple(Tier(n, price) for n, price in tiers),
                moq_packs=moq,
                multiple_packs=_int(row["multiple_packs"] or "1", "multiple_packs", low=1),
            )
        )

    _read(folder, "offers.csv", parse)
    covered = {o.product_id for o in offers}
    for pid in index:
        if pid not in covered:
            raise InputError(
                tr(
                    "{file}: product {product} has no offer to buy it from.",
                    file="offers.csv",
                    product=pid,
                )
            )
    return offers


def _read_demand(folder: Path, index: dict[str, int]) -> tuple[dt.date, np.ndarray]:
    """The demand matrix; a tight loop, as a big shop has millions of rows."""
    rows: list[int] = []
    days: list[int] = []
    units: list[int] = []
    lines: list[int] = []
    ordinal: dict[str, int] = {}
    with _table(folder, "demand.csv") as (reader, cols):
        at_date, at_product, at_units = cols["date"], cols["product_id"], cols["units"]
        for cells in reader:
            try:
                text = cells[at_date].strip()
                day = ordinal.get(text)
                if day is None:
                    day = ordinal[text] = dt.date.fromisoformat(text).toordinal()
                row = index[cells[at_product].strip()]
                count = int(cells[at_units])
                if count < 0:
                    raise ValueError
            except (IndexError, KeyError, ValueError):
                if not any(cell.strip() for cell in cells):
                    continue
                raise _demand_error(reader.line_num, cells, cols, index) from None
            rows.append(row)
            days.append(day)
            units.append(count)
            lines.append(reader.line_num)
    if not days:
        raise InputError(tr("{file} has no demand row.", file="demand.csv"))
    day = np.asarray(days, dtype=np.int64)
    first = int(day.min())
    demand = np.zeros((len(index), int(day.max()) - first + 1), dtype=np.int64)
    row = np.asarray(rows, dtype=np.int64)
    np.add.at(demand, (row, day - first), np.asarray(units, dtype=np.int64))
    _refuse_duplicates(row, day, lines)
    return dt.date.fromordinal(first), demand


def _demand_error(line: int, cells: list[str], cols: dict[str, int], index) -> InputError:
    """Say what is wrong with a demand row that did not parse."""
    cell = {c: (cells[i].strip() if i < len(cells) else "") for c, i in cols.items()}
    try:
        dt.date.fromisoformat(cell["date"])
    except ValueError:
        message = tr("'{value}' is not a date like 2024-01-31.", value=cell["date"])
        return _error("demand.csv", line, message)
    if cell["product_id"] not in index:
        message = tr("product {product} is not in products.csv.", product=cell["product_id"])
        return _error("demand.csv", line, message)
    try:
        _int(cell["units"], "units")
    except _Problem as exc:
        return _error("demand.csv", line, str(exc))
    raise AssertionError(cells)  # pragma: no cover - every failing case is named above


def _refuse_duplicates(row: np.ndarray, day: np.ndarray, lines: list[int]) -> None:
    """Two rows for one product and day: a doubled export, not demand to add up."""
    key = row * 10_000_000 + day
    order = np.argsort(key, kind="stable")
    same = np.flatnonzero(key[order][1:] == key[order][:-1])
    if same.size:
        line = lines[int(order[same[0] + 1])]
        raise _error("demand.csv", line, tr("a second row for the same product and date."))
