"""Typed preferences, declared once, stored in the database's settings table."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields

from sqlalchemy import select
from sqlalchemy.orm import Session

from shop_desk.db.models import Setting

SETTINGS_VERSION = 1


@dataclass
class ShopSettings:
    language: str = ""  # "" = follow the system (Chinese unless it asks for English)
    shop_name: str = ""
    shop_address: str = ""
    shop_phone: str = ""
    near_expiry_days: int = 7
    # Reorder settings a new product starts with, when it gives none (the product editor,
    # a product import, the demo); each product's own values win afterwards.
    default_service_level_bp: int = 9700  # new products: 97 % of demand served from stock
    default_review_days: int = 7  # new products: looked at once a week
    holding_cost_bp: int = 2000  # cost of holding stock per year, of its value: 20 %
    reorder_budget_fen: int = 0  # cash for one day's orders; 0 = no limit
    label_template: str = "a4-3x8"  # the last label sheet or label size printed on
    receipt_width_mm: int = 58  # receipt paper: 58 or 80 mm
    settings_version: int = SETTINGS_VERSION


def load_settings(session: Session) -> ShopSettings:
    stored = {row.key: row.value for row in session.scalars(select(Setting))}
    values = {}
    for field in fields(ShopSettings):
        if field.name in stored:
            try:
                values[field.name] = json.loads(stored[field.name])
            except ValueError:
                continue  # a damaged value falls back to its default
    return _upgrade(ShopSettings(**values))


def _upgrade(settings: ShopSettings) -> ShopSettings:
    # Versioned upgrades go here (Picard's config_upgrade): one step per version.
    settings.settings_version = SETTINGS_VERSION
    return settings


def save_settings(session: Session, settings: ShopSettings) -> None:
    for key, value in asdict(settings).items():
        row = session.get(Setting, key)
        encoded = json.dumps(value, ensure_ascii=False)
        if row is None:
            session.add(Setting(key=key, value=encoded))
        else:
            row.value = encoded
