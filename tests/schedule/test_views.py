"""Schedule pages: Gantt, editing through services, baselines and the 挂图作战 chart."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from diaodu.core.models import AuditEvent
from diaodu.projects.models import Level
from diaodu.schedule import rules, services
from diaodu.schedule.models import Activity, Dependency, MilestoneType, Rag, ScheduleTemplate

from ..factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(project_a):
    """project_a planned from the road template three months ago, with a near target."""
    today = timezone.localdate()
    services.schedule_apply_template(
        actor=None, project=project_a, template=ScheduleTemplate.objects.get(code="road"),
        start_on=today - timedelta(days=90), target_finish=today + timedelta(days=200),
        today=today - timedelta(days=90))
    return project_a


def test_gantt_shows_bars_critical_path_today_and_float(client, street_a_reporter, planned):
    client.force_login(street_a_reporter)
    response = client.get(reverse("schedule:gantt", args=[planned.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and 'class="today"' in html
    assert 'class="forecast critical"' in html or 'class="milestone critical"' in html
    assert 'class="plan"' in html
    assert "施工图审查" in html and "竣工验收" in html
    # Negative float against the target is spelled out.
    assert "目标面临风险" in html


def test_gantt_of_another_streets_project_is_not_found(client, street_b_reporter, planned):
    client.force_login(street_b_reporter)
    assert client.get(reverse("schedule:gantt", args=[planned.pk])).status_code == 404
    assert client.get(reverse("schedule:edit", args=[planned.pk])).status_code == 404


def test_leader_reads_but_cannot_edit(client, leader, planned):
    client.force_login(leader)
    html = client.get(reverse("schedule:gantt", args=[planned.pk])).content.decode()
    assert reverse("schedule:edit", args=[planned.pk]) not in html
    assert client.get(reverse("schedule:edit", args=[planned.pk])).status_code == 404
    response = client.post(reverse("schedule:edit", args=[planned.pk]),
                           {"name": "越权", "duration": 1})
    assert response.status_code == 404


def test_add_activity_through_the_form(client, street_a_reporter, planned):
    client.force_login(street_a_reporter)
    url = reverse("schedule:edit", args=[planned.pk])
    response = client.post(url, {"name": "管线迁改", "duration": 15, "percent": 0})
    assert response.status_code == 302
    activity = Activity.objects.get(project=planned, name="管线迁改")
    assert activity.early_start is not None
    assert AuditEvent.objects.filter(action="activity.create",
                                     actor=street_a_reporter).exists()


@pytest.mark.parametrize(("choice", "expected"), [("", True), ("0", False), ("1", True)])
def test_new_activity_is_key_follows_its_milestone_type_unless_told(client, street_a_reporter,
                                                                   planned, choice, expected):
    permit = MilestoneType.objects.get(name="施工许可")
    permit.is_key = True
    permit.save()
    client.force_login(street_a_reporter)
    url = reverse("schedule:edit", args=[planned.pk])
    assert "按节点类型" in client.get(url).content.decode()
    response = client.post(url, {"milestone_type": permit.pk, "name": "二期施工许可",
                                 "is_key": choice, "percent": 0})
    assert response.status_code == 302
    assert Activity.objects.get(project=planned, name="二期施工许可").is_key is expected


def test_custom_activity_is_not_key_by_default(client, street_a_reporter, planned):
    client.force_login(street_a_reporter)
    client.post(reverse("schedule:edit", args=[planned.pk]),
                {"name": "管线迁改", "duration": 15, "percent": 0})
    assert Activity.objects.get(project=planned, name="管线迁改").is_key is False


def test_bad_activity_shows_a_chinese_error_and_saves_nothing(client, street_a_reporter,
                                                              planned):
    client.force_login(street_a_reporter)
    count = Activity.objects.count()
    response = client.post(reverse("schedule:edit", args=[planned.pk]), {
        "name": "管线迁改", "duration": 5, "planned_start": "2026-05-10",
        "planned_finish": "2026-05-01"})
    assert response.status_code == 200
    assert "计划完成日期不能早于计划开始日期" in response.content.decode()
    assert Activity.objects.count() == count


def test_edit_with_a_stale_version_is_refused(client, street_a_reporter, dispatcher, planned):
    activity = Activity.objects.filter(project=planned).first()
    services.activity_update(actor=dispatcher, activity=activity, expected_version=1,
                             duration=activity.duration + 3)
    client.force_login(street_a_reporter)
    url = reverse("schedule:edit", args=[planned.pk]) + f"?activity={activity.pk}"
    response = client.post(url, {"name": activity.name, "duration": 1, "expected_version": 1})
    assert response.status_code == 200
    assert "已被他人修改" in response.content.decode()


def test_cycle_through_the_links_page_is_refused(client, street_a_reporter, planned):
    client.force_login(street_a_reporter)
    first = Activity.objects.filter(project=planned).order_by("position").first()
    last = Activity.objects.filter(project=planned).order_by("position").last()
    links = Dependency.objects.count()
    response = client.post(reverse("schedule:links", args=[planned.pk]), {
        "predecessor": last.pk, "successor": first.pk, "kind": "FS", "lag": 0})
    assert response.status_code == 200
    assert "形成循环" in response.content.decode()
    assert Dependency.objects.count() == links


def test_link_to_an_activity_of_another_project_cannot_be_chosen(client, street_a_reporter,
                                                                  planned, project_b):
    other = services.activity_create(actor=None, project=project_b, name="征迁", duration=5)
    client.force_login(street_a_reporter)
    first = Activity.objects.filter(project=planned).first()
    response = client.post(reverse("schedule:links", args=[planned.pk]), {
        "predecessor": first.pk, "successor": other.pk, "kind": "FS", "lag": 0})
    assert response.status_code == 200
    assert not Dependency.objects.filter(successor=other).exists()


def test_settings_move_a_holiday_target_and_say_so(client, street_a_reporter, planned):
    client.force_login(street_a_reporter)
    response = client.post(reverse("schedule:settings", args=[planned.pk]), {
        "start_on": "2026-03-02", "target_finish": "2026-10-03", "risk_float": 5},
        follow=True)
    assert response.status_code == 200
    assert "非工作日" in response.content.decode()
    assert planned.schedule.__class__.objects.get(project=planned).target_finish < \
        date(2026, 10, 3)


def test_baseline_saved_by_the_unit_head_and_compared(client, street_a_head, street_a_reporter,
                                                      planned):
    client.force_login(street_a_reporter)
    url = reverse("schedule:baselines", args=[planned.pk])
    assert "保存当前计划为基线" not in client.get(url).content.decode()
    assert client.post(url, {"name": "基线"}).status_code == 404
    client.force_login(street_a_head)
    response = client.post(url, {"name": "三月基线"})
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "较基线偏差" in html and 'class="baseline"' in html


def test_template_page_suggests_the_category_template(client, dispatcher, project_b):
    client.force_login(dispatcher)
    response = client.get(reverse("schedule:template", args=[project_b.pk]))
    assert response.status_code == 200
    response = client.post(reverse("schedule:template", args=[project_b.pk]), {
        "template": ScheduleTemplate.objects.get(code="urban_renewal").pk,
        "start_on": "2026-03-02"})
    assert response.status_code == 302
    assert Activity.objects.filter(project=project_b).count() == 10


def test_board_groups_projects_with_their_key_milestones(client, dispatcher, planned,
                                                         project_b):
    client.force_login(dispatcher)
    html = client.get(reverse("schedule:board")).content.decode()
    assert planned.name in html and project_b.name in html
    assert "林山寨街道" in html and "须水街道" in html
    assert "未排期" in html  # project_b has no schedule yet
    assert "A3 landscape" in html
    filtered = client.get(reverse("schedule:board"), {"level": Level.PROVINCE}).content.decode()
    assert planned.name not in filtered


def test_board_shows_one_status_alone(client, dispatcher, planned, project_b):
    """A leader can put the late (or any) projects alone on the board; 未排期 lists those
    without key milestones."""
    client.force_login(dispatcher)
    status = rules.worst(planned.activities.filter(is_key=True).values_list("rag", flat=True))
    assert status  # the fixture's schedule has key milestones
    shown = client.get(reverse("schedule:board"), {"status": status}).content.decode()
    assert planned.name in shown and project_b.name not in shown
    others = [rag for rag in Rag.values if rag != status]
    hidden = client.get(reverse("schedule:board"), {"status": others[0]}).content.decode()
    assert planned.name not in hidden and project_b.name not in hidden
    unscheduled = client.get(reverse("schedule:board"), {"status": "none"}).content.decode()
    assert project_b.name in unscheduled and planned.name not in unscheduled
    # An unknown status is ignored rather than hiding everything.
    every = client.get(reverse("schedule:board"), {"status": "purple"}).content.decode()
    assert planned.name in every and project_b.name in every


def test_board_query_count_does_not_grow_with_projects(client, dispatcher, street_a, planned,
                                                       django_assert_num_queries):
    client.force_login(dispatcher)
    url = reverse("schedule:board")
    client.get(url)  # warm the session
    # The shell (session, user, sidebar badges of other apps) plus projects, key activities,
    # milestone columns and the campaign filter — pinned to what one project costs.
    with CaptureQueriesContext(connection) as one_project:
        client.get(url)
    assert len(one_project.captured_queries) <= 10
    for i in range(5):
        project = ProjectFactory(name=f"新增项目{i}", responsible_unit=street_a, street=street_a)
        services.schedule_apply_template(
            actor=None, project=project, template=ScheduleTemplate.objects.get(code="road"),
            start_on=date(2026, 3, 2))
    with django_assert_num_queries(len(one_project.captured_queries)):
        client.get(url)


def test_gantt_query_count_does_not_grow_with_activities(client, dispatcher, planned,
                                                         django_assert_num_queries):
    client.force_login(dispatcher)
    url = reverse("schedule:gantt", args=[planned.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    assert len(before.captured_queries) <= 10
    for i in range(20):
        services.activity_create(actor=None, project=planned, name=f"附属工程{i}", duration=3)
    with django_assert_num_queries(len(before.captured_queries)):
        client.get(url)


def test_sidebar_lists_the_board(client, street_a_reporter):
    client.force_login(street_a_reporter)
    html = client.get(reverse("schedule:board")).content.decode()
    assert reverse("schedule:board") in html


def test_gantt_speaks_english_when_asked(client, street_a_reporter, planned, settings):
    client.force_login(street_a_reporter)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("schedule:gantt", args=[planned.pk])).content.decode()
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert "Today" in svg and "月" not in svg
    assert "Target at risk" in html or "at risk" in html.lower()
