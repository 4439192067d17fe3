"""The admin writes through the services: rules, version checks and audit apply there too."""

import pytest
from django.urls import reverse

from diaodu.core.models import AuditEvent
from diaodu.projects.models import Project

from ..factories import CategoryFactory

pytestmark = pytest.mark.django_db


def form_data(project, **overrides):
    data = {
        "code": project.code or "", "name": project.name, "level": project.level,
        "category": project.category_id, "owner_name": "", "responsible_unit":
        project.responsible_unit_id, "street": project.street_id or "", "leader": "",
        "total_investment": str(project.total_investment), "scope": "",
        "expected_version": project.version,
    }
    data.update(overrides)
    return data


def test_dispatcher_creates_a_project_through_the_service(client, dispatcher, street_a):
    client.force_login(dispatcher)
    category = CategoryFactory()
    response = client.post(reverse("admin:projects_project_add"), {
        "code": "2203-410102-04-01-12345X", "name": "新建道路项目", "level": "district",
        "category": category.pk, "stage": "preparation", "responsible_unit": street_a.pk,
        "street": street_a.pk, "total_investment": "2500.50"})
    assert response.status_code == 302, response.content.decode()[:500]
    project = Project.objects.get(name="新建道路项目")
    assert str(project.total_investment) == "2500.50"
    assert AuditEvent.objects.filter(action="project.create", actor=dispatcher).count() == 1


def test_admin_shows_service_error_on_the_field(client, dispatcher, project_a):
    client.force_login(dispatcher)
    url = reverse("admin:projects_project_change", args=[project_a.pk])
    response = client.post(url, form_data(project_a, code="2213-410102-04-01-12345X"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "code" in errors and "项目代码" in errors["code"][0]
    project_a.refresh_from_db()
    assert project_a.code is None and project_a.version == 1


def test_admin_refuses_a_stale_edit(client, dispatcher, project_a):
    client.force_login(dispatcher)
    url = reverse("admin:projects_project_change", args=[project_a.pk])
    assert client.post(url, form_data(project_a, name="第一次修改")).status_code == 302
    stale = client.post(url, form_data(project_a, name="第二次修改", expected_version=1))
    assert stale.status_code == 200
    message = " ".join(stale.context["adminform"].form.non_field_errors())
    assert "项目名称" in message and "第一次修改" in message
    project_a.refresh_from_db()
    assert project_a.name == "第一次修改" and project_a.version == 2


def test_history_cannot_be_reverted(client, dispatcher, project_a):
    client.force_login(dispatcher)
    client.post(reverse("admin:projects_project_change", args=[project_a.pk]),
                form_data(project_a, name="改名"))
    history = project_a.history.earliest("history_date")
    url = reverse("admin:projects_project_simple_history",
                  args=[project_a.pk, history.history_id])
    response = client.post(url, form_data(project_a, name="林山寨更新项目",
                                          expected_version=2))
    assert response.status_code == 403
    project_a.refresh_from_db()
    assert project_a.name == "改名"


@pytest.mark.parametrize("role_fixture, url_name, status", [
    ("street_a_reporter", "admin:core_user_changelist", 403),
    ("street_a_reporter", "admin:core_auditevent_changelist", 403),
    ("dispatcher", "admin:core_auditevent_changelist", 403),
    ("sysadmin", "admin:core_user_changelist", 200),
    ("sysadmin", "admin:projects_project_changelist", 403),
    ("auditor", "admin:core_auditevent_changelist", 200),
    ("auditor", "admin:projects_project_changelist", 403),
])
def test_three_administrators_are_separated(client, request, role_fixture, url_name, status):
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(reverse(url_name)).status_code == status


def test_secadmin_assigns_roles_sysadmin_cannot(client, sysadmin, secadmin, street_a_reporter):
    url = reverse("admin:core_user_change", args=[street_a_reporter.pk])
    client.force_login(secadmin)
    response = client.post(url, {"role": "unit_head"})
    assert response.status_code == 302
    street_a_reporter.refresh_from_db()
    assert street_a_reporter.role == "unit_head"
    client.force_login(sysadmin)
    client.post(url, {"display_name": "新名", "phone": "", "unit": street_a_reporter.unit_id,
                      "is_active": "on", "role": "dispatcher"})
    street_a_reporter.refresh_from_db()
    assert street_a_reporter.role == "unit_head" and street_a_reporter.display_name == "新名"
    assert AuditEvent.objects.filter(action="user.set_role", actor=secadmin).exists()


def test_login_needs_a_role(client, street_a):
    from ..factories import TEST_PASSWORD, UserFactory

    UserFactory(username="norole", unit=street_a, role="")
    response = client.post(reverse("admin:login"), {"username": "norole",
                                                    "password": TEST_PASSWORD})
    assert response.status_code == 200
    assert "尚未分配角色" in response.content.decode()
