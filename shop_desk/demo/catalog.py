"""The demo shop's products: real names, sizes and barcodes (resources/demo/products.csv, copied
from a 2017 Chinese convenience-store till), with category, unit, price, cost, shelf life and a
demand profile inferred by the keyword rules in resources/demo/rules.json. Loose goods without a
barcode (自编码) come from resources/demo/loose.json.

Everything here is deterministic: random choices are seeded with the product's barcode, so a
product keeps its price whichever subset of the catalog a caller asks for.
"""

from __future__ import annotations

import csv
import json
import math
import random
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from shop_desk import paths
from shop_desk.text import gtin_with_check_digit, is_valid_gtin


@dataclass(frozen=True)
class DemandProfile:
    """How a product sells: the simulator in history.py reads these."""

    rate: float  # mean units per ordinary weekday
    lump: float  # mean units bought together (1 = one at a time)
    shape: float  # gamma shape of day-to-day noise (small = erratic)
    season: float  # + summer peak, - winter peak (share of the mean)
    weekend: float  # extra share on Saturday and Sunday
    festival: float  # extra share in the two weeks before Spring Festival
    safety: float  # how generously the owner stocks it (share of the expected demand)


@dataclass(frozen=True)
class DemoProduct:
    name: str
    spec: str
    barcode: str | None  # the unit barcode; None for loose goods
    short_code: str | None  # 自编码 of loose goods
    category: str
    unit: str
    retail_fen: int
    cost_fen: int  # what a receipt pays per unit
    shelf_life_days: int | None
    case_units: int  # base units in a supplier's case or pack
    case_barcode: str | None  # GTIN-14 of the case (drinks)
    review_days: int
    shelf_capacity: int
    min_display_qty: int
    demand: DemandProfile

    @property
    def barcodes(self) -> list[tuple[str, int]]:
        codes = [(self.barcode, 1)] if self.barcode else []
        if self.case_barcode:
            codes.append((self.case_barcode, self.case_units))
        return codes


_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(ml|毫升|l|升|kg|千克|公斤|g|克)(?![a-z])", re.IGNORECASE)
_FACTOR = {"ml": 1, "毫升": 1, "l": 1000, "升": 1000, "g": 1, "克": 1, "kg": 1000}
_FACTOR |= {"千克": 1000, "公斤": 1000}
_LIQUID = {"ml", "毫升", "l", "升"}
# Scales the rules' rates to a busy neighbourhood shop (~1,050 units, ~¥5,500 a day) in which
# the long tail stays slow: 72 % of the items sell on fewer than half of the days (m5-dev's
# hand-picked mix: 49 %), 2 % on nine days in ten.
RATE_SCALE = 2.2


def clean_name(raw: str) -> str:
    """The till's names start with an "A" (its sort trick): drop it, normalise width."""
    name = unicodedata.normalize("NFKC", raw).strip()
    if len(name) > 1 and name[0] == "A" and not ("A" <= name[1] <= "Z"):
        name = name[1:].strip()
    return name


def parse_size(name: str, spec: str) -> tuple[str | None, float | None]:
    """("liquid" | "solid" | None, total ml or g): "12*250ml" -> ("liquid", 3000)."""
    for text in (unicodedata.normalize("NFKC", spec), unicodedata.normalize("NFKC", name)):
        found = _size_of(text)
        if found[0] is not None:
            return found
    return None, None


def _size_of(text: str) -> tuple[str | None, float | None]:
    kind, amount, factor = None, 0.0, 1
    for token in re.split(r"[*×xX]", text):
        token = token.strip()
        matches = list(_AMOUNT.finditer(token))
        if matches:
            unit = matches[-1].group(2).lower()
            kind = "liquid" if unit in _LIQUID else "solid"
            numbers = re.findall(r"\d+(?:\.\d+)?", token.split(matches[-1].group(0))[0])
            if "+" in token and numbers:  # "500+500ml", "1700g+170g"
                amount += sum(float(n) for n in numbers) * _FACTOR[unit]
            amount += float(matches[-1].group(1)) * _FACTOR[unit]
            amount += sum(float(m.group(1)) * _FACTOR[m.group(2).lower()] for m in matches[:-1])
        elif token.isdigit() and 1 < int(token) <= 100:
            factor *= int(token)
    if kind is None:
        return None, None
    return kind, amount * factor


def load_rules() -> list[dict]:
    return _json("rules.json")["rules"]


def load_loose() -> list[dict]:
    return _json("loose.json")["items"]


@lru_cache(maxsize=4)
def _json(name: str) -> dict:
    return json.loads((_folder() / name).read_text(encoding="utf-8"))


def _folder() -> Path:
    return paths.resources_dir() / "demo"


def classify(name: str, spec: str, rules: list[dict]) -> dict | None:
    """The first rule whose keywords name the product (None: not a shop item we keep)."""
    kind, _ = parse_size(name, spec)
    lowered = name.lower()
    for rule in rules:
        wanted = rule.get("size")
        if wanted and kind is not None and kind != wanted:
            continue
        if any(word.lower() in lowered for word in rule.get("exclude", [])):
            continue
        if any(word.lower() in lowered for word in rule["keywords"]):
            return rule
    return None


def read_rows() -> list[dict[str, str]]:
    with (_folder() / "products.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def round_price(fen: float, rng: random.Random) -> int:
    """Shop prices: to 5 jiao below ¥20, whole yuan above; now and then a ".9" price."""
    step = 50 if fen < 2000 else 100
    price = max(step, round(fen / step) * step)
    if price >= 300 and rng.random() < 0.08:
        price -= 10
    return price


def _price(rule: dict, size: float | None, rng: random.Random) -> int:
    ref, ref_fen, exponent, low, high = rule["price"]
    base = ref_fen * (size / ref) ** exponent if size else ref_fen
    base *= math.exp(rng.gauss(0, 0.15))
    return round_price(min(max(base, low), high), rng)


def _unit(rule: dict, name: str, spec: str) -> str:
    text = name + spec
    for key, unit in rule.get("units", {}).items():
        if key in text:
            return unit
    return rule["unit"]


def _profile(rule: dict, retail: int, rng: random.Random) -> DemandProfile:
    # Dearer items in a category sell less; the spread makes many items slow and intermittent.
    rate = rule["rate"] * RATE_SCALE * math.exp(rng.gauss(0, rule["spread"]))
    rate *= (600 / max(retail, 100)) ** 0.3
    low, high = rule["lump"]
    return DemandProfile(
        rate=min(rate, 40.0),
        lump=rng.uniform(low, high),
        shape=rng.choice((0.6, 1.0, 2.0, 4.0, 8.0)),
        season=rule["season"],
        weekend=rule["weekend"],
        festival=rule["festival"] * rng.uniform(0.8, 1.2),
        safety=rng.uniform(0.3, 0.8),
    )


def _settings(rate: float, case_units: int, review: int) -> tuple[int, int]:
    """(shelf capacity, minimum display quantity) a shop owner would set."""
    capacity = max(6, math.ceil(rate * (review + 7) * 1.5 / 6) * 6, min(case_units, 24))
    return capacity, max(1, min(round(rate * 2), capacity // 3))


def make_product(row: dict[str, str], rule: dict) -> DemoProduct:
    name, spec, code = row["name"], row["spec"], row["barcode"]
    rng = random.Random("demo:" + code)
    _, size = parse_size(name, spec)
    retail = _price(rule, size, rng)
    drink = bool(rule.get("drink"))
    case = (24 if (size or 500) <= 600 else 12) if drink else rule["case"]
    case_code = gtin_with_check_digit("1" + code[:-1]) if drink and len(code) == 13 else None
    life = rule.get("shelf_life")
    profile = _profile(rule, retail, rng)
    capacity, minimum = _settings(profile.rate, case, rule["review"])
    return DemoProduct(
        name=name,
        spec=spec,
        barcode=code,
        short_code=None,
        category=rule["category"],
        unit=_unit(rule, name, spec),
        retail_fen=retail,
        cost_fen=round(retail * rng.uniform(0.65, 0.80)),
        shelf_life_days=rng.randint(*life) if life else None,
        case_units=case,
        case_barcode=case_code,
        review_days=rule["review"],
        shelf_capacity=capacity,
        min_display_qty=minimum,
        demand=profile,
    )


def make_loose(item: dict) -> DemoProduct:
    rng = random.Random("demo:" + item["code"])
    rate = item["rate"]
    capacity, minimum = _settings(rate, 1, item["review"])
    return DemoProduct(
        name=item["name"],
        spec=item.get("spec", ""),
        barcode=None,
        short_code=item["code"],
        category=item["category"],
        unit=item["unit"],
        retail_fen=item["retail"],
        cost_fen=round(item["retail"] * rng.uniform(0.6, 0.75)),
        shelf_life_days=item.get("shelf_life"),
        case_units=item.get("case", 1),
        case_barcode=None,
        review_days=item["review"],
        shelf_capacity=capacity,
        min_display_qty=minimum,
        demand=DemandProfile(
            rate=rate,
            lump=item.get("lump", 1.0),
            shape=item.get("shape", 4.0),
            season=item.get("season", 0.0),
            weekend=item.get("weekend", 0.0),
            festival=item.get("festival", 0.5),
            safety=0.3,
        ),
    )


@lru_cache(maxsize=1)
def _all_products() -> tuple[DemoProduct, ...]:
    rules = load_rules()
    packaged = []
    for row in read_rows():
        rule = classify(row["name"], row["spec"], rules)
        if rule is not None and is_valid_gtin(row["barcode"]):
            packaged.append(make_product(row, rule))
    return tuple(packaged) + tuple(make_loose(item) for item in load_loose())


def demo_products(count: int | None = None) -> list[DemoProduct]:
    """The demo shop's products (all of them, about 800, or a stratified `count` of them).

    A smaller shop keeps each category's share: products are taken in an order that interleaves
    the categories, so 60 products still hold drinks, dairy, snacks, loose goods and so on.
    """
    everything = list(_all_products())
    if count is None or count >= len(everything):
        return everything
    groups: dict[str, list[DemoProduct]] = {}
    for product in everything:
        key = "loose" if product.barcode is None else product.category
        groups.setdefault(key, []).append(product)
    keyed = []
    for members in groups.values():
        members.sort(key=lambda p: random.Random("pick:" + p.name + p.spec).random())
        keyed += [((rank + 0.5) / len(members), p) for rank, p in enumerate(members)]
    keyed.sort(key=lambda pair: (pair[0], pair[1].category, pair[1].name, pair[1].spec))
    chosen = {id(p) for _, p in keyed[: max(count, 1)]}
    return [p for p in everything if id(p) in chosen]
