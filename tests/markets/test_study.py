"""The market-model event study: planted abnormal returns, reference statistics, edge cases."""
from __future__ import annotations

import math

import numpy as np
import pytest
import statsmodels.api as sm
from conftest import closes_from_returns, weekdays
from scipy import stats

from stockgroups.markets.study import (
    StudyError,
    StudyParams,
    aggregate,
    corrado_rank,
    market_model,
    run_study,
)


def test_planted_abnormal_return_is_found_on_day_zero_and_in_the_car(market_panel):
    days, m, stocks = market_panel
    a, b, r = stocks["S0"]
    day0 = 170
    planted = r.copy()
    planted[day0] += 0.05
    prices = {"MKT": closes_from_returns(days, m), "S0": closes_from_returns(days, planted)}
    study = run_study(prices, ["S0"], ["MKT"], days[day0], StudyParams(window=(-1, 2)))
    res = study.companies[0]
    assert res.ok and study.day0 == days[day0]
    assert res.beta == pytest.approx(b, abs=0.08)
    assert res.ar[1] == pytest.approx(0.05, abs=0.012)  # day 0 is the second window day
    assert max(abs(x) for i, x in enumerate(res.ar) if i != 1) < 0.015
    assert res.car == pytest.approx(sum(res.ar))
    assert res.t > 3


def test_market_model_matches_a_hand_computed_ols_and_abnormal_returns():
    stock = np.array([np.nan, 0.01, -0.02, 0.03, 0.00, 0.015, 0.02, -0.01, 0.04, 0.05])
    market = np.array([np.nan, 0.005, -0.01, 0.02, 0.001, 0.01, 0.012, -0.004, 0.01, 0.0])
    # estimation 6 days, gap 1, day 0 = index 8: estimation indices 1..6, window 8..9
    params = StudyParams(estimation=6, gap=1, window=(0, 1))
    assert params.min_estimation_days == 6  # a window this short is allowed when asked for
    res = market_model(stock, market, 8, params)
    x, y = market[1:7], stock[1:7]
    beta = ((x - x.mean()) * (y - y.mean())).sum() / ((x - x.mean()) ** 2).sum()
    alpha = y.mean() - beta * x.mean()
    assert res.beta == pytest.approx(beta) and res.alpha == pytest.approx(alpha)
    assert res.ar == pytest.approx((stock[8] - alpha - beta * market[8],
                                    stock[9] - alpha - beta * market[9]))


def test_per_ticker_t_equals_statsmodels_event_dummy_regression(market_panel):
    days, m, stocks = market_panel
    params = StudyParams(estimation=120, gap=10, window=(0, 3))
    day0 = 160
    for name, (_, _, r) in stocks.items():
        res = market_model(r, m, day0, params, ticker=name)
        est = np.arange(day0 - 130, day0 - 10)
        win = np.arange(day0, day0 + 4)
        rows = np.concatenate([est, win])
        dummies = np.zeros((rows.size, win.size))
        dummies[np.arange(est.size, rows.size), np.arange(win.size)] = 1.0
        X = np.column_stack([np.ones(rows.size), m[rows], dummies])
        fit = sm.OLS(r[rows], X).fit()
        test = fit.t_test(np.concatenate([[0, 0], np.ones(win.size)]))
        assert res.car == pytest.approx(float(test.effect[0]), rel=1e-9)
        assert res.t == pytest.approx(float(test.tvalue[0][0]), rel=1e-9)
        assert res.p == pytest.approx(float(test.pvalue), rel=1e-6)


def test_group_cross_sectional_and_bmp_statistics_match_references(market_panel):
    days, m, stocks = market_panel
    day0 = 160
    bumped = {k: (a, b, r.copy()) for k, (a, b, r) in stocks.items()}
    for i, (_, _, r) in enumerate(bumped.values()):
        r[day0] += 0.01 * (i - 1)  # event-day moves of different sizes and signs
    prices = {"MKT": closes_from_returns(days, m)}
    prices.update({k: closes_from_returns(days, r) for k, (_, _, r) in bumped.items()})
    study = run_study(prices, list(bumped), ["MKT"], days[day0], StudyParams(window=(0, 1)))
    group = study.groups[0]
    cars = [c.car for c in study.companies]
    ref = stats.ttest_1samp(cars, 0.0)
    assert group.t_cross == pytest.approx(ref.statistic) and group.p_cross == pytest.approx(ref.pvalue)
    # BMP computed another way: each firm's standardized CAR is the t of its event dummies
    # in one statsmodels regression; BMP is the one-sample t test of those.
    scars = []
    for _, _, r in bumped.values():
        est, win = np.arange(day0 - 130, day0 - 10), np.arange(day0, day0 + 2)
        rows = np.concatenate([est, win])
        dummies = np.zeros((rows.size, 2))
        dummies[[est.size, est.size + 1], [0, 1]] = 1.0
        fit = sm.OLS(r[rows], np.column_stack([np.ones(rows.size), m[rows], dummies])).fit()
        scars.append(float(fit.t_test([0, 0, 1, 1]).tvalue[0][0]))
    ref_bmp = stats.ttest_1samp(scars, 0.0)
    assert group.t_bmp == pytest.approx(ref_bmp.statistic, rel=1e-8)
    assert group.p_bmp == pytest.approx(ref_bmp.pvalue, rel=1e-6)
    assert group.car == pytest.approx(np.mean(cars))


def test_corrado_rank_matches_a_direct_computation_with_ties_and_unequal_lengths():
    series = [
        [(0, 0.01), (1, -0.02), (2, 0.00), (3, 0.03), (5, 0.05)],
        [(0, -0.01), (1, 0.02), (2, 0.02), (3, -0.03), (4, 0.01), (5, 0.04)],
        [(1, 0.00), (2, -0.01), (3, 0.01), (4, 0.00), (5, -0.02)],
    ]
    window = [4, 5]
    # direct: U = rank / (M + 1) - 0.5, average ranks for ties
    us: dict[int, list[float]] = {}
    for obs in series:
        vals = [v for _, v in obs]
        for d, v in obs:
            below = sum(1 for w in vals if w < v)
            equal = sum(1 for w in vals if w == v)
            rank = below + (equal + 1) / 2
            us.setdefault(d, []).append(rank / (len(vals) + 1) - 0.5)
    means = {d: sum(u) / len(u) for d, u in us.items()}
    s = math.sqrt(sum(v * v for v in means.values()) / len(means))
    z_ref = sum(means[d] for d in window) / (math.sqrt(len(window)) * s)
    z, p = corrado_rank(series, window)
    assert z == pytest.approx(z_ref)
    assert p == pytest.approx(2 * stats.norm.sf(abs(z_ref)))


def test_cap_weighted_car_weights_by_market_cap_and_needs_every_cap(market_panel):
    days, m, stocks = market_panel
    prices = {"MKT": closes_from_returns(days, m)}
    prices.update({k: closes_from_returns(days, r) for k, (_, _, r) in stocks.items()})
    tickers = ["S0", "S1"]
    study = run_study(prices, tickers, ["MKT"], days[160], StudyParams(window=(0, 1)),
                      caps={"S0": 300.0, "S1": 100.0})
    c0, c1 = study.companies
    assert study.groups[0].car_cap == pytest.approx(0.75 * c0.car + 0.25 * c1.car)
    partial = run_study(prices, tickers, ["MKT"], days[160], StudyParams(window=(0, 1)),
                        caps={"S0": 300.0})
    assert partial.groups[0].car_cap is None and "cap" in partial.groups[0].note


@pytest.mark.parametrize("ticker, status_words", [
    ("GAPPY", "prices missing on day +1"),
    ("DELISTED", "delisted or no prices after day +2"),
    ("NEWLISTED", "estimation window too short"),
    ("FLAT", "no variance"),
    ("NOSUCH", "no prices"),
])
def test_unusable_tickers_are_reported_per_ticker_and_left_out_of_the_group(
        edge_prices, ticker, status_words):
    days, prices = edge_prices
    study = run_study(prices, ["GOOD", ticker], ["MKT"], days[160], StudyParams(window=(0, 3)))
    by = {c.ticker: c for c in study.companies}
    assert by["GOOD"].ok
    assert not by[ticker].ok and status_words in by[ticker].status
    assert by[ticker].t is None
    assert study.groups[0].used == ("GOOD",)
    assert "one ticker" in study.groups[0].note


def test_a_group_with_no_usable_ticker_says_so(edge_prices):
    days, prices = edge_prices
    study = run_study(prices, ["FLAT"], ["MKT"], days[160])
    assert study.groups[0].car is None and study.groups[0].note == "no ticker with a usable CAR"


def test_a_market_proxy_that_never_moves_is_reported_per_ticker(edge_prices):
    days, prices = edge_prices
    study = run_study(prices, ["GOOD"], ["FLAT"], days[160])
    assert "market proxy did not move" in study.companies[0].status


def test_window_past_the_last_price_reports_missing_days_not_a_crash(edge_prices):
    days, prices = edge_prices
    study = run_study(prices, ["GOOD"], ["MKT"], days[-2], StudyParams(window=(0, 5)))
    assert study.days[-1] is None
    assert study.companies[0].status == "the prices end before day +2: no CAR"


@pytest.mark.parametrize("params, words", [
    (StudyParams(window=(3, 1)), "comes after"),
    (StudyParams(gap=2, window=(-5, 1)), "reaches into the estimation window"),
    (StudyParams(estimation=2), "at least 3"),
])
def test_bad_parameters_are_one_line_study_errors(edge_prices, params, words):
    days, prices = edge_prices
    with pytest.raises(StudyError, match=words):
        run_study(prices, ["GOOD"], ["MKT"], days[160], params)


def test_an_event_after_every_price_is_a_study_error(edge_prices):
    _, prices = edge_prices
    with pytest.raises(StudyError, match="no trading day on or after 2030-01-01"):
        run_study(prices, ["GOOD"], ["MKT"], "2030-01-01")


def test_aggregate_of_one_ticker_has_no_cross_sectional_test(market_panel):
    _days, m, stocks = market_panel
    res = market_model(stocks["S2"][2], m, 160, StudyParams(window=(0, 1)), ticker="S2")
    g = aggregate("one", ["S2"], {"S2": res}, [160, 161])
    assert g.car == pytest.approx(res.car) and g.t_cross is None and g.t_bmp is None


def test_a_market_holiday_is_not_a_trading_day_and_the_window_counts_trading_days(
        market_panel):
    days, m, stocks = market_panel
    prices = {"MKT": closes_from_returns(days, m),
              "S0": closes_from_returns(days, stocks["S0"][2])}
    holiday = days[161]
    closed = {t: {d: v for d, v in s.items() if d != holiday} for t, s in prices.items()}
    study = run_study(closed, ["S0"], ["MKT"], holiday, StudyParams(window=(0, 1)))
    assert study.day0 == days[162] and study.days == (days[162], days[163])
    res = study.companies[0]
    assert res.ok
    # day 0's return runs from the close before the holiday: consecutive trading-day closes
    before, after = prices["S0"][days[160]], prices["S0"][days[162]]
    mk = prices["MKT"][days[162]] / prices["MKT"][days[160]] - 1
    assert res.ar[0] == pytest.approx(after / before - 1 - res.alpha - res.beta * mk)


def test_kolari_pynnonen_scales_bmp_by_the_residual_correlation_of_a_shared_factor():
    rng = np.random.default_rng(11)
    days = weekdays("2021-03-01", 200)
    m = rng.normal(0.0005, 0.01, len(days))
    factor = rng.normal(0, 0.01, len(days))  # an industry move the market model leaves in
    prices = {"MKT": closes_from_returns(days, m)}
    residuals = []
    for i in range(4):
        own = rng.normal(0, 0.006, len(days))
        r = 0.9 * m + factor + own
        r[160] += 0.02
        prices[f"S{i}"] = closes_from_returns(days, r)
    study = run_study(prices, [f"S{i}" for i in range(4)], ["MKT"], days[160],
                      StudyParams(window=(0, 1)))
    for c in study.companies:
        residuals.append(np.array([v for _, v in c.ranked[:c.n_residuals]]))
    corr = np.corrcoef(np.vstack(residuals))
    rho = corr[np.triu_indices(4, 1)].mean()
    g = study.groups[0]
    assert g.mean_correlation == pytest.approx(rho)
    assert rho > 0.3
    assert g.t_bmp_adj == pytest.approx(g.t_bmp * math.sqrt((1 - rho) / (1 + 3 * rho)))
    assert abs(g.t_bmp_adj) < abs(g.t_bmp)
