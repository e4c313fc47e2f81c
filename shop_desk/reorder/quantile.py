"""Quantiles of demand over a horizon: negative binomial (Poisson when not over-dispersed).

Vectorised over products. Small quantiles are exact (a pmf recursion); large ones, where a
shop counts in hundreds and one unit does not matter, use the Wilson-Hilferty gamma
approximation with the same mean and variance.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

EXACT_UP_TO = 60  # units; above this the gamma approximation is used (off by a unit at most)
_SQRT_2PI = np.sqrt(2 * np.pi)


def demand_quantile(mean, var, level) -> np.ndarray:
    """Smallest integer k with P(demand <= k) >= level, demand with this mean and variance."""
    mean = np.maximum(np.asarray(mean, dtype=np.float64), 0.0)
    var = np.maximum(np.asarray(var, dtype=np.float64), mean)
    level = np.broadcast_to(np.asarray(level, dtype=np.float64), mean.shape)
    z = _normal_scores(level)
    approx = gamma_quantile(mean, var, z)
    exact_rows = (approx < EXACT_UP_TO) & (mean > 0)
    result = np.where(mean > 0, np.ceil(approx), 0.0)
    if exact_rows.any():
        result[exact_rows] = _exact(mean[exact_rows], var[exact_rows], level[exact_rows])
    return result.astype(np.int64)


def _normal_scores(level: np.ndarray) -> np.ndarray:
    values, inverse = np.unique(level, return_inverse=True)
    scores = np.array([NormalDist().inv_cdf(min(max(p, 1e-9), 1 - 1e-9)) for p in values])
    return scores[inverse].reshape(level.shape)


def gamma_quantile(mean: np.ndarray, var: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Wilson-Hilferty: the gamma quantile at normal score z for this mean and variance."""
    with np.errstate(invalid="ignore", divide="ignore"):
        shape = np.where(var > 0, mean * mean / np.maximum(var, 1e-12), 1e12)
        c = 1.0 / (9.0 * np.maximum(shape, 1e-12))
        q = mean * np.maximum(1.0 - c + z * np.sqrt(c), 0.0) ** 3
    return np.where(mean > 0, q, 0.0)


def _exact(mean: np.ndarray, var: np.ndarray, level: np.ndarray) -> np.ndarray:
    """Negative binomial (or Poisson) CDF walked up to each product's level."""
    over = var > mean * (1 + 1e-9)
    r = np.where(over, mean * mean / np.maximum(var - mean, 1e-12), 1.0)
    p_fail = np.where(over, 1.0 - mean / np.maximum(var, 1e-12), 0.0)  # NB: 1 - mean/var
    with np.errstate(under="ignore"):
        pmf = np.where(over, np.exp(r * np.log(np.maximum(1.0 - p_fail, 1e-300))), np.exp(-mean))
    cdf = pmf.copy()
    result = np.full(mean.shape, -1.0)
    result[cdf >= level] = 0.0
    rows = np.arange(len(mean))  # rows still walking
    k = 0
    while k < 3 * EXACT_UP_TO and rows.size:
        if k % 16 == 0:  # drop finished rows now and then (each drop copies arrays)
            left = result[rows] < 0
            rows, over, r, p_fail, mean, level = (
                x[left] for x in (rows, over, r, p_fail, mean, level)
            )
            pmf, cdf = pmf[left], cdf[left]
            if not rows.size:
                break
        nb = pmf * (k + r) / (k + 1) * p_fail
        poisson = pmf * mean / (k + 1)
        pmf = np.where(over, nb, poisson)
        cdf = cdf + pmf
        k += 1
        result[rows[(result[rows] < 0) & (cdf >= level - 1e-12)]] = k
    stuck = result < 0  # rounding kept the CDF just under the level: take where it stopped
    result[stuck] = k
    return result


def normal_cdf(z: np.ndarray) -> np.ndarray:
    """Standard normal CDF (Abramowitz-Stegun 26.2.17, error < 1e-7)."""
    z = np.asarray(z, dtype=np.float64)
    t = 1.0 / (1.0 + 0.2316419 * np.abs(z))
    poly = t * (
        0.319381530 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429)))
    )
    tail = np.exp(-0.5 * z * z) / np.sqrt(2 * np.pi) * poly
    return np.where(z >= 0, 1.0 - tail, tail)


def expected_shortage(mean, var, stock) -> np.ndarray:
    """E[(demand - stock)+] under a normal approximation (a ranking measure, not exact)."""
    mean = np.asarray(mean, dtype=np.float64)
    sd = np.sqrt(np.maximum(np.asarray(var, dtype=np.float64), 1e-12))
    return _shortage(mean, sd, np.asarray(stock, dtype=np.float64))


def _shortage(mean: np.ndarray, sd: np.ndarray, stock: np.ndarray) -> np.ndarray:
    """expected_shortage with the standard deviation given (normal_cdf inlined: the
    density is worked out once)."""
    z = (stock - mean) / sd
    pdf = np.exp(-0.5 * z * z) / _SQRT_2PI
    t = 1.0 / (1.0 + 0.2316419 * np.abs(z))
    poly = t * (
        0.319381530 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429)))
    )
    tail = pdf * poly
    cdf = np.where(z >= 0, 1.0 - tail, tail)
    return np.maximum(sd * (pdf - z * (1.0 - cdf)), 0.0)


def fill_rate_level(mean_w, var_w, mean_l, var_l, allowed) -> np.ndarray:
    """Smallest integer s with E[(W - s)+] - E[(L - s)+] <= allowed.

    W is demand until the next order can land, L demand until this one lands: the
    difference is what this order cannot serve if it raises the position to s (units lost
    per cycle in a periodic review with lost sales). `allowed` = (1 - fill rate) x demand
    of a cycle. Exact (negative binomial walk) for small demand, normal loss above.
    """
    mean_w = np.maximum(np.asarray(mean_w, dtype=np.float64), 0.0)
    mean_l = np.minimum(np.maximum(np.asarray(mean_l, dtype=np.float64), 0.0), mean_w)
    var_w = np.maximum(np.asarray(var_w, dtype=np.float64), mean_w)
    var_l = np.maximum(np.asarray(var_l, dtype=np.float64), mean_l)
    allowed = np.broadcast_to(np.asarray(allowed, dtype=np.float64), mean_w.shape)
    result = np.zeros(mean_w.shape)
    big = mean_w + 4 * np.sqrt(var_w) > EXACT_UP_TO
    if big.any():
        result[big] = _fill_normal(mean_w[big], var_w[big], mean_l[big], var_l[big], allowed[big])
    small = ~big & (mean_w > 0)
    if small.any():
        result[small] = _fill_exact(
            mean_w[small], var_w[small], mean_l[small], var_l[small], allowed[small]
        )
    return result.astype(np.int64)


def _fill_normal(mw, vw, ml, vl, allowed) -> np.ndarray:
    lo = np.zeros(mw.shape)
    hi = mw + 8 * np.sqrt(vw) + 1
    m = len(mw)  # W's rows then L's in one array: half the array operations
    means = np.concatenate([mw, ml])
    sds = np.sqrt(np.maximum(np.concatenate([vw, vl]), 1e-12))
    for _ in range(24):  # bisection on a decreasing function of s, to well under a unit
        mid = (lo + hi) / 2
        loss = _shortage(means, sds, np.concatenate([mid, mid]))
        lost = loss[:m] - loss[m:]
        ok = lost <= allowed
        hi = np.where(ok, mid, hi)
        lo = np.where(ok, lo, mid)
    return np.ceil(hi - 1e-9)


class _Walk:
    """Negative binomial (or Poisson) pmf, CDF and loss E[(X - k)+] walked up k = 0, 1, ..."""

    def __init__(self, mean: np.ndarray, var: np.ndarray) -> None:
        self.mean = mean
        self.over = var > mean * (1 + 1e-9)
        self.r = np.where(self.over, mean * mean / np.maximum(var - mean, 1e-12), 1.0)
        self.q = np.where(self.over, 1.0 - mean / np.maximum(var, 1e-12), 0.0)
        with np.errstate(under="ignore"):
            self.pmf = np.where(
                self.over, np.exp(self.r * np.log(np.maximum(1.0 - self.q, 1e-300))), np.exp(-mean)
            )
        self.cdf = self.pmf.copy()
        self.loss = mean.copy()  # E[(X - 0)+]
        self.k = 0

    def keep(self, mask: np.ndarray) -> None:
        """Walk on only the rows in mask (finished rows cost nothing more)."""
        for name in ("mean", "over", "r", "q", "pmf", "cdf", "loss"):
            setattr(self, name, getattr(self, name)[mask])

    def step(self) -> None:
        """Advance to k + 1."""
        self.loss = np.maximum(self.loss - (1.0 - self.cdf), 0.0)
        k = self.k
        nb = self.pmf * (k + self.r) / (k + 1) * self.q
        self.pmf = np.where(self.over, nb, self.pmf * self.mean / (k + 1))
        self.cdf = self.cdf + self.pmf
        self.k = k + 1


def _fill_exact(mw, vw, ml, vl, allowed) -> np.ndarray:
    # one walk over W's rows then L's: half the array operations of two walks
    walk = _Walk(np.concatenate([mw, ml]), np.concatenate([vw, vl]))
    rows = np.arange(len(mw))
    result = np.full(len(mw), -1.0)
    allowed = allowed.copy()
    while rows.size:
        loss = walk.loss
        done = loss[: rows.size] - loss[rows.size :] <= allowed + 1e-12
        result[rows[done & (result[rows] < 0)]] = walk.k
        if done.all() or walk.k >= 6 * EXACT_UP_TO:
            result[rows[result[rows] < 0]] = walk.k
            break
        if walk.k % 16 == 15:  # drop finished rows now and then (each drop copies arrays)
            left = result[rows] < 0
            rows, allowed = rows[left], allowed[left]
            walk.keep(np.concatenate([left, left]))
        walk.step()
    return result
