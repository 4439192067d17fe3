from datetime import date

import pytest
from django.core.management import call_command

from diaodu.core.models import AuditEvent, OrgUnit, UnitKind, User
from diaodu.core.roles import Role
from diaodu.core.scoping import scope_for
from diaodu.demo.loader import load_demo
from diaodu.projects.models import CampaignEntry, Project, Stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    assert load_demo() is True


def test_demo_reproduces_the_seeds(demo):
    streets = OrgUnit.objects.filter(kind=UnitKind.STREET)
    assert streets.count() == 14
    assert sorted(streets.values_list("code", flat=True)) == [
        f"410102{n:03d}" for n in range(1, 15)]
    assert {u.role for u in User.objects.all()} == set(Role.values)
    metro = Project.objects.get(name="郑州市轨道交通第二调度中心项目")
    assert metro.actual_start.strftime("%Y-%m") == "2021-06" and metro.on_whitelist
    entry = CampaignEntry.objects.get(project=metro)
    assert (entry.campaign.phase, entry.batch, entry.listed_on) == (1, "start",
                                                                    date(2021, 7, 10))
    hq = Project.objects.get(name__contains="中原企业总部港")
    assert hq.on_whitelist
    assert CampaignEntry.objects.get(project=hq).campaign.phase == 3
    assert 80 <= Project.objects.count() <= 150
    assert set(Project.objects.values_list("stage", flat=True)) == set(Stage.values)


def test_demo_accounts_each_see_their_scope(demo):
    reporter = User.objects.get(username="reporter")
    visible = scope_for(reporter, Project)
    assert visible.exists()
    assert all(reporter.unit_id in (p.street_id, p.responsible_unit_id) for p in visible)
    assert scope_for(User.objects.get(username="dispatcher"), Project).count() == \
        Project.objects.count()
    assert not scope_for(User.objects.get(username="auditor"), Project).exists()
    assert scope_for(User.objects.get(username="taskforce"), Project).count() == 4


def test_demo_load_is_idempotent(demo):
    counts = (Project.objects.count(), User.objects.count(), AuditEvent.objects.count())
    assert load_demo() is False
    call_command("demo", "--no-serve", stdout=open("/dev/null", "w"))
    assert (Project.objects.count(), User.objects.count(), AuditEvent.objects.count()) == counts
