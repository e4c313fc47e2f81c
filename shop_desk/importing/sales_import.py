"""Import daily sales history from another till into the daily summary (not the ledger).

Reorder needs history on the first day; the old till's report is the only source. Its rows
go to DailySummary with imported=True and never into the stock ledger, so on hand and stock
value are untouched and `shop-desk check` leaves them alone.

What the file may look like: one row per product and day, or one row per sale (rows of the
same product and day are added up). Columns: a date (2024-01-31, 2024/1/31, 2024年1月31日,
20240131, Excel date cells, with or without a time of day), the product by barcode, short
code (自编码) or exact name (tried in that order), units (negative rows are returns), and
optionally revenue (销售额) or a unit price. A case barcode counts its units per case.

Decisions:

- Revenue missing: units x unit price when the file has one, otherwise units x the product's
  current retail price, with one warning saying so. Cost of goods of imported days is unknown
  and stored as 0.
- Stock of imported days is unknown: out_of_stock is False (a stock-out cannot be inferred
  from another till's report, and marking the day censored would throw its demand away) and
  closing_on_hand is 0, meaning "unknown" on imported rows. Readers of DailySummary must use
  out_of_stock, never closing_on_hand <= 0, to find censored days, and must not read
  closing_on_hand of imported rows as stock.
- Re-importing replaces: a product-day that was imported before is overwritten by the new
  file's figures, so importing the same file twice counts nothing twice; imported days that
  are not in the new file stay as they were.
- Refused with an error on its lines: a product-day that already has sales recorded by this
  program (ledger activity), a day that is today or later (today's sales belong to the
  counter), an unknown product, a name shared by several products, a day whose units add up
  to less than zero.
- All or nothing: apply_sales writes every product-day in the caller's transaction or, on
  any error, nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from shop_desk.clock import shop_day, utcnow
from shop_desk.db.engine import STATISTICS_AFTER_ROWS, refresh_statistics
from shop_desk.db.models import Barcode, DailySummary, Product
from shop_desk.errors import InputError
from shop_desk.i18n import tr
from shop_desk.importing.cells import (
    cell_text,
    is_missing,
    parse_barcodes,
    parse_date,
    parse_int,
    parse_money,
)
from shop_desk.importing.columns import Header, Overrides, open_detected
from shop_desk.importing.problems import Problems, RowError, refusal
from shop_desk.importing.products_import import PRODUCT_FIELDS, ImportResult
from shop_desk.importing.tabular import Row
from shop_desk.inventory.day_totals import recompute_days
from shop_desk.inventory.product_days import refresh_product_days
from shop_desk.inventory.sales_rollups import recompute_rollups
from shop_desk.inventory.stockout_runs import rewrite_runs
from shop_desk.money import MAX_PRICE_FEN
from shop_desk.progress import Job, Progress, run_job

MAX_SALES_ROWS = 1_000_000
MAX_DAY_UNITS = 1_000_000
OLDEST_DAY = date(2000, 1, 1)
_CHUNK = 500

SALES_FIELDS: dict[str, tuple[str, ...]] = {
    "date": (
        "日期",
        "date",
        "销售日期",
        "营业日期",
        "交易日期",
        "单据日期",
        "销售时间",
        "交易时间",
        "时间",
        "day",
        "sale date",
        "time",
        "datetime",
    ),
    "barcode": PRODUCT_FIELDS["barcode"],
    "short_code": PRODUCT_FIELDS["short_code"],
    "name": (
        "商品名称",
        "name",
        "品名",
        "名称",
        "商品名",
        "货品名称",
        "=商品",
        "product name",
        "item name",
        "=product",
        "=item",
    ),
    "units": (
        "销量",
        "units",
        "数量",
        "销售数量",
        "销售量",
        "件数",
        "qty",
        "quantity",
        "units sold",
        "sold",
    ),
    "revenue": (
        "销售额",
        "revenue",
        "金额",
        "销售金额",
        "实收金额",
        "实收",
        "营业额",
        "amount",
        "sales",
        "total",
        "sales amount",
    ),
    "unit_price": ("单价", "unit price", "售价", "零售价", "价格", "price"),
    "_cost": ("成本", "成本金额", "cost"),
    "_profit": ("毛利", "利润", "profit"),
    "_category": ("分类", "category", "类别"),
    "_spec": ("规格", "spec"),
    "_unit": ("单位", "unit"),
    "_receipt": ("单号", "小票号", "流水号", "receipt", "order no"),
    "_discount": ("折扣", "优惠", "discount"),
}
SALES_REQUIRED = ("date", "units", ("barcode", "short_code", "name"))
_TOTAL_WORDS = {"合计", "总计", "小计", "total", "sum", "subtotal"}


@dataclass(frozen=True)
class ProductKey:
    """How a row names its product (already cleaned)."""

    barcode: str = ""
    short_code: str = ""
    name: str = ""

    def label(self) -> str:
        return self.barcode or self.short_code or self.name


@dataclass
class SalesGroup:
    """The rows of one product key and day, added up."""

    key: ProductKey
    day: date
    units: int = 0
    revenue_fen: int = 0  # of the rows that said their revenue (or unit price)
    unpriced_units: int = 0  # units of rows without revenue: estimated at retail price
    lines: list[int] = field(default_factory=list)


@dataclass
class SalesDay:
    """One DailySummary row to write."""

    product_id: int
    day: date
    units: int
    revenue_fen: int
    line: int  # the first line it comes from
    replaces: bool = False  # an imported row for this product-day exists and is replaced


@dataclass
class SalesImportPreview:
    path: Path
    encoding: str | None
    sheet: str | None
    header_line: int
    columns: list[str]
    mapping: dict[str, int]
    unused_columns: list[str]
    row_count: int = 0
    groups: list[SalesGroup] = field(default_factory=list)
    days: list[SalesDay] = field(default_factory=list)  # filled when checked with a session
    first_day: date | None = None
    last_day: date | None = None
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    error_count: int = 0
    warning_count: int = 0
    checked: bool = False

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def replace_count(self) -> int:
        return sum(1 for d in self.days if d.replaces)

    def summary(self) -> str:
        if not self.checked:  # products not identified yet: rows and days only
            return tr(
                "{file}: {rows} rows from {first} to {last}, {errors} errors, {warnings} warnings.",
                file=self.path.name,
                rows=self.row_count,
                first=self.first_day or "-",
                last=self.last_day or "-",
                errors=self.error_count,
                warnings=self.warning_count,
            )
        return tr(
            "{file}: {rows} rows, {days} product-days from {first} to {last} "
            "({replaced} replace earlier imports), {errors} errors, {warnings} warnings.",
            file=self.path.name,
            rows=self.row_count,
            days=len(self.days),
            first=self.first_day or "-",
            last=self.last_day or "-",
            replaced=self.replace_count,
            errors=self.error_count,
            warnings=self.warning_count,
        )


# --- preview -----------------------------------------------------------------------------


def preview_sales(
    path: Path, *, mapping: Overrides | None = None, session: Session | None = None
) -> SalesImportPreview:
    """Read and check a sales-history file. With a session, products are identified and
    clashes with recorded or earlier imported days are found. Nothing is written."""
    return run_job(iter_preview_sales(path, mapping=mapping, session=session))


def iter_preview_sales(
    path: Path, *, mapping: Overrides | None = None, session: Session | None = None
) -> Job[SalesImportPreview]:
    path = Path(path)
    problems = Problems()
    groups: dict[tuple[ProductKey, date], SalesGroup] = {}
    with open_detected(
        path, SALES_FIELDS, SALES_REQUIRED, overrides=mapping, max_rows=MAX_SALES_ROWS
    ) as table:
        header = table.header
        preview = SalesImportPreview(
            path=path,
            encoding=table.info.encoding,
            sheet=table.info.sheet,
            header_line=header.line,
            columns=header.cells,
            mapping=dict(header.mapping),
            unused_columns=header.unused,
        )
        for count, row in enumerate(table.rows, 1):
            if _add_row(row, header, groups, problems):
                preview.row_count += 1
            if count % 5000 == 0:
                yield Progress(count, 0, tr("Reading {file}…", file=path.name))
    preview.groups = list(groups.values())
    if preview.groups:
        preview.first_day = min(g.day for g in preview.groups)
        preview.last_day = max(g.day for g in preview.groups)
    if session is not None:
        preview.days = _resolve(session, preview.groups, problems, header)
        preview.checked = True
    preview.errors, preview.warnings = problems.errors, problems.warnings
    preview.error_count, preview.warning_count = problems.error_count, problems.warning_count
    return preview


def _add_row(
    row: Row,
    header: Header,
    groups: dict[tuple[ProductKey, date], SalesGroup],
    problems: Problems,
) -> bool:
    """Parse one row into its group; False (with errors recorded) if it cannot be used."""
    first = next((cell_text(c) for c in row.cells if cell_text(c)), "")
    if first.lower() in _TOTAL_WORDS:
        return False
    before = problems.error_count
    values: dict = {}

    def take(name: str, parse) -> None:
        value = row.get(header.mapping.get(name))
        if name not in header.mapping or is_missing(value):
            return
        try:
            values[name] = parse(value)
        except InputError as exc:
            problems.error(row.line, header.column_name(name), str(exc))

    take("date", parse_date)
    take("units", parse_int)
    take("revenue", lambda v: parse_money(v, allow_negative=True))
    take("unit_price", parse_money)
    take("barcode", parse_barcodes)
    take("short_code", lambda v: cell_text(v).upper())
    take("name", cell_text)
    key = ProductKey(
        (values.get("barcode") or [""])[0], values.get("short_code", ""), values.get("name", "")
    )
    if problems.error_count == before:
        _check_row(row, header, values, key, problems)
    if problems.error_count > before:
        return False
    day = values["date"]
    group = groups.get((key, day))
    if group is None:
        group = groups[(key, day)] = SalesGroup(key, day)
    units = values["units"]
    group.units += units
    group.lines.append(row.line)
    if "revenue" in values:
        group.revenue_fen += values["revenue"]
    elif "unit_price" in values:
        group.revenue_fen += units * values["unit_price"]
    else:
        group.unpriced_units += units
    return True


def _check_row(row: Row, header: Header, values: dict, key: ProductKey, problems: Problems) -> None:
    if "date" not in values:
        problems.error(row.line, header.column_name("date"), tr("The date is empty."))
    elif values["date"] < OLDEST_DAY:
        problems.error(
            row.line,
            header.column_name("date"),
            tr("The date {day} is too far in the past: check it.", day=values["date"]),
        )
    if "units" not in values:
        problems.error(row.line, header.column_name("units"), tr("The quantity is empty."))
    elif abs(values["units"]) > MAX_DAY_UNITS:
        problems.error(
            row.line,
            header.column_name("units"),
            tr("The quantity {units} is too large: check it.", units=values["units"]),
        )
    if not key.label():
        problems.error(
            row.line, "", tr("The row does not say which product: no barcode, code or name.")
        )


# --- matching against the database ---------------------------------------------------------


def _chunks(items: list, size: int = _CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class _Catalog:
    """What the keys of a file point at in the database."""

    barcodes: dict[str, tuple[int, int]]  # code -> (product id, units per scan)
    shorts: dict[str, int]
    names: dict[str, list[int]]
    prices: dict[int, int]  # product id -> retail price


def _catalog(session: Session, keys: set[ProductKey]) -> _Catalog:
    catalog = _Catalog({}, {}, {}, {})
    codes = sorted({k.barcode for k in keys if k.barcode})
    for chunk in _chunks(codes):
        query = select(Barcode.code, Barcode.product_id, Barcode.units)
        for code, pid, units in session.execute(query.where(Barcode.code.in_(chunk))):
            catalog.barcodes[code] = (pid, units)
    shorts = sorted({k.short_code for k in keys if k.short_code})
    for chunk in _chunks(shorts):
        query = select(Product.short_code, Product.id).where(Product.short_code.in_(chunk))
        catalog.shorts.update({code: pid for code, pid in session.execute(query)})
    names = sorted({k.name for k in keys if k.name})
    for chunk in _chunks(names):
        query = select(Product.name, Product.id).where(Product.name.in_(chunk))
        for name, pid in session.execute(query):
            catalog.names.setdefault(name, []).append(pid)
    return catalog


def _identify(key: ProductKey, catalog: _Catalog) -> tuple[int, int] | str:
    """(product id, units per row unit), or an error message."""
    if key.barcode in catalog.barcodes:
        return catalog.barcodes[key.barcode]
    if key.short_code in catalog.shorts:
        return catalog.shorts[key.short_code], 1
    same = catalog.names.get(key.name, [])
    if len(same) == 1:
        return same[0], 1
    if len(same) > 1:
        return tr(
            "Several products are named {name}: add a barcode or short code to say which one.",
            name=key.name,
        )
    return tr(
        "Unknown product {product}: add it (or import the product list) first.",
        product=key.label(),
    )


def _resolve(
    session: Session, groups: list[SalesGroup], problems: Problems, header: Header | None
) -> list[SalesDay]:
    """Product-days to write, with every clash reported as an error on its lines."""
    catalog = _catalog(session, {g.key for g in groups})
    days: dict[tuple[int, date], SalesDay] = {}
    unpriced: dict[tuple[int, date], int] = {}
    today = shop_day(utcnow())
    for group in groups:
        found = _identify(group.key, catalog)
        if isinstance(found, str):
            for line in group.lines:
                problems.error(line, _column(header, group.key), found)
            continue
        pid, per_unit = found
        if group.day >= today:
            problems.error(
                group.lines[0],
                _column(header, "date"),
                tr(
                    "Sales of {day} cannot be imported: history can be imported up to "
                    "yesterday; today's sales are recorded at the counter.",
                    day=group.day,
                ),
            )
            continue
        target = days.get((pid, group.day))
        if target is None:
            target = days[(pid, group.day)] = SalesDay(pid, group.day, 0, 0, group.lines[0])
        target.units += group.units * per_unit
        target.revenue_fen += group.revenue_fen
        target.line = min(target.line, group.lines[0])
        if group.unpriced_units:
            unpriced[(pid, group.day)] = unpriced.get((pid, group.day), 0) + group.unpriced_units
    _price_unpriced(session, days, unpriced, problems)
    _check_days(session, days, problems, header)
    return sorted(days.values(), key=lambda d: (d.day, d.product_id))


def _column(header: Header | None, what: ProductKey | str) -> str:
    if header is None:
        return ""
    if isinstance(what, ProductKey):
        what = "barcode" if what.barcode else "short_code" if what.short_code else "name"
    return header.column_name(what)


def _price_unpriced(
    session: Session,
    days: dict[tuple[int, date], SalesDay],
    unpriced: dict[tuple[int, date], int],
    problems: Problems,
) -> None:
    if not unpriced:
        return
    ids = sorted({pid for pid, _ in unpriced})
    prices: dict[int, int] = {}
    for chunk in _chunks(ids):
        query = select(Product.id, Product.retail_price_fen).where(Product.id.in_(chunk))
        prices.update({pid: price for pid, price in session.execute(query)})
    for (pid, day), units in unpriced.items():
        days[(pid, day)].revenue_fen += units * prices.get(pid, 0)
    first = min(days[k].line for k in unpriced)
    problems.warning(
        first,
        "",
        tr(
            "{n} product-days have no revenue in the file: it is estimated from the "
            "products' current retail prices.",
            n=len(unpriced),
        ),
    )


def _check_days(
    session: Session,
    days: dict[tuple[int, date], SalesDay],
    problems: Problems,
    header: Header | None,
) -> None:
    for target in days.values():
        if target.units < 0:
            problems.error(
                target.line,
                _column(header, "units"),
                tr("The units of {day} add up to less than zero.", day=target.day),
            )
        if abs(target.revenue_fen) > MAX_PRICE_FEN * 100:
            problems.error(
                target.line,
                _column(header, "revenue"),
                tr("The revenue of {day} is too large: check it.", day=target.day),
            )
    ids = sorted({pid for pid, _ in days})
    if not ids:
        return
    first, last = min(d for _, d in days), max(d for _, d in days)
    for chunk in _chunks(ids):
        query = select(DailySummary.product_id, DailySummary.day, DailySummary.imported).where(
            DailySummary.product_id.in_(chunk), DailySummary.day.between(first, last)
        )
        for pid, day, imported in session.execute(query):
            target = days.get((pid, day))
            if target is None:
                continue
            if imported:
                target.replaces = True
            else:
                problems.error(
                    target.line,
                    _column(header, "date"),
                    tr(
                        "This product already has sales recorded by this program on {day}: "
                        "imported history cannot be mixed with them. Remove the row.",
                        day=day,
                    ),
                )


# --- apply -------------------------------------------------------------------------------


def apply_sales(session: Session, preview: SalesImportPreview) -> ImportResult:
    """Write the previewed history into DailySummary (imported=True), all or nothing, in the
    caller's transaction. Checks against the database again before writing anything."""
    return run_job(iter_apply_sales(session, preview))


def iter_apply_sales(session: Session, preview: SalesImportPreview) -> Job[ImportResult]:
    if preview.error_count:
        raise InputError(refusal(preview.errors, preview.error_count))
    problems = Problems()
    days = _resolve(session, preview.groups, problems, None)
    if problems.error_count:
        raise InputError(refusal(problems.errors, problems.error_count))
    new = [_values(d) for d in days if not d.replaces]
    old = [_values(d) for d in days if d.replaces]
    total = len(days)
    done = 0
    for batch in _chunks(new, 2000):
        session.execute(insert(DailySummary), batch)
        done += len(batch)
        yield Progress(done, total, tr("Importing sales history…"))
    for batch in _chunks(old, 2000):
        session.execute(update(DailySummary), batch)  # by primary key (product_id, day)
        done += len(batch)
        yield Progress(done, total, tr("Importing sales history…"))
    if days:  # the shop's totals of the days written, from the summary just written, the
        # products' months and years, and their stock-out runs' first day on the books
        # (imported days say nothing about stock: the runs themselves stay as they were),
        # and the products' first days and last days sold
        first, last = min(d.day for d in days), max(d.day for d in days)
        recompute_days(session.connection(), first, last)
        recompute_rollups(session.connection(), first, last)
        rewrite_runs(session.connection(), {d.product_id for d in days})
        refresh_product_days(session.connection(), {d.product_id for d in days})
    if total >= STATISTICS_AFTER_ROWS:
        refresh_statistics(session.connection(), ("daily_summary",))
    return ImportResult(
        len(new),
        len(old),
        tr(
            "Imported sales history: {new} product-days added, {replaced} replaced.",
            new=len(new),
            replaced=len(old),
        ),
    )


def _values(day: SalesDay) -> dict:
    return {
        "product_id": day.product_id,
        "day": day.day,
        "units_sold": day.units,
        "revenue_fen": day.revenue_fen,
        "cost_fen": 0,  # unknown for another till's history
        "closing_on_hand": 0,  # unknown: see the module docstring; out_of_stock says False
        "out_of_stock": False,
        "imported": True,
    }
