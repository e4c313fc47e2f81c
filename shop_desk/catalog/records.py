"""Catalog records (one JSON object per line): validation at the boundary.

A record that breaks a rule is rejected with a reason the owner can read; it is never applied.
Validation is a hot path (a snapshot can hold a million records): plain checks, no framework.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

from shop_desk.i18n import tr
from shop_desk.text import is_valid_gtin

MAX_TEXT = 200
MAX_TIERS = 20
MAX_PACKS = 10_000_000
MAX_PRICE_FEN = 1_000_000_000  # ¥10,000,000 per pack: above is a typo, not a price


class RecordError(ValueError):
    """Why a record was rejected (a translated sentence)."""


@dataclass(slots=True)
class OfferRecord:
    sku: str
    name: str
    pack_size: int
    tiers: tuple[tuple[int, int], ...]  # (min_packs, price per pack in fen), min_packs ascending
    moq_packs: int = 1
    multiple_packs: int = 1
    gtin: str | None = None
    brand: str = ""
    category: str = ""
    unit: str = ""
    pack_name: str = ""
    available_packs: int | None = None
    lead_time_days: int | None = None
    shelf_life_days: int | None = None
    new_since: date | None = None
    dropship: bool = False


def _int(obj: dict, key: str, *, low: int, high: int, default: int | None = None) -> int | None:
    value = obj.get(key)
    if value is None:
        return default
    if type(value) is not int:  # bool is an int subclass: refuse it too
        raise RecordError(tr("{field} must be a whole number.", field=key))
    if not low <= value <= high:
        raise RecordError(
            tr("{field} must be between {low} and {high}.", field=key, low=low, high=high)
        )
    return value


def _text(obj: dict, key: str, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    value = obj.get(key)
    if value is None:
        if required:
            raise RecordError(tr("{field} is missing.", field=key))
        return ""
    if not isinstance(value, str):
        raise RecordError(tr("{field} must be text.", field=key))
    if not value.isascii() and not _encodable(value):
        raise RecordError(tr("{field} is not valid text.", field=key))
    value = value.strip()
    if required and not value:
        raise RecordError(tr("{field} is missing.", field=key))
    if len(value) > limit:
        raise RecordError(tr("{field} is too long.", field=key))
    return value


def _encodable(value: str) -> bool:
    """False for text holding half of a UTF-16 pair ("\\ud800" in JSON): no database or
    file can store it."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def parse_tiers(raw: object, moq_packs: int) -> tuple[tuple[int, int], ...]:
    if not isinstance(raw, list) or not raw:
        raise RecordError(tr("tiers must be a non-empty list."))
    if len(raw) > MAX_TIERS:
        raise RecordError(tr("Too many price tiers."))
    tiers: list[tuple[int, int]] = []
    for item in raw:
        if not isinstance(item, dict):
            raise RecordError(tr("Each price tier needs min_packs and unit_price_fen."))
        packs = _int(item, "min_packs", low=1, high=MAX_PACKS)
        price = _int(item, "unit_price_fen", low=0, high=MAX_PRICE_FEN)
        if packs is None or price is None:
            raise RecordError(tr("Each price tier needs min_packs and unit_price_fen."))
        tiers.append((packs, price))
    return check_tiers(tiers, moq_packs)


def check_tiers(tiers: list[tuple[int, int]], moq_packs: int) -> tuple[tuple[int, int], ...]:
    """Tiers sorted by min_packs, starting at or below the MOQ, prices never rising."""
    for (packs_a, price_a), (packs_b, price_b) in itertools.pairwise(tiers):
        if packs_b <= packs_a:
            raise RecordError(tr("Price tiers must be sorted by quantity, without repeats."))
        if price_b > price_a:
            raise RecordError(tr("A price tier costs more than a smaller quantity."))
    if tiers[0][0] > moq_packs:
        raise RecordError(tr("The first price tier starts above the minimum order."))
    return tuple(tiers)


def parse_record(obj: object) -> tuple[str, OfferRecord | str]:
    """("upsert", OfferRecord) or ("delete", sku). Raises RecordError with the reason."""
    if not isinstance(obj, dict):
        raise RecordError(tr("A record must be a JSON object."))
    op = obj.get("op")
    sku = _text(obj, "sku", required=True, limit=64)
    if op == "delete":
        return "delete", sku
    if op != "upsert":
        raise RecordError(tr("Unknown op {op!r}.", op=str(op)[:20]))
    gtin = obj.get("gtin")
    if gtin is not None and (not isinstance(gtin, str) or not is_valid_gtin(gtin)):
        raise RecordError(tr("The GTIN {gtin} is not valid.", gtin=str(gtin)[:20]))
    moq = _int(obj, "moq_packs", low=1, high=MAX_PACKS, default=1)
    return "upsert", OfferRecord(
        sku=sku,
        name=_text(obj, "name", required=True),
        pack_size=_int(obj, "pack_size", low=1, high=100_000, default=1),
        tiers=parse_tiers(obj.get("tiers"), moq),
        moq_packs=moq,
        multiple_packs=_int(obj, "multiple_packs", low=1, high=MAX_PACKS, default=1),
        gtin=gtin,
        brand=_text(obj, "brand"),
        category=_text(obj, "category"),
        unit=_text(obj, "unit", limit=20),
        pack_name=_text(obj, "pack_name", limit=20),
        available_packs=_int(obj, "available_packs", low=0, high=10**9),
        lead_time_days=_int(obj, "lead_time_days", low=0, high=365),
        shelf_life_days=_int(obj, "shelf_life_days", low=1, high=36500),
        new_since=_date(obj, "new_since"),
        dropship=_bool(obj, "dropship"),
    )


def _date(obj: dict, key: str) -> date | None:
    value = obj.get(key)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise RecordError(tr("{field} must be a date like 2026-11-20.", field=key)) from None


def _bool(obj: dict, key: str) -> bool:
    value = obj.get(key, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise RecordError(tr("{field} must be true or false.", field=key))
    return value


def record_to_json(record: OfferRecord) -> dict:
    """The wire form of a record (for the publisher)."""
    out: dict = {"op": "upsert", "sku": record.sku}
    if record.gtin:
        out["gtin"] = record.gtin
    out["name"] = record.name
    for key in ("brand", "category", "unit", "pack_name"):
        if getattr(record, key):
            out[key] = getattr(record, key)
    out["pack_size"] = record.pack_size
    out["tiers"] = [{"min_packs": p, "unit_price_fen": f} for p, f in record.tiers]
    out["moq_packs"] = record.moq_packs
    out["multiple_packs"] = record.multiple_packs
    for key in ("available_packs", "lead_time_days", "shelf_life_days"):
        if getattr(record, key) is not None:
            out[key] = getattr(record, key)
    if record.new_since:
        out["new_since"] = record.new_since.isoformat()
    if record.dropship:
        out["dropship"] = True
    return out
