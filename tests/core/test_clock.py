"""The business clock (core/clock.py): DIAODU_TODAY pins the date every business rule reads;
production refuses a pin; security time (audit, scheduling of the daily chain) stays real."""

import os
import secrets
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from diaodu.cases import services as case_services
from diaodu.cases.models import CaseKind
from diaodu.cases.selectors import CaseFilters, case_list
from diaodu.core import clock
from diaodu.core.models import AuditEvent
from diaodu.investment import services as investment_services
from diaodu.schedule.tasks import daily_schedule_refresh

from ..investment.conftest import aware, open_month, report_of

ROOT = Path(__file__).resolve().parents[2]
DEMO_DAY = date(2023, 3, 31)


def test_unpinned_clock_is_the_real_local_date(settings):
    settings.DIAODU_TODAY = ""
    assert clock.pinned() is None
    assert clock.today() == timezone.localdate()
    assert abs((clock.now() - timezone.now()).total_seconds()) < 5


def test_pinned_clock_reads_the_day_with_the_real_time_of_day(settings):
    settings.DIAODU_TODAY = "2023-03-31"
    assert clock.today() == DEMO_DAY
    moment, real = clock.now(), timezone.localtime()
    assert timezone.is_aware(moment)
    assert timezone.localtime(moment).date() == DEMO_DAY
    assert abs((moment.replace(year=real.year, month=real.month, day=real.day)
                - real).total_seconds()) < 5


def test_a_pin_on_29_february_holds(settings):
    settings.DIAODU_TODAY = "2024-02-29"
    assert timezone.localtime(clock.now()).date() == date(2024, 2, 29)


def test_malformed_pin_is_refused(settings):
    settings.DIAODU_TODAY = "2023-02-30"
    with pytest.raises(ImproperlyConfigured, match="DIAODU_TODAY"):
        clock.today()


def test_production_refuses_a_pinned_clock(settings):
    settings.DIAODU_TODAY, settings.PRODUCTION = "2023-03-31", True
    with pytest.raises(ImproperlyConfigured, match="production"):
        clock.today()
    settings.DIAODU_TODAY = ""
    assert clock.today() == timezone.localdate()


def _settings_load(**env):
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment.update(env)
    return subprocess.run([sys.executable, "-c", "import diaodu.settings"], cwd=ROOT,
                          env=environment, capture_output=True, text=True, timeout=60)


def test_production_profile_will_not_start_with_a_pinned_clock():
    result = _settings_load(DIAODU_PROFILE="production", SECRET_KEY=secrets.token_urlsafe(64),
                            DIAODU_TODAY="2023-03-31")
    assert result.returncode != 0 and "DIAODU_TODAY" in result.stderr
    fine = _settings_load(DIAODU_PROFILE="", DIAODU_TODAY="2023-03-31")
    assert fine.returncode == 0, fine.stderr


def test_a_malformed_pin_stops_the_start():
    result = _settings_load(DIAODU_PROFILE="", DIAODU_TODAY="31.03.2023")
    assert result.returncode != 0 and "YYYY-MM-DD" in result.stderr


@pytest.mark.django_db
def test_case_due_on_the_business_day_is_not_overdue_the_day_after_it_is(
        settings, dispatcher, project_a, street_a):
    settings.DIAODU_TODAY = "2023-03-20"
    case = case_services.case_create(actor=dispatcher, kind=CaseKind.PROBLEM,
                                     title="土地报批滞后", project=project_a,
                                     lead_unit=street_a, due_on=DEMO_DAY)
    settings.DIAODU_TODAY = "2023-03-31"
    assert not case_list(user=dispatcher, filters=CaseFilters(overdue=True)).filter(
        pk=case.pk).exists()
    settings.DIAODU_TODAY = "2023-04-01"
    assert case_list(user=dispatcher, filters=CaseFilters(overdue=True)).filter(
        pk=case.pk).exists()


@pytest.mark.django_db
def test_business_timestamps_follow_the_clock_audit_time_stays_real(
        settings, dispatcher, project_a, street_a):
    settings.DIAODU_TODAY = "2023-03-30"
    case = case_services.case_create(actor=dispatcher, kind=CaseKind.PROBLEM,
                                     title="征迁进度滞后", project=project_a,
                                     lead_unit=street_a, due_workdays=5)
    assert timezone.localtime(case.created_at).date() == date(2023, 3, 30)
    assert {timezone.localtime(a.at).date() for a in case.actions.all()} == {date(2023, 3, 30)}
    event = AuditEvent.objects.filter(action__startswith="case.").latest("seq")
    assert timezone.localtime(event.at).date() == timezone.localdate()


@pytest.mark.django_db
def test_reports_fall_overdue_by_the_business_day(settings, dispatcher, project_a):
    from diaodu.projects.models import Stage

    project_a.stage, project_a.actual_start = Stage.CONSTRUCTION, date(2021, 3, 1)
    project_a.save()
    round_ = open_month(dispatcher, 2023, 3, due_in_days=1)
    round_.due_at = aware(date(2023, 3, 30), 18)
    round_.save()
    settings.DIAODU_TODAY = "2023-03-29"
    assert investment_services.reports_mark_overdue() == 0
    settings.DIAODU_TODAY = "2023-03-31"
    assert investment_services.reports_mark_overdue() == 1
    assert report_of(round_, project_a).is_overdue


@pytest.mark.django_db
def test_daily_chain_follows_real_mornings_while_pinned(settings):
    """A pinned day must not queue 'tomorrow' in the past: the worker would run the chain
    without pause."""
    settings.DIAODU_TODAY = "2023-03-31"
    daily_schedule_refresh.call()
    waiting = DBTaskResult.objects.get(task_path=daily_schedule_refresh.module_path,
                                       status="READY")
    assert timezone.localtime(waiting.run_after).date() == timezone.localdate() + timedelta(1)


@pytest.mark.django_db
def test_banner_shows_the_business_date_only_while_pinned(settings, client, street_a_reporter):
    client.force_login(street_a_reporter)
    settings.DIAODU_TODAY = ""
    assert "业务日期" not in client.get("/projects/").text
    settings.DIAODU_TODAY = "2023-03-31"
    assert "演示数据 · 业务日期 2023-03-31" in client.get("/projects/").text
