"""Demand history with stock-outs treated as censored, not as zero demand.

A day that closed out of stock sold what was there; the demand itself is unknown and at
least what was sold. Everything here is vectorised over products: arrays are [product, day].
"""

from __future__ import annotations

import numpy as np


def observed_mask(out_of_stock: np.ndarray) -> np.ndarray:
    """True where the day's sales are the day's demand (the shelf never ran empty)."""
    return ~np.asarray(out_of_stock, dtype=bool)


def in_stock_rate(
    sold: np.ndarray, out_of_stock: np.ndarray, window: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Mean daily demand over in-stock days of the last `window` days, and how many there were.

    A product that was out of stock on every day of the window gets NaN: nothing is known.
    """
    sold, oos = _window(sold, out_of_stock, window)
    seen = ~oos
    days = seen.sum(axis=1)
    total = np.where(seen, sold, 0).sum(axis=1, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(days > 0, total / np.maximum(days, 1), np.nan)
    return rate, days


def in_stock_moments(
    sold: np.ndarray, out_of_stock: np.ndarray, window: int | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mean, variance, number of days) of daily demand over in-stock days of the window."""
    sold, oos = _window(sold, out_of_stock, window)
    seen = ~oos
    days = seen.sum(axis=1)
    x = np.where(seen, sold, 0).astype(np.float64)
    n = np.maximum(days, 1)
    mean = x.sum(axis=1) / n
    var = np.where(seen, (x - mean[:, None]) ** 2, 0.0).sum(axis=1) / np.maximum(days - 1, 1)
    return mean, var, days


def censored_series(sold: np.ndarray, out_of_stock: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """Daily demand with each stock-out day read as max(sold, the product's rate).

    A float array for methods that need an unbroken series; in-stock days are untouched.
    """
    sold = np.asarray(sold, dtype=np.float64)
    filled = np.maximum(sold, np.nan_to_num(rate, nan=0.0)[:, None])
    return np.where(out_of_stock, filled, sold)


def naive_scale(sold: np.ndarray, out_of_stock: np.ndarray) -> np.ndarray:
    """Mean absolute one-step naive error over pairs of in-stock days (the MASE scale)."""
    sold = np.asarray(sold, dtype=np.float64)
    seen = ~np.asarray(out_of_stock, dtype=bool)
    both = seen[:, 1:] & seen[:, :-1]
    diff = np.where(both, np.abs(np.diff(sold, axis=1)), 0.0)
    pairs = both.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(pairs > 0, diff.sum(axis=1) / np.maximum(pairs, 1), np.nan)


def _window(
    sold: np.ndarray, out_of_stock: np.ndarray, window: int | None
) -> tuple[np.ndarray, np.ndarray]:
    sold = np.asarray(sold)
    oos = np.asarray(out_of_stock, dtype=bool)
    if window is not None and window < sold.shape[1]:
        sold, oos = sold[:, -window:], oos[:, -window:]
    return sold, oos
