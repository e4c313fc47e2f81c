"""Daily demand forecasts for slow, intermittent shop items, vectorised over products.

Methods: simple exponential smoothing (SES), Croston with the Syntetos-Boylan correction (SBA),
Teunter-Syntetos-Babai (TSB), and SES on demand divided by a weekday profile. Each product gets
the method and smoothing weights that forecast its demand over lead time + review best in a
rolling back-test (`fit_methods`); the result is small, serialisable and meant to be cached and
refreshed after the day closes. `run_forecast` then runs the chosen methods over the history.

Stock-out days are censored: demand was at least what sold. They may raise an estimate (a day
that sold more than expected and still ran out) but never lower it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from shop_desk.reorder import demand

SES, SBA, TSB, SES_WEEKDAY = 0, 1, 2, 3
METHOD_NAMES = ("ses", "sba", "tsb", "ses_weekday")

# (method, alpha, beta): beta is TSB's weight for the probability of a demand day.
CANDIDATES: tuple[tuple[int, float, float], ...] = (
    (SES, 0.05, 0.0),
    (SES, 0.1, 0.0),
    (SES, 0.15, 0.0),
    (SBA, 0.05, 0.0),
    (SBA, 0.1, 0.0),
    (TSB, 0.1, 0.05),
    (TSB, 0.1, 0.1),
    (SES_WEEKDAY, 0.1, 0.0),
    (SES_WEEKDAY, 0.15, 0.0),
)
# Weights above 0.15 won back-tests on items that had gone quiet and lost when demand came
# back; the choice among the rest, on a year of origins, beats the best single method.
DEFAULT = (SES, 0.15, 0.0)  # what the feasibility study found robust; used without a fit
INIT_DAYS = 28  # in-stock days that start each smoother
MAX_DISPERSION = 100.0
MIN_WINDOWS = 28  # back-test windows needed to trust its error spread
PROFILE_PRIOR_UNITS = 60.0  # weekday factors are shrunk toward 1 by this many units of evidence


@dataclass(frozen=True, slots=True)
class FittedMethods:
    """Per product: the method and weights chosen by the back-test (cache this)."""

    product_ids: tuple[str, ...]
    method: np.ndarray  # int8 [n], one of SES, SBA, TSB, SES_WEEKDAY
    alpha: np.ndarray  # float [n]
    beta: np.ndarray  # float [n]
    fitted_through: dt.date  # last history day the back-test saw
    # Variance-to-mean ratio of daily demand implied by the back-test's errors over the
    # horizon (NaN: too few windows; the recent in-stock days' own ratio is used then).
    dispersion: np.ndarray | None = None

    def aligned(
        self, product_ids: list[str]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(method, alpha, beta, dispersion) in the order of product_ids; unknown products
        get DEFAULT and a NaN dispersion."""
        index = {p: i for i, p in enumerate(self.product_ids)}
        rows = np.array([index.get(p, -1) for p in product_ids], dtype=np.int64)
        known = rows >= 0
        method = np.where(known, self.method[rows], DEFAULT[0]).astype(np.int8)
        alpha = np.where(known, self.alpha[rows], DEFAULT[1])
        beta = np.where(known, self.beta[rows], DEFAULT[2])
        spread = np.full(len(rows), np.nan) if self.dispersion is None else self.dispersion
        disp = np.where(known, spread[rows], np.nan) if len(rows) else np.zeros(0)
        return method, alpha, beta, disp

    def to_dict(self) -> dict:
        return {
            "fitted_through": self.fitted_through.isoformat(),
            "products": {
                p: [METHOD_NAMES[int(m)], float(a), float(b), None if np.isnan(d) else float(d)]
                for p, m, a, b, d in zip(
                    self.product_ids,
                    self.method,
                    self.alpha,
                    self.beta,
                    self._spread(),
                    strict=True,
                )
            },
        }

    def _spread(self) -> np.ndarray:
        if self.dispersion is None:
            return np.full(len(self.product_ids), np.nan)
        return self.dispersion

    @classmethod
    def from_dict(cls, data: dict) -> FittedMethods:
        items = list(data["products"].items())
        spread = [v[3] if len(v) > 3 and v[3] is not None else np.nan for _, v in items]
        return cls(
            product_ids=tuple(p for p, _ in items),
            method=np.array([METHOD_NAMES.index(v[0]) for _, v in items], dtype=np.int8),
            alpha=np.array([v[1] for _, v in items], dtype=np.float64),
            beta=np.array([v[2] for _, v in items], dtype=np.float64),
            fitted_through=dt.date.fromisoformat(data["fitted_through"]),
            dispersion=np.array(spread, dtype=np.float64),
        )


@dataclass(slots=True)
class Forecast:
    """Where each product's demand stands after the last history day."""

    level: np.ndarray  # [n] daily rate (for SES_WEEKDAY: before the weekday factor)
    profile: np.ndarray  # [n, 7] weekday factors by date.weekday(); ones without a profile
    dispersion: np.ndarray  # [n] variance / mean of daily demand, >= 1 (see variance_over)
    alpha: np.ndarray  # [n] smoothing weight of the level (its own uncertainty)
    _sums: dict = field(default_factory=dict, repr=False)  # weekday -> cumulative factors

    def mean_over(self, today: dt.date, start: np.ndarray, stop: np.ndarray) -> np.ndarray:
        """Expected demand over days today+start .. today+stop-1, per product."""
        weekday = today.weekday()
        cum = self._sums.get(weekday)
        if cum is None:
            cum = self._sums[weekday] = _cumulative_factors(self.profile, weekday)
        return self.level * _sum_between(cum, start, stop)

    def variance_over(self, mean: np.ndarray, days: np.ndarray) -> np.ndarray:
        """Variance of demand over `days` days with that mean: daily noise plus the level's
        own estimation error, which grows with the square of the horizon."""
        days = np.maximum(np.asarray(days, dtype=np.float64), 0.0)
        level_share = self.alpha / (2.0 - self.alpha)
        return self.dispersion * mean * (1.0 + days * level_share)


def profile_sum(profile: np.ndarray, weekday: int, start, stop) -> np.ndarray:
    """Sum of weekday factors over days start..stop-1 counted from a day of `weekday`."""
    return _sum_between(_cumulative_factors(profile, weekday), start, stop)


def _cumulative_factors(profile: np.ndarray, weekday: int) -> np.ndarray:
    """[n, 8]: sums of the factors of the first 0..7 days from a day of `weekday`."""
    rolled = np.roll(profile, -weekday, axis=1)  # column j = factor of day today+j (mod 7)
    return np.concatenate([np.zeros((profile.shape[0], 1)), np.cumsum(rolled, axis=1)], axis=1)


def _sum_between(cum: np.ndarray, start, stop) -> np.ndarray:
    n = cum.shape[0]
    rows = np.arange(n)

    def upto(k) -> np.ndarray:
        k = np.maximum(np.broadcast_to(np.asarray(k, dtype=np.int64), (n,)), 0)
        return (k // 7) * cum[:, 7] + cum[rows, k % 7]

    return upto(stop) - upto(start)


def weekday_profile(
    sold: np.ndarray, out_of_stock: np.ndarray, first_day: dt.date, days: int | None = 364
) -> np.ndarray:
    """Multiplicative weekday factors [n, 7] from in-stock days, shrunk toward 1.

    A slow item has little evidence of a weekly pattern; PROFILE_PRIOR_UNITS units of
    pretend demand spread evenly over the week keep its factors near 1.
    """
    n, t = sold.shape
    start = 0 if days is None else max(0, t - days)
    x = np.asarray(sold[:, start:], dtype=np.float64)
    seen = ~np.asarray(out_of_stock[:, start:], dtype=bool)
    weekdays = (first_day.weekday() + start + np.arange(x.shape[1])) % 7
    total = np.zeros((n, 7))
    count = np.zeros((n, 7))
    for w in range(7):
        cols = weekdays == w
        total[:, w] = np.where(seen[:, cols], x[:, cols], 0.0).sum(axis=1)
        count[:, w] = seen[:, cols].sum(axis=1)
    mean = total.sum(axis=1) / np.maximum(count.sum(axis=1), 1)  # units per in-stock day
    expected = count * mean[:, None]  # units each weekday would have sold without a pattern
    prior = PROFILE_PRIOR_UNITS / 7.0
    factor = (total + prior) / (expected + prior)
    factor /= factor.mean(axis=1, keepdims=True)  # a week sums to 7 days of the level
    return factor


class _Smoothers:
    """SES, Croston and TSB states for [n, k] (product, candidate) pairs, one day at a time.

    The SES level runs in every column (its uncertainty sets the weights of all three).
    When each column has one method (the back-test's candidates), Croston and TSB run only
    in the columns of their own method; when the method varies by product (a runner, one
    column), every recursion runs and the method of the row picks which one forecasts.

    Days that tell nothing (out of stock and no more sold than expected) leave the estimates
    alone, but the level grows uncertain meanwhile: the weights follow the Kalman gain of
    the local-level model whose steady state is the smoothing weight, so after a long
    stock-out the first days back in stock count for more (a product whose demand came back
    while the shelf was empty is relearnt in days, not months).
    """

    def __init__(self, method, alpha, beta, profile, first_weekday, init_sold, init_oos):
        self.method = np.asarray(method)
        self.alpha = np.asarray(alpha, dtype=np.float64)
        self.beta = np.asarray(beta, dtype=np.float64)
        self.weekday_cols = self.method == SES_WEEKDAY
        self.profile = profile
        shape = np.broadcast_shapes(self.method.shape, self.alpha.shape, (profile.shape[0], 1))
        self.sba = _span(self.method, SBA)  # columns that run Croston
        self.tsb = _span(self.method, TSB)  # columns that run TSB
        # constant per column: worked out once, not on every one of hundreds of days
        self.alpha_floor = np.maximum(self.alpha, 1e-9)
        self.sba_rows = np.broadcast_to(self.method == SBA, shape)[:, self.sba]
        self.tsb_rows = np.broadcast_to(self.method == TSB, shape)[:, self.tsb]
        self.sba_factor = (1.0 - self.alpha / 2.0)[:, self.sba]
        self.tsb_beta = self.beta[:, self.tsb]
        rate, nonzero, size = _initial(init_sold, init_oos)
        ones = np.ones(shape)
        self.level = rate[:, None] * ones
        # Croston: demand size, interval, known days since the last demand day
        self.size = size[:, None] * ones[:, self.sba]
        self.interval = 1.0 / np.maximum(nonzero, 1e-3)[:, None] * ones[:, self.sba]
        self.since = np.zeros(shape)[:, self.sba]
        # TSB: probability of a demand day, demand size
        self.prob = nonzero[:, None] * ones[:, self.tsb]
        self.tsb_size = size[:, None] * ones[:, self.tsb]
        a = np.minimum(self.alpha, 0.95) * ones
        self.noise = a * a / (1.0 - a)  # level drift per day, in units of daily noise
        self.prior = a / (1.0 - a)  # uncertainty of the level before the next day
        self.weekday = first_weekday

    def step(self, y: np.ndarray, censored: np.ndarray) -> None:
        y = y.astype(np.float64)[:, None]
        cens = censored[:, None]
        w = self.weekday
        self.weekday = (w + 1) % 7
        # SES (on demand / weekday factor for SES_WEEKDAY columns)
        yl = np.where(self.weekday_cols, y / self.profile[:, w : w + 1], y)
        # every row as if in stock, then the few censored rows redone (same arithmetic as
        # one np.where over all rows, at a fraction of the array passes)
        gain = self.prior / (self.prior + 1.0)
        boost = gain / self.alpha_floor
        prior = gain + self.noise
        a = np.minimum(self.alpha * boost, 1.0)
        delta = a * (yl - self.level)
        rows = np.flatnonzero(censored)
        if rows.size:
            yc, lc = yl[rows], self.level[rows]
            informs = yc > lc  # a censored day tells only when it beat the level
            boost[rows] = np.where(informs, boost[rows], 1.0)
            prior[rows] = np.where(informs, gain[rows], self.prior[rows]) + self.noise[rows]
            a[rows] = np.minimum(self.alpha_rows(rows) * boost[rows], 1.0)
            delta[rows] = np.where(informs, a[rows] * (np.maximum(yc, lc) - lc), 0.0)
        self.prior = prior
        self.level += delta
        # Croston / SBA and TSB: a censored day without sales tells nothing
        hit = y > 0
        known = ~cens | hit
        a_sba = a[:, self.sba]
        self.since += known
        size_y = np.where(cens, np.maximum(y, self.size), y)
        self.size = np.where(hit, self.size + a_sba * (size_y - self.size), self.size)
        self.interval = np.where(
            hit, self.interval + a_sba * (self.since - self.interval), self.interval
        )
        self.since = np.where(hit, 0.0, self.since)
        a_tsb = a[:, self.tsb]
        b = np.minimum(self.tsb_beta * boost[:, self.tsb], 1.0)
        tsb_y = np.where(cens, np.maximum(y, self.tsb_size), y)
        self.tsb_size = np.where(
            hit, self.tsb_size + a_tsb * (tsb_y - self.tsb_size), self.tsb_size
        )
        self.prob = np.where(known, self.prob + b * (hit - self.prob), self.prob)

    def alpha_rows(self, rows: np.ndarray) -> np.ndarray:
        return self.alpha[rows] if self.alpha.shape[0] > 1 else self.alpha

    def rate(self) -> np.ndarray:
        """Daily rate per column (deseasonalised for SES_WEEKDAY)."""
        out = self.level.copy()
        croston = self.sba_factor * self.size / np.maximum(self.interval, 1.0)
        out[:, self.sba] = np.where(self.sba_rows, croston, out[:, self.sba])
        tsb = self.prob * self.tsb_size
        out[:, self.tsb] = np.where(self.tsb_rows, tsb, out[:, self.tsb])
        return out


def _span(method: np.ndarray, which: int) -> slice:
    """The columns that need `which`'s recursion: when the method is set per column (one
    row) and its columns are adjacent, just those; otherwise all of them."""
    if method.ndim != 2 or method.shape[0] != 1:
        return slice(None)
    cols = np.nonzero(method[0] == which)[0]
    if cols.size == 0:
        return slice(0, 0)
    if cols[-1] - cols[0] + 1 != cols.size:
        return slice(None)
    return slice(int(cols[0]), int(cols[-1]) + 1)


def _initial(sold: np.ndarray, oos: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rate, share of demand days, mean size on demand days) over the first in-stock days."""
    x = np.asarray(sold, dtype=np.float64)
    seen = ~np.asarray(oos, dtype=bool)
    order = np.cumsum(seen, axis=1)
    use = seen & (order <= INIT_DAYS)
    days = np.maximum(use.sum(axis=1), 1)
    total = np.where(use, x, 0.0).sum(axis=1)
    hits = (use & (x > 0)).sum(axis=1)
    rate = total / days
    nonzero = hits / days
    size = np.where(hits > 0, total / np.maximum(hits, 1), 1.0)
    return rate, nonzero, size


class ForecastRunner:
    """Each product's chosen method run over the history, advanced as new days close.

    Reviews on consecutive days only feed the new days through the recursions; the weekday
    profile and the dispersion are taken when the runner starts (they move slowly).
    """

    def __init__(
        self,
        sold: np.ndarray,
        out_of_stock: np.ndarray,
        first_day: dt.date,
        method: np.ndarray,
        alpha: np.ndarray,
        beta: np.ndarray,
        spread: np.ndarray | None = None,
        dispersion_days: int = 182,
        start: int = 0,
    ) -> None:
        """start: the first history column to use (older days barely move an estimate)."""
        self.start = start
        sold = sold[:, start:]
        first_day = first_day + dt.timedelta(days=start)
        oos = np.asarray(out_of_stock, dtype=bool)[:, start:]
        profile = weekday_profile(sold, oos, first_day)
        self.method = np.asarray(method)
        self.alpha = np.asarray(alpha, dtype=np.float64)
        self.profile = np.where((self.method == SES_WEEKDAY)[:, None], profile, 1.0)
        own = dispersion(sold, oos, dispersion_days)
        if spread is not None:
            own = np.where(np.isnan(spread), own, np.maximum(spread, 1.0))
        self.dispersion = own
        self.smoothers = _Smoothers(
            self.method[:, None],
            self.alpha[:, None],
            np.asarray(beta, dtype=np.float64)[:, None],
            profile,
            first_day.weekday(),
            sold[:, : INIT_DAYS * 2],
            oos[:, : INIT_DAYS * 2],
        )
        self.first_day = first_day
        self.days = 0  # columns fed, counted from `start`
        self._feed(sold, oos)

    def advance(self, sold: np.ndarray, out_of_stock: np.ndarray) -> None:
        """Feed the days of the full history `sold` not seen yet (same products and first
        day as when the runner started)."""
        self._feed(sold[:, self.start :], out_of_stock[:, self.start :])

    @property
    def end(self) -> int:
        """The history column after the last one fed."""
        return self.start + self.days

    def _feed(self, sold: np.ndarray, out_of_stock: np.ndarray) -> None:
        for day in range(self.days, sold.shape[1]):
            self.smoothers.step(sold[:, day], out_of_stock[:, day])
        self.days = max(self.days, sold.shape[1])

    def forecast(self) -> Forecast:
        return Forecast(
            level=np.maximum(self.smoothers.rate()[:, 0], 0.0),
            profile=self.profile,
            dispersion=self.dispersion,
            alpha=self.alpha,
        )


def run_forecast(
    sold: np.ndarray,
    out_of_stock: np.ndarray,
    first_day: dt.date,
    method: np.ndarray,
    alpha: np.ndarray,
    beta: np.ndarray,
) -> Forecast:
    """Run each product's method over its whole history; the state after the last day."""
    return ForecastRunner(sold, out_of_stock, first_day, method, alpha, beta).forecast()


def dispersion(sold: np.ndarray, out_of_stock: np.ndarray, days: int = 182) -> np.ndarray:
    """Variance-to-mean ratio of daily demand on recent in-stock days (1 = Poisson)."""
    mean, var, count = demand.in_stock_moments(sold, out_of_stock, days)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where((mean > 0) & (count > 1), var / np.maximum(mean, 1e-12), 1.0)
    return np.maximum(ratio, 1.0)


@dataclass(slots=True)
class Backtest:
    """Errors of every candidate's forecast of demand over the next `horizon` days."""

    abs_error: np.ndarray  # [n, k] sum over origins
    sq_error: np.ndarray  # [n, k]
    forecast: np.ndarray  # [n, k] sum of the forecasts scored
    windows: np.ndarray  # [n] number of origins scored
    actual: np.ndarray  # [n] sum of the scored actual demand (for relative errors)

    def mean_abs(self) -> np.ndarray:
        return self.abs_error / np.maximum(self.windows, 1)[:, None]


def backtest(
    sold: np.ndarray,
    out_of_stock: np.ndarray,
    first_day: dt.date,
    horizon,
    candidates=CANDIDATES,
    eval_days: int = 180,
) -> Backtest:
    """Rolling-origin back-test over the last `eval_days` origins whose horizon is complete.

    At each origin the candidates forecast the sum of the next `horizon` days from what
    came before; windows with a stock-out day (censored actuals) are not scored. The weekday
    profile is estimated from the days before the scored window only (at least 8 weeks of
    them when the history allows).
    """
    sold = np.asarray(sold)
    oos = np.asarray(out_of_stock, dtype=bool)
    n, t = sold.shape
    h = np.broadcast_to(np.asarray(horizon, dtype=np.int64), (n,)).copy()
    # the weekday profile needs some weeks before the first scored origin
    first_origin = max(1, t - eval_days, min(8 * 7, t // 2))
    profile = weekday_profile(sold[:, :first_origin], oos[:, :first_origin], first_day)
    method = np.array([c[0] for c in candidates])[None, :]
    alpha = np.array([c[1] for c in candidates])[None, :]
    beta = np.array([c[2] for c in candidates])[None, :]
    sm = _Smoothers(
        method,
        alpha,
        beta,
        profile,
        first_day.weekday(),
        sold[:, : INIT_DAYS * 2],
        oos[:, : INIT_DAYS * 2],
    )
    zeros = np.zeros((n, 1))
    cum = np.concatenate([zeros, np.cumsum(sold, axis=1, dtype=np.float64)], axis=1)
    cum_oos = np.concatenate([zeros, np.cumsum(oos, axis=1, dtype=np.float64)], axis=1)
    rows = np.arange(n)
    weekday_cols = np.broadcast_to(method == SES_WEEKDAY, (n, len(candidates)))
    k = len(candidates)
    abs_err = np.zeros((n, k))
    sq_err = np.zeros((n, k))
    fsum = np.zeros((n, k))
    windows = np.zeros(n)
    actual_total = np.zeros(n)
    scales: dict[int, np.ndarray] = {}  # by weekday of the origin: the profile is fixed
    for day in range(t):
        if day >= first_origin:
            end = day + h
            ok = (end <= t) & (day >= INIT_DAYS)
            end_c = np.minimum(end, t)
            ok &= (cum_oos[rows, end_c] - cum_oos[rows, day]) == 0
            if ok.any():
                actual = cum[rows, end_c] - cum[rows, day]
                weekday = (first_day.weekday() + day) % 7
                scale = scales.get(weekday)
                if scale is None:
                    mult = profile_sum(profile, weekday, 0, h)
                    scale = np.where(weekday_cols, mult[:, None], h[:, None].astype(np.float64))
                    scales[weekday] = scale
                pred = np.maximum(sm.rate(), 0.0) * scale
                err = pred - actual[:, None]
                okc = ok[:, None]
                fsum += np.where(okc, pred, 0.0)
                abs_err += np.where(okc, np.abs(err), 0.0)
                sq_err += np.where(okc, err * err, 0.0)
                windows += ok
                actual_total += np.where(ok, actual, 0.0)
        sm.step(sold[:, day], oos[:, day])
    return Backtest(abs_err, sq_err, fsum, windows, actual_total)


def fit_methods(
    sold: np.ndarray,
    out_of_stock: np.ndarray,
    first_day: dt.date,
    product_ids: list[str],
    horizon=8,
    eval_days: int = 365,
    margin: float = 0.10,
    history_days: int = 365,
) -> FittedMethods:
    """Choose each product's method by a rolling back-test of demand over `horizon` days.

    SES with the weight that did best is the reference; another method must beat it by
    `margin` (relative mean absolute error) to replace it: with a few windows of noisy
    demand, small differences are luck. Without any scored window: DEFAULT.
    """
    skip = max(0, np.asarray(sold).shape[1] - eval_days - history_days)  # older days barely count
    result = backtest(
        sold[:, skip:],
        out_of_stock[:, skip:],
        first_day + dt.timedelta(days=skip),
        horizon,
        CANDIDATES,
        eval_days,
    )
    mae = result.mean_abs()
    n = mae.shape[0]
    rows = np.arange(n)
    ses = np.array([k for k, c in enumerate(CANDIDATES) if c[0] == SES])
    reference = ses[np.argmin(mae[:, ses], axis=1)]  # the best smoothing weight for SES
    best = np.argmin(mae, axis=1)
    better = mae[rows, best] < (1.0 - margin) * mae[rows, reference]
    default = CANDIDATES.index(DEFAULT)
    choice = np.where(result.windows > 0, np.where(better, best, reference), default)
    table = np.array(CANDIDATES)
    n_days = np.asarray(sold).shape[1]
    alpha = table[choice, 1]
    h = np.broadcast_to(np.asarray(horizon, dtype=np.float64), alpha.shape)
    scale = np.maximum(result.forecast[rows, choice], result.actual)  # a forecast near 0 on a
    with np.errstate(invalid="ignore", divide="ignore"):  # selling item must not blow it up
        ratio = np.minimum(result.sq_error[rows, choice] / scale, MAX_DISPERSION)
    daily = ratio / (1.0 + h * alpha / (2.0 - alpha))  # as Forecast.variance_over reads it
    enough = (result.windows >= MIN_WINDOWS) & (scale > 0)
    return FittedMethods(
        product_ids=tuple(product_ids),
        method=table[choice, 0].astype(np.int8),
        alpha=alpha,
        beta=table[choice, 2],
        fitted_through=first_day + dt.timedelta(days=n_days - 1),
        dispersion=np.where(enough, np.maximum(daily, 1.0), np.nan),
    )
