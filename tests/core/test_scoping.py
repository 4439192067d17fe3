import pytest

from diaodu.core.models import AuditEvent, User
from diaodu.core.scoping import may_see, scope_for
from diaodu.projects.models import Project, TaskForce

from ..factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def names(qs):
    return sorted(p.name for p in qs)


def test_street_reporter_sees_projects_of_own_street_only(
        street_a_reporter, project_a, project_b, drc_project_in_a):
    assert names(scope_for(street_a_reporter, Project)) == ["区发改委牵头项目", "林山寨更新项目"]


def test_other_street_reporter_sees_only_its_street(street_b_reporter, project_a, project_b):
    assert names(scope_for(street_b_reporter, Project)) == ["须水道路项目"]


def test_unit_head_sees_the_unit_subtree_reporter_only_the_unit(
        street_a_head, street_a_reporter, community_a, project_a, project_b):
    ProjectFactory(name="社区项目", responsible_unit=community_a, street=None)
    assert names(scope_for(street_a_head, Project)) == ["林山寨更新项目", "社区项目"]
    assert names(scope_for(street_a_reporter, Project)) == ["林山寨更新项目"]


@pytest.mark.parametrize("role_fixture", ["dispatcher", "leader", "stats_user"])
def test_district_roles_see_every_project(request, role_fixture, project_a, project_b):
    user = request.getfixturevalue(role_fixture)
    assert scope_for(user, Project).count() == 2


@pytest.mark.parametrize("role_fixture", ["sysadmin", "secadmin", "auditor"])
def test_three_administrators_see_no_project_data(request, role_fixture, project_a):
    user = request.getfixturevalue(role_fixture)
    assert not scope_for(user, Project).exists()
    assert not may_see(user, Project)


def test_taskforce_member_sees_the_task_force_projects_once(
        taskforce_member, drc, project_a, project_b):
    for name in ("专班甲", "专班乙"):
        task_force = TaskForce.objects.create(name=name, lead_unit=drc)
        task_force.members.add(taskforce_member)
        task_force.projects.add(project_a)
    assert names(scope_for(taskforce_member, Project)) == ["林山寨更新项目"]


def test_user_without_role_or_inactive_sees_nothing(street_a, project_a):
    no_role = UserFactory(unit=street_a, role="")
    inactive = UserFactory(unit=street_a, role="reporter", is_active=False)
    assert not scope_for(no_role, Project).exists()
    assert not scope_for(inactive, Project).exists()


def test_accounts_and_audit_log_are_separated(sysadmin, secadmin, auditor, dispatcher):
    assert scope_for(sysadmin, User).count() == 4
    assert scope_for(secadmin, User).count() == 4
    assert not scope_for(dispatcher, User).exists()
    assert may_see(auditor, AuditEvent) and not may_see(sysadmin, AuditEvent)


def test_unregistered_model_is_refused():
    from diaodu.core.models import CalendarDay

    class Unregistered(CalendarDay):
        class Meta:
            app_label = "core"
            proxy = True

    with pytest.raises(LookupError):
        scope_for(None, Unregistered)
