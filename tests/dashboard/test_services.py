"""Warning rule sets, scoring schemes, warning evaluation and the ranking."""

from datetime import date
from decimal import Decimal

import pytest

from diaodu.core.errors import UserError
from diaodu.core.models import AuditEvent
from diaodu.dashboard import rules, services
from diaodu.dashboard.models import ScoringScheme, UnitRanking, Warning, WarningRuleSet
from diaodu.projects.models import Stage

from ..factories import ProjectFactory
from .conftest import approve, month_round

pytestmark = pytest.mark.django_db


def _with(metric, **change):
    return [{**r, **change} if r["metric"] == metric else r for r in rules.DEFAULT_RULES]


def test_a_change_is_a_new_active_version_with_history(dispatcher):
    first = services.rule_set_active()
    second = services.rule_set_create(actor=dispatcher, note="放宽",
                                      rules_data=_with("stale", amber="3", red="4"))
    first.refresh_from_db()
    assert (first.version, first.is_active) == (1, False)
    assert (second.version, second.is_active) == (2, True)
    assert AuditEvent.objects.filter(action="warning_rules.create",
                                     object_id=str(second.pk)).exists()


@pytest.mark.parametrize(("change", "code", "words"), [
    ({"amber": "80", "red": "95"}, "rule.inverted", "颠倒"),
    ({"amber": "90", "red": "90"}, "rule.overlap", "重叠"),
])
def test_bad_thresholds_keep_the_active_version(dispatcher, change, code, words):
    active = services.rule_set_active()
    with pytest.raises(UserError) as error:
        services.rule_set_create(actor=dispatcher,
                                 rules_data=_with("completion_vs_time", **change))
    assert error.value.code == code and words in error.value.message
    assert "投资完成率与应完成进度" in error.value.message
    assert list(WarningRuleSet.objects.values_list("pk", "is_active")) == [(active.pk, True)]


def test_only_dispatchers_change_rules(leader):
    with pytest.raises(UserError, match="调度员"):
        services.rule_set_create(actor=leader, rules_data=rules.DEFAULT_RULES)


def test_weights_must_sum_to_100_and_the_active_scheme_stays(dispatcher):
    active = services.scheme_active()
    with pytest.raises(UserError) as error:
        services.scheme_create(actor=dispatcher, top_group_size=3,
                               weights={"investment": 50, "starts": 30})
    assert error.value.code == "scheme.sum" and "当前为80" in error.value.message
    assert ScoringScheme.objects.get(is_active=True) == active
    new = services.scheme_create(actor=dispatcher, top_group_size=3,
                                 weights={"investment": 50, "starts": 50})
    assert new.version == 2 and new.weights["closure"] == 0


def test_warnings_open_move_and_clear_with_dates(dispatcher, street_a):
    project = ProjectFactory(name="未开工项目", responsible_unit=street_a, street=street_a,
                             stage=Stage.PREPARATION, planned_start=date(2022, 3, 1))
    services.warnings_evaluate(actor=dispatcher, today=date(2022, 3, 10))
    first = Warning.objects.get(project=project)
    assert (first.metric, first.level, first.since) == ("start_overdue", "amber",
                                                        date(2022, 3, 10))
    assert first.reason == "计划开工日期已过9天，项目仍未开工"
    # Same day again: nothing changes.
    assert services.warnings_evaluate(actor=dispatcher, today=date(2022, 3, 10))["opened"] == 0
    # Thirty days late: the amber row closes, a red one opens.
    services.warnings_evaluate(actor=dispatcher, today=date(2022, 4, 1))
    first.refresh_from_db()
    assert first.cleared_on == date(2022, 4, 1)
    red = Warning.objects.get(project=project, cleared_on__isnull=True)
    assert (red.level, red.since) == ("red", date(2022, 4, 1))
    # Started: the warning clears, the history stays.
    project.stage, project.actual_start = Stage.CONSTRUCTION, date(2022, 4, 2)
    project.save()
    services.warnings_evaluate(actor=dispatcher, today=date(2022, 4, 3))
    assert not Warning.objects.filter(project=project, cleared_on__isnull=True).exists()
    assert Warning.objects.filter(project=project).count() == 2


def test_completion_behind_time_progress_is_red(first_quarter, building, dispatcher):
    a, b = building
    services.warnings_evaluate(actor=dispatcher, today=date(2022, 4, 10))
    # March, no earlier years: A has 300 of 1200 (25.0%) against 90 of 365 days (24.66%) —
    # on time; B 12.5% — red at 12.5 ÷ 24.66 = 50.69 (truncated, never rounded up).
    assert not Warning.objects.filter(project=a, metric="completion_vs_time").exists()
    red = Warning.objects.get(project=b, metric="completion_vs_time")
    assert red.level == "red" and red.value == Decimal("50.69")
    assert "50.69%" in red.reason


def test_an_approval_reevaluates_its_project(building, django_capture_on_commit_callbacks):
    a, _b = building
    round_ = month_round(2022, 1)
    with django_capture_on_commit_callbacks(execute=True):
        approve(a, round_, "10", "1010")
    # Approved far below the plan: its warning is there without waiting for the night.
    assert Warning.objects.filter(project=a, metric="completion_vs_time",
                                  cleared_on__isnull=True).exists()


def test_ranking_places_units_with_change_since_last_month(first_quarter, dispatcher, street_a,
                                                            street_b):
    services.scheme_create(actor=dispatcher, top_group_size=1,
                           weights={"investment": 100})
    assert services.ranking_compute(actor=dispatcher, year=2022, month=2) == 4
    rows = {(r.kind, r.unit_id): r for r in UnitRanking.objects.filter(month=2)}
    assert rows[("unit", street_a.pk)].rank == 1 and rows[("unit", street_a.pk)].top_group
    assert rows[("unit", street_b.pk)].score == Decimal("50.0")
    assert not rows[("unit", street_b.pk)].top_group
    # Recomputing replaces the month's rows (idempotent).
    services.ranking_compute(actor=dispatcher, year=2022, month=2)
    assert UnitRanking.objects.filter(month=2).count() == 4


def test_dashboard_refresh_ranks_the_last_locked_month_and_the_one_before(first_quarter,
                                                                          dispatcher):
    result = services.dashboard_refresh(actor=dispatcher, today=date(2022, 4, 10))
    assert result["ranked"] == 4
    assert set(UnitRanking.objects.values_list("month", flat=True)) == {1, 2}


def test_nightly_task_and_command(first_quarter, capsys):
    from django.core.management import call_command

    call_command("dashboard_daily")
    assert "opened=" in capsys.readouterr().out


def test_each_version_is_audited_with_the_active_one_before_it(dispatcher):
    """The audit of a new version: every field named, [before, after], before None for the
    first version (the defaults, made on first use by nobody)."""
    first = services.rule_set_active()
    event = AuditEvent.objects.get(action="warning_rules.create", object_id=str(first.pk))
    assert event.actor is None and first.created_by is None and first.note == "默认规则"
    assert event.changes == {"version": [None, 1], "rules": [None, first.rules]}
    second = services.rule_set_create(actor=dispatcher, note="  放宽逾期  ",
                                      rules_data=_with("stale", amber="3", red="4"))
    event = AuditEvent.objects.get(action="warning_rules.create", object_id=str(second.pk))
    assert event.actor == dispatcher and second.created_by == dispatcher
    assert second.note == "放宽逾期" and second.rules != first.rules
    assert event.changes == {"version": [1, 2], "rules": [first.rules, second.rules]}

    scheme = services.scheme_active()
    event = AuditEvent.objects.get(action="scoring_scheme.create", object_id=str(scheme.pk))
    assert scheme.weights["investment"] == services.DEFAULT_WEIGHTS["investment"]
    assert event.changes == {"weights": [None, scheme.weights],
                             "top_group_size": [None, services.DEFAULT_TOP_GROUP]}
    changed = services.scheme_create(actor=dispatcher, top_group_size="3", note="x" * 250,
                                     weights={"investment": 60, "starts": 40})
    assert changed.weights["investment"] == 60 and changed.weights["closure"] == 0
    event = AuditEvent.objects.get(action="scoring_scheme.create", object_id=str(changed.pk))
    assert event.changes == {"weights": [scheme.weights, changed.weights],
                             "top_group_size": [services.DEFAULT_TOP_GROUP, 3]}
    assert (changed.version, changed.note) == (2, "x" * 200)
    assert list(ScoringScheme.objects.values_list("version", "is_active")) == [
        (2, True), (1, False)]
