"""Export products to CSV or XLSX (chosen by the file's suffix), ready to re-import.

- Headers are in the current language through tr() and are names the importer detects
  (条码, 商品名称, 售价, ... or Barcode, Name, Retail price, ...), so an export re-imports
  cleanly and round-trips: unit barcodes in one cell separated by commas, case barcodes with
  their units per case ("code*24" when a product's case codes differ in size).
- CSV is UTF-8 with a BOM, so Excel on Chinese Windows opens it without mojibake.
- XLSX is written in openpyxl's write-only mode (streamed); barcodes are text cells so
  Excel keeps every digit; prices are numbers with two decimals.
- Archived products are left out unless include_archived is set.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from shop_desk.db.models import Product
from shop_desk.errors import InputError
from shop_desk.i18n import tr
from shop_desk.inventory.products import average_cost_fen
from shop_desk.money import fen_to_plain

_MONEY_COLUMNS = (2, 3)
_TEXT_COLUMNS = (0, 7, 9)  # barcodes and short code: never numbers in Excel


def export_headers() -> list[str]:
    """Column names in the current language (each is a synonym the importer knows)."""
    return [
        tr("Barcode"),
        tr("Product name"),
        tr("Retail price"),
        tr("Cost price"),
        tr("Category"),
        tr("Unit"),
        tr("Spec"),
        tr("Short code"),
        tr("Shelf life (days)"),
        tr("Case barcode"),
        tr("Units per case"),
    ]


def export_products(session: Session, path: Path, *, include_archived: bool = False) -> int:
    """Write every (active) product to path (.csv or .xlsx); returns how many."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise InputError(tr("Export to a file ending in .csv or .xlsx."))
    rows = _rows(session, include_archived)
    try:
        if suffix == ".csv":
            return _write_csv(path, rows)
        return _write_xlsx(path, rows)
    except OSError as exc:
        raise InputError(
            tr("Cannot write {file}: {error}", file=path, error=exc.strerror or exc)
        ) from None


def _rows(session: Session, include_archived: bool) -> Iterator[list]:
    query = select(Product).options(selectinload(Product.barcodes)).order_by(Product.id)
    if not include_archived:
        query = query.where(Product.active.is_(True))
    for product in session.scalars(query.execution_options(yield_per=1000)):
        yield _row(product)


def _row(product: Product) -> list:
    units = [b.code for b in product.barcodes if b.units == 1]
    cases = [(b.code, b.units) for b in product.barcodes if b.units != 1]
    sizes = {n for _, n in cases}
    if len(sizes) <= 1:
        case_cell = ",".join(code for code, _ in cases)
        case_units = next(iter(sizes), None)
    else:
        case_cell = ",".join(f"{code}*{n}" for code, n in cases)
        case_units = None
    return [
        ",".join(units),
        product.name,
        product.retail_price_fen,
        average_cost_fen(product),
        product.category,
        product.unit,
        product.spec,
        product.short_code or "",
        product.shelf_life_days,
        case_cell,
        case_units,
    ]


def _plain(row: list) -> list[str]:
    out = []
    for index, value in enumerate(row):
        if value is None:
            out.append("")
        elif index in _MONEY_COLUMNS:
            out.append(fen_to_plain(value))
        else:
            out.append(str(value))
    return out


def _write_csv(path: Path, rows: Iterator[list]) -> int:
    count = 0
    temp = path.with_name(path.name + ".part")
    with open(temp, "w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(export_headers())
        for row in rows:
            writer.writerow(_plain(row))
            count += 1
    temp.replace(path)  # a half-written export never takes the real file's place
    return count


def _write_xlsx(path: Path, rows: Iterator[list]) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(tr("Products"))
    sheet.append(export_headers())
    count = 0
    for row in rows:
        cells = []
        for index, value in enumerate(row):
            if index in _MONEY_COLUMNS:
                cell = WriteOnlyCell(sheet, value=Decimal(value) / 100)
                cell.number_format = "0.00"
            elif index in _TEXT_COLUMNS:
                cell = WriteOnlyCell(sheet, value=value or None)
                cell.number_format = "@"
            else:
                cell = WriteOnlyCell(sheet, value=value if value != "" else None)
            cells.append(cell)
        sheet.append(cells)
        count += 1
    temp = path.with_name(path.name + ".part")
    book.save(temp)
    temp.replace(path)
    return count
