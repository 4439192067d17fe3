from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from diaodu.investment import services as inv
from diaodu.investment.models import Cadence
from diaodu.projects.models import Level, Stage

from ..factories import ProjectFactory


@pytest.fixture(autouse=True)
def _chinese():
    """Messages are checked in Chinese whatever an earlier test in this worker activated."""
    with translation.override("zh-hans"):
        yield


def aware(day: date, hour: int = 18) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def month_round(year: int, month: int, *, due_in_days: int = 24):
    start = date(year, month, 1)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return inv.round_open(actor=None, cadence=Cadence.MONTHLY, period_start=start,
                          period_end=end, opens_at=aware(start, 0),
                          due_at=aware(start, 0) + timedelta(days=due_in_days))


def approve(project, round_, amount: str, cumulative: str):
    report = round_.reports.get(project=project)
    report = inv.report_save(actor=None, report=report, expected_version=report.version,
                             completed_in_period=amount, cumulative_completed=cumulative,
                             physical_progress="主体施工")
    report = inv.report_submit(actor=None, report=report, expected_version=report.version)
    return inv.report_approve(actor=None, report=report, expected_version=report.version)


@pytest.fixture
def building(street_a, street_b):
    """Two projects under construction with 2022 plans of 1200万元 (100 a month)."""
    a = ProjectFactory(name="林山寨在建项目", responsible_unit=street_a, street=street_a,
                       stage=Stage.CONSTRUCTION, actual_start=date(2021, 3, 1),
                       level=Level.CITY, total_investment=Decimal("50000.00"),
                       planned_start=date(2021, 3, 1), planned_completion=date(2023, 12, 31))
    b = ProjectFactory(name="须水在建项目", responsible_unit=street_b, street=street_b,
                       stage=Stage.CONSTRUCTION, actual_start=date(2021, 3, 1),
                       level=Level.DISTRICT, total_investment=Decimal("50000.00"),
                       planned_start=date(2021, 3, 1), planned_completion=date(2023, 12, 31))
    for project in (a, b):
        plan = inv.annual_plan_create(actor=None, project=project, year=2022,
                                      planned_investment="1200")
        inv.annual_plan_approve(actor=None, plan=plan)
    return a, b


@pytest.fixture
def first_quarter(building):
    """Jan–Mar 2022: street A reports on plan (100 a month), street B half of it; January and
    February locked, March approved but not locked."""
    a, b = building
    rounds = [month_round(2022, m) for m in (1, 2, 3)]
    for i, round_ in enumerate(rounds, start=1):
        approve(a, round_, "100", str(1000 + 100 * i))
        approve(b, round_, "50", str(1000 + 50 * i))
    for round_ in rounds[:2]:
        inv.round_lock(actor=None, round_=round_, at=aware(round_.period_end + timedelta(1)))
    return rounds
