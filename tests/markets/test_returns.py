"""Returns and the trading-day calendar taken from the series."""
from __future__ import annotations

import math

import numpy as np
import pytest

from stockgroups.markets.returns import (
    aligned_closes,
    day_zero,
    equal_weighted,
    simple_returns,
    trading_calendar,
)


def test_simple_returns_are_consecutive_close_ratios():
    r = simple_returns(np.array([100.0, 110.0, 99.0]))
    assert math.isnan(r[0])
    assert r[1] == pytest.approx(0.10)
    assert r[2] == pytest.approx(-0.10)


def test_a_missing_close_blanks_the_two_returns_around_it_not_spread_over_later_days():
    closes = aligned_closes({"d1": 10.0, "d3": 12.0, "d4": 12.6}, ["d1", "d2", "d3", "d4"])
    r = simple_returns(closes)
    assert np.isnan(r[:3]).all()
    assert r[3] == pytest.approx(0.05)


def test_nonpositive_or_nonfinite_closes_count_as_missing():
    closes = aligned_closes({"a": 0.0, "b": -3.0, "c": float("inf"), "d": 5.0}, "abcd")
    assert np.isnan(closes[:3]).all() and closes[3] == 5.0


def test_calendar_ignores_a_stray_weekend_row_of_one_series_among_many():
    prices = {f"T{i}": {"2022-01-07": 1.0, "2022-01-10": 1.0} for i in range(4)}
    prices["T0"]["2022-01-08"] = 1.0  # one vendor row on a Saturday
    assert trading_calendar(prices) == ["2022-01-07", "2022-01-10"]


def test_calendar_of_holiday_has_no_row_so_day_zero_moves_to_the_next_trading_day():
    calendar = ["2021-12-31", "2022-01-03", "2022-01-04"]
    assert day_zero(calendar, "2022-01-01") == 1  # a holiday and a weekend
    assert day_zero(calendar, "2022-01-03") == 1
    assert day_zero(calendar, "2022-01-03T23:10:00") == 1
    assert day_zero(calendar, "2022-01-05") is None


def test_equal_weighted_market_averages_the_series_present_each_day():
    a = np.array([np.nan, 0.02, 0.04, np.nan])
    b = np.array([np.nan, 0.00, np.nan, np.nan])
    m = equal_weighted([a, b])
    assert math.isnan(m[0]) and math.isnan(m[3])
    assert m[1] == pytest.approx(0.01) and m[2] == pytest.approx(0.04)
