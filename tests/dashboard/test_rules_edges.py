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
