"""Flood warnings raising duty levels, drills with findings turned into 督办 cases and the
yearly coverage check, tracing groups and activations."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from diaodu.cases.models import Case
from diaodu.core.errors import UserError
from diaodu.core.models import UnitKind
from diaodu.duty import selectors, services
from diaodu.duty.models import DutyShift, FloodMaterial, FloodPost, TracingMember
from tests.factories import unit

pytestmark = pytest.mark.django_db


def at(*args):
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def rostered(street_a, street_b, a_people, b_people):
    services.roster_generate_all(actor=None, units=[street_a, street_b],
                                 start=date(2022, 7, 18), end=date(2022, 7, 22),
                                 staff_per_shift=1)


@pytest.fixture
def plan(street_a, street_b):
    # Street A raises its duty from yellow, street B only from orange.
    return services.flood_plan_create(actor=None, name="中原区防汛应急预案",
                                      units=[(street_a, "yellow"), (street_b, "orange")])


def levels(day):
    return dict(DutyShift.objects.filter(date=day).values_list("unit__name", "level"))


def test_yellow_warning_raises_the_units_named_from_yellow_on_the_warning_duty_day(
        rostered, plan, leader):
    # 08:00 on the 20th is still the 19th's shift.
    services.flood_warning_issue(actor=leader, plan=plan, level="yellow",
                                 at=at(2022, 7, 20, 8, 0))
    assert levels(date(2022, 7, 18)) == {"林山寨街道": "", "须水街道": ""}
    assert levels(date(2022, 7, 19)) == {"林山寨街道": "yellow", "须水街道": ""}
    assert levels(date(2022, 7, 22)) == {"林山寨街道": "yellow", "须水街道": ""}


def test_higher_warning_replaces_the_active_one_and_lifting_restores_ordinary_duty(
        rostered, plan, dispatcher):
    services.flood_warning_issue(actor=dispatcher, plan=plan, level="yellow",
                                 at=at(2022, 7, 19, 9, 0))
    red = services.flood_warning_issue(actor=dispatcher, plan=plan, level="red",
                                       at=at(2022, 7, 20, 9, 0))
    assert levels(date(2022, 7, 19)) == {"林山寨街道": "yellow", "须水街道": ""}
    assert levels(date(2022, 7, 20)) == {"林山寨街道": "red", "须水街道": "red"}
    assert [w.level for w in selectors.active_warnings(user=dispatcher)] == ["red"]
    row = next(r for r in selectors.duty_board(user=dispatcher, day=date(2022, 7, 20))
               if r.unit.name == "林山寨街道")
    assert (row.required, row.short) == (4, 3)  # one staff + three for red
    services.flood_warning_lift(actor=dispatcher, warning=red, at=at(2022, 7, 21, 9, 0))
    assert levels(date(2022, 7, 20)) == {"林山寨街道": "red", "须水街道": "red"}
    assert levels(date(2022, 7, 21)) == {"林山寨街道": "", "须水街道": ""}


def test_a_reporter_cannot_issue_a_warning(plan, street_a_reporter):
    with pytest.raises(UserError):
        services.flood_warning_issue(actor=street_a_reporter, plan=plan, level="red")


def test_flood_post_with_people_and_materials(street_a, street_a_head, street_b_reporter):
    post = services.flood_post_create(
        actor=street_a_head, street=street_a, name="林山寨街道防汛值守点",
        members=[("张伟", "带班", "13800000000")], materials=[("编织袋", 2000, "条"),
                                                            ("抽水泵", 4, "台")])
    assert FloodMaterial.objects.filter(post=post).count() == 2
    assert list(selectors.flood_post_list(user=street_b_reporter)) == []
    with pytest.raises(UserError) as error:
        services.flood_post_create(actor=None, street=street_a, name="重复物资",
                                   materials=[("编织袋", 1, "条"), ("编织袋", 2, "条")])
    assert error.value.code == "duty.material_twice"
    assert FloodPost.objects.count() == 1


def test_flood_season_defaults_and_can_be_set(dispatcher):
    assert selectors.flood_season(year=2022) == (date(2022, 6, 1), date(2022, 9, 30))
    services.flood_season_set(actor=dispatcher, year=2022, starts_on=date(2022, 5, 15),
                              ends_on=date(2022, 9, 30))
    assert selectors.flood_season(year=2022)[0] == date(2022, 5, 15)
    with pytest.raises(UserError):
        services.flood_season_set(actor=dispatcher, year=2022, starts_on=date(2022, 9, 1),
                                  ends_on=date(2022, 8, 31))


@pytest.fixture
def wjw(district):
    return unit("410102-WJW", "区卫健委", UnitKind.DEPARTMENT, district)


def test_drill_finding_becomes_a_case_once(wjw, street_a, street_b, dispatcher):
    plan = services.drill_plan_create(
        actor=dispatcher, tier="district", unit=wjw, name="疫情防控应急演练预案",
        scenario="发现阳性病例后的应急处置", mode="chain", tested="流调溯源链条")
    drill = services.drill_record(
        actor=dispatcher, plan=plan, unit=street_a, held_on=date(2022, 3, 3), participants=40,
        duration_minutes=90, findings=[("转运车辆到位超时 12 分钟", street_a)])
    finding = drill.findings.get()
    finding = services.finding_to_case(actor=dispatcher, finding=finding,
                                       today=date(2022, 3, 4))
    case = Case.objects.get()
    assert finding.case == case and case.lead_unit == street_a
    assert case.title == "应急演练发现问题：转运车辆到位超时 12 分钟"
    with pytest.raises(UserError) as error:
        services.finding_to_case(actor=dispatcher, finding=finding)
    assert error.value.code == "duty.finding_has_case"
    assert Case.objects.count() == 1
    # Coverage: street A drilled the district plan, street B not yet.
    gaps = selectors.drill_coverage(user=dispatcher, year=2022)
    assert [(g.plan, g.streets) for g in gaps] == [(plan, [street_b])]
    services.drill_record(actor=dispatcher, plan=plan, unit=wjw, held_on=date(2022, 3, 5),
                          participants=20, duration_minutes=60, units=[street_b])
    assert selectors.drill_coverage(user=dispatcher, year=2022) == []
    assert [(g.plan, g.streets) for g in selectors.drill_coverage(user=dispatcher,
                                                                  year=2023)] == [
        (plan, [street_a, street_b])]


def test_street_plan_is_drilled_by_its_own_street_only(street_a, street_b, street_a_head):
    plan = services.drill_plan_create(actor=street_a_head, tier="street", unit=street_a,
                                      name="林山寨街道防汛演练", scenario="暴雨内涝",
                                      mode="element", tested="人员转移")
    with pytest.raises(UserError) as error:
        services.drill_record(actor=None, plan=plan, unit=street_b, held_on=date(2022, 3, 3),
                              participants=5, duration_minutes=30)
    assert error.value.code == "duty.drill_unit"
    with pytest.raises(UserError) as error:
        services.drill_record(actor=None, plan=plan, unit=street_a, held_on=date(2022, 3, 3),
                              participants=5, duration_minutes=0)
    assert error.value.field == "duration_minutes"


@pytest.fixture
def team(wjw):
    return services.tracing_team_create(actor=None, name="中原区流调队伍", unit=wjw)


def _group(team, number, echelon, unit, size=3):
    group = services.tracing_group_create(actor=None, team=team, number=number, echelon=echelon)
    members = [services.tracing_member_add(actor=None, team=team, name=f"队员{number}-{i}",
                                           unit=unit, source="health") for i in range(size)]
    services.tracing_group_set_members(actor=None, group=group, members=members,
                                       leader=members[0])
    return group


def test_a_member_of_another_team_is_refused_and_the_group_is_unchanged(team, wjw):
    group = _group(team, 1, 1, wjw)
    other = services.tracing_team_create(actor=None, name="其他队伍", unit=wjw)
    outsider = services.tracing_member_add(actor=None, team=other, name="王五", unit=wjw,
                                           source="police")
    before = sorted(group.members.values_list("pk", flat=True))
    with pytest.raises(UserError) as error:
        services.tracing_group_set_members(actor=None, group=group,
                                           members=[*group.members.all(), outsider])
    assert error.value.code == "duty.member_other_team"
    assert "王五（区卫健委）不是中原区流调队伍的队员，不能编入第1组" in error.value.message
    assert sorted(group.members.values_list("pk", flat=True)) == before
    outsider.refresh_from_db()
    assert outsider.group is None


def test_activation_calls_first_echelon_first_and_times_contact_and_closure(team, wjw,
                                                                           dispatcher):
    second = _group(team, 1, 2, wjw)
    first = _group(team, 2, 1, wjw)
    short = _group(team, 3, 1, wjw)
    # One member of group 3 on leave: two on call is below the minimum of three.
    services.tracing_member_set_status(actor=None, member=short.members.first(), status="leave")
    activation = services.activation_start(actor=dispatcher, team=team, title="某小区阳性病例",
                                           groups_needed=2, at=at(2022, 3, 20, 22, 0))
    assert list(activation.groups.order_by("echelon")) == [first, second]
    with pytest.raises(UserError) as error:
        services.activation_start(actor=dispatcher, team=team, title="第二起", groups_needed=1,
                                  at=at(2022, 3, 20, 23, 0))
    assert error.value.code == "duty.groups_short"
    with pytest.raises(UserError):
        services.activation_close(actor=dispatcher, activation=activation)
    with pytest.raises(UserError):
        services.activation_contact(actor=dispatcher, activation=activation,
                                    at=at(2022, 3, 20, 21, 59))
    services.activation_contact(actor=dispatcher, activation=activation,
                                at=at(2022, 3, 20, 22, 0) + timedelta(minutes=38))
    activation = services.activation_close(actor=dispatcher, activation=activation,
                                           at=at(2022, 3, 21, 10, 0))
    assert (activation.minutes_to_contact, activation.minutes_to_close) == (38, 720)
    assert TracingMember.objects.filter(status="on_call").count() == 8
