"""Scoring and pace at their edges (issue 23, mutation run): the pace ratio, the scheme's
weights, seasonal shares, the year-end forecast, the weighted score and the ranking. Pure: no
database."""

import re
from datetime import date
from decimal import Decimal as D

import pytest

from diaodu.dashboard.kpis import (
    SCORE_METRICS,
    Expected,
    expected_share,
    pace_ratio,
    rank,
    score,
    seasonal_shares,
    validate_weights,
    year_end_forecast,
)

HALF = Expected(D("0.5"), "seasonal", (2021,))


def test_pace_ratio_is_completion_over_the_expected_share():
    assert pace_ratio(D("500"), D("1000"), HALF) == D("100.00")
    assert pace_ratio(D("450"), D("1000"), HALF) == D("90.00")
    assert pace_ratio(D("625"), D("1000"), HALF) == D("125.00")
    assert pace_ratio(D("0"), D("1000"), HALF) == D("0.00")


@pytest.mark.parametrize(("done", "planned", "expected"), [
    (None, D("1000"), HALF), (D("50"), None, HALF), (D("50"), D("0"), HALF),
    (D("50"), D("1000"), None), (D("50"), D("1000"), Expected(D(0), "seasonal", ()))])
def test_pace_ratio_needs_a_plan_and_something_expected(done, planned, expected):
    assert pace_ratio(done, planned, expected) is None


def test_pace_ratio_is_truncated_never_rounded_up_into_a_better_colour():
    whole = Expected(D(1), "linear", ())
    assert pace_ratio(D("94.999"), D(100), whole) == D("94.99")
    assert pace_ratio(D("94.995"), D(100), whole) == D("94.99")
    assert pace_ratio(D("94.985"), D(100), whole) == D("94.98")


def test_pace_ratio_of_a_plan_under_one_wan_is_still_measured():
    # A plan of 0.50 万元 (5,000 元) or exactly 1 万元 is a plan: only none, 0 or less is not.
    assert pace_ratio(D("0.25"), D("0.50"), HALF) == D("100.00")
    assert pace_ratio(D("0.25"), D("1"), HALF) == D("50.00")
    assert pace_ratio(D("0.25"), D("-1"), HALF) is None


# --- the expected share: seasonal from history, else the share of the year's days -------------

def test_linear_share_counts_the_days_of_a_leap_year():
    assert expected_share(date(2024, 12, 31), []) == Expected(D(1), "linear", ())
    assert expected_share(date(2024, 2, 29), []).share == D(60) / D(366)
    assert expected_share(date(2023, 12, 31), []).share == D(1)
    assert expected_share(date(2023, 3, 1), []).share == D(60) / D(365)


def test_linear_share_names_no_years_and_seasonal_names_its_years():
    linear = expected_share(date(2024, 6, 30), [])
    assert (linear.method, linear.years) == ("linear", ())
    shares = [D("0.1")] * 11 + [D(1)]
    seasonal = expected_share(date(2024, 6, 30), shares, (2022, 2023))
    assert seasonal == Expected(D("0.1"), "seasonal", (2022, 2023))
    # No history done by the month: time progress instead, without the years.
    none_yet = expected_share(date(2024, 6, 30), [D(0)] * 11 + [D(1)], (2022, 2023))
    assert (none_yet.method, none_yet.years) == ("linear", ())


def test_weights_summing_to_100_come_back_for_every_metric():
    assert validate_weights({"investment": "60", "starts": 40}) == {
        "investment": 60, "starts": 40, "registration": 0, "closure": 0, "punctuality": 0}
    assert list(validate_weights({m: 20 for m in SCORE_METRICS})) == list(SCORE_METRICS)
    assert validate_weights({"investment": " 100 ", "starts": "", "closure": 0}) == {
        "investment": 100, "starts": 0, "registration": 0, "closure": 0, "punctuality": 0}


@pytest.mark.parametrize(("weights", "code"), [
    ({"investment": 99}, "scheme.sum"),
    ({"investment": 101}, "scheme.sum"),
    ({"investment": 60, "starts": 41}, "scheme.sum"),
    ({"speed": 100}, "scheme.unknown_metric"),
    ({"investment": "六十", "starts": 40}, "scheme.not_a_number"),
    ({"investment": "60.5", "starts": "39.5"}, "scheme.not_a_number"),
    ({"investment": 101, "starts": -1}, "scheme.negative"),
    ({}, "scheme.sum"),
])
def test_bad_weights_name_the_problem(weights, code):
    with pytest.raises(ValueError, match=rf"^{re.escape(code)}$"):
        validate_weights(weights)


def test_zero_weight_is_allowed_but_minus_zero_sum_is_not():
    assert validate_weights({"investment": 100, "starts": "0"})["starts"] == 0
    with pytest.raises(ValueError, match=r"^scheme\.negative$"):
        validate_weights({"investment": 100, "starts": "-0001"})


# --- seasonal shares and the year-end forecast at their edges ---------------------------------

RAMP = [D(v) for v in (3, 7, 15, 24, 34, 44, 53, 62, 72, 82, 91, 100)]


def test_shares_average_the_years_month_by_month():
    # 2020 did 10% by January, 2021 did 30%: the share is their mean, not their product.
    a = [D(10), *[D(50)] * 10, D(100)]
    b = [D(60), *[D(100)] * 10, D(200)]
    shares = seasonal_shares({2020: a, 2021: b})
    assert shares[0] == D("0.2")
    assert shares[1] == D("0.5")
    assert shares[11] == D(1)
    assert len(shares) == 12


def test_a_year_that_ended_at_one_wan_counts_and_one_at_zero_does_not():
    small = [D("0.5")] * 11 + [D(1)]
    assert seasonal_shares({2020: small})[0] == D("0.5")
    assert seasonal_shares({2020: [D(0)] * 12}) == []
    assert seasonal_shares({2020: [D(0)] * 12, 2021: RAMP})[0] == D("0.03")


def test_a_year_without_twelve_months_is_skipped():
    assert seasonal_shares({2020: RAMP[:11]}) == []
    assert seasonal_shares({2020: [*RAMP, D(100)]}) == []
    assert seasonal_shares({2020: RAMP[:11], 2021: RAMP})[3] == D("0.24")
    assert seasonal_shares({}) == []


def test_shares_are_clamped_between_0_and_1():
    # A month reported above the year's end (a correction later) or below zero.
    odd = [D(-50), D(150), *[D(100)] * 10]
    shares = seasonal_shares({2020: odd})
    assert shares[0] == D(0)
    assert shares[1] == D(1)
    assert shares[11] == D(1)


def test_last_share_is_exactly_one():
    shares = seasonal_shares({2020: RAMP, 2021: [D(1)] * 11 + [D(3)]})
    assert shares[11] == D(1)
    assert str(shares[11]) == "1"


def test_forecast_divides_by_the_expected_share():
    forecast = year_end_forecast(D(40), Expected(D("0.4"), "seasonal", (2020,)))
    assert (forecast.value, forecast.method, forecast.share, forecast.years) == (
        D("100.00"), "seasonal", D("0.4000"), (2020,))
    linear = year_end_forecast(D(300), Expected(D("0.25"), "linear", ()))
    assert (linear.value, linear.method, linear.years) == (D("1200.00"), "linear", ())


def test_forecast_rounds_half_up():
    assert year_end_forecast(D("0.025"), Expected(D(1), "linear", ())).value == D("0.03")
    assert year_end_forecast(D(1), Expected(D("0.12345"), "seasonal", ())).share == \
        D("0.1235")


def test_forecast_never_ends_below_what_is_done():
    # A share above 1 (given by a caller) would forecast less than is done; none expected
    # yet forecasts what is done.
    assert year_end_forecast(D(100), Expected(D(2), "seasonal", ())).value == D("100.00")
    assert year_end_forecast(D(100), Expected(D(0), "linear", ())).value == D("100.00")


# --- the weighted score and the ranking -------------------------------------------------------

def test_score_weights_each_metric():
    metrics = {"investment": D(80), "starts": D(50)}
    assert score(metrics, {"investment": 60, "starts": 40}) == D("68.0")
    assert score(metrics, {"investment": 40, "starts": 60}) == D("62.0")


def test_score_leaves_out_metrics_without_data_or_weight():
    metrics = {"investment": D(80), "starts": None, "closure": D(10)}
    assert score(metrics, {"investment": 50, "starts": 50, "closure": 0}) == D("80.0")
    assert score({"investment": D(80)}, {"investment": 50, "starts": 50}) == D("80.0")
    assert score({"investment": D(0)}, {"investment": 100}) == D("0.0")


def test_score_adds_nothing_of_its_own_to_the_points():
    # Over a weight of 1 any point added would show whole; at a .x5 edge it would round up.
    assert score({"investment": D(80), "starts": None}, {"investment": 1, "starts": 99}) == \
        D("80.0")
    assert score({"investment": D("50.24")}, {"investment": 100}) == D("50.2")


def test_score_without_data_or_weights_is_not_ranked():
    assert score({"investment": None}, {"investment": 100}) is None
    assert score({"investment": D(50)}, {"investment": 0, "starts": 100}) is None
    assert score({}, {}) is None


def test_score_caps_each_metric_at_0_and_100():
    assert score({"investment": D(150), "starts": D(50)},
                 {"investment": 50, "starts": 50}) == D("75.0")
    assert score({"investment": D(-40), "starts": D(50)},
                 {"investment": 50, "starts": 50}) == D("25.0")
    assert score({"investment": D(100)}, {"investment": 100}) == D("100.0")


def test_score_rounds_half_up_to_a_tenth():
    assert score({"investment": D("50.25")}, {"investment": 100}) == D("50.3")
    assert score({"investment": D("50.35")}, {"investment": 100}) == D("50.4")


def test_rank_is_competition_ranking_with_ties_by_key():
    placed = rank({3: D(90), 1: D(80), 2: D(90), 4: D(70), 5: None, 6: D(80)}, 2)
    assert [(p.key, p.score, p.rank, p.top_group) for p in placed] == [
        (2, D(90), 1, True), (3, D(90), 1, True), (1, D(80), 3, False),
        (6, D(80), 3, False), (4, D(70), 5, False)]


def test_rank_top_group_includes_its_last_place():
    placed = rank({1: D(90), 2: D(80), 3: D(70)}, 2)
    assert [(p.rank, p.top_group) for p in placed] == [(1, True), (2, True), (3, False)]
    assert rank({1: None}, 3) == []
    assert [p.rank for p in rank({1: D(0), 2: D(0), 3: D(0)}, 1)] == [1, 1, 1]
