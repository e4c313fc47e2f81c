"""Import products from CSV or XLSX: preview first, then apply all or nothing.

Behaviour a shop owner can rely on (the CLI and the import dialog say the same):

- Columns are found by their header (条码, 商品名称, 售价, ... or English), in any order,
  below any title rows; the caller may choose columns by hand (`mapping`).
- A row is matched to an existing product by any of its barcodes (unit or case), else by its
  short code (自编码), else, for a row with neither, by exactly the same name. A matched
  product is updated, never duplicated; everything else becomes a new product.
- Updating changes only what the row says: an empty cell keeps the stored value, and
  barcodes are only ever added (a file listing one of a product's two barcodes does not
  remove the other). Reorder settings and on-hand stock are never touched by an import: a
  new product starts with the Settings page's service level and review days.
- A missing retail price is not an error: starting with a list of names and barcodes is
  common. A new product without a price is created at ¥0.00 and the preview warns on its line
  ("no retail price"); an existing product keeps its price. The owner sets prices later
  (the stock list can sort by price; the counter can price a line by hand).
- Errors, each with its line and column, stop the whole import: a wrong GTIN check digit, a
  barcode Excel shortened to 6.9E+12, a negative or too-large price, text in a number column,
  an empty name, a barcode or short code twice in the file, a row whose codes belong to two
  different products, two rows for the same product.
- apply_products re-checks against the database as it is at that moment and writes through
  create_product/update_product in the caller's transaction: a failure part-way leaves
  nothing, because the caller's `with db.session()` rolls the whole unit back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from shop_desk.db.engine import STATISTICS_AFTER_ROWS, bulk_write_cache, refresh_statistics
from shop_desk.db.models import Barcode, Product
from shop_desk.errors import InputError
from shop_desk.i18n import tr
from shop_desk.importing.cells import (
    cell_text,
    is_missing,
    parse_barcodes,
    parse_days,
    parse_int,
    parse_money,
)
from shop_desk.importing.columns import Header, Overrides, open_detected
from shop_desk.importing.problems import Problems, RowError, refusal
from shop_desk.importing.tabular import Row
from shop_desk.inventory.products import (
    ItemError,
    ProductData,
    clean,
    create_products,
    data_of,
    get_product,
    update_product,
)
from shop_desk.money import format_fen
from shop_desk.progress import Job, Progress, run_job
from shop_desk.settings import load_settings

MAX_PRODUCT_ROWS = 200_000
HIGH_PRICE_FEN = 1_000_000  # ¥10,000: possible for a shop item, but worth a second look
_CHUNK = 500

PRODUCT_FIELDS: dict[str, tuple[str, ...]] = {
    "barcode": (
        "条码",
        "barcode",
        "商品条码",
        "条形码",
        "商品条形码",
        "国际条码",
        "主条码",
        "条码号",
        "bar code",
        "ean",
        "ean13",
        "ean-13",
        "gtin",
        "upc",
    ),
    "name": (
        "商品名称",
        "name",
        "品名",
        "名称",
        "商品名",
        "货品名称",
        "产品名称",
        "=商品",
        "product name",
        "item name",
        "goods name",
        "=product",
        "=item",
        "description",
    ),
    "retail_price": (
        "售价",
        "retail price",
        "零售价",
        "价格",
        "销售价",
        "零售单价",
        "销售单价",
        "单价",
        "标价",
        "price",
        "sale price",
        "selling price",
        "unit price",
    ),
    "cost": (
        "进价",
        "cost",
        "成本",
        "成本价",
        "进货价",
        "采购价",
        "进货单价",
        "采购单价",
        "cost price",
        "purchase price",
        "unit cost",
    ),
    "category": (
        "分类",
        "category",
        "类别",
        "商品分类",
        "商品类别",
        "品类",
        "分类名称",
        "类别名称",
    ),
    "unit": ("单位", "unit", "计量单位", "销售单位", "单位名称", "uom"),
    "spec": ("规格", "spec", "规格型号", "商品规格", "型号", "specification", "size"),
    "short_code": (
        "自编码",
        "short code",
        "编码",
        "商品编码",
        "货号",
        "plu",
        "item code",
        "product code",
    ),
    "shelf_life": ("保质期", "shelf life", "保质期天数", "保质天数", "shelf life days"),
    "case_barcode": (
        "箱码",
        "case barcode",
        "箱条码",
        "整箱条码",
        "外箱条码",
        "大包装条码",
        "carton barcode",
        "case ean",
    ),
    "case_units": (
        "箱规",
        "units per case",
        "每箱数量",
        "装箱数",
        "箱装数",
        "箱规格",
        "包装数量",
        "case size",
        "case qty",
        "pack size",
    ),
    # Sinks: columns that would otherwise be taken for a field by what they contain.
    "_brand": ("品牌", "品牌名称", "brand"),
    "_supplier": ("供应商", "供应商名称", "supplier"),
    "_member_price": ("会员价", "会员售价", "会员价格", "member price", "vip price"),
    "_stock": ("库存", "库存数量", "stock", "on hand"),
    "_id": ("序号", "goods id", "product id", "id"),
}
PRODUCT_REQUIRED = ("name",)
_CASE_TOKEN = re.compile(r"^(.+?)\s*[*×]\s*(\d+)$")
_SPLIT = re.compile(r"[,，;；、|/\n]+")


@dataclass
class ProductRow:
    line: int
    data: ProductData  # cleaned; fields the row leaves empty hold defaults
    present: frozenset[str]  # ProductData fields this row sets (others keep stored values)
    product_id: int | None = None  # the existing product it updates; None: a new product


@dataclass
class ProductImportPreview:
    path: Path
    encoding: str | None  # codec of a CSV ("utf-8-sig", "gb18030", ...); None for XLSX
    sheet: str | None
    header_line: int
    columns: list[str]  # the header cells, as in the file
    mapping: dict[str, int]  # field (PRODUCT_FIELDS key) -> column index
    unused_columns: list[str]
    rows: list[ProductRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    error_count: int = 0
    warning_count: int = 0
    new_count: int = 0
    update_count: int = 0
    checked: bool = False  # matched against a database (session given)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def summary(self) -> str:
        if not self.checked:  # not matched against a database: new vs update unknown
            return tr(
                "{file}: {rows} products read, {errors} errors, {warnings} warnings.",
                file=self.path.name,
                rows=len(self.rows),
                errors=self.error_count,
                warnings=self.warning_count,
            )
        return tr(
            "{file}: {rows} products read ({new} new, {updated} to update), "
            "{errors} errors, {warnings} warnings.",
            file=self.path.name,
            rows=len(self.rows),
            new=self.new_count,
            updated=self.update_count,
            errors=self.error_count,
            warnings=self.warning_count,
        )


@dataclass
class ImportResult:
    created: int  # products (or, for sales history, product-days) added
    updated: int  # products changed (product-days replaced)
    message: str  # a translated sentence for the owner
    unchanged: int = 0  # products the file matched but did not change

    def __str__(self) -> str:
        return self.message


# --- preview -----------------------------------------------------------------------------


def preview_products(
    path: Path, *, mapping: Overrides | None = None, session: Session | None = None
) -> ProductImportPreview:
    """Read and check a product file. With a session, rows are matched to existing products
    (new vs update counts, codes owned by other products). Nothing is written."""
    return run_job(iter_preview_products(path, mapping=mapping, session=session))


def iter_preview_products(
    path: Path, *, mapping: Overrides | None = None, session: Session | None = None
) -> Job[ProductImportPreview]:
    """preview_products as a job yielding Progress (for a progress bar)."""
    path = Path(path)
    problems = Problems()
    with open_detected(
        path, PRODUCT_FIELDS, PRODUCT_REQUIRED, overrides=mapping, max_rows=MAX_PRODUCT_ROWS
    ) as table:
        header = table.header
        preview = ProductImportPreview(
            path=path,
            encoding=table.info.encoding,
            sheet=table.info.sheet,
            header_line=header.line,
            columns=header.cells,
            mapping=dict(header.mapping),
            unused_columns=header.unused,
        )
        seen = _Seen()
        for count, row in enumerate(table.rows, 1):
            parsed = _parse_row(row, header, problems)
            if parsed is not None and seen.check(parsed, header, problems):
                preview.rows.append(parsed)
            if count % 1000 == 0:
                yield Progress(count, 0, tr("Reading {file}…", file=path.name))
    if session is not None:
        _resolve(session, preview.rows, problems, header=header)
        preview.checked = True
    _warn_missing_prices(preview.rows, header, problems)
    preview.new_count = sum(1 for r in preview.rows if r.product_id is None)
    preview.update_count = len(preview.rows) - preview.new_count
    preview.errors, preview.warnings = problems.errors, problems.warnings
    preview.error_count, preview.warning_count = problems.error_count, problems.warning_count
    return preview


_TOTAL_WORDS = {"合计", "总计", "小计", "total", "sum", "subtotal"}


def _parse_row(row: Row, header: Header, problems: Problems) -> ProductRow | None:
    """One data row -> ProductRow, or None with its errors recorded."""
    cells = {name: row.get(index) for name, index in header.mapping.items()}
    first = next((cell_text(c) for c in row.cells if cell_text(c)), "")
    if first.lower() in _TOTAL_WORDS:
        return None  # a totals line under the table
    values: dict = {}
    present: set[str] = set()
    errors_before = problems.error_count

    def take(name: str, attr: str, parse) -> None:
        value = cells.get(name)
        if name not in cells or is_missing(value):
            return
        try:
            values[attr] = parse(value)
            present.add(attr)
        except InputError as exc:
            problems.error(row.line, header.column_name(name), str(exc))

    take("name", "name", cell_text)
    for name in ("category", "unit", "spec", "short_code"):
        take(name, name, cell_text)
    take("retail_price", "retail_price_fen", parse_money)
    take("cost", "cost_fen", parse_money)
    take("shelf_life", "shelf_life_days", parse_days)
    take("barcode", "unit_codes", parse_barcodes)
    take("case_units", "case_units", parse_int)
    take("case_barcode", "case_codes", _case_tokens)
    if not values.get("name"):
        if problems.error_count == errors_before and not present:
            return None  # nothing in the mapped columns: a note or an empty-looking row
        problems.error(row.line, header.column_name("name"), tr("The product name is empty."))
    barcodes = _barcodes(row, header, values, problems)
    if problems.error_count > errors_before:
        return None
    if barcodes:
        present.add("barcodes")
    present -= {"unit_codes", "case_codes", "case_units"}
    data = ProductData(
        name=values["name"],
        retail_price_fen=values.get("retail_price_fen", 0),
        category=values.get("category", ""),
        unit=values.get("unit", ""),
        spec=values.get("spec", ""),
        barcodes=barcodes,
        short_code=values.get("short_code"),
        shelf_life_days=values.get("shelf_life_days"),
        cost_fen=values.get("cost_fen", 0),
    )
    try:
        data = clean(data)
    except InputError as exc:
        problems.error(row.line, "", str(exc))
        return None
    _warn_prices(row.line, header, data, present, problems)
    return ProductRow(row.line, data, frozenset(present))


def _case_tokens(value: object) -> list[tuple[str, int | None]]:
    """Case barcodes; "6901234567892*24" carries its own units per case (export writes it
    when a product's case codes hold different quantities)."""
    if not isinstance(value, str) or not any(mark in value for mark in "*×"):
        return [(code, None) for code in parse_barcodes(value)]
    tokens = []
    for token in _SPLIT.split(value):
        match = _CASE_TOKEN.match(token.strip())
        if match:
            tokens.append((parse_barcodes(match.group(1))[0], int(match.group(2))))
        elif token.strip():
            tokens.extend((code, None) for code in parse_barcodes(token))
    return tokens


def _barcodes(row: Row, header: Header, values: dict, problems: Problems) -> list:
    codes = [(code, 1) for code in values.get("unit_codes", [])]
    case_units = values.get("case_units")
    for code, units in values.get("case_codes", []):
        units = units or case_units
        if units is None:
            problems.error(
                row.line,
                header.column_name("case_barcode"),
                tr("Case barcode {code} needs the number of units per case.", code=code),
            )
            continue
        codes.append((code, units))
    return codes


def _warn_prices(
    line: int, header: Header, data: ProductData, present: set[str], problems: Problems
) -> None:
    column = header.column_name("retail_price")
    if data.retail_price_fen > HIGH_PRICE_FEN:
        problems.warning(
            line,
            column,
            tr(
                "A retail price of {price} is unusually high: check it.",
                price=format_fen(data.retail_price_fen),
            ),
        )
    both = "retail_price_fen" in present and "cost_fen" in present
    if both and data.cost_fen > data.retail_price_fen:
        problems.warning(
            line,
            column,
            tr(
                "The cost {cost} is above the retail price {price}.",
                cost=format_fen(data.cost_fen),
                price=format_fen(data.retail_price_fen),
            ),
        )


def _warn_missing_prices(rows: list[ProductRow], header: Header, problems: Problems) -> None:
    column = header.column_name("retail_price")
    for row in rows:
        if row.product_id is None and "retail_price_fen" not in row.present:
            problems.warning(
                row.line, column, tr("No retail price: the product is created at ¥0.00.")
            )


class _Seen:
    """Barcodes and short codes already used by an earlier row of the same file."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}
        self.short: dict[str, int] = {}

    def check(self, row: ProductRow, header: Header, problems: Problems) -> bool:
        ok = True
        for code, units in row.data.barcodes:
            column = header.column_name("barcode" if units == 1 else "case_barcode")
            if code in self.codes:
                problems.error(
                    row.line,
                    column,
                    tr(
                        "Barcode {code} is also on line {other}.", code=code, other=self.codes[code]
                    ),
                )
                ok = False
            self.codes.setdefault(code, row.line)
        short = row.data.short_code
        if short:
            if short in self.short:
                problems.error(
                    row.line,
                    header.column_name("short_code"),
                    tr(
                        "Short code {code} is also on line {other}.",
                        code=short,
                        other=self.short[short],
                    ),
                )
                ok = False
            self.short.setdefault(short, row.line)
        return ok


# --- matching against the database ---------------------------------------------------------


def _chunks(items: list, size: int = _CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _barcode_owners(session: Session, codes: list[str]) -> dict[str, int]:
    owners: dict[str, int] = {}
    for chunk in _chunks(sorted(set(codes))):
        rows = session.execute(
            select(Barcode.code, Barcode.product_id).where(Barcode.code.in_(chunk))
        )
        owners.update({code: pid for code, pid in rows})
    return owners


def _short_owners(session: Session, shorts: list[str]) -> dict[str, int]:
    owners: dict[str, int] = {}
    for chunk in _chunks(sorted(set(shorts))):
        rows = session.execute(
            select(Product.short_code, Product.id).where(Product.short_code.in_(chunk))
        )
        owners.update({code: pid for code, pid in rows})
    return owners


def _name_owners(session: Session, names: list[str]) -> dict[str, list[int]]:
    owners: dict[str, list[int]] = {}
    for chunk in _chunks(sorted(set(names))):
        for name, pid in session.execute(
            select(Product.name, Product.id).where(Product.name.in_(chunk))
        ):
            owners.setdefault(name, []).append(pid)
    return owners


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    names: dict[int, str] = {}
    for chunk in _chunks(sorted(ids)):
        rows = session.execute(select(Product.id, Product.name).where(Product.id.in_(chunk)))
        names.update({pid: name for pid, name in rows})
    return names


def _resolve(
    session: Session, rows: list[ProductRow], problems: Problems, *, header: Header | None
) -> None:
    """Set each row's product_id (the product it updates) and report conflicts."""
    owners = _barcode_owners(session, [c for r in rows for c, _ in r.data.barcodes])
    shorts = _short_owners(session, [r.data.short_code for r in rows if r.data.short_code])
    by_name = _name_owners(
        session, [r.data.name for r in rows if not r.data.barcodes and not r.data.short_code]
    )
    names = _names(session, set(owners.values()) | set(shorts.values()))
    claimed: dict[int, int] = {}
    for row in rows:
        row.product_id = None
        found = {owners[c] for c, _ in row.data.barcodes if c in owners}
        if row.data.short_code in shorts:
            found.add(shorts[row.data.short_code])
        if len(found) > 1:
            listed = "、".join(sorted(names.get(pid, "?") for pid in found))
            problems.error(
                row.line,
                "",
                tr(
                    "This row's barcodes and short code belong to different products: {names}.",
                    names=listed,
                ),
            )
            continue
        if not found and not row.data.barcodes and not row.data.short_code:
            same = by_name.get(row.data.name, [])
            if len(same) > 1:
                problems.error(
                    row.line,
                    "",
                    tr(
                        "Several products are named {name}: add a barcode or short code to this "
                        "row to say which one.",
                        name=row.data.name,
                    ),
                )
                continue
            found = set(same)
        if found:
            (pid,) = found
            if pid in claimed:
                problems.error(
                    row.line,
                    "",
                    tr("This row is the same product as line {other}.", other=claimed[pid]),
                )
                continue
            claimed[pid] = row.line
            row.product_id = pid


# --- apply -------------------------------------------------------------------------------


def apply_products(session: Session, preview: ProductImportPreview) -> ImportResult:
    """Create and update the previewed products in the caller's transaction.

    Refuses (InputError, nothing written) if the preview has errors or if the database now
    disagrees with the file (a barcode taken meanwhile). The caller's `with db.session()`
    rolls everything back if any row fails."""
    return run_job(iter_apply_products(session, preview))


def iter_apply_products(session: Session, preview: ProductImportPreview) -> Job[ImportResult]:
    if preview.error_count:
        raise InputError(refusal(preview.errors, preview.error_count))
    problems = Problems()
    rows = [ProductRow(r.line, r.data, r.present) for r in preview.rows]
    _resolve(session, rows, problems, header=None)
    if problems.error_count:
        raise InputError(refusal(problems.errors, problems.error_count))
    # Held for the loop: the session's identity map keeps only weak references.
    matched = _preload(session, [r.product_id for r in rows if r.product_id is not None])
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with bulk_write_cache(session.connection()):
        yield from _write_rows(session, rows, counts)
    del matched
    if counts["created"] + counts["updated"] >= STATISTICS_AFTER_ROWS:
        refresh_statistics(session.connection(), ("products", "barcodes", "product_grams"))
    total = len(rows)
    yield Progress(total, total, tr("Importing products…"))
    return ImportResult(
        counts["created"],
        counts["updated"],
        tr(
            "Imported {created} new products, updated {updated}, {unchanged} unchanged.",
            **counts,
        ),
        counts["unchanged"],
    )


_CREATE_BATCH = 1000  # new products per create_products call (progress between calls)


def _write_rows(session: Session, rows: list[ProductRow], counts: dict) -> Iterator[Progress]:
    total = len(rows)
    new = [row for row in rows if row.product_id is None]
    settings = load_settings(session)  # an import never sets reorder settings: the defaults
    defaults = {
        "service_level_bp": settings.default_service_level_bp,
        "review_days": settings.default_review_days,
    }
    for start in range(0, len(new), _CREATE_BATCH):  # new products in bulk: most of a file
        batch = new[start : start + _CREATE_BATCH]
        try:
            create_products(session, [replace(row.data, **defaults) for row in batch])
        except ItemError as exc:
            raise InputError(str(RowError(batch[exc.index].line, "", str(exc)))) from exc
        counts["created"] += len(batch)
        yield Progress(counts["created"], total, tr("Importing products…"))
    for done, row in enumerate(r for r in rows if r.product_id is not None):
        try:
            counts[_apply_row(session, row)] += 1
        except InputError as exc:
            raise InputError(str(RowError(row.line, "", str(exc)))) from exc
        if done % 200 == 0:
            yield Progress(counts["created"] + done, total, tr("Importing products…"))


def _preload(session: Session, ids: list[int]) -> list[Product]:
    """Load matched products with their barcodes in a few queries (kept in the session's
    identity map, so get_product and data_of below do not query row by row)."""
    loaded: list[Product] = []
    for chunk in _chunks(sorted(ids)):
        query = select(Product).where(Product.id.in_(chunk)).options(selectinload(Product.barcodes))
        loaded.extend(session.scalars(query))
    return loaded


def _apply_row(session: Session, row: ProductRow) -> str:
    stored = data_of(get_product(session, row.product_id))
    merged = _merged(stored, row)
    if _same(merged, stored):
        return "unchanged"  # re-importing a list: most rows say nothing new
    update_product(session, row.product_id, merged)
    return "updated"


def _merged(stored: ProductData, row: ProductRow) -> ProductData:
    """The stored product with what this row sets; barcodes are added, never removed."""
    data = replace(stored)
    for attr in row.present - {"barcodes"}:
        setattr(data, attr, getattr(row.data, attr))
    codes = dict(stored.barcodes)
    codes.update(row.data.barcodes)
    data.barcodes = list(codes.items())
    return data


def _same(a: ProductData, b: ProductData) -> bool:
    return replace(a, barcodes=sorted(a.barcodes)) == replace(b, barcodes=sorted(b.barcodes))
