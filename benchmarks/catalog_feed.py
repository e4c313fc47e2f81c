"""A generated wholesale feed of N offers (default 1,000,000), cached under benchmarks/out/.

Names are built from real Chinese product words so search measures something realistic.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import sys
from pathlib import Path

from shop_desk.text import gtin_with_check_digit

OUT = Path(__file__).resolve().parent / "out"
BRANDS = [
    "可口可乐",
    "百事",
    "康师傅",
    "统一",
    "农夫山泉",
    "怡宝",
    "娃哈哈",
    "伊利",
    "蒙牛",
    "旺旺",
    "乐事",
    "好丽友",
    "奥利奥",
    "德芙",
    "士力架",
    "雀巢",
    "王老吉",
    "加多宝",
    "元气森林",
    "东鹏",
    "红牛",
    "脉动",
    "三得利",
    "海天",
    "老干妈",
    "李锦记",
    "金龙鱼",
    "福临门",
    "心相印",
    "清风",
    "维达",
    "舒肤佳",
    "高露洁",
    "云南白药",
    "立白",
    "蓝月亮",
]
KINDS = [
    "可乐",
    "雪碧",
    "冰红茶",
    "绿茶",
    "矿泉水",
    "纯净水",
    "纯牛奶",
    "酸奶",
    "雪饼",
    "薯片",
    "饼干",
    "巧克力",
    "方便面",
    "火腿肠",
    "凉茶",
    "能量饮料",
    "苏打水",
    "咖啡",
    "酱油",
    "蚝油",
    "辣椒酱",
    "食用油",
    "大米",
    "面粉",
    "抽纸",
    "卷纸",
    "香皂",
    "牙膏",
    "洗衣液",
    "洗洁精",
    "口香糖",
    "果汁",
    "乌龙茶",
    "椰汁",
    "啤酒",
    "白酒",
]
SPECS = [
    "330ml",
    "500ml",
    "550ml",
    "600ml",
    "1.25L",
    "2L",
    "250ml",
    "100g",
    "200g",
    "5kg",
    "10包",
    "12卷",
    "3连包",
    "经典装",
    "家庭装",
    "礼盒装",
    "原味",
    "香辣味",
    "柠檬味",
    "无糖",
    "低脂",
    "加大",
]
CATEGORIES = [
    "饮料/碳酸饮料",
    "饮料/茶饮",
    "饮料/水",
    "乳制品",
    "零食/膨化",
    "零食/饼干",
    "糖果巧克力",
    "方便食品",
    "调味品",
    "粮油",
    "日用品",
    "个护",
    "酒类",
]


VERSION = 2  # of the generated feed (2: GTINs in no order), in its cache folder's name


def gtin(i: int) -> str:
    """Offer i's GTIN: a supplier's SKUs and their barcodes come in unrelated orders (a
    multiplication by a number prime to 10**10 scatters them over the 69 prefix)."""
    return gtin_with_check_digit(f"69{i * 2654435761 % 10**10:010d}")


def offer(i: int, rng: random.Random) -> dict:
    name = f"{rng.choice(BRANDS)}{rng.choice(KINDS)} {rng.choice(SPECS)} {i % 997}号"
    pack = rng.choice((6, 12, 24, 24, 30, 48))
    price = rng.randint(500, 30000)
    tiers = [{"min_packs": 1, "unit_price_fen": price}]
    if rng.random() < 0.6:
        tiers.append({"min_packs": 10, "unit_price_fen": price * 95 // 100})
    if rng.random() < 0.3:
        tiers.append({"min_packs": 50, "unit_price_fen": price * 90 // 100})
    return {
        "op": "upsert",
        "sku": f"SKU{i:07d}",
        "gtin": gtin(i),
        "name": name,
        "brand": name[:2],
        "category": rng.choice(CATEGORIES),
        "unit": "瓶",
        "pack_size": pack,
        "pack_name": "箱",
        "tiers": tiers,
        "moq_packs": 1,
        "multiple_packs": 1,
        "available_packs": rng.randint(0, 5000),
        "lead_time_days": rng.choice((1, 2, 3, 5)),
        "shelf_life_days": rng.choice((180, 365)),
    }


def write_file(path: Path, records) -> dict:
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        for rec in records:
            gz.write(json.dumps(rec, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
            count += 1
    data = path.read_bytes()
    return {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(), "records": count}


def build(n: int = 1_000_000, change: int = 10_000) -> Path:
    """Feed folder with a snapshot of n offers (sequence 1) and one change of `change`
    records (sequence 2): price changes on existing SKUs."""
    folder = OUT / f"feed-{n}-{change}-v{VERSION}"
    if (folder / "feed.json").exists():
        return folder
    rng = random.Random(42)
    snap = write_file(folder / "snapshots/1.ndjson.gz", (offer(i, rng) for i in range(n)))
    rng2 = random.Random(43)
    changed = []
    for i in rng2.sample(range(n), change):
        rec = offer(i, random.Random(i))
        rec["tiers"] = [{"min_packs": 1, "unit_price_fen": rng2.randint(400, 20000)}]
        changed.append(rec)
    chg = write_file(folder / "changes/2.ndjson.gz", changed)
    manifest = {
        "format": "shop-desk-catalog/1",
        "generated_at": "2026-11-27T00:00:00Z",
        "supplier": {
            "id": "bench",
            "name": "基准批发",
            "lead_time_days": 2,
            "shipping": {"fee_fen": 1500, "free_over_fen": 30000},
        },
        "sequence": 1,
        "snapshot": {"sequence": 1, "path": "snapshots/1.ndjson.gz", **snap},
        "changes": [],
    }
    (folder / "feed.json").write_text(json.dumps(manifest), encoding="utf-8")
    manifest["sequence"] = 2
    manifest["changes"] = [{"sequence": 2, "path": "changes/2.ndjson.gz", **chg}]
    (folder / "feed-2.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


if __name__ == "__main__":
    print(build(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000))
