"""Axis ticks at round numbers, and amounts short enough for an axis."""

from __future__ import annotations

import math

from shop_desk.i18n import current_language
from shop_desk.money import format_fen


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About `count` ticks at 1, 2, 2.5 or 5 times a power of ten, covering low..high
    (zero always included, so bars grow from it)."""
    low, high = min(low, 0.0), max(high, 0.0)
    if high == low:
        high = low + 1
    raw = (high - low) / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks, value = [], first
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def short_money(fen: float) -> str:
    """¥1.2万 in Chinese, ¥12k in English; exact below ten thousand yuan."""
    yuan = fen / 100
    if fen == 0:
        return "¥0"
    if abs(yuan) < 10_000:
        return format_fen(round(fen)) if abs(yuan) < 100 else f"¥{yuan:,.0f}"
    if current_language() == "zh_CN":
        return f"¥{yuan / 10_000:,.1f}万".replace(".0万", "万")
    return f"¥{yuan / 1000:,.0f}k"


def short_int(value: float) -> str:
    if abs(value) >= 10_000 and current_language() == "zh_CN":
        return f"{value / 10_000:,.1f}万".replace(".0万", "万")
    return f"{value:,.0f}"
