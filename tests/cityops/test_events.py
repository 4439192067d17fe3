"""An event from 上报 to 评价 on the case engine, its limits in working hours, and the bad input
of the issue: each refusal names what is wrong, in Chinese, and changes nothing."""

import pytest

from diaodu.cases.models import ActionKind, Case, CaseKind, CaseStatus
from diaodu.cityops import policy, services
from diaodu.cityops.models import Event, Stage
from diaodu.core.errors import Forbidden, NotFound, UserError
from diaodu.core.models import AuditEvent, Notification

from .conftest import at

pytestmark = pytest.mark.django_db


def test_report_makes_an_event_case_with_its_limit(event_a, ops_a, street_a, grid_a):
    case = event_a.case
    assert case.kind == CaseKind.EVENT and case.status == CaseStatus.OPEN
    assert event_a.street == street_a and event_a.grid == grid_a
    assert event_a.stage == Stage.REPORTED
    # 立案 within 2 working hours of 09:00 Monday; near the limit with 25 % left.
    assert event_a.step_due_at == at("2023-03-13 11:00")
    assert event_a.warn_at == at("2023-03-13 10:30")
    assert case.actions.get().kind == ActionKind.REPORT
    assert Notification.objects.filter(user=ops_a, case=case).exists()
    assert case.get_absolute_url() == f"/cityops/events/{case.pk}/"


def test_the_whole_flow(event_a, ops_a, worker_a, city_dept, dept_reporter):
    e = services.event_accept(actor=ops_a, event=event_a, now=at("2023-03-13 10:00"))
    assert e.stage == Stage.ACCEPTED and e.step_due_at == at("2023-03-13 11:00")
    e = services.event_dispatch(actor=ops_a, event=e, lead_unit=city_dept,
                                now=at("2023-03-13 10:30"))
    assert e.case.status == CaseStatus.ASSIGNED and e.case.lead_unit == city_dept
    # 占道经营: 处置 within 8 working hours: 5 h on Monday, 3 h on Tuesday → 11:30.
    assert e.step_due_at == at("2023-03-14 11:30")
    assert policy.allowed_steps(dept_reporter, e) == [policy.HANDLE]
    e = services.event_handle(actor=dept_reporter, event=e, result="已劝离摊贩",
                              now=at("2023-03-14 09:00"))
    assert e.case.status == CaseStatus.RESOLVED
    e = services.event_verify(actor=worker_a, event=e, passed=True,
                              now=at("2023-03-14 10:00"))
    e = services.event_close(actor=ops_a, event=e, now=at("2023-03-14 11:00"))
    assert e.case.status == CaseStatus.CLOSED and e.closed_on.isoformat() == "2023-03-14"
    e = services.event_evaluate(actor=ops_a, event=e, satisfaction=3,
                                now=at("2023-03-14 15:00"))
    assert e.stage == Stage.EVALUATED and e.overdue_steps == 0 and e.step_due_at is None
    kinds = list(e.case.actions.values_list("kind", flat=True))
    assert kinds == ["report", "accept", "dispatch", "handle", "verify", "close", "evaluate"]
    assert AuditEvent.objects.filter(action__startswith="event.").count() == 7


def test_verification_failed_goes_back_to_the_unit(event_a, ops_a, worker_a, city_dept,
                                                    dept_reporter):
    e = services.event_accept(actor=ops_a, event=event_a, now=at("2023-03-13 09:10"))
    e = services.event_dispatch(actor=ops_a, event=e, lead_unit=city_dept,
                                now=at("2023-03-13 09:20"))
    e = services.event_handle(actor=dept_reporter, event=e, result="已处理",
                              now=at("2023-03-13 10:00"))
    with pytest.raises(UserError) as error:
        services.event_verify(actor=worker_a, event=e, passed=False, note="",
                              now=at("2023-03-13 11:00"))
    assert error.value.field == "note"
    e = services.event_verify(actor=worker_a, event=e, passed=False, note="摊位仍在",
                              now=at("2023-03-13 11:00"))
    assert e.stage == Stage.DISPATCHED and e.handled_at is None


def test_limit_exactly_reached_is_on_time(event_a, ops_a):
    e = services.event_accept(actor=ops_a, event=event_a, now=at("2023-03-13 11:00"))
    assert e.overdue_steps == 0


def test_one_minute_over_counts_as_late(event_a, ops_a):
    e = services.event_accept(actor=ops_a, event=event_a, now=at("2023-03-13 11:01"))
    assert e.overdue_steps == 1


def test_reject_needs_a_reason_and_closes(event_a, ops_a, worker_a):
    with pytest.raises(UserError) as error:
        services.event_reject(actor=ops_a, event=event_a, reason=" ")
    assert error.value.field == "reason" and "不予立案理由" in error.value.message
    e = services.event_reject(actor=ops_a, event=event_a, reason="不属于城市管理范围",
                              now=at("2023-03-13 09:30"))
    assert e.stage == Stage.REJECTED and e.case.status == CaseStatus.CLOSED
    assert Notification.objects.filter(user=worker_a, case=e.case).exists()


def _unchanged(before_cases: int, before_events: int) -> None:
    assert Case.objects.count() == before_cases
    assert Event.objects.count() == before_events


def test_unknown_category_refused(categories, worker_a, grid_a):
    with pytest.raises(UserError) as error:
        services.event_report(actor=worker_a, grid=grid_a, category="X9999", detail="某事")
    assert error.value.code == "event.category_unknown" and "X9999" in error.value.message
    _unchanged(0, 0)


def test_event_for_another_streets_grid_refused(categories, worker_a, ops_a, grid_b):
    for actor in (worker_a, ops_a):
        with pytest.raises(UserError) as error:
            services.event_report(actor=actor, grid=grid_b, category="S0502", detail="摆摊")
        assert error.value.code == "event.grid_not_yours"
        assert "须水社区第1网格" in error.value.message
    _unchanged(0, 0)


def test_a_role_that_reports_nothing(categories, street_a_reporter, grid_a):
    with pytest.raises(Forbidden):
        services.event_report(actor=street_a_reporter, grid=grid_a, category="S0502",
                              detail="摆摊")


def test_coordinates_checked(categories, worker_a, grid_a):
    with pytest.raises(UserError) as error:
        services.event_report(actor=worker_a, grid=grid_a, category="S0502", detail="摆摊",
                              lat="91", lon="113.6")
    assert error.value.field == "lat" and "纬度" in error.value.message
    with pytest.raises(UserError):
        services.event_report(actor=worker_a, grid=grid_a, category="S0502", detail="摆摊",
                              lat="34.75")
    _unchanged(0, 0)


def test_step_out_of_order_names_the_current_stage(event_a, ops_a, worker_a):
    before = event_a.case.actions.count()
    with pytest.raises(UserError) as error:
        services.event_close(actor=ops_a, event=event_a)
    assert error.value.code == "event.out_of_order"
    assert "待立案" in error.value.message and "结案" in error.value.message
    with pytest.raises(Forbidden):
        services.event_accept(actor=worker_a, event=event_a)
    event_a.refresh_from_db()
    assert event_a.stage == Stage.REPORTED and event_a.case.actions.count() == before


def test_another_street_cannot_see_or_act(event_a, ops_b, worker_b):
    for actor in (ops_b, worker_b):
        with pytest.raises(NotFound):
            services.event_accept(actor=actor, event=event_a)


def test_stale_version_refused(event_a, ops_a):
    with pytest.raises(UserError) as error:
        services.event_accept(actor=ops_a, event=event_a, expected_version=7)
    assert error.value.status == 409


def test_city_level_by_the_district_once(event_a, district_ops, ops_a):
    with pytest.raises(Forbidden):
        services.event_report_city(actor=ops_a, event=event_a)
    e = services.event_report_city(actor=district_ops, event=event_a, note="涉及市管道路",
                                   now=at("2023-03-13 09:30"))
    assert e.city_reported_at is not None and e.step_due_at == at("2023-03-13 11:00")
    with pytest.raises(UserError) as error:
        services.event_report_city(actor=district_ops, event=e)
    assert error.value.code == "event.city_already"


def test_satisfaction_must_be_one_of_three(event_a, ops_a):
    with pytest.raises(UserError) as error:
        services.event_evaluate(actor=ops_a, event=event_a, satisfaction="9")
    assert error.value.field == "satisfaction"


def test_event_about_a_project_is_in_the_case_ledger(dispatcher, categories, ops_a, grid_a,
                                                     project_a):
    """A street centre files an event about a key project in its street: it is one of the
    project's cases, so the project page and the 问题台账 list it."""
    from diaodu.cases import selectors as case_selectors

    e = services.event_report(actor=ops_a, grid=grid_a, category="S0301",
                              detail="夜间施工扰民", project=project_a)
    assert list(project_a.cases.values_list("pk", flat=True)) == [e.pk]
    assert case_selectors.case_list(user=dispatcher).filter(pk=e.pk).exists()
