from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from diaodu.investment import services
from diaodu.investment.models import ReportingRound
from diaodu.investment.tasks import daily_dispatch

from .conftest import open_month, report_of

pytestmark = pytest.mark.django_db


def test_daily_job_opens_the_round_once_and_queues_tomorrow(building_a):
    result = daily_dispatch.call(today="2022-05-18")
    assert result["opened"] == 1
    assert daily_dispatch.call(today="2022-05-19")["opened"] == 0
    assert ReportingRound.objects.filter(period_start=date(2022, 5, 1)).count() == 1
    waiting = DBTaskResult.objects.filter(task_path=daily_dispatch.module_path, status="READY")
    assert waiting.count() == 1  # the second run found tomorrow's already queued


def test_overdue_marking_is_idempotent(dispatcher, building_a):
    round_ = open_month(dispatcher, 2022, 3, due_in_days=1)
    later = timezone.now() + timedelta(days=500)
    assert services.reports_mark_overdue(now=later) == 1
    assert services.reports_mark_overdue(now=later) == 0
    assert report_of(round_, building_a).is_overdue


def test_command_runs_and_schedules(building_a, capsys):
    call_command("dispatch_daily", "--schedule")
    out = capsys.readouterr().out
    assert "opened=" in out and ("queued" in out)


def test_rebuild_command(dispatcher, building_a, capsys):
    plan = services.annual_plan_create(actor=dispatcher, project=building_a, year=2022,
                                       planned_investment="120")
    services.annual_plan_approve(actor=dispatcher, plan=plan)
    call_command("rebuild_rollups")
    # 12 months × (the unit's row + the street's row) of one level.
    assert "12 rollup rows, 24 summary rows" in capsys.readouterr().out
