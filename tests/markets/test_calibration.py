"""Hit rates, intervals and the one-line track record of a kind of signal."""
from __future__ import annotations

import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from stockgroups.markets.calibration import Case, calibrate, reaction_stats, wilson
from stockgroups.markets.track_record import bucket, describe, is_hit, lookup


def case(direction: str, same: float, nxt: float, event: str = "civil-unrest",
         kind: str = "industry", score: float = 0.6) -> Case:
    return Case(event, kind, direction, score,
                {"same-day": same, "next-day": nxt, "0,+1": (1 + same) * (1 + nxt) - 1})


def test_hit_means_the_return_had_the_predicted_sign_and_zero_is_a_miss():
    assert is_hit("up", 0.01) and not is_hit("up", -0.01) and not is_hit("up", 0.0)
    assert is_hit("down", -0.01) and not is_hit("down", 0.0)


def test_hit_rate_and_mean_are_counted_per_reaction_separately():
    cases = [case("up", 0.02, -0.01), case("up", -0.01, 0.03), case("up", 0.01, 0.02),
             case("down", -0.02, 0.01)]
    table = calibrate(cases)
    cell = table["cells"]["civil-unrest|industry|up"]
    assert cell["n"] == 3
    assert cell["same-day"]["hits"] == 2 and cell["next-day"]["hits"] == 2
    assert cell["same-day"]["mean"] == pytest.approx((0.02 - 0.01 + 0.01) / 3, abs=1e-6)
    assert table["cells"]["civil-unrest|industry|down"]["same-day"]["hit_rate"] == 1.0
    # the pooled rows hold every case of the direction
    assert table["cells"]["*|*|up"]["n"] == 3 and table["cells"]["*|*|down"]["n"] == 1


def test_mixed_and_neutral_signals_are_not_cases():
    table = calibrate([Case("x", "sector", "mixed", 0.5, {"same-day": 0.01}),
                       Case("x", "sector", "neutral", 0.5, {"same-day": 0.01})])
    assert table["cells"] == {}


def test_intervals_match_scipy_and_statsmodels():
    values = [0.012, -0.004, 0.02, 0.031, -0.015, 0.007, 0.0, 0.018]
    block = reaction_stats("up", values)
    lo, hi = stats.t.interval(0.95, len(values) - 1, loc=stats.tmean(values),
                              scale=stats.sem(values))
    assert block["mean_ci"] == pytest.approx([lo, hi], abs=1e-6)
    ref = proportion_confint(5, 8, alpha=0.05, method="wilson")
    assert block["hits"] == 5 and block["hit_rate_ci"] == pytest.approx(list(ref), abs=1e-4)
    assert wilson(0, 0) == (0.0, 1.0)


def test_always_up_share_is_reported_beside_the_hit_rate_of_down_signals():
    block = reaction_stats("down", [0.01, 0.02, -0.01, 0.03])
    assert block["hit_rate"] == 0.25 and block["up_share"] == 0.75


def test_score_buckets_cover_zero_to_one_with_one_in_the_top_bucket():
    assert bucket(0.0) == "score:0.00-0.25"
    assert bucket(0.5) == "score:0.50-0.75"
    assert bucket(1.0) == "score:0.75-1.00"
    table = calibrate([case("up", 0.01, 0.01, score=0.9)])
    assert "score:0.75-1.00|up" in table["cells"]


def test_too_few_cases_says_so_instead_of_a_number():
    table = calibrate([case("up", 0.01, 0.01)] * 3)
    key, cell = lookup(table, "civil-unrest", "industry", "up")
    assert describe(cell, min_cases=table["min_cases"]) == \
        "too few cases to say (3 with prices, need 10)"
    assert describe(None) == "too few cases to say (0 with prices, need 10)"


def test_enough_cases_read_as_right_share_of_count_and_mean_car():
    cases = [case("up", 0.01, 0.01)] * 8 + [case("up", -0.02, 0.0)] * 2
    table = calibrate(cases)
    _, cell = lookup(table, "civil-unrest", "industry", "up")
    mean = (8 * (1.01 * 1.01 - 1) + 2 * -0.02) / 10
    assert describe(cell) == f"right 80% of 10 cases, mean CAR[0,+1] {mean:+.1%}"


def test_lookup_falls_back_to_pooled_cells_when_the_exact_one_is_thin():
    cases = [case("up", 0.01, 0.01, event="war")] * 12 + [case("up", 0.01, 0.01)] * 2
    table = calibrate(cases)
    key, cell = lookup(table, "civil-unrest", "industry", "up")
    assert key == "*|industry|up" and cell["n"] == 14
    key, cell = lookup(table, "civil-unrest", "country", "up")
    assert key == "civil-unrest|country|up" and cell is None  # never judged by other kinds
