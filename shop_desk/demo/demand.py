"""True daily demand of the demo shop: a weekday pattern, seasons, Spring Festival, a slow
trend, and day-to-day noise that leaves many items intermittent (zero on most days).

Demand of product i on day t is a Poisson-gamma (negative binomial) mixture of purchase
occasions, each buying `lump` units on average:

    expected(i, t) = rate_i * weekday_i(t) * season_i(t) * festival_i(t) * trend(t)
    occasions ~ Poisson(expected / lump * Gamma(shape_i, 1 / shape_i))
    units = occasions + Poisson((lump - 1) * occasions)

NumPy is imported inside the functions: start-up never pays for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from shop_desk.demo.catalog import DemoProduct

# 春节 (the first day of the lunar year): the shop's busiest fortnight comes before it.
SPRING_FESTIVALS = [
    date(2020, 1, 25), date(2021, 2, 12), date(2022, 2, 1), date(2023, 1, 22),
    date(2024, 2, 10), date(2025, 1, 29), date(2026, 2, 17), date(2027, 2, 6),
    date(2028, 1, 26), date(2029, 2, 13), date(2030, 2, 3), date(2031, 1, 23),
    date(2032, 2, 11), date(2033, 1, 31), date(2034, 2, 19), date(2035, 2, 8),
]  # fmt: skip
SUMMER_PEAK_DOY = 200  # about 19 July
PRE_DAYS = 14  # the rise before the festival
CLOSED_DIP = 0.35  # days 0..3: neighbours away, the shop half-open
AFTER_DIP = 0.75  # days 4..9: coming back
GROWTH_PER_YEAR = 0.06


def festival_factor(days: Sequence[date], lift):
    """(n, T) multipliers: up to 1 + lift the day before 春节, down for a week after."""
    import numpy as np

    lift = np.asarray(lift, dtype=float)[:, None]
    ramp = np.zeros(len(days))
    dip = np.ones(len(days))
    for t, day in enumerate(days):
        for festival in SPRING_FESTIVALS:
            delta = (day - festival).days
            if -PRE_DAYS <= delta <= -1:
                ramp[t] = 0.4 + 0.6 * (PRE_DAYS + 1 + delta) / PRE_DAYS
            elif 0 <= delta <= 3:
                dip[t] = CLOSED_DIP
            elif 4 <= delta <= 9:
                dip[t] = AFTER_DIP
    return np.maximum(1.0 + lift * ramp[None, :], 0.1) * dip[None, :]


def expected_demand(products: Sequence[DemoProduct], first_day: date, days: int):
    """(n, T) float array of expected units per product and day."""
    import numpy as np

    calendar = [first_day + timedelta(days=t) for t in range(days)]
    weekday = np.array([d.weekday() for d in calendar])
    doy = np.array([d.timetuple().tm_yday for d in calendar], dtype=float)
    profile = [p.demand for p in products]
    rate = np.array([d.rate for d in profile])[:, None]
    weekend = np.array([d.weekend for d in profile])[:, None]
    season = np.array([d.season for d in profile])[:, None]
    week = 1.0 + weekend * (weekday >= 5)[None, :] + weekend / 2 * (weekday == 4)[None, :]
    year = 1.0 + season * np.cos(2 * np.pi * (doy - SUMMER_PEAK_DOY) / 365.25)[None, :]
    fest = festival_factor(calendar, [d.festival for d in profile])
    trend = 1.0 + GROWTH_PER_YEAR * (np.arange(days) - days) / 365.0
    return rate * np.maximum(week, 0.1) * np.maximum(year, 0.05) * fest * trend[None, :]


def draw_demand(products: Sequence[DemoProduct], expected, rng):
    """(n, T) integer units demanded (what would sell with the shelf never empty)."""
    import numpy as np

    lump = np.array([p.demand.lump for p in products])[:, None]
    shape = np.array([p.demand.shape for p in products])[:, None]
    noise = rng.gamma(shape, 1.0 / shape, size=expected.shape)
    occasions = rng.poisson(expected / lump * noise)
    extra = rng.poisson((lump - 1.0) * occasions)
    return (occasions + extra).astype(np.int64)
