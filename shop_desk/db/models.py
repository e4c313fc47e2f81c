"""Typed models. Money in integer fen, quantities in integer base units, times naive UTC."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from shop_desk.clock import utcnow
from shop_desk.db.day_numbers import DayNumber

Money = BigInteger  # fen; BIGINT so stock value of a big shop never overflows on PostgreSQL


class Base(DeclarativeBase):
    pass


class Setting(Base):
    """Preferences live in the database, so they travel with backups and cannot be half-written."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Product(Base):
    __tablename__ = "products"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_initials: Mapped[str] = mapped_column(String(200), default="", index=True)
    name_pinyin: Mapped[str] = mapped_column(String(800), default="")
    category: Mapped[str] = mapped_column(String(100), default="", index=True)
    unit: Mapped[str] = mapped_column(String(20), default="")
    spec: Mapped[str] = mapped_column(String(100), default="")
    retail_price_fen: Mapped[int] = mapped_column(Money, default=0)
    # Caches kept in the same transaction as the ledger (shop-desk check recomputes them).
    on_hand: Mapped[int] = mapped_column(Integer, default=0)
    stock_value_fen: Mapped[int] = mapped_column(Money, default=0)
    # Cost per unit used when nothing is on the books (first sale before any receipt, or
    # selling past zero): the last known average, rounded to fen.
    last_cost_fen: Mapped[int] = mapped_column(Money, default=0)
    shelf_life_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    service_level_bp: Mapped[int] = mapped_column(Integer, default=9700)
    review_days: Mapped[int] = mapped_column(Integer, default=7)
    shelf_capacity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    min_display_qty: Mapped[int] = mapped_column(Integer, default=0)
    short_code: Mapped[str | None] = mapped_column(String(32), nullable=True, unique=True)
    # No index on `active`: nearly every product is active, and without statistics SQLite's
    # planner then picked it and sorted the whole table for a page of the stock list.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    # Its first day on the books (its first DailySummary row, imported history too) and the
    # last day it sold (the last row with units_sold > 0); NULL: none yet. Kept with the
    # summary by inventory/product_days.py (migration 0014): slow movers read them.
    first_day: Mapped[date | None] = mapped_column(Date, nullable=True)
    last_sold_day: Mapped[date | None] = mapped_column(Date, nullable=True)

    # The stock list sorts by these (a page of 100,000 products in a few ms, not a full sort).
    __table_args__ = (
        Index("ix_products_name_pinyin", "name_pinyin"),
        Index("ix_products_category_pinyin", "category", "name_pinyin"),
        Index("ix_products_on_hand", "on_hand"),
        Index("ix_products_retail_price", "retail_price_fen"),
        Index("ix_products_stock_value", "stock_value_fen"),
    )

    barcodes: Mapped[list[Barcode]] = relationship(
        back_populates="product", cascade="all, delete-orphan", order_by="Barcode.code"
    )


class ProductGram(Base):
    """Every one- and two-character piece of a product's name (lower case, no spaces), kept
    by triggers (migration 0005). Its key returns the shortest names first, so a fragment such
    as 可乐 is an index range, not a scan of every name."""

    __tablename__ = "product_grams"
    gram: Mapped[str] = mapped_column(String(2), primary_key=True)
    name_len: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int] = mapped_column(Integer, primary_key=True)

    __table_args__ = {"sqlite_with_rowid": False}


class Barcode(Base):
    """A unit barcode (units=1) or a case barcode (units=24 sells 24 base units)."""

    __tablename__ = "barcodes"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    units: Mapped[int] = mapped_column(Integer, default=1)
    product: Mapped[Product] = relationship(back_populates="barcodes")


class Lot(Base):
    """Stock received together, with an optional expiry date; sold oldest first."""

    __tablename__ = "lots"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expiry_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    qty_received: Mapped[int] = mapped_column(Integer)
    qty_left: Mapped[int] = mapped_column(Integer)  # cache, recomputed by check

    __table_args__ = (
        Index("ix_lots_product_left", "product_id", "qty_left"),
        Index("ix_lots_expiry", "expiry_date"),
    )


class StockMove(Base):
    """One signed change of on hand. Append-only: corrections are new moves."""

    __tablename__ = "stock_moves"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    kind: Mapped[str] = mapped_column(String(16))  # MoveKind values
    qty: Mapped[int] = mapped_column(Integer)
    unit_cost_fen: Mapped[int] = mapped_column(Money, default=0)  # rounded, for display
    value_fen: Mapped[int] = mapped_column(Money, default=0)  # exact change of stock value
    revenue_fen: Mapped[int] = mapped_column(Money, default=0)  # sales (+) and returns (-)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"), nullable=True)
    reason: Mapped[str] = mapped_column(String(64), default="")
    reference: Mapped[str] = mapped_column(String(64), default="", index=True)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    shop_day: Mapped[date] = mapped_column(Date)

    __table_args__ = (Index("ix_moves_product_id", "product_id", "id"),)


# Conditions of the partial indexes below; a query must repeat them word for word for SQLite
# to use the index (shop_desk.reports.summary does).
SALES_ROW = "units_sold != 0 OR revenue_fen != 0 OR cost_fen != 0"
STOCKOUT_SALE_ROW = "out_of_stock AND units_sold > 0"


class DailySummary(Base):
    """Per product and shop day; reorder and reports read this, not millions of moves.

    Rows exist for days with activity (or imported history). A day that closes with on hand
    <= 0 is out of stock: its demand is censored, not zero.
    """

    __tablename__ = "daily_summary"
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    units_sold: Mapped[int] = mapped_column(Integer, default=0)
    revenue_fen: Mapped[int] = mapped_column(Money, default=0)
    cost_fen: Mapped[int] = mapped_column(Money, default=0)
    closing_on_hand: Mapped[int] = mapped_column(Integer, default=0)
    out_of_stock: Mapped[bool] = mapped_column(Boolean, default=False)
    imported: Mapped[bool] = mapped_column(Boolean, default=False)  # from another till

    __table_args__ = (
        Index("ix_summary_day", "day"),
        # Reports read sales figures by day range from these indexes alone (covering), never
        # from the table; rows of days without sales (receipts, write-offs) are left out.
        Index(
            "ix_summary_sales",
            "day",
            "product_id",
            "units_sold",
            "revenue_fen",
            "cost_fen",
            "imported",
            sqlite_where=text(SALES_ROW),
            postgresql_where=text(SALES_ROW),
        ),
        # The same figures by product (migration 0009): one product's sales in a day range
        # are one index seek (stock-outs, slow movers, long periods by product).
        Index(
            "ix_summary_product_sales",
            "product_id",
            "day",
            "units_sold",
            "revenue_fen",
            "cost_fen",
            "imported",
            sqlite_where=text(SALES_ROW),
            postgresql_where=text(SALES_ROW),
        ),
        # What sold on days that closed out of stock (migration 0010; it replaced 0008's
        # ix_summary_stockouts): the stock-out report's lost sales. out_of_stock is a column
        # too, so SQLite reads the rows from the index alone.
        Index(
            "ix_summary_stockout_sales",
            "day",
            "product_id",
            "units_sold",
            "out_of_stock",
            sqlite_where=text(STOCKOUT_SALE_ROW),
            postgresql_where=text(STOCKOUT_SALE_ROW),
        ),
    )


class DailyTotal(Base):
    """The whole shop's sales figures per shop day: the sums of that day's DailySummary rows
    (migration 0009). Kept in the same transaction as the summary (ledger, history import,
    `shop-desk check`), so sales by day, week and month read a row a day, not a row per
    product and day. A missing row and a row of zeros mean the same."""

    __tablename__ = "daily_totals"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    units_sold: Mapped[int] = mapped_column(Integer, default=0)
    revenue_fen: Mapped[int] = mapped_column(Money, default=0)
    cost_fen: Mapped[int] = mapped_column(Money, default=0)
    uncosted_revenue_fen: Mapped[int] = mapped_column(Money, default=0)  # imported: no cost


class SalesRollup(Base):
    """Each product's sales figures per calendar month (span "month") and per calendar year
    (span "year"), first_day being the span's first day (migration 0010). The sums of the
    DailySummary sales rows in the span, kept in the same transactions (ledger, history import,
    demo, `shop-desk check`), so a long period reads a row a product and year or month plus
    the days at its ends (reports/spans.py), not a row a product and day."""

    __tablename__ = "sales_rollups"
    span: Mapped[str] = mapped_column(String(5), primary_key=True)
    first_day: Mapped[date] = mapped_column(Date, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True)
    units_sold: Mapped[int] = mapped_column(Integer, default=0)
    revenue_fen: Mapped[int] = mapped_column(Money, default=0)
    cost_fen: Mapped[int] = mapped_column(Money, default=0)
    uncosted_revenue_fen: Mapped[int] = mapped_column(Money, default=0)  # imported: no cost

    # Clustered by span and day on SQLite: a span's rows are one range of the table.
    __table_args__ = ({"sqlite_with_rowid": False},)


class StockoutRun(Base):
    """One stretch of days a product closed out of stock (migration 0010): from first_day to
    the day before end_day (the first day it closed in stock again), end_day NULL while it is
    still out. Derived from the ledger's days of the DailySummary (imported history carries
    no stock information); written by the ledger only when a move crosses zero, so a period's
    stock-outs read the runs that overlap it, not every stock-out day."""

    __tablename__ = "stockout_runs"
    # Days as day numbers (db/day_numbers.py, migration 0015): a year's stock-outs read over
    # a hundred thousand runs, and integers compare and subtract far faster than ISO text.
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True)
    first_day: Mapped[date] = mapped_column(DayNumber, primary_key=True)
    end_day: Mapped[date | None] = mapped_column(DayNumber, nullable=True)
    days: Mapped[int | None] = mapped_column(Integer, nullable=True)  # end - first; NULL: open
    # The product's first day on the books (its first summary row, imported history too):
    # where its in-stock sales rate may start, kept here so a report needs no look-up.
    since: Mapped[date] = mapped_column(DayNumber)

    # Clustered by product on SQLite; the runs still open or ended after a day by end_day.
    __table_args__ = (
        Index("ix_stockout_runs_end", "end_day", "product_id", "first_day"),
        {"sqlite_with_rowid": False},
    )


class Sale(Base):
    """One checkout (kind='sale') or a refund of earlier lines (kind='return')."""

    __tablename__ = "sales"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="sale")
    original_sale_id: Mapped[int | None] = mapped_column(ForeignKey("sales.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    shop_day: Mapped[date] = mapped_column(Date, index=True)
    total_fen: Mapped[int] = mapped_column(Money)
    paid_fen: Mapped[int] = mapped_column(Money, default=0)
    change_fen: Mapped[int] = mapped_column(Money, default=0)
    oversold: Mapped[bool] = mapped_column(Boolean, default=False)
    voided: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(String(500), default="")

    lines: Mapped[list[SaleLine]] = relationship(
        back_populates="sale", cascade="all, delete-orphan", order_by="SaleLine.id"
    )


class SaleLine(Base):
    __tablename__ = "sale_lines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("sales.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    qty: Mapped[int] = mapped_column(Integer)
    unit_price_fen: Mapped[int] = mapped_column(Money)
    line_total_fen: Mapped[int] = mapped_column(Money)
    cost_fen: Mapped[int] = mapped_column(Money, default=0)
    returned_qty: Mapped[int] = mapped_column(Integer, default=0)
    original_line_id: Mapped[int | None] = mapped_column(ForeignKey("sale_lines.id"), nullable=True)
    sale: Mapped[Sale] = relationship(back_populates="lines")


class CountSession(Base):
    """A stock count (盘点): counted quantities, applied as count moves."""

    __tablename__ = "count_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open/applied/cancelled
    note: Mapped[str] = mapped_column(String(500), default="")
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    lines: Mapped[list[CountLine]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="CountLine.id"
    )


class CountLine(Base):
    __tablename__ = "count_lines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("count_sessions.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    expected: Mapped[int] = mapped_column(Integer)  # on hand when the shelf was counted
    counted: Mapped[int] = mapped_column(Integer)
    unit_cost_fen: Mapped[int] = mapped_column(Money, default=0)
    counted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    session: Mapped[CountSession] = relationship(back_populates="lines")

    __table_args__ = (UniqueConstraint("session_id", "product_id"),)


# --- Wholesale catalogs (docs/CATALOG_FEED.md) -------------------------------------------


class Supplier(Base):
    """A wholesale source: a factory, a distributor, a platform shop."""

    __tablename__ = "suppliers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)  # the feed's supplier.id
    name: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(8), default="CNY")
    lead_time_days: Mapped[int] = mapped_column(Integer, default=1)
    shipping_fee_fen: Mapped[int] = mapped_column(Money, default=0)
    free_over_fen: Mapped[int | None] = mapped_column(Money, nullable=True)
    # JSON list of {"name", "monthly_spend_fen", "discount_bp"}, ascending by spend.
    member_tiers: Mapped[str] = mapped_column(Text, default="[]")
    mixed_min_amount_fen: Mapped[int | None] = mapped_column(Money, nullable=True)
    mixed_min_units: Mapped[int | None] = mapped_column(Integer, nullable=True)
    orders_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    contact: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class CatalogSource(Base):
    """Where a supplier's catalog comes from, and how far the local copy has got."""

    __tablename__ = "catalog_sources"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # http / folder / pricelist
    name: Mapped[str] = mapped_column(String(200))
    location: Mapped[str] = mapped_column(String(1000))  # URL, folder or file path
    # One source per supplier: the source's checkpoint says which offer rows are current.
    supplier_id: Mapped[int | None] = mapped_column(
        ForeignKey("suppliers.id"), nullable=True, unique=True
    )
    etag: Mapped[str | None] = mapped_column(String(200), nullable=True)
    sequence: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the checkpoint
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Offer(Base):
    """One orderable item of a supplier, as of a range of feed sequences.

    Rows are versioned so that a large file can be staged in short batches and switched in
    at once: a row is current while valid_from <= the source's checkpoint and it has no
    OfferClosure at or before the checkpoint. Rows staged beyond the checkpoint are invisible
    until the checkpoint moves; a crash leaves only such invisible rows and closures, which
    the next sync clears (see catalog/apply.py). A row, once written, is never updated by a
    sync: only added, closed (a closure row) and finally purged.
    """

    __tablename__ = "offers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"))
    sku: Mapped[str] = mapped_column(String(64))
    valid_from: Mapped[int] = mapped_column(Integer)
    # Looked up in the search file on SQLite (catalog/search_index.py), in ix_offers_gtin on
    # PostgreSQL (made by migration 0002; see db/migrate.include_name).
    gtin: Mapped[str | None] = mapped_column(String(14), nullable=True)
    name: Mapped[str] = mapped_column(String(200))
    name_initials: Mapped[str] = mapped_column(String(200), default="")
    # The name as search tokens (text.search_text), indexed with the initials by offers_fts
    # on SQLite; the SKU is searched by prefix in its B-tree index.
    search_text: Mapped[str] = mapped_column(String(800), default="")
    brand: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[str] = mapped_column(String(200), default="")
    unit: Mapped[str] = mapped_column(String(20), default="")
    pack_size: Mapped[int] = mapped_column(Integer, default=1)
    pack_name: Mapped[str] = mapped_column(String(20), default="")
    tiers: Mapped[str] = mapped_column(Text)  # JSON [[min_packs, price_fen], ...]
    price_fen: Mapped[int] = mapped_column(Money)  # the first tier's price per pack
    moq_packs: Mapped[int] = mapped_column(Integer, default=1)
    multiple_packs: Mapped[int] = mapped_column(Integer, default=1)
    available_packs: Mapped[int | None] = mapped_column(Integer, nullable=True)
    lead_time_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    shelf_life_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    new_since: Mapped[date | None] = mapped_column(Date, nullable=True)
    dropship: Mapped[bool] = mapped_column(Boolean, default=False)
    first_seen: Mapped[date] = mapped_column(Date)  # when this shop first saw the SKU

    __table_args__ = (
        UniqueConstraint("supplier_id", "sku", "valid_from"),
        # Staged rows (valid_from > checkpoint), and the rows a snapshot may close. The
        # sequence first: an index led by the supplier drew SQLite's planner away from the
        # (supplier, SKU) index for the catalog's pages, which then sorted a million rows.
        Index("ix_offers_from", "valid_from", "supplier_id"),
    )


class OfferClosure(Base):
    """An offer row stops being current at feed sequence `valid_to` (migration 0013).

    Kept beside the offers, not as a column of theirs: a change file closes rows scattered
    over the whole table, and setting a column rewrote a page of the table and one of an
    index per changed SKU; closures are few and small, written in SKU order (mostly the order
    of the rows' ids), so a few pages hold thousands. Purged with their rows once the
    checkpoint passes them.
    """

    __tablename__ = "offer_closures"
    offer_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"))
    valid_to: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_offer_closures_to", "supplier_id", "valid_to"),)


class OfferPrice(Base):
    """Price history by (supplier, SKU): a row each time the first-tier pack price changed
    (a first sighting is no change: Offer.first_seen and the first row's previous_fen cover it).

    `sequence` is the feed sequence that brought the price: like offers, a row beyond the
    source's checkpoint is staged, not yet true.
    """

    __tablename__ = "offer_prices"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"))
    sku: Mapped[str] = mapped_column(String(64))
    sequence: Mapped[int] = mapped_column(Integer)
    day: Mapped[date] = mapped_column(Date)
    price_fen: Mapped[int] = mapped_column(Money)
    previous_fen: Mapped[int] = mapped_column(Money)  # the price it replaced

    __table_args__ = (
        Index("ix_offer_prices_sku_day", "supplier_id", "sku", "day"),
        Index("ix_offer_prices_sequence", "supplier_id", "sequence"),
    )


class ProductOfferLink(Base):
    """Product <-> a supplier's SKU, with how many base units one pack holds.

    Keyed by SKU, not by offer row, so a link survives new versions of the offer.
    """

    __tablename__ = "product_offer_links"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"))
    sku: Mapped[str] = mapped_column(String(64))
    units_per_pack: Mapped[int] = mapped_column(Integer)
    auto: Mapped[bool] = mapped_column(Boolean, default=False)  # found by GTIN
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("product_id", "supplier_id", "sku"),
        Index("ix_links_sku", "supplier_id", "sku"),
    )


class SyncReport(Base):
    """What one sync of a source did: applied files and records, rejected records and why."""

    __tablename__ = "sync_reports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("catalog_sources.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="running")
    from_sequence: Mapped[int | None] = mapped_column(Integer, nullable=True)
    to_sequence: Mapped[int | None] = mapped_column(Integer, nullable=True)
    files: Mapped[int] = mapped_column(Integer, default=0)
    upserts: Mapped[int] = mapped_column(Integer, default=0)
    deletes: Mapped[int] = mapped_column(Integer, default=0)
    price_changes: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    details: Mapped[str] = mapped_column(Text, default="[]")  # JSON [{file, line, why}], capped
    message: Mapped[str] = mapped_column(Text, default="")


# --- Purchase orders ----------------------------------------------------------------------


class OrderStatus:
    DRAFT = "draft"
    SENT = "sent"
    PARTLY_RECEIVED = "partly_received"
    RECEIVED = "received"
    CANCELLED = "cancelled"
    OPEN = (SENT, PARTLY_RECEIVED)  # ordered, goods still to come
    ALL = (DRAFT, SENT, PARTLY_RECEIVED, RECEIVED, CANCELLED)


class PurchaseOrder(Base):
    """Lines for one supplier: draft -> sent -> partly_received -> received, or cancelled.

    The supplier's name is copied in, so an order stays readable after its catalog source is
    removed (the link to the supplier is then cleared, never the order).
    """

    __tablename__ = "purchase_orders"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)  # the Idempotency-Key
    supplier_id: Mapped[int | None] = mapped_column(
        ForeignKey("suppliers.id", ondelete="SET NULL"), nullable=True
    )
    supplier_name: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default=OrderStatus.DRAFT, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    received_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    lead_time_days: Mapped[int] = mapped_column(Integer, default=1)
    member_tier: Mapped[str] = mapped_column(String(64), default="")
    discount_bp: Mapped[int] = mapped_column(Integer, default=0)
    subtotal_fen: Mapped[int] = mapped_column(Money, default=0)
    discount_fen: Mapped[int] = mapped_column(Money, default=0)
    shipping_fen: Mapped[int] = mapped_column(Money, default=0)
    total_fen: Mapped[int] = mapped_column(Money, default=0)
    remote_order_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    remote_status: Mapped[str] = mapped_column(String(64), default="")
    note: Mapped[str] = mapped_column(String(500), default="")

    # Month spend per supplier reads sent orders by supplier and time.
    __table_args__ = (Index("ix_purchase_orders_supplier_sent", "supplier_id", "sent_at"),)

    lines: Mapped[list[PurchaseOrderLine]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="PurchaseOrderLine.id"
    )


class PurchaseOrderLine(Base):
    """packs x units_per_pack base units at pack_price_fen a pack (before member discount).

    Received units and their value (after the order's member discount) are caches of the
    receipt moves whose reference is this line's (see purchasing.receiving).
    """

    __tablename__ = "purchase_order_lines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(
        ForeignKey("purchase_orders.id", ondelete="CASCADE"), index=True
    )
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")  # the supplier's item name
    pack_name: Mapped[str] = mapped_column(String(20), default="")
    packs: Mapped[int] = mapped_column(Integer)
    units_per_pack: Mapped[int] = mapped_column(Integer)
    pack_price_fen: Mapped[int] = mapped_column(Money)
    line_total_fen: Mapped[int] = mapped_column(Money)
    shelf_life_days: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the offer's
    received_units: Mapped[int] = mapped_column(Integer, default=0)
    received_value_fen: Mapped[int] = mapped_column(Money, default=0)
    received_pack_price_fen: Mapped[int | None] = mapped_column(Money, nullable=True)
    order: Mapped[PurchaseOrder] = relationship(back_populates="lines")

    @property
    def ordered_units(self) -> int:
        return self.packs * self.units_per_pack

    @property
    def outstanding_units(self) -> int:
        return max(0, self.ordered_units - self.received_units)

    @property
    def received_unit_cost_fen(self) -> int:
        """Average cost of one received base unit, rounded to fen (for display)."""
        if self.received_units <= 0:
            return 0
        return (2 * self.received_value_fen + self.received_units) // (2 * self.received_units)
