"""round_record_approved: a past month recorded in one step, each report checked as a submit
checks it; all or nothing; the rollups count it like approved reports."""

from datetime import date
from decimal import Decimal

import pytest

from diaodu.core.errors import UserError
from diaodu.core.models import AuditEvent
from diaodu.investment import services
from diaodu.investment.models import MonthlyRollup, ReportStatus

from .conftest import aware, open_month, report_of

pytestmark = pytest.mark.django_db


def _figures(period, cumulative, submitted=date(2022, 3, 22)):
    return {"completed_in_period": period, "cumulative_completed": cumulative,
            "physical_progress": "主体结构施工", "submitted_at": aware(submitted, 10),
            "reviewed_at": aware(date(2022, 3, 26), 16)}


def test_records_approved_reports_with_ytd_rollups_and_audit(dispatcher, building_a,
                                                              building_b):
    round_ = open_month(dispatcher, 2022, 3, due_in_days=23)  # due 2022-03-24 00:00
    count = services.round_record_approved(actor=dispatcher, round_=round_, figures={
        building_a.pk: _figures("120.00", "3120.00"),
        building_b.pk: _figures("80.50", "880.50", submitted=date(2022, 3, 24))})
    assert count == 2
    a, b = report_of(round_, building_a), report_of(round_, building_b)
    assert (a.status, a.ytd_completed, a.is_overdue) == (ReportStatus.APPROVED,
                                                         Decimal("120.00"), False)
    assert b.is_overdue  # submitted after the due time
    assert AuditEvent.objects.filter(action="report.record_approved").count() == 2
    march = MonthlyRollup.objects.filter(year=2022, month=3)
    assert sum(r.completed_in_month for r in march) == Decimal("200.50")


def test_a_refused_figure_names_its_project_and_records_nothing(dispatcher, building_a,
                                                                building_b):
    round_ = open_month(dispatcher, 2022, 3)
    # 开工累计 above the total (10000) by more than the 10% tolerance: 11000.01 is refused.
    with pytest.raises(UserError) as error:
        services.round_record_approved(actor=dispatcher, round_=round_, figures={
            building_a.pk: _figures("120.00", "11000.01"),
            building_b.pk: _figures("80.00", "880.00")})
    assert "林山寨在建项目" in error.value.message
    assert not round_.reports.filter(status=ReportStatus.APPROVED).exists()
    services.round_record_approved(actor=dispatcher, round_=round_, figures={
        building_a.pk: _figures("120.00", "11000.00")})
    assert report_of(round_, building_a).review_flags == ["overrun"]


def test_a_locked_round_and_a_reporter_are_refused(dispatcher, street_a_reporter, building_a):
    round_ = open_month(dispatcher, 2022, 3)
    with pytest.raises(UserError):
        services.round_record_approved(actor=street_a_reporter, round_=round_,
                                       figures={building_a.pk: _figures("1", "1")})
    services.round_lock(actor=dispatcher, round_=round_)
    with pytest.raises(UserError, match="已锁定"):
        services.round_record_approved(actor=dispatcher, round_=round_,
                                       figures={building_a.pk: _figures("1", "1")})
