"""What the list pages list, per role (issue 23): the matrix checks that a list opens; here
each list is filled with an object of the own project (street A, street-led), of the located
project (DRC-led, in street A) and of the other project (street B), and each role must find
exactly the ones it may see. The task-force member belongs to a task force of the own project,
so the task-force path of the scope rules is exercised too."""

import pytest
from django.test import Client
from django.urls import reverse

from .permissions import ROLES, SEE_ALL, SEE_OWN
from .test_permission_matrix import LOCATED_AS, _args

pytestmark = pytest.mark.django_db

# list page → the builder that puts a project's object on it (tests/test_permission_matrix.py)
LISTS = {
    "projects:list": "pk",
    "investment:reports": "report",
    "cases:list": "case",
    "cases:approvals": "approval",
    "cases:visits": "visit",
    "admin:projects_project_changelist": "pk",
    "admin:cases_approval_changelist": "approval",
    "admin:projects_campaignentry_changelist": "admin:projects.campaignentry",
    "admin:investment_annualplan_changelist": "admin:investment.annualplan",
    "admin:investment_registrationplan_changelist": "admin:investment.registrationplan",
}
# The list's query: approvals open on the current year (the objects are of 2022); a unit's
# reports page opens on the reports the unit fills itself ("mine"), the whole scoped list is
# mine=0.
QUERY = {"cases:approvals": "?year=2022", "investment:reports": "?mine=0"}
# Objects reached through their project's task forces (ScopeRule.taskforce_path); a case is
# reached through its own task force, which these cases have not.
THROUGH_PROJECT_TASK_FORCES = {"pk", "report", "approval", "visit",
                               "admin:projects.campaignentry", "admin:investment.annualplan",
                               "admin:investment.registrationplan"}


def expected(role: str, build: str, which: str) -> bool:
    if role in SEE_ALL:
        return True
    if role in SEE_OWN:
        return which == "own" or (which == "located" and LOCATED_AS[build] == "own")
    if role == "taskforce_member":
        return which == "own" and build in THROUGH_PROJECT_TASK_FORCES
    return False


@pytest.fixture
def task_force_of_own(taskforce_member, project_a):
    from diaodu.projects import services

    return services.task_force_create(actor=None, name="重点项目服务专班",
                                      lead_unit=project_a.responsible_unit,
                                      members=[taskforce_member], projects=[project_a])


@pytest.mark.parametrize("name", sorted(LISTS))
def test_list_shows_what_each_role_may_see(request, name, project_a, project_b,
                                           drc_project_in_a, task_force_of_own):
    build = LISTS[name]
    projects = {"own": project_a, "located": drc_project_in_a, "other": project_b}
    for project in projects.values():
        _args(build, project)
    url = reverse(name) + QUERY.get(name, "")
    wrong = []
    for role in ROLES:
        client = Client()
        client.force_login(request.getfixturevalue(role))
        response = client.get(url)
        if response.status_code != 200:
            continue  # who may open the list at all: the matrix
        html = response.content.decode()
        for which, project in projects.items():
            shown = project.name in html
            if shown != expected(role, build, which):
                wrong.append(f"{role} {'sees' if shown else 'misses'} the {which} project's")
    assert not wrong, (name, wrong)


def test_the_task_force_member_sees_their_task_force_and_its_project_only(
        client, taskforce_member, task_force_of_own, project_a, project_b):
    from diaodu.projects import services

    services.task_force_create(actor=None, name="须水专班", lead_unit=project_b.responsible_unit,
                               members=[], projects=[project_b])
    client.force_login(taskforce_member)
    listed = client.get(reverse("cases:task_forces")).content.decode()
    assert "重点项目服务专班" in listed and "须水专班" not in listed
    assert client.get(reverse("cases:task_force", args=[task_force_of_own.pk])).status_code == 200
    other = services.task_force_create(actor=None, name="另一专班", lead_unit=project_b.street,
                                       members=[], projects=[project_b])
    assert client.get(reverse("cases:task_force", args=[other.pk])).status_code == 404
    assert client.get(reverse("projects:detail", args=[project_a.pk])).status_code == 200
    assert client.get(reverse("projects:detail", args=[project_b.pk])).status_code == 404
