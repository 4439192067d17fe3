"""Scoring and pace at their edges (issue 23, mutation run): the pace ratio and the scheme's
weights. Pure: no database."""

import re
from decimal import Decimal as D

import pytest

from diaodu.dashboard.kpis import SCORE_METRICS, Expected, pace_ratio, validate_weights

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
