from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from diaodu.investment import services
from diaodu.investment.models import Cadence
from diaodu.projects.models import Stage

from ..factories import ProjectFactory


def aware(day: date, hour: int = 18) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded photos go to a folder of this test's own; the tests read it back."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def building_a(street_a):
    """A project under construction, reported by street A."""
    return ProjectFactory(name="林山寨在建项目", responsible_unit=street_a, street=street_a,
                          stage=Stage.CONSTRUCTION, actual_start=date(2021, 3, 1),
                          total_investment=Decimal("10000.00"))


@pytest.fixture
def building_b(street_b):
    return ProjectFactory(name="须水在建项目", responsible_unit=street_b, street=street_b,
                          stage=Stage.CONSTRUCTION, actual_start=date(2021, 3, 1),
                          total_investment=Decimal("5000.00"))


def open_month(dispatcher, year: int, month: int, due_in_days: int = 400):
    start = date(year, month, 1)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    opens = aware(start, 0)
    return services.round_open(actor=dispatcher, cadence=Cadence.MONTHLY, period_start=start,
                               period_end=end, opens_at=opens,
                               due_at=opens + timedelta(days=due_in_days))


@pytest.fixture
def march(dispatcher, building_a, building_b):
    return open_month(dispatcher, 2022, 3)


def report_of(round_, project):
    return round_.reports.get(project=project)


def fill_and_submit(user, report, period, cumulative, progress="主体结构施工至8层"):
    report = services.report_save(actor=user, report=report, expected_version=report.version,
                                  completed_in_period=period, cumulative_completed=cumulative,
                                  physical_progress=progress)
    return services.report_submit(actor=user, report=report, expected_version=report.version)


@pytest.fixture(params=["statement", "with_the_lock"])
def read_months(request):
    """The months before a report as months_before reads them, and as a save reads them with
    its row lock (PostgreSQL: in the same statement; elsewhere the save reads months_before)."""
    from django.db import connection, transaction

    from diaodu.investment.services.guards import _locked_to_fill
    from diaodu.investment.services.months import months_before

    def with_the_lock(report):
        with transaction.atomic():
            locked, known = _locked_to_fill(None, report.pk)
        if connection.vendor != "postgresql":
            assert known is None
            return months_before(locked)
        assert known is not None  # read with the lock, not by a second statement
        return known

    return months_before if request.param == "statement" else with_the_lock
