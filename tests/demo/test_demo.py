"""The demo, loaded once (it takes several seconds) and checked against the seeds."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from diaodu.core.models import AuditEvent, OrgUnit, UnitKind, User
from diaodu.core.roles import Role
from diaodu.core.scoping import scope_for
from diaodu.demo.loader import load_demo
from diaodu.investment.models import ProgressReport, ReportingRound
from diaodu.investment.selectors import year_kpis
from diaodu.projects.models import CampaignEntry, Project, Stage


@pytest.mark.django_db
def test_demo_reproduces_the_seeds_and_loads_once():
    assert load_demo() is True

    # 中原区 and its 14 street offices (统计用区划代码 410102001–014).
    streets = OrgUnit.objects.filter(kind=UnitKind.STREET)
    assert sorted(streets.values_list("code", flat=True)) == [
        f"410102{n:03d}" for n in range(1, 15)]
    assert {u.role for u in User.objects.all()} == {r.value for r in Role}

    # The seeds' projects and facts.
    metro = Project.objects.get(name="郑州市轨道交通第二调度中心项目")
    assert metro.actual_start.strftime("%Y-%m") == "2021-06" and metro.on_whitelist
    entry = CampaignEntry.objects.get(project=metro)
    assert (entry.campaign.phase, entry.batch, entry.listed_on) == (1, "start",
                                                                    date(2021, 7, 10))
    hq = Project.objects.get(name__contains="中原企业总部港")
    assert hq.on_whitelist and CampaignEntry.objects.get(project=hq).campaign.phase == 3
    assert 80 <= Project.objects.count() <= 150
    assert set(Project.objects.values_list("stage", flat=True)) == set(Stage.values)

    # 2021: 省市重点项目 completed 410.6亿元 = 105.3% of the annual plan.
    dispatcher = User.objects.get(username="dispatcher")
    kpis = year_kpis(user=dispatcher, year=2021, month=12, levels=("province", "city"))
    assert kpis.completed_ytd == Decimal("4106000.00")
    assert kpis.completion_rate == Decimal("105.3")
    # 2022 February is under review with every state to show.
    february = ReportingRound.objects.get(cadence="monthly", period_start=date(2022, 2, 1))
    statuses = set(february.reports.values_list("status", flat=True))
    assert {"approved", "submitted", "returned", "draft"} <= statuses
    assert february.reports.filter(is_overdue=True).exists()
    assert february.reports.exclude(review_flags=[]).exists()
    assert not february.is_locked

    # Each demo account sees its scope.
    reporter = User.objects.get(username="reporter")
    visible = scope_for(reporter, Project)
    assert visible.exists()
    assert all(reporter.unit_id in (p.street_id, p.responsible_unit_id) for p in visible)
    assert scope_for(dispatcher, Project).count() == Project.objects.count()
    assert not scope_for(User.objects.get(username="auditor"), Project).exists()
    assert scope_for(User.objects.get(username="taskforce"), Project).count() == 4
    assert scope_for(reporter, ProgressReport).count() < ProgressReport.objects.count()

    # A second run changes nothing.
    counts = (Project.objects.count(), User.objects.count(), AuditEvent.objects.count(),
              ProgressReport.objects.count())
    assert load_demo() is False
    call_command("demo", "--no-serve", stdout=open("/dev/null", "w"))
    assert (Project.objects.count(), User.objects.count(), AuditEvent.objects.count(),
            ProgressReport.objects.count()) == counts
