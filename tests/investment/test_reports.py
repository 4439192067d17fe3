from datetime import date
from decimal import Decimal

import pytest

from diaodu.core.errors import ConflictError, NotFound, UserError
from diaodu.core.models import AuditEvent
from diaodu.investment import services
from diaodu.investment.models import Cadence, MonthlyRollup, ProgressReport, ReportStatus

from .conftest import aware, fill_and_submit, open_month, report_of

pytestmark = pytest.mark.django_db


def test_round_creates_one_draft_per_active_project(march, building_a, building_b):
    assert march.reports.count() == 2
    assert set(march.reports.values_list("status", flat=True)) == {ReportStatus.DRAFT}


def test_whole_workflow_counts_in_rollups(march, building_a, street_a_reporter, street_a_head,
                                         dispatcher):
    report = fill_and_submit(street_a_reporter, report_of(march, building_a), "120.50",
                             "3120.50")
    assert report.status == ReportStatus.SUBMITTED and report.ytd_completed == Decimal("120.50")
    report = services.report_unit_approve(actor=street_a_head, report=report,
                                          expected_version=report.version)
    report = services.report_approve(actor=dispatcher, report=report,
                                     expected_version=report.version)
    assert report.status == ReportStatus.APPROVED
    row = MonthlyRollup.objects.get(year=2022, month=3, unit=building_a.responsible_unit)
    assert row.completed_in_month == Decimal("120.50") and row.completed_ytd == Decimal("120.50")
    actions = list(AuditEvent.objects.filter(object_type="investment.progressreport")
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["report.save", "report.submit", "report.unit_approve", "report.approve"]


def test_return_shows_reason_and_allows_correction(march, building_a, street_a_reporter,
                                                   dispatcher):
    report = fill_and_submit(street_a_reporter, report_of(march, building_a), "100", "3100")
    with pytest.raises(UserError):
        services.report_return(actor=dispatcher, report=report, reason=" ",
                               expected_version=report.version)
    report = services.report_return(actor=dispatcher, report=report, reason="累计数与台账不符",
                                    expected_version=report.version)
    assert report.status == ReportStatus.RETURNED and report.return_reason == "累计数与台账不符"
    report = fill_and_submit(street_a_reporter, report, "90", "3090")
    assert report.status == ReportStatus.SUBMITTED and report.return_reason == ""


def test_another_units_report_is_not_found(march, building_b, street_a_reporter):
    report = report_of(march, building_b)
    with pytest.raises(NotFound):
        services.report_save(actor=street_a_reporter, report=report, expected_version=1,
                             completed_in_period="1", cumulative_completed="1")
    assert ProgressReport.objects.get(pk=report.pk).version == 1


@pytest.mark.parametrize("period, cumulative, field", [
    ("-5", "100", "completed_in_period"), ("abc", "100", "completed_in_period"),
    ("1.234", "100", "completed_in_period"), ("10", "-1", "cumulative_completed"),
])
def test_bad_amounts_are_refused(march, building_a, street_a_reporter, period, cumulative,
                                 field):
    report = report_of(march, building_a)
    with pytest.raises(UserError) as error:
        services.report_save(actor=street_a_reporter, report=report, expected_version=1,
                             completed_in_period=period, cumulative_completed=cumulative)
    assert error.value.field == field
    report.refresh_from_db()
    assert report.version == 1 and report.completed_in_period == 0


def test_stale_version_is_refused_showing_the_other_change(march, building_a, street_a_reporter,
                                                           street_a_head):
    report = report_of(march, building_a)
    services.report_save(actor=street_a_head, report=report, expected_version=1,
                         completed_in_period="50", cumulative_completed="3050")
    with pytest.raises(ConflictError) as error:
        services.report_save(actor=street_a_reporter, report=report, expected_version=1,
                             completed_in_period="60", cumulative_completed="3060")
    assert "street_a_head" in error.value.message and "50.00" in error.value.message
    report.refresh_from_db()
    assert report.completed_in_period == Decimal("50.00")


def test_submitting_twice_is_idempotent(march, building_a, street_a_reporter):
    report = fill_and_submit(street_a_reporter, report_of(march, building_a), "10", "3010")
    again = services.report_submit(actor=street_a_reporter, report=report,
                                   expected_version=report.version)
    assert again.version == report.version
    assert AuditEvent.objects.filter(action="report.submit").count() == 1


def test_locked_round_refuses_edits_and_takes_corrections(march, building_a, street_a_reporter,
                                                          dispatcher):
    report = fill_and_submit(street_a_reporter, report_of(march, building_a), "100", "3100")
    report = services.report_approve(actor=dispatcher, report=report,
                                     expected_version=report.version)
    services.round_lock(actor=dispatcher, round_=march)
    with pytest.raises(UserError) as error:
        services.report_return(actor=dispatcher, report=report, reason="x",
                               expected_version=report.version)
    assert error.value.code == "round.locked"
    services.report_adjust(actor=dispatcher, report=report, delta_completed="-20.00",
                           reason="统计局核减")
    row = MonthlyRollup.objects.get(year=2022, month=3, unit=building_a.responsible_unit)
    assert row.completed_in_month == Decimal("80.00")
    report.refresh_from_db()
    assert report.ytd_completed == Decimal("80.00") and report.completed_in_period == 100


def test_quality_checks_on_submit(dispatcher, march, building_a, street_a_reporter):
    report = fill_and_submit(street_a_reporter, report_of(march, building_a), "100", "3100")
    services.report_approve(actor=dispatcher, report=report, expected_version=report.version)
    april = open_month(dispatcher, 2022, 4)
    later = report_of(april, building_a)
    later = services.report_save(actor=street_a_reporter, report=later, expected_version=1,
                                 completed_in_period="10", cumulative_completed="3000",
                                 physical_progress="x")
    with pytest.raises(UserError) as error:
        services.report_submit(actor=street_a_reporter, report=later,
                               expected_version=later.version)
    assert error.value.code == "quality.cumulative_decreased"
    assert error.value.field == "cumulative_completed"
    later = services.report_save(actor=street_a_reporter, report=later,
                                 expected_version=later.version, completed_in_period="900",
                                 cumulative_completed="4000", physical_progress="")
    with pytest.raises(UserError) as error:
        services.report_submit(actor=street_a_reporter, report=later,
                               expected_version=later.version)
    assert error.value.field == "physical_progress"
    later = fill_and_submit(street_a_reporter, later, "900", "10500")
    assert set(later.review_flags) == {"jump", "overrun"}
    assert later.ytd_completed == Decimal("1000.00")


def test_cumulative_beyond_tolerance_is_refused(march, building_a, street_a_reporter):
    with pytest.raises(UserError) as error:
        fill_and_submit(street_a_reporter, report_of(march, building_a), "100", "11001")
    assert error.value.code == "quality.cumulative_exceeds_total"


def test_overdue_is_marked(dispatcher, building_a, street_a_reporter):
    round_ = open_month(dispatcher, 2022, 1, due_in_days=1)
    report = fill_and_submit(street_a_reporter, report_of(round_, building_a), "1", "3001")
    assert report.is_overdue


def test_plan_targets_and_adjustment(dispatcher, building_a):
    plan = services.annual_plan_create(actor=dispatcher, project=building_a, year=2022,
                                       planned_investment="1000.00")
    assert plan.monthly_targets[0] == "83.33" and plan.monthly_targets[-1] == "1000.00"
    services.annual_plan_approve(actor=dispatcher, plan=plan)
    with pytest.raises(UserError):
        services.annual_plan_adjust(actor=dispatcher, plan=plan, planned_investment="1200",
                                    reason="")
    services.annual_plan_adjust(actor=dispatcher, plan=plan, planned_investment="1200",
                                reason="追加投资")
    row = MonthlyRollup.objects.get(year=2022, month=12, unit=building_a.responsible_unit)
    assert row.planned_annual == Decimal("1200.00")
    assert plan.adjustments.get().previous_investment == Decimal("1000.00")


def test_monthly_round_opens_once_on_its_day(building_a):
    from datetime import date

    assert services.round_open_monthly_if_due(today=date(2022, 5, 10)) is None
    round_ = services.round_open_monthly_if_due(today=date(2022, 5, 18))
    assert round_.reports.count() == 1 and round_.due_at.day == 24
    assert services.round_open_monthly_if_due(today=date(2022, 5, 19)) is None


def test_settings_are_validated_and_audited(dispatcher, street_a_reporter):
    with pytest.raises(UserError):
        services.dispatch_settings_update(actor=street_a_reporter, round_open_day=10)
    with pytest.raises(UserError) as error:
        services.dispatch_settings_update(actor=dispatcher, round_open_day=30)
    assert error.value.field == "round_open_day"
    with pytest.raises(UserError) as error:
        services.dispatch_settings_update(actor=dispatcher, round_open_day=20, round_due_day=19)
    assert error.value.code == "settings.due_before_open"
    row = services.dispatch_settings_update(actor=dispatcher, jump_factor=Decimal("4"))
    assert row.jump_factor == Decimal("4")
    assert AuditEvent.objects.filter(action="dispatch_settings.update").count() == 1


def test_admin_plan_edit_goes_through_the_service(client, dispatcher, building_a):
    from django.urls import reverse

    plan = services.annual_plan_create(actor=dispatcher, project=building_a, year=2022,
                                       planned_investment="1000")
    services.annual_plan_approve(actor=dispatcher, plan=plan)
    client.force_login(dispatcher)
    url = reverse("admin:investment_annualplan_change", args=[plan.pk])
    response = client.post(url, {"planned_investment": "1500", "reason": "",
                                 "expected_version": 2})
    assert response.status_code == 200
    assert "须填写原因" in response.content.decode()
    response = client.post(url, {"planned_investment": "1500", "reason": "追加",
                                 "expected_version": 2})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.planned_investment == Decimal("1500.00") and plan.adjustments.count() == 1


def test_a_month_corrected_after_its_return_updates_the_later_months_ytd(
        dispatcher, building_a, street_a_reporter):
    """February returned and resubmitted with another figure after March was filled: March's
    stored year-to-date follows (and a weekly report after March, which adds to it)."""
    february, march = open_month(dispatcher, 2022, 2), open_month(dispatcher, 2022, 3)
    feb = fill_and_submit(street_a_reporter, report_of(february, building_a), "100", "3000")
    mar = fill_and_submit(street_a_reporter, report_of(march, building_a), "50", "3050")
    assert mar.ytd_completed == Decimal("150.00")
    week = services.round_open(actor=dispatcher, cadence=Cadence.WEEKLY,
                               period_start=date(2022, 4, 4), period_end=date(2022, 4, 10),
                               opens_at=aware(date(2022, 4, 4), 0),
                               due_at=aware(date(2023, 4, 4), 0), projects=[building_a])
    weekly = fill_and_submit(street_a_reporter, report_of(week, building_a), "5", "3055")
    assert weekly.ytd_completed == Decimal("155.00")

    feb = services.report_return(actor=dispatcher, report=feb, reason="本期数与统计不符",
                                 expected_version=feb.version)
    fill_and_submit(street_a_reporter, feb, "80", "2980")
    mar.refresh_from_db()
    weekly.refresh_from_db()
    assert mar.ytd_completed == Decimal("130.00")
    assert weekly.ytd_completed == Decimal("135.00")
    assert mar.status == ReportStatus.SUBMITTED  # nothing else about March changed


def test_the_months_before_are_read_in_one_query_as_in_three(dispatcher, building_a,
                                                               street_a_reporter, read_months):
    """months_before (one UNION ALL) gives the YTD and the previous submitted report that
    ytd_of and _previous read in three queries: across a year's end, past a draft."""
    from diaodu.investment.services.reports import _previous, ytd_of

    rounds = [open_month(dispatcher, 2021, 12), open_month(dispatcher, 2022, 1),
              open_month(dispatcher, 2022, 2), open_month(dispatcher, 2022, 3)]
    fill_and_submit(street_a_reporter, report_of(rounds[0], building_a), "5", "100")
    fill_and_submit(street_a_reporter, report_of(rounds[1], building_a), "7", "107")
    draft = report_of(rounds[2], building_a)
    services.report_save(actor=street_a_reporter, report=draft, expected_version=draft.version,
                         completed_in_period="3", cumulative_completed="110",
                         physical_progress="施工中")
    for round_ in rounds:
        report = ProgressReport.objects.select_related("round").get(
            pk=report_of(round_, building_a).pk)
        known = read_months(report)
        assert ytd_of(report, Decimal("1.00"), known) == ytd_of(report, Decimal("1.00"))
        previous = _previous(report)
        if previous is None:
            assert known.previous is None
            continue
        assert (known.previous.period_end, known.previous.cumulative_completed,
                known.previous.completed_in_period) == (
            previous.round.period_end, previous.cumulative_completed,
            previous.completed_in_period)
    assert read_months(report_of(rounds[3], building_a)).previous.completed_in_period \
        == Decimal("7.00")  # January's: February is still a draft
    assert ytd_of(report_of(rounds[3], building_a), Decimal("1.00"),
                  read_months(report_of(rounds[3], building_a))) == Decimal("11.00")


def test_the_months_before_count_each_earlier_month_once_and_each_correction(
        dispatcher, building_a, street_a_reporter, read_months):
    """A month with two corrections is one earlier month and two corrections; last year's
    correction is not this year's; a later month of the year is seen, one after the year is
    not — as ytd_of reads them without `known`."""
    from diaodu.investment.models import ReportAdjustment
    from diaodu.investment.services.reports import ytd_of

    dec, jan, feb, mar = (open_month(dispatcher, 2021, 12), open_month(dispatcher, 2022, 1),
                          open_month(dispatcher, 2022, 2), open_month(dispatcher, 2022, 3))
    fill_and_submit(street_a_reporter, report_of(dec, building_a), "5", "100")
    fill_and_submit(street_a_reporter, report_of(jan, building_a), "7", "107")
    fill_and_submit(street_a_reporter, report_of(feb, building_a), "3", "110")
    for month, delta in ((jan, "2.00"), (jan, "-0.50"), (dec, "9.00")):
        ReportAdjustment.objects.create(report=report_of(month, building_a),
                                        delta_completed=Decimal(delta), reason="核减")
    report = ProgressReport.objects.select_related("round").get(pk=report_of(mar, building_a).pk)
    known = read_months(report)
    assert sorted(known.earlier) == [Decimal("3.00"), Decimal("7.00")]
    assert sorted(known.corrections) == [Decimal("-0.50"), Decimal("2.00")]
    assert known.previous.period_end == feb.period_end and not known.later
    assert ytd_of(report, Decimal("1.00"), known) == ytd_of(report, Decimal("1.00")) \
        == Decimal("12.50")

    open_month(dispatcher, 2023, 1)  # next year's: not later in this year
    assert not read_months(report).later
    open_month(dispatcher, 2022, 5)
    assert read_months(report).later
    # Seen from January: December is last year's, its correction too; February is later.
    january = ProgressReport.objects.select_related("round").get(pk=report_of(jan, building_a).pk)
    before_january = read_months(january)
    assert before_january.earlier == [] and before_january.later
    assert sorted(before_january.corrections) == [Decimal("-0.50"), Decimal("2.00")]
    assert before_january.previous.completed_in_period == Decimal("5.00")


def test_a_weekly_report_reads_no_months_with_its_lock(dispatcher, building_a, march):
    from django.db import transaction

    from diaodu.investment.services.guards import _locked_to_fill

    week = services.round_open(actor=dispatcher, cadence=Cadence.WEEKLY,
                               period_start=date(2022, 4, 4), period_end=date(2022, 4, 10),
                               opens_at=aware(date(2022, 4, 4), 0),
                               due_at=aware(date(2022, 4, 11), 18), projects=[building_a])
    with transaction.atomic():
        locked, known = _locked_to_fill(None, report_of(week, building_a).pk)
    assert locked.round == week and known is None
