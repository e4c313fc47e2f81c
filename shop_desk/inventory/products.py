"""Products and their barcodes: validation, create, update, look-up by code."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import bindparam, func, insert, literal, select, union_all
from sqlalchemy.orm import Session

from shop_desk.clock import utcnow
from shop_desk.db.models import Barcode, Product
from shop_desk.errors import InputError, NotFoundError
from shop_desk.i18n import tr
from shop_desk.money import MAX_PRICE_FEN, mul_div_round
from shop_desk.text import normalize, pinyin_keys, validate_barcode

MAX_CASE_UNITS = 10_000


@dataclass
class ProductData:
    """What the product editor and the importer hand to create/update (already in fen)."""

    name: str
    retail_price_fen: int
    category: str = ""
    unit: str = ""
    spec: str = ""
    barcodes: list[tuple[str, int]] = field(default_factory=list)  # (code, base units)
    short_code: str | None = None
    shelf_life_days: int | None = None
    service_level_bp: int = 9700
    review_days: int = 7
    shelf_capacity: int | None = None
    min_display_qty: int = 0
    cost_fen: int = 0  # a starting cost per unit, used until stock is received
    active: bool = True


def clean(data: ProductData) -> ProductData:
    """Validate and normalise; raise InputError naming the first problem."""
    name = normalize(data.name)
    if not name:
        raise InputError(tr("A product needs a name."))
    if len(name) > 200:
        raise InputError(tr("The product name is too long (200 characters at most)."))
    for amount in (data.retail_price_fen, data.cost_fen):
        if amount < 0:
            raise InputError(tr("A price cannot be negative."))
        if amount > MAX_PRICE_FEN:
            raise InputError(tr("The price is too large; check it was typed right."))
    if not 5000 <= data.service_level_bp <= 9999:
        raise InputError(tr("The target service level must be between 50% and 99.99%."))
    if not 1 <= data.review_days <= 90:
        raise InputError(tr("Review days must be between 1 and 90."))
    for number in (data.shelf_life_days, data.shelf_capacity):
        if number is not None and number <= 0:
            raise InputError(tr("Shelf life and shelf capacity must be positive when given."))
    if data.min_display_qty < 0:
        raise InputError(tr("The minimum display quantity cannot be negative."))
    barcodes: dict[str, int] = {}
    for code, units in data.barcodes:
        code = validate_barcode(code)
        if not 1 <= units <= MAX_CASE_UNITS:
            raise InputError(tr("Barcode {code}: units per scan must be 1 or more.", code=code))
        if code in barcodes:
            raise InputError(tr("Barcode {code} is listed twice.", code=code))
        barcodes[code] = units
    short_code = normalize(data.short_code or "").upper() or None
    if short_code and (len(short_code) > 32 or " " in short_code):
        raise InputError(tr("A short code has at most 32 characters and no spaces."))
    return ProductData(
        **{
            **data.__dict__,
            "name": name,
            "category": normalize(data.category),
            "unit": normalize(data.unit),
            "spec": normalize(data.spec),
            "barcodes": list(barcodes.items()),
            "short_code": short_code,
        }
    )


def _check_codes_free(session: Session, data: ProductData, product_id: int | None) -> None:
    for code, _ in data.barcodes:
        owner = session.get(Barcode, code)
        if owner is not None and owner.product_id != product_id:
            other = session.get(Product, owner.product_id)
            raise InputError(
                tr(
                    "Barcode {code} already belongs to {name}.",
                    code=code,
                    name=other.name if other else "?",
                )
            )
    if data.short_code:
        other = session.scalar(select(Product).where(Product.short_code == data.short_code))
        if other is not None and other.id != product_id:
            raise InputError(
                tr(
                    "Short code {code} already belongs to {name}.",
                    code=data.short_code,
                    name=other.name,
                )
            )


def _apply(product: Product, data: ProductData) -> None:
    if product.name != data.name or not product.name_initials:
        product.name_initials, product.name_pinyin = pinyin_keys(data.name)
    product.name = data.name
    product.category = data.category
    product.unit = data.unit
    product.spec = data.spec
    product.retail_price_fen = data.retail_price_fen
    product.short_code = data.short_code
    product.shelf_life_days = data.shelf_life_days
    product.service_level_bp = data.service_level_bp
    product.review_days = data.review_days
    product.shelf_capacity = data.shelf_capacity
    product.min_display_qty = data.min_display_qty
    product.active = data.active
    if data.cost_fen and product.on_hand <= 0:
        product.last_cost_fen = data.cost_fen


def create_product(session: Session, data: ProductData) -> Product:
    data = clean(data)
    _check_codes_free(session, data, None)
    product = Product(on_hand=0, stock_value_fen=0, last_cost_fen=0)
    _apply(product, data)
    product.barcodes = [Barcode(code=c, units=u) for c, u in data.barcodes]
    session.add(product)
    session.flush()
    return product


class ItemError(InputError):
    """A problem with the item at `index` of a create_products batch."""

    def __init__(self, index: int, message: str) -> None:
        super().__init__(message)
        self.index = index


def create_products(session: Session, items: list[ProductData]) -> list[int]:
    """create_product for many new products at once (an import of thousands): the same checks
    and rows, written with a few executemany statements instead of a flush per product
    (the search triggers still index each one). Returns the new ids in the items' order;
    raises ItemError for the first item that is refused (nothing is written then)."""
    cleaned: list[ProductData] = []
    for index, data in enumerate(items):
        try:
            cleaned.append(clean(data))
        except InputError as exc:
            raise ItemError(index, str(exc)) from exc
    _check_batch_codes_free(session, cleaned)
    now = utcnow()
    rows = []
    for data in cleaned:
        initials, spelled = pinyin_keys(data.name)
        rows.append(
            {"name": data.name, "name_initials": initials, "name_pinyin": spelled,
             "category": data.category, "unit": data.unit, "spec": data.spec,
             "retail_price_fen": data.retail_price_fen, "on_hand": 0, "stock_value_fen": 0,
             "last_cost_fen": data.cost_fen, "shelf_life_days": data.shelf_life_days,
             "service_level_bp": data.service_level_bp, "review_days": data.review_days,
             "shelf_capacity": data.shelf_capacity, "min_display_qty": data.min_display_qty,
             "short_code": data.short_code, "active": data.active, "created_at": now,
             "updated_at": now}
        )  # fmt: skip
    if not rows:
        return []
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        # The write transaction holds the database lock: the next ids are ours. (RETURNING
        # in parameter order made SQLAlchemy insert one row per statement here.)
        first = (conn.execute(select(func.max(Product.id))).scalar() or 0) + 1
        ids = list(range(first, first + len(rows)))
        for pid, row in zip(ids, rows, strict=True):
            row["id"] = pid
        conn.execute(insert(Product.__table__), rows)
    else:
        ids = list(conn.execute(_INSERT_PRODUCTS, rows).scalars())
    codes = [
        {"code": code, "product_id": pid, "units": units}
        for pid, data in zip(ids, cleaned, strict=True)
        for code, units in data.barcodes
    ]
    if codes:
        conn.execute(insert(Barcode.__table__), codes)
    return ids


_INSERT_PRODUCTS = insert(Product.__table__).returning(
    Product.__table__.c.id, sort_by_parameter_order=True
)


def _check_batch_codes_free(session: Session, items: list[ProductData]) -> None:
    """_check_codes_free for a batch: no code twice in it, none already in the shop."""
    barcodes: dict[str, int] = {}
    shorts: dict[str, int] = {}
    for index, data in enumerate(items):
        for code, _ in data.barcodes:
            if code in barcodes:
                raise ItemError(index, tr("Barcode {code} is listed twice.", code=code))
            barcodes[code] = index
        if data.short_code:
            if data.short_code in shorts:
                raise ItemError(
                    index, tr("Short code {code} is listed twice.", code=data.short_code)
                )
            shorts[data.short_code] = index
    for chunk in _chunked(list(barcodes)):
        taken = session.execute(
            select(Barcode.code, Product.name)
            .join(Product, Product.id == Barcode.product_id)
            .where(Barcode.code.in_(chunk))
        ).first()
        if taken is not None:
            message = tr("Barcode {code} already belongs to {name}.", code=taken[0], name=taken[1])
            raise ItemError(barcodes[taken[0]], message)
    for chunk in _chunked(list(shorts)):
        taken = session.execute(
            select(Product.short_code, Product.name).where(Product.short_code.in_(chunk))
        ).first()
        if taken is not None:
            message = tr(
                "Short code {code} already belongs to {name}.", code=taken[0], name=taken[1]
            )
            raise ItemError(shorts[taken[0]], message)


def _chunked(values: list, size: int = 500) -> list[list]:
    return [values[i : i + size] for i in range(0, len(values), size)]


def update_product(session: Session, product_id: int, data: ProductData) -> Product:
    product = get_product(session, product_id)
    data = clean(data)
    _check_codes_free(session, data, product_id)
    _apply(product, data)
    wanted = dict(data.barcodes)
    for barcode in list(product.barcodes):
        if barcode.code not in wanted:
            product.barcodes.remove(barcode)
        else:
            barcode.units = wanted.pop(barcode.code)
    session.flush()  # deletes before inserts: a code may move between unit and case
    product.barcodes.extend(Barcode(code=c, units=u) for c, u in wanted.items())
    session.flush()
    return product


def data_of(product: Product) -> ProductData:
    """The editable fields of a stored product (to fill the editor)."""
    return ProductData(
        name=product.name,
        retail_price_fen=product.retail_price_fen,
        category=product.category,
        unit=product.unit,
        spec=product.spec,
        barcodes=[(b.code, b.units) for b in product.barcodes],
        short_code=product.short_code,
        shelf_life_days=product.shelf_life_days,
        service_level_bp=product.service_level_bp,
        review_days=product.review_days,
        shelf_capacity=product.shelf_capacity,
        min_display_qty=product.min_display_qty,
        cost_fen=product.last_cost_fen,
        active=product.active,
    )


def get_product(session: Session, product_id: int) -> Product:
    product = session.get(Product, product_id)
    if product is None:
        raise NotFoundError(tr("Product {id} does not exist.", id=product_id))
    return product


def set_active(session: Session, product_id: int, active: bool) -> None:
    get_product(session, product_id).active = active


def lookup_code(session: Session, raw: str) -> tuple[Product, int] | None:
    """A scanned barcode or typed short code -> (product, base units per scan).

    One statement: the barcode, else the short code, joined to its product."""
    code = normalize(raw).replace(" ", "")
    if not code:
        return None
    row = session.execute(_LOOKUP, {"code": code, "upper": code.upper()}).first()
    return None if row is None else (row[0], row[1])


def _lookup_statement():
    by_barcode = select(Barcode.product_id, Barcode.units, literal(0).label("rank")).where(
        Barcode.code == bindparam("code")
    )
    by_short_code = select(Product.id, literal(1), literal(1)).where(
        Product.short_code == bindparam("upper")
    )
    found = union_all(by_barcode, by_short_code).subquery()
    return (
        select(Product, found.c.units)
        .join(found, Product.id == found.c.product_id)
        .order_by(found.c.rank)
        .limit(1)
    )


_LOOKUP = _lookup_statement()  # built once: a scan must not pay for building it


def average_cost_fen(product: Product) -> int:
    """Moving-average cost per unit, rounded for display."""
    if product.on_hand > 0:
        return mul_div_round(product.stock_value_fen, 1, product.on_hand)
    return product.last_cost_fen
