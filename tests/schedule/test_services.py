"""Schedule services: templates, 倒排工期, baselines, and bad input refused with nothing saved."""

from datetime import date

import pytest

from diaodu.core.calendar import load_calendar
from diaodu.core.errors import ConflictError, UserError
from diaodu.core.models import AuditEvent
from diaodu.schedule import services
from diaodu.schedule.models import (
    Activity,
    Baseline,
    Dependency,
    MilestoneType,
    ProjectSchedule,
    Rag,
    ScheduleTemplate,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 2)  # a Monday


def add(project, name, duration, actor=None, **kw):
    return services.activity_create(actor=actor, project=project, name=name, duration=duration,
                                    today=TODAY, **kw)


@pytest.fixture
def chain(project_a):
    """Three activities in a row from Monday 2 March 2026."""
    services.schedule_update(actor=None, project=project_a, expected_version=None,
                             start_on=TODAY, today=TODAY)
    a, b, c = (add(project_a, n, d) for n, d in (("设计", 5), ("施工", 10), ("验收", 0)))
    services.dependency_add(actor=None, predecessor=a, successor=b, today=TODAY)
    services.dependency_add(actor=None, predecessor=b, successor=c, today=TODAY)
    # The network is complete: commit its forecast as the plan.
    services.schedule_update(actor=None, project=project_a, expected_version=None,
                             start_on=TODAY, fill_plan=True, today=TODAY)
    return [Activity.objects.get(pk=x.pk) for x in (a, b, c)]


def test_milestone_types_and_templates_ship_with_the_migration():
    names = set(MilestoneType.objects.values_list("name", flat=True))
    assert {"立项/项目建议书", "可研批复", "环评", "施工许可", "开工", "主体封顶", "竣工验收",
            "投产/运营"} <= names
    assert set(ScheduleTemplate.objects.values_list("code", flat=True)) >= {
        "urban_village", "urban_renewal", "education", "road", "industry"}


def test_template_creates_activities_and_links_in_one_step(project_a, street_a_reporter):
    template = ScheduleTemplate.objects.get(code="education")
    schedule = services.schedule_apply_template(
        actor=street_a_reporter, project=project_a, template=template, start_on=TODAY,
        target_finish=date(2028, 12, 29), today=TODAY)
    activities = list(Activity.objects.filter(project=project_a))
    assert len(activities) == template.items.count()
    assert Dependency.objects.filter(project=project_a).count() == template.links.count()
    assert {link.kind for link in Dependency.objects.filter(project=project_a)} >= {"FS", "SS",
                                                                                    "FF"}
    assert schedule.finish_on and schedule.target_float is not None
    assert all(a.planned_start and a.early_start for a in activities)
    assert any(a.critical for a in activities)
    assert AuditEvent.objects.filter(action="schedule.apply_template").count() == 1
    with pytest.raises(UserError) as error:
        services.schedule_apply_template(actor=street_a_reporter, project=project_a,
                                         template=template, start_on=TODAY, today=TODAY)
    assert error.value.code == "schedule.not_empty"


def test_forecast_dates_follow_the_working_day_calendar(chain):
    design, build, accept = chain
    assert (build.planned_start, build.planned_finish) == (date(2026, 3, 9), date(2026, 3, 20))
    assert (design.early_start, design.early_finish) == (date(2026, 3, 2), date(2026, 3, 6))
    assert (build.early_start, build.early_finish) == (date(2026, 3, 9), date(2026, 3, 20))
    assert accept.early_start == date(2026, 3, 23)
    assert all(a.critical and a.total_float == 0 for a in chain)
    assert ProjectSchedule.objects.get(project=design.project).finish_on == date(2026, 3, 23)


def test_backward_planning_from_a_target_shows_negative_float(chain, project_a):
    # 倒排工期: the target is a week before the forecast finish.
    schedule = services.schedule_update(actor=None, project=project_a, expected_version=None,
                                        start_on=TODAY, target_finish=date(2026, 3, 16),
                                        today=TODAY)
    assert schedule.target_float == -5
    design = Activity.objects.get(pk=chain[0].pk)
    calendar = load_calendar()
    # Five working days before 2 March (28 February 2026 is a 调休 Saturday, so it counts).
    assert design.total_float == -5
    assert design.late_start == calendar.day_at(calendar.index_of(TODAY) - 5) == \
        date(2026, 2, 24)
    # Its latest start has passed: red.
    assert design.rag == Rag.LATE
    schedule = services.schedule_update(actor=None, project=project_a, expected_version=None,
                                        start_on=TODAY, target_finish=date(2026, 3, 31),
                                        today=TODAY)
    assert schedule.target_float == 6
    assert Activity.objects.get(pk=chain[0].pk).rag == Rag.ON_TRACK


def test_rag_late_at_risk_on_track_and_done(chain, project_a):
    services.schedule_update(actor=None, project=project_a, expected_version=None,
                             start_on=TODAY, target_finish=date(2026, 3, 25), risk_float=5,
                             today=TODAY)
    statuses = {a.name: a.rag for a in Activity.objects.filter(project=project_a)}
    assert statuses == {"设计": Rag.AT_RISK, "施工": Rag.AT_RISK, "验收": Rag.AT_RISK}
    design = chain[0]
    services.activity_update(actor=None, activity=design, expected_version=design.version,
                             actual_start=date(2026, 3, 2), actual_finish=date(2026, 3, 6),
                             today=date(2026, 3, 9))
    later = date(2026, 3, 30)  # the build should have finished on 20 March
    services.activity_update(actor=None, activity=chain[1], expected_version=1,
                             actual_start=date(2026, 3, 9), percent=50, today=later)
    statuses = {a.name: a.rag for a in Activity.objects.filter(project=project_a)}
    assert statuses["设计"] == Rag.DONE
    assert statuses["施工"] == Rag.LATE


def test_activities_added_one_by_one_get_a_plan_only_when_asked(project_a):
    first = add(project_a, "设计", 5)
    second = add(project_a, "施工", 10)
    services.dependency_add(actor=None, predecessor=first, successor=second, today=TODAY)
    second.refresh_from_db()
    assert second.planned_start is None and second.early_start == date(2026, 3, 9)
    services.schedule_update(actor=None, project=project_a, expected_version=None,
                             start_on=TODAY, fill_plan=True, today=TODAY)
    second.refresh_from_db()
    assert (second.planned_start, second.planned_finish) == (date(2026, 3, 9),
                                                              date(2026, 3, 20))
    assert AuditEvent.objects.filter(action="schedule.update",
                                     changes__has_key="planned_from_forecast").exists()


def test_non_working_dates_are_moved_with_a_note(project_a):
    # 2026-10-03 is in the National Day holiday; 2026-03-07 a plain Saturday.
    activity = add(project_a, "开工", 0, planned_start=date(2026, 10, 3),
                   planned_finish=date(2026, 10, 3))
    assert activity.planned_start == load_calendar().next_workday(date(2026, 10, 3))
    assert activity.planned_start > date(2026, 10, 4)
    assert "2026-10-03" in activity.note and "已调整" in activity.note
    schedule = services.schedule_update(actor=None, project=project_a, expected_version=None,
                                        start_on=date(2026, 3, 7), today=TODAY)
    assert schedule.start_on == date(2026, 3, 9)
    assert "2026-03-07" in schedule.note


@pytest.mark.parametrize(("fields", "code"), [
    ({"duration": -3}, "schedule.duration_negative"),
    ({"planned_start": date(2026, 5, 6), "planned_finish": date(2026, 5, 1)},
     "schedule.finish_before_start"),
    ({"actual_start": date(2026, 2, 10), "actual_finish": date(2026, 2, 2)},
     "schedule.finish_before_start"),
    ({"actual_finish": date(2026, 2, 2)}, "schedule.finish_without_start"),
    ({"actual_start": date(2026, 3, 20)}, "schedule.actual_in_future"),
    ({"percent": 120}, "schedule.percent_invalid"),
    ({"constraint_kind": "snet"}, "schedule.constraint_date_required"),
    ({"name": " "}, "schedule.name_required"),
    ({"planned_start": date(1990, 1, 1)}, "schedule.date_out_of_range"),
])
def test_bad_activity_is_refused_and_nothing_is_saved(project_a, fields, code):
    values = {"name": "施工", "duration": 5} | fields
    with pytest.raises(UserError) as error:
        services.activity_create(actor=None, project=project_a, today=TODAY, **values)
    assert error.value.code == code
    assert "\u4e00" <= error.value.message[0] <= "\u9fff" or error.value.message[0] in "施工%"
    assert not Activity.objects.exists() and not AuditEvent.objects.exists()


def test_a_cycle_is_refused_naming_its_activities(chain):
    design, _build, accept = chain
    with pytest.raises(UserError) as error:
        services.dependency_add(actor=None, predecessor=accept, successor=design, today=TODAY)
    assert error.value.code == "schedule.cycle"
    assert all(name in error.value.message for name in ("设计", "施工", "验收"))
    assert Dependency.objects.count() == 2  # nothing half-saved
    assert not AuditEvent.objects.filter(action="dependency.add",
                                         object_repr__contains="验收 → 设计").exists()


def test_links_across_projects_and_to_itself_are_refused(chain, project_b):
    other = add(project_b, "征迁", 10)
    with pytest.raises(UserError) as error:
        services.dependency_add(actor=None, predecessor=chain[0], successor=other)
    assert error.value.code == "schedule.link_across_projects"
    with pytest.raises(UserError) as error:
        services.dependency_add(actor=None, predecessor=other, successor=other, today=TODAY)
    assert error.value.code == "schedule.link_to_itself"


def test_all_four_link_types_with_lags_are_scheduled(chain):
    design, build, accept = chain
    # Start the acceptance paperwork (2 days) 3 days after the build starts (SS+3), and let
    # it finish no earlier than 1 day after the build finishes (FF+1).
    paperwork = add(design.project, "资料整理", 2)
    services.dependency_add(actor=None, predecessor=build, successor=paperwork, kind="SS", lag=3,
                            today=TODAY)
    services.dependency_add(actor=None, predecessor=build, successor=paperwork, kind="FF", lag=1,
                            today=TODAY)
    services.dependency_add(actor=None, predecessor=paperwork, successor=accept, kind="SF",
                            lag=-1, today=TODAY)
    paperwork.refresh_from_db()
    # build ends on day index +14 (20 Mar); FF+1 → paperwork finishes Mon 23 Mar.
    assert paperwork.early_finish == date(2026, 3, 23)
    assert paperwork.early_start == date(2026, 3, 20)


def test_stale_edit_is_refused_naming_the_change(chain, street_a_reporter, dispatcher):
    design = chain[0]
    services.activity_update(actor=dispatcher, activity=design, expected_version=1,
                             duration=7, today=TODAY)
    with pytest.raises(ConflictError) as error:
        services.activity_update(actor=street_a_reporter, activity=design, expected_version=1,
                                 duration=9, today=TODAY)
    assert "dispatcher" in error.value.message and "5 → 7" in error.value.message
    assert Activity.objects.get(pk=design.pk).duration == 7


def test_editing_needs_the_project_in_scope(chain, street_b_reporter, leader, project_a):
    for actor in (street_b_reporter, leader):
        with pytest.raises(UserError) as error:
            add(project_a, "越权", 1, actor=actor)
        assert error.value.code == "schedule.permission_denied"


def test_baseline_and_slip(chain, project_a, dispatcher, street_a_reporter):
    from diaodu.schedule.selectors import baseline_slips

    with pytest.raises(UserError):
        services.baseline_save(actor=street_a_reporter, project=project_a, name="批复计划")
    baseline = services.baseline_save(actor=dispatcher, project=project_a, name="批复计划",
                                      today=TODAY)
    assert baseline.entries.count() == 3 and baseline.finish_on == date(2026, 3, 23)
    with pytest.raises(UserError) as error:
        services.baseline_save(actor=dispatcher, project=project_a, name="批复计划")
    assert error.value.code == "schedule.baseline_duplicate"
    build = chain[1]
    services.activity_update(actor=dispatcher, activity=build, expected_version=1, duration=13,
                             today=TODAY)
    activities = list(Activity.objects.filter(project=project_a).order_by("position"))
    slips, project_slip = baseline_slips(baseline=Baseline.objects.get(pk=baseline.pk),
                                         activities=activities, calendar=load_calendar())
    assert [slips[a.pk].finish for a in activities] == [0, 3, 3]
    assert project_slip == 3


def test_delete_activity_removes_its_links_and_recomputes(chain, project_a):
    build = chain[1]
    services.activity_delete(actor=None, activity=build, expected_version=1, today=TODAY)
    assert Dependency.objects.filter(project=project_a).count() == 0
    assert AuditEvent.objects.filter(action="activity.delete").count() == 1


def test_only_dispatchers_edit_milestone_types(dispatcher, street_a_reporter):
    with pytest.raises(UserError):
        services.milestone_type_save(actor=street_a_reporter, code="x", name="测试节点",
                                     default_duration=3)
    mtype = services.milestone_type_save(actor=dispatcher, code="fire", name="消防验收",
                                         default_duration=10)
    assert mtype.pk and AuditEvent.objects.filter(action="milestone_type.save").exists()
    with pytest.raises(UserError) as error:
        services.milestone_type_save(actor=dispatcher, code="fire2", name="消防验收",
                                     default_duration=10)
    assert error.value.code == "schedule.milestone_type_duplicate"


def test_daily_refresh_turns_a_passed_planned_finish_red_once(chain, project_a):
    from django.core.management import call_command

    assert {a.rag for a in Activity.objects.filter(project=project_a)} == {Rag.ON_TRACK}
    # A month later nothing has started: the plan's finish dates have passed.
    assert services.schedules_refresh(today=date(2026, 4, 6)) == 1
    assert {a.rag for a in Activity.objects.filter(project=project_a)} == {Rag.LATE}
    assert ProjectSchedule.objects.get(project=project_a).computed_on == date(2026, 4, 6)
    assert services.schedules_refresh(today=date(2026, 4, 6)) == 0
    call_command("schedule_daily", stdout=open("/dev/null", "w"))
