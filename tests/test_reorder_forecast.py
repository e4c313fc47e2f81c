"""Demand history and forecasts: censored days, the smoothers against hand-computed values,
the weekday profile, the back-test's choice, and demand quantiles against direct sums."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pytest

from shop_desk.reorder import demand, forecast
from shop_desk.reorder.quantile import demand_quantile, expected_shortage, fill_rate_level

MONDAY = dt.date(2024, 1, 1)


def run(sold, oos, method, alpha, beta=0.0, first_day=MONDAY) -> forecast.Forecast:
    sold = np.atleast_2d(np.asarray(sold, dtype=np.int64))
    oos = np.atleast_2d(np.asarray(oos, dtype=bool))
    n = sold.shape[0]
    return forecast.run_forecast(
        sold,
        oos,
        first_day,
        np.full(n, method, dtype=np.int8),
        np.full(n, alpha),
        np.full(n, beta),
    )


def test_in_stock_rate_ignores_stock_out_days():
    sold = np.array([[4, 4, 0, 1, 4], [0, 0, 0, 0, 0]])
    oos = np.array([[False, False, True, True, False], [True] * 5])
    rate, days = demand.in_stock_rate(sold, oos)
    assert rate[0] == pytest.approx(4.0)  # the two short days were the shelf, not the demand
    assert days.tolist() == [3, 0]
    assert math.isnan(rate[1])  # never on the shelf: unknown, not zero


def test_censored_series_reads_a_stock_out_day_as_at_least_the_rate():
    sold = np.array([[5, 1, 0, 9]])
    oos = np.array([[False, True, True, True]])
    filled = demand.censored_series(sold, oos, np.array([3.0]))
    assert filled.tolist() == [[5.0, 3.0, 3.0, 9.0]]


def test_ses_matches_hand_computation():
    # start = mean of the first in-stock days (3); then l += 0.5 * (y - l)
    fc = run([2, 4, 0, 6], [False] * 4, forecast.SES, 0.5)
    assert fc.level[0] == pytest.approx(3.8125)  # 3 -> 2.5 -> 3.25 -> 1.625 -> 3.8125


def test_ses_skips_an_empty_shelf_and_then_trusts_the_next_day_more():
    # Start = mean of the in-stock days (2, 4, 6) = 4; 4 -> 3 -> 3.5. Day 3 was out of stock
    # with nothing sold: no update, the level grows uncertain (prior 1 -> 1.5 in noise
    # units), so day 4 gets the weight 1.5 / 2.5 = 0.6 instead of 0.5.
    fc = run([2, 4, 0, 6], [False, False, True, False], forecast.SES, 0.5)
    assert fc.level[0] == pytest.approx(3.5 + 0.6 * (6 - 3.5))


def test_a_stock_out_day_that_sold_more_than_expected_raises_the_level():
    low = run([1, 1, 1, 1], [False] * 4, forecast.SES, 0.5)
    censored = run([1, 1, 1, 5], [False, False, False, True], forecast.SES, 0.5)
    dropped = run([1, 1, 1, 0], [False, False, False, True], forecast.SES, 0.5)
    assert censored.level[0] > low.level[0]
    assert dropped.level[0] == pytest.approx(low.level[0] * 1.0 + 0.0, abs=0.5)
    assert dropped.level[0] >= 1.0 - 1e-9  # an empty shelf never reads as zero demand


def test_demand_that_returned_during_a_long_stock_out_is_relearnt_in_days():
    # 60 days of 5 a day, 60 days of real zero demand (the level falls to ~0), then either
    # 60 days of an empty shelf or 60 more in-stock zero days, then 3 days selling 5.
    sold = [5] * 60 + [0] * 120 + [5, 5, 5]
    empty = [False] * 120 + [True] * 60 + [False] * 3
    after_gap = run(sold, empty, forecast.SES, 0.1)
    plain = run(sold, [False] * 183, forecast.SES, 0.1)
    assert plain.level[0] < 1.5  # 0.5, 0.95, 1.36 at SES's fixed weight
    assert after_gap.level[0] > 3.0  # the weight after 60 unknown days starts near 0.44


def test_sba_matches_hand_computation():
    # init over the 5 days: 2 demand days of 8 units -> size 4, interval 2.5
    # day 2 (3 after 2 days): size 3.5, interval 2.25; day 5 (5 after 3 days): 4.25, 2.625
    fc = run([0, 3, 0, 0, 5], [False] * 5, forecast.SBA, 0.5)
    assert fc.level[0] == pytest.approx((1 - 0.25) * 4.25 / 2.625)


def test_tsb_matches_hand_computation():
    # probability 0.4 -> 0.32 -> 0.456 -> 0.3648 -> 0.29184 -> 0.433472; size 4 -> 3.5 -> 4.25
    fc = run([0, 3, 0, 0, 5], [False] * 5, forecast.TSB, 0.5, 0.2)
    assert fc.level[0] == pytest.approx(0.433472 * 4.25)


def test_weekday_profile_is_shrunk_toward_one():
    # 8 weeks selling 10 on Saturdays only: 80 units against 8 * 80/56 expected, plus 60/7
    # units of prior per weekday: (80 + 60/7) / (80/7 + 60/7) = 4.4286, others 0.4286
    days = 56
    sold = np.zeros((1, days), dtype=np.int64)
    weekday = (MONDAY.weekday() + np.arange(days)) % 7
    sold[0, weekday == 5] = 10
    profile = forecast.weekday_profile(sold, np.zeros_like(sold, dtype=bool), MONDAY)
    assert profile[0, 5] == pytest.approx(88.5714 / 20, rel=1e-4)
    assert profile[0, 0] == pytest.approx((60 / 7) / 20, rel=1e-4)
    assert profile.mean() == pytest.approx(1.0)


def test_mean_over_follows_the_weekday_profile():
    fc = forecast.Forecast(
        level=np.array([2.0]),
        profile=np.array([[1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 0.0]]),
        dispersion=np.array([1.0]),
        alpha=np.array([0.1]),
    )
    friday = dt.date(2024, 1, 5)
    # Friday, Saturday (x2), Sunday (x0): 2 + 4 + 0
    assert fc.mean_over(friday, np.array([0]), np.array([3]))[0] == pytest.approx(6.0)
    assert fc.mean_over(friday, np.array([7]), np.array([10]))[0] == pytest.approx(6.0)


def test_backtest_prefers_the_weekday_method_for_a_weekly_pattern():
    rng = np.random.default_rng(1)
    days = 364
    weekday = (MONDAY.weekday() + np.arange(days)) % 7
    means = np.where(weekday >= 5, 30.0, 4.0)
    sold = rng.poisson(np.vstack([means, np.full(days, 8.0)])).astype(np.int64)
    oos = np.zeros_like(sold, dtype=bool)
    fitted = forecast.fit_methods(sold, oos, MONDAY, ["weekly", "flat"], horizon=3)
    assert fitted.method[0] == forecast.SES_WEEKDAY
    assert np.isfinite(fitted.dispersion).all()
    again = forecast.FittedMethods.from_dict(json.loads(json.dumps(fitted.to_dict())))
    method, alpha, _beta, spread = again.aligned(["flat", "new", "weekly"])
    assert method[2] == forecast.SES_WEEKDAY and alpha[2] == fitted.alpha[0]
    assert method[1] == forecast.DEFAULT[0] and np.isnan(spread[1])  # a new product
    assert again.fitted_through == MONDAY + dt.timedelta(days=days - 1)


def test_backtest_does_not_score_windows_with_a_stock_out():
    sold = np.full((1, 120), 3, dtype=np.int64)
    oos = np.zeros_like(sold, dtype=bool)
    oos[0, 100] = True
    result = forecast.backtest(sold, oos, MONDAY, 5, eval_days=60)
    # origins 60..115 whose five days are complete (60..115), less the five touching day 100
    assert result.windows[0] == 56 - 5


def _nb_pmf(k: int, mean: float, var: float) -> float:
    r = mean * mean / (var - mean)
    p = mean / var
    return math.exp(
        math.lgamma(k + r)
        - math.lgamma(r)
        - math.lgamma(k + 1)
        + r * math.log(p)
        + k * math.log(1 - p)
    )


def _poisson_pmf(k: int, mean: float) -> float:
    return math.exp(-mean) * mean**k / math.factorial(k)


@pytest.mark.parametrize(
    ("mean", "var", "level"),
    [(2.0, 2.0, 0.97), (4.0, 12.0, 0.97), (0.3, 0.9, 0.9), (25.0, 100.0, 0.95)],
)
def test_demand_quantile_against_direct_sums(mean, var, level):
    pmf = (lambda k: _poisson_pmf(k, mean)) if var <= mean else (lambda k: _nb_pmf(k, mean, var))
    cdf, k = pmf(0), 0
    while cdf < level:
        k += 1
        cdf += pmf(k)
    assert demand_quantile(np.array([mean]), np.array([var]), level)[0] == k


def test_fill_rate_level_is_the_smallest_that_loses_little_enough():
    mean_w, var_w, mean_l, var_l = 8.0, 20.0, 2.0, 5.0
    allowed = 0.03 * 6.0

    def loss(mean, var, s):
        return sum(max(k - s, 0) * _nb_pmf(k, mean, var) for k in range(400))

    s = fill_rate_level(
        np.array([mean_w]), np.array([var_w]), np.array([mean_l]), np.array([var_l]), allowed
    )[0]
    assert loss(mean_w, var_w, s) - loss(mean_l, var_l, s) <= allowed
    assert loss(mean_w, var_w, s - 1) - loss(mean_l, var_l, s - 1) > allowed


def test_expected_shortage_of_a_normal():
    # E[(X - mean)+] for X ~ N(mean, sd^2) is sd / sqrt(2 pi)
    assert expected_shortage(10.0, 4.0, 10.0) == pytest.approx(2 / math.sqrt(2 * math.pi))
