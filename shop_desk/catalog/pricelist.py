"""Wholesalers' price lists (Excel or CSV) as catalog records.

Used twice: `shop-desk catalog publish` turns a list into a feed folder, and a shop adds a
price list as a catalog source. Columns are found by their Chinese or English names (the
importer's detection). Quantity tiers come in the forms wholesalers write:

- one column of text: "1-9箱:54 / 10箱以上:51", "1箱:54；10箱起:51", "≥10件 51元";
- or one column per tier, the quantity in the header: "1-9箱", "10箱以上", "20件起", "50+".

Prices are per pack, in yuan as people write them (parsed to fen exactly). A list with any bad
row is refused whole, with every problem listed by line: nothing is half applied.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from shop_desk.catalog.manifest import SupplierInfo, _supplier
from shop_desk.catalog.records import OfferRecord, RecordError, check_tiers
from shop_desk.errors import InputError
from shop_desk.i18n import tr
from shop_desk.importing.cells import (
    CellError,
    cell_text,
    is_missing,
    parse_date,
    parse_int,
    parse_money,
)
from shop_desk.importing.columns import Header, open_detected
from shop_desk.importing.problems import Problems, RowError
from shop_desk.importing.tabular import Row
from shop_desk.text import clean_barcode, is_valid_gtin, normalize

SYNONYMS = {
    "sku": ("货号", "sku", "商品编码", "商品编号", "编码", "itemno", "item", "code"),
    "gtin": ("条码", "barcode", "商品条码", "条形码", "国际条码", "gtin", "ean"),
    "name": ("商品名称", "name", "品名", "名称", "商品", "product", "productname"),
    "brand": ("品牌", "brand"),
    "category": ("分类", "category", "类别", "品类"),
    "unit": ("单位", "unit", "基本单位"),
    "pack_size": (
        "箱规",
        "packsize",
        "每箱数量",
        "装箱数",
        "包装数量",
        "每件数量",
        "unitsperpack",
        "入数",
    ),
    "pack_name": ("包装单位", "packname", "包装", "件单位"),
    "price": ("批发价", "price", "单价", "价格", "进货价", "拿货价", "packprice"),
    "tiers": ("阶梯价", "tiers", "价格阶梯", "阶梯价格", "批量价"),
    "moq": ("起订量", "moq", "最小起订量", "起批量", "起订"),
    "multiple": ("订购倍数", "multiple", "倍数", "递增量"),
    "available": ("库存", "available", "可售数量", "现货", "可售"),
    "lead_time": ("交货期", "leadtime", "发货天数", "到货天数", "交期"),
    "shelf_life": ("保质期", "shelflife"),
    "new_since": ("上新日期", "newsince", "新品日期", "上架日期"),
    "dropship": ("一件代发", "dropship", "代发"),
}
REQUIRED = ["name", ("sku", "gtin")]

# "1-9箱", "10箱以上", "≥10件", "20件起", "50+", "100 及以上"
_TIER_HEADER = re.compile(
    r"^(?:[≥>]=?)?\s*(\d+)\s*(?:[-~～至到]\s*\d+)?\s*[^\d\s:：]{0,3}\s*(?:以上|及以上|起|\+)?$"
)
_TIER_TEXT = re.compile(
    r"(?:[≥>]=?)?\s*(\d+)\s*(?:[-~～至到]\s*\d+)?\s*[^\d\s:：=/;；,，]{0,3}\s*"
    r"(?:以上|及以上|起|\+)?\s*[:：=]?\s*[¥￥]?\s*(\d+(?:\.\d{1,2})?)\s*元?"
)
_TIER_SPLIT = re.compile(r"[/;；,，\n|]+")


@dataclass
class PriceList:
    records: list[OfferRecord]
    errors: list[RowError]
    error_count: int
    header_line: int
    columns: dict[str, str]  # field -> header text, for the preview

    def raise_if_bad(self) -> None:
        if self.errors:
            first = "\n".join(str(e) for e in self.errors[:10])
            raise InputError(
                tr(
                    "The price list has {n} problems; nothing was applied.\n{first}",
                    n=self.error_count,
                    first=first,
                )
            )


def parse_tier_text(text: str) -> list[tuple[int, int]]:
    tiers = []
    for part in _TIER_SPLIT.split(text):
        part = part.strip()
        if not part:
            continue
        match = _TIER_TEXT.fullmatch(part)
        if not match:
            raise CellError(tr("Cannot read the price tier {tier}.", tier=part))
        tiers.append((int(match.group(1)), parse_money(match.group(2))))
    if not tiers:
        raise CellError(tr("No price tiers found."))
    return tiers


def tier_columns(header: Header) -> dict[int, int]:
    """{column index: minimum packs} for headers that are quantities ("10箱以上")."""
    used = set(header.mapping.values())
    columns = {}
    for index, cell in enumerate(header.cells):
        if index in used or not cell:
            continue
        match = _TIER_HEADER.match(normalize(cell).replace(" ", ""))
        if match:
            columns[index] = int(match.group(1))
    return columns


def read_price_list(path: Path) -> PriceList:
    problems = Problems()
    records: list[OfferRecord] = []
    with open_detected(path, SYNONYMS, REQUIRED) as table:
        header = table.header
        tier_cols = tier_columns(header)
        if "price" not in header.mapping and "tiers" not in header.mapping and not tier_cols:
            raise InputError(tr("The price list has no price column (批发价 / 阶梯价)."))
        seen: dict[str, int] = {}
        for row in table.rows:
            record = _record(row, header, tier_cols, problems)
            if record is None:
                continue
            if record.sku in seen:
                problems.error(
                    row.line,
                    header.column_name("sku"),
                    tr(
                        "SKU {sku} is also on line {other}.", sku=record.sku, other=seen[record.sku]
                    ),
                )
                continue
            seen[record.sku] = row.line
            records.append(record)
    columns = {name: header.column_name(name) for name in header.mapping}
    return PriceList(records, problems.errors, problems.error_count, header.line, columns)


def _cell(row: Row, header: Header, name: str) -> object:
    return row.get(header.mapping.get(name))


def _record(
    row: Row, header: Header, tier_cols: dict[int, int], problems: Problems
) -> OfferRecord | None:
    field = "name"
    try:
        name = cell_text(_cell(row, header, "name"))
        if not name:
            raise CellError(tr("The name is empty."))
        field = "gtin"
        gtin = _gtin(_cell(row, header, "gtin"))
        field = "sku"
        sku = cell_text(_cell(row, header, "sku")) or gtin
        if not sku:
            raise CellError(tr("Neither an item number nor a barcode."))
        field = "moq"
        moq = _opt_int(_cell(row, header, "moq")) or 1
        field = "tiers"
        tiers = sorted(_tiers(row, header, tier_cols))
        tiers = list(check_tiers(tiers, moq))
        values = {}
        for key, col in (
            ("pack_size", "pack_size"),
            ("multiple_packs", "multiple"),
            ("available_packs", "available"),
            ("lead_time_days", "lead_time"),
            ("shelf_life_days", "shelf_life"),
        ):
            field = col
            values[key] = _opt_int(_cell(row, header, col))
        field = "new_since"
        raw_new = _cell(row, header, "new_since")
        new_since = None if is_missing(raw_new) else parse_date(raw_new)
    except (CellError, RecordError) as exc:
        problems.error(row.line, header.column_name(field), str(exc))
        return None
    return OfferRecord(
        sku=sku[:64],
        name=name[:200],
        pack_size=values["pack_size"] or 1,
        tiers=tuple(tiers),
        moq_packs=moq,
        multiple_packs=values["multiple_packs"] or 1,
        gtin=gtin,
        brand=cell_text(_cell(row, header, "brand"))[:200],
        category=cell_text(_cell(row, header, "category"))[:200],
        unit=cell_text(_cell(row, header, "unit"))[:20],
        pack_name=cell_text(_cell(row, header, "pack_name"))[:20],
        available_packs=values["available_packs"],
        lead_time_days=values["lead_time_days"],
        shelf_life_days=values["shelf_life_days"],
        new_since=new_since,
        dropship=cell_text(_cell(row, header, "dropship")).lower()
        in ("是", "yes", "y", "1", "true", "支持"),
    )


def _gtin(value: object) -> str | None:
    if is_missing(value):
        return None
    code = clean_barcode(cell_text(value))
    if not is_valid_gtin(code):
        raise CellError(tr("The GTIN {gtin} is not valid.", gtin=code))
    return code


def _opt_int(value: object) -> int | None:
    if is_missing(value):
        return None
    number = parse_int(value)
    if number < 0:
        raise CellError(tr("A number here cannot be negative."))
    return number


def _tiers(row: Row, header: Header, tier_cols: dict[int, int]) -> list[tuple[int, int]]:
    tiers: dict[int, int] = {}
    for index, min_packs in tier_cols.items():
        value = row.get(index)
        if not is_missing(value):
            tiers[min_packs] = parse_money(value)
    text = _cell(row, header, "tiers")
    if not is_missing(text):
        for min_packs, price in parse_tier_text(cell_text(text)):
            tiers[min_packs] = price
    price = _cell(row, header, "price")
    if not is_missing(price):
        tiers.setdefault(1, parse_money(price))  # the price of the smallest order
    if not tiers:
        raise CellError(tr("No price on this row."))
    return list(tiers.items())


def iter_records(path: Path) -> Iterator[OfferRecord]:
    price_list = read_price_list(path)
    price_list.raise_if_bad()
    yield from price_list.records


# --- the supplier block -------------------------------------------------------------------


def supplier_file_for(price_list: Path) -> Path | None:
    for candidate in (
        price_list.with_suffix(".supplier.json"),
        price_list.with_suffix(".supplier.toml"),
        price_list.parent / "supplier.json",
        price_list.parent / "supplier.toml",
    ):
        if candidate.is_file():
            return candidate
    return None


def read_supplier(path: Path) -> SupplierInfo:
    try:
        if path.suffix.lower() == ".toml":
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        else:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise InputError(
            tr("Cannot read the supplier details in {path}: {error}", path=path.name, error=exc)
        ) from exc
    return _supplier(data.get("supplier", data) if isinstance(data, dict) else data)


def publish_price_list(
    price_list: Path,
    out_dir: Path,
    *,
    supplier_file: Path | None = None,
    snapshot_every: int = 20,
    retention: int = 200,
):
    from shop_desk.catalog.publisher import publish

    supplier_file = supplier_file or supplier_file_for(price_list)
    if supplier_file is None:
        raise InputError(
            tr(
                "Supplier details are missing: put supplier.json (or .toml) beside the price "
                "list, or pass --supplier FILE."
            )
        )
    supplier = read_supplier(supplier_file)
    records = list(iter_records(price_list))
    return publish(records, supplier, out_dir, snapshot_every=snapshot_every, retention=retention)
