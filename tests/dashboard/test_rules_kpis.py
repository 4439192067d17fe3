"""The pure cores: warning rules and dashboard formulas, with plain values and hypothesis."""

import calendar
import itertools
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diaodu.dashboard import kpis, rules

D = Decimal
# No deadlines: the test machine is shared and often loaded; these check values, not speed.
amounts = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False)
percent = st.decimals(min_value=-50, max_value=300, places=1, allow_nan=False)


def test_default_rules_are_valid():
    parsed = rules.validate(rules.DEFAULT_RULES)
    assert [r.metric for r in parsed] == list(rules.METRICS)


def _completion(**change):
    return [{**rules.DEFAULT_RULES[0], **change}]


@pytest.mark.parametrize(("change", "code"), [
    ({"amber": "80", "red": "95"}, "rule.inverted"),
    ({"amber": "90", "red": "90"}, "rule.overlap"),
    ({"ahead": "90"}, "rule.ahead"),
    ({"amber": None, "red": None}, "rule.no_threshold"),
    ({"red": "八十"}, "rule.not_a_number"),
    ({"message": "  "}, "rule.no_message"),
    ({"metric": "weather"}, "rule.unknown_metric"),
])
def test_bad_rules_are_refused_with_a_code(change, code):
    with pytest.raises(rules.RuleProblem) as problem:
        rules.validate(_completion(**change))
    assert problem.value.code == code


def test_at_least_rules_need_red_above_amber():
    bad = [{"metric": "stale", "comparison": "at_least", "amber": "3", "red": "2",
            "message": "x"}]
    with pytest.raises(rules.RuleProblem, match=r"rule\.inverted"):
        rules.validate(bad)


def test_duplicate_metric_is_refused():
    with pytest.raises(rules.RuleProblem, match=r"rule\.duplicate"):
        rules.validate(rules.DEFAULT_RULES + rules.DEFAULT_RULES[:1])


def test_completion_bands_of_the_issue():
    rule = rules.validate(rules.DEFAULT_RULES)[0]
    assert rules.pace(rule, D("106")) == "ahead"
    assert rules.pace(rule, D("100")) == "normal"
    assert rules.pace(rule, D("95")) == "normal"
    assert rules.pace(rule, D("94.9")) == "behind"
    assert rules.pace(rule, D("79.9")) == "red"
    assert rules.pace(rule, None) == ""


def test_evaluate_explains_in_words_worst_first():
    parsed = rules.validate(rules.DEFAULT_RULES)
    found = rules.evaluate(parsed, {"completion_vs_time": D("90.0"), "stale": 3,
                                    "milestone_late": 0, "negative_float": None})
    assert [(f.metric, f.level) for f in found] == [("stale", "red"),
                                                    ("completion_vs_time", "amber")]
    assert found[1].reason.startswith("年度投资完成率仅为应完成进度（往年同期完成比例）的90%")


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=percent, a=percent, b=percent)
def test_below_rule_levels_are_monotonic(value, a, b):
    if a == b:
        return
    amber, red = max(a, b), min(a, b)
    rule = rules.validate([{"metric": "completion_vs_time", "amber": str(amber),
                            "red": str(red), "message": "{value}"}])[0]
    level = rule.level(value)
    assert level == ("red" if value < red else "amber" if value < amber else None)
    # A lower value is never less severe.
    severity = {None: 0, "amber": 1, "red": 2}
    assert severity[rule.level(value - 1)] >= severity[level]


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ytd=amounts, month=st.integers(1, 12),
       history=st.lists(st.lists(amounts, min_size=12, max_size=12), max_size=3))
def test_forecast_is_never_below_what_is_done_and_agrees_with_the_pace(ytd, month, history):
    cumulative = {2019 + i: sorted(months) for i, months in enumerate(history)}
    shares = kpis.seasonal_shares(cumulative)
    expected = kpis.expected_share(_end(2022, month), shares, tuple(cumulative))
    forecast = kpis.year_end_forecast(ytd, expected)
    assert forecast.value >= ytd.quantize(D("0.01"))
    assert forecast.method == expected.method in ("seasonal", "linear")
    assert all(D(0) <= s <= 1 for s in shares)
    if shares:
        assert shares[11] == 1
    # One share for both: the forecast's share of the plan is the completion-vs-expected
    # ratio (to the rounding of each) whenever the forecast is not held up by what is done.
    plan = D("1000000.00")
    ratio = kpis.pace_ratio(ytd, plan, expected)
    if ratio is not None and forecast.value > ytd:
        assert abs(forecast.value * 100 / plan - ratio) < D("0.02")


def test_seasonal_forecast_recovers_a_repeated_year():
    year = [D(v) for v in (3, 7, 15, 24, 34, 44, 53, 62, 72, 82, 91, 100)]
    shares = kpis.seasonal_shares({2020: year, 2021: year})
    forecast = kpis.year_end_forecast(
        D("68.00"), kpis.expected_share(_end(2022, 4), shares, (2020, 2021)))
    assert forecast.method == "seasonal"
    assert forecast.value == D("283.33")  # 68 ÷ 0.24
    assert forecast.years == (2020, 2021)


def test_linear_forecast_without_history():
    # 31 March 2022: 90 of 365 days, 300 ÷ (90/365).
    forecast = kpis.year_end_forecast(D("300"), kpis.expected_share(_end(2022, 3), []))
    assert (forecast.method, forecast.value) == ("linear", D("1216.67"))


def _end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(metrics=st.dictionaries(st.sampled_from(kpis.SCORE_METRICS),
                               st.one_of(st.none(), percent)),
       weights=st.lists(st.integers(0, 100), min_size=5, max_size=5))
def test_score_stays_between_0_and_100(metrics, weights):
    result = kpis.score(metrics, dict(zip(kpis.SCORE_METRICS, weights, strict=True)))
    if result is not None:
        assert D(0) <= result <= D(100)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scores=st.dictionaries(st.integers(1, 50), st.decimals(0, 100, places=1)),
       size=st.integers(1, 10))
def test_ranking_is_ordered_and_ties_share_a_place(scores, size):
    placed = kpis.rank(scores, size)
    assert len(placed) == len(scores)
    for before, after in itertools.pairwise(placed):
        assert before.score >= after.score
        assert (before.rank == after.rank) == (before.score == after.score)
    assert all(p.top_group == (p.rank <= size) for p in placed)


def test_weights_must_sum_to_100():
    assert sum(kpis.validate_weights({"investment": "60", "starts": 40}).values()) == 100
    for bad, code in (({"investment": 60}, "scheme.sum"), ({"investment": -10,
                                                            "starts": 110}, "scheme.negative"),
                      ({"luck": 100}, "scheme.unknown_metric"),
                      ({"investment": "六十"}, "scheme.not_a_number")):
        with pytest.raises(ValueError, match=code.replace(".", r"\.")):
            kpis.validate_weights(bad)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(part=st.integers(0, 1000), whole=st.integers(0, 1000))
def test_campaign_rates_are_percentages(part, whole):
    for formula in (kpis.start_rate, kpis.production_rate, kpis.fulfilment_rate,
                    kpis.capacity_rate):
        value = formula(min(part, whole), whole)
        assert value is None if whole == 0 else D(0) <= value <= 100
