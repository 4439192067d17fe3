import pytest
from django.urls import reverse

from diaodu.projects.models import Level, Project

from ..factories import ProjectFactory

pytestmark = pytest.mark.django_db

LIST = reverse("projects:list")


def test_anonymous_is_sent_to_login(client, project_a):
    response = client.get(LIST)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_reporter_list_shows_own_street_only(client, street_a_reporter, project_a, project_b):
    client.force_login(street_a_reporter)
    response = client.get(LIST)
    body = response.content.decode()
    assert response.status_code == 200
    assert "林山寨更新项目" in body and "须水道路项目" not in body


def test_search_never_reaches_another_street(client, street_a_reporter, project_a, project_b):
    client.force_login(street_a_reporter)
    body = client.get(LIST, {"q": "须水"}).content.decode()
    assert "须水道路项目" not in body and "没有符合条件的项目" in body


def test_other_street_detail_is_404(client, street_a_reporter, project_a, project_b):
    client.force_login(street_a_reporter)
    assert client.get(reverse("projects:detail", args=[project_a.pk])).status_code == 200
    assert client.get(reverse("projects:detail", args=[project_b.pk])).status_code == 404
    assert client.get(reverse("projects:detail", args=[987654])).status_code == 404


def test_admin_of_another_street_is_404_and_absent(client, street_a_reporter, project_a,
                                                   project_b):
    client.force_login(street_a_reporter)
    changelist = client.get(reverse("admin:projects_project_changelist"))
    assert changelist.status_code == 200
    assert "林山寨更新项目" in changelist.content.decode()
    assert "须水道路项目" not in changelist.content.decode()
    searched = client.get(reverse("admin:projects_project_changelist"), {"q": "须水"})
    assert "须水道路项目" not in searched.content.decode()
    for name in ("change", "history"):
        url = reverse(f"admin:projects_project_{name}", args=[project_b.pk])
        assert client.get(url).status_code == 404


def test_reporter_cannot_edit_in_admin(client, street_a_reporter, project_a):
    client.force_login(street_a_reporter)
    url = reverse("admin:projects_project_change", args=[project_a.pk])
    response = client.post(url, {"name": "改名"})
    assert response.status_code == 403
    project_a.refresh_from_db()
    assert project_a.name == "林山寨更新项目"


def test_filters(client, dispatcher, project_a, project_b):
    client.force_login(dispatcher)
    body = client.get(LIST, {"street": project_b.street_id}).content.decode()
    assert "须水道路项目" in body and "林山寨更新项目" not in body
    body = client.get(LIST, {"level": "province"}).content.decode()
    assert "没有符合条件的项目" in body
    body = client.get(LIST, {"level": "nonsense"}).content.decode()
    assert "须水道路项目" in body  # an invalid filter is ignored, not an error


def test_list_query_count_is_constant(client, dispatcher, street_a, django_assert_num_queries):
    client.force_login(dispatcher)
    ProjectFactory.create_batch(3, responsible_unit=street_a, street=street_a)
    client.get(LIST)  # warm caches (content types, sessions)
    with django_assert_num_queries(12) as few:  # 11 + the 2FA device check
        client.get(LIST)
    ProjectFactory.create_batch(30, responsible_unit=street_a, street=street_a)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert response.context["page"].paginator.count == Project.objects.count()


def test_detail_query_count(client, dispatcher, project_a, django_assert_num_queries):
    client.force_login(dispatcher)
    url = reverse("projects:detail", args=[project_a.pk])
    client.get(url)
    # 6 for the page + 5 for the dashboard's 进度条 block (plan, reports, key milestones,
    # open cases, warning history).
    with django_assert_num_queries(12):  # 11 + the 2FA device check
        client.get(url)


def test_stage_page_applies_rules(client, dispatcher, project_a):
    client.force_login(dispatcher)
    url = reverse("projects:stage", args=[project_a.pk])
    response = client.post(url, {"stage": "construction", "expected_version": 1})
    assert response.status_code == 200
    assert "实际开工日期" in response.content.decode()
    project_a.refresh_from_db()
    assert project_a.stage == "preparation"
    response = client.post(url, {"stage": "construction", "expected_version": 1,
                                 "actual_start": "2022-03-01"})
    assert response.status_code == 302
    project_a.refresh_from_db()
    assert project_a.stage == "construction" and project_a.version == 2


def test_stage_page_is_404_for_reporters(client, street_a_reporter, project_a):
    client.force_login(street_a_reporter)
    assert client.get(reverse("projects:stage", args=[project_a.pk])).status_code == 404


def test_list_orders_province_city_district(client, dispatcher, street_a):
    for level in ("district", "province", "city"):
        ProjectFactory(name=f"{level}项目", level=level, responsible_unit=street_a)
    client.force_login(dispatcher)
    names = [p.name for p in client.get(LIST).context["page"]]
    assert names == ["province项目", "city项目", "district项目"]


def test_detail_links_to_schedule_and_cases(client, street_a_reporter, project_a):
    client.force_login(street_a_reporter)
    body = client.get(reverse("projects:detail", args=[project_a.pk])).content.decode()
    assert reverse("schedule:gantt", args=[project_a.pk]) in body
    assert f'{reverse("cases:list")}?project={project_a.pk}' in body


def test_pages_keep_the_filters(client, dispatcher, street_a):
    ProjectFactory.create_batch(30, street=street_a, responsible_unit=street_a)
    ProjectFactory.create_batch(3, street=street_a, responsible_unit=street_a,
                                level=Level.PROVINCE)
    client.force_login(dispatcher)
    first = client.get(reverse("projects:list"), {"level": Level.DISTRICT}).content.decode()
    assert "第 1 / 2 页" in first
    assert f'href="?level={Level.DISTRICT}&amp;page=2"' in first
    second = client.get(reverse("projects:list"), {"level": Level.DISTRICT, "page": 2})
    html = second.content.decode()
    assert "第 2 / 2 页" in html and f'href="?level={Level.DISTRICT}&amp;page=1"' in html
    assert html.count('<tr class="border-t') == 5
