"""Warning rules at their edges (issue 23, mutation run): the "ahead" mark strictly above its
line, a finding keeps its value, a count is written plainly, a problem keeps its details.
Pure: no database."""

from decimal import Decimal as D

import pytest

from diaodu.dashboard import rules

PACE = rules.Rule("completion_vs_time", rules.BELOW, D("95"), D("80"), "进度 {value}%",
                  ahead=D("110"))
COUNT = rules.Rule("case_overdue", rules.AT_LEAST, D("1"), D("2"), "逾期 {value} 件")


def test_ahead_only_above_its_line():
    assert rules.pace(PACE, D("110")) == "normal"
    assert rules.pace(PACE, D("110.1")) == "ahead"
    assert rules.pace(PACE, D("94.9")) == "behind"
    assert rules.pace(PACE, D("79.9")) == "red"
    assert rules.pace(None, D("100")) == "" and rules.pace(PACE, None) == ""


def test_a_finding_keeps_the_value_and_explains_it():
    found = rules.evaluate([PACE, COUNT], {"completion_vs_time": D("85.50"), "case_overdue": 3})
    assert [(f.metric, f.level, f.value, f.reason) for f in found] == [
        ("case_overdue", rules.RED, 3, "逾期 3 件"),
        ("completion_vs_time", rules.AMBER, D("85.50"), "进度 85.5%")]


def test_a_count_and_a_whole_decimal_are_written_plainly():
    assert COUNT.explain(2) == "逾期 2 件"
    assert COUNT.explain(D("100")) == "逾期 100 件"
    assert PACE.explain(D("12.30")) == "进度 12.3%"


def test_a_rule_problem_keeps_its_details():
    problem = rules.RuleProblem("rule.inverted", metric="stale", amber="3")
    assert (problem.code, problem.params) == ("rule.inverted", {"metric": "stale", "amber": "3"})
    assert str(problem) == "rule.inverted"
    with pytest.raises(rules.RuleProblem) as raised:
        rules.validate([{**rules.DEFAULT_RULES[0], "red": "八十"}])
    assert raised.value.params


BASE = {"metric": "completion_vs_time", "comparison": "below", "amber": "95", "red": "80",
        "message": "进度 {value}%"}


@pytest.mark.parametrize(("rules_data", "code", "params"), [
    ([{**BASE, "metric": "weather"}], "rule.unknown_metric", {"metric": "weather"}),
    ([{**BASE, "metric": None}], "rule.unknown_metric", {"metric": "None"}),
    ([BASE, BASE], "rule.duplicate", {"metric": "completion_vs_time"}),
    ([{**BASE, "comparison": "at_least"}], "rule.comparison", {"metric": "completion_vs_time"}),
    ([{**BASE, "amber": None, "red": " "}], "rule.no_threshold",
     {"metric": "completion_vs_time"}),
    ([{**BASE, "amber": "80"}], "rule.overlap",
     {"metric": "completion_vs_time", "amber": D("80"), "red": D("80")}),
    ([{**BASE, "red": "95.01"}], "rule.inverted",
     {"metric": "completion_vs_time", "amber": D("95"), "red": D("95.01")}),
    ([{"metric": "stale", "comparison": "at_least", "amber": "3", "red": "2", "message": "x"}],
     "rule.inverted", {"metric": "stale", "amber": D("3"), "red": D("2")}),
    ([{**BASE, "ahead": "95"}], "rule.ahead",
     {"metric": "completion_vs_time", "ahead": D("95"), "amber": D("95")}),
    ([{**BASE, "amber": None, "ahead": "80"}], "rule.ahead",
     {"metric": "completion_vs_time", "ahead": D("80"), "amber": D("80")}),
    ([{"metric": "stale", "comparison": "at_least", "amber": "3", "message": "x",
       "ahead": "9"}], "rule.ahead", {"metric": "stale", "ahead": D("9"), "amber": D("3")}),
    ([{**BASE, "message": " "}], "rule.no_message", {"metric": "completion_vs_time"}),
    ([{**BASE, "red": "八十"}], "rule.not_a_number",
     {"metric": "completion_vs_time", "name": "red", "value": "八十"}),
    ([{**BASE, "amber": "NaN"}], "rule.not_a_number",
     {"metric": "completion_vs_time", "name": "amber", "value": "NaN"}),
    ([{**BASE, "ahead": "inf"}], "rule.not_a_number",
     {"metric": "completion_vs_time", "name": "ahead", "value": "inf"}),
    ([], "rule.empty", {}),
])
def test_each_refusal_names_its_rule_and_values(rules_data, code, params):
    with pytest.raises(rules.RuleProblem) as problem:
        rules.validate(rules_data)
    assert (problem.value.code, problem.value.params) == (code, params)


def test_valid_rules_keep_every_field():
    parsed = rules.validate([{**BASE, "ahead": "110.5", "message": "  进度 {value}%  "},
                             {"metric": "stale", "amber": 3, "message": "x"}])
    assert parsed == [
        rules.Rule("completion_vs_time", rules.BELOW, D("95"), D("80"), "进度 {value}%",
                   D("110.5")),
        rules.Rule("stale", rules.AT_LEAST, D("3"), None, "x", None)]
    assert rules.validate([{**BASE, "amber": None}])[0].amber is None
    assert rules.validate([{**BASE, "red": None}])[0].red is None
    assert rules.validate([{**BASE, "amber": " 95 "}])[0].amber == D("95")


def test_a_rule_without_a_metric_or_a_message_is_refused_as_such():
    """A stored rule that lacks the key: the metric is named as empty (not "None"), and a
    missing message is refused, never shown as the text "None"."""
    without_metric = {key: value for key, value in BASE.items() if key != "metric"}
    with pytest.raises(rules.RuleProblem) as problem:
        rules.validate([without_metric])
    assert (problem.value.code, problem.value.params) == ("rule.unknown_metric", {"metric": ""})
    without_message = {key: value for key, value in BASE.items() if key != "message"}
    with pytest.raises(rules.RuleProblem) as problem:
        rules.validate([without_message])
    assert (problem.value.code, problem.value.params) == (
        "rule.no_message", {"metric": "completion_vs_time"})


def test_an_amber_only_rule_still_warns_amber():
    """No red threshold: the amber line is still checked (below and at-least rules)."""
    below = rules.validate([{**BASE, "red": None}])[0]
    assert below.level(D("94.99")) == rules.AMBER and below.level(D("95")) is None
    at_least = rules.validate([{"metric": "stale", "amber": "2", "message": "x"}])[0]
    assert at_least.level(2) == rules.AMBER and at_least.level(1) is None
