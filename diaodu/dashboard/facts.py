"""The facts each warning rule looks at, for many projects at once (a fixed number of queries
whatever the number of projects). Used by the evaluation service, not by pages: the dashboard
reads the Warning rows this produces and the rollups."""

import calendar
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, Min, Sum

from diaodu.cases.models import PENDING_STATUSES, Case
from diaodu.core import clock
from diaodu.core.overdue import is_overdue, overdue_lookup
from diaodu.investment.kpis import annual_completion_rate, rate, time_progress
from diaodu.investment.models import (
    AnnualPlan,
    Cadence,
    MonthlySummary,
    PlanStatus,
    ProgressReport,
    ReportAdjustment,
    ReportingRound,
    ReportStatus,
    SummaryAxis,
)
from diaodu.projects.models import Project, Stage
from diaodu.schedule.models import Activity

from . import kpis

STALE_LOOKBACK = 12  # monthly rounds looked at for "no approved report for N periods"
NOT_STARTED = (Stage.SIGNED, Stage.PREPARATION)


def evaluation_period(today: date) -> tuple[int, int] | None:
    """(year, month) of the latest monthly round whose period has ended: its approved reports
    are what the investment rules judge (approvals during review count at once)."""
    round_ = (ReportingRound.objects.filter(cadence=Cadence.MONTHLY, period_end__lt=today)
              .order_by("-period_end").first())
    return (round_.period_end.year, round_.period_end.month) if round_ else None


def district_shares(year: int) -> tuple[list[Decimal], tuple[int, ...]]:
    """Seasonality of the years before `year`, from the district's summaries
    (kpis.seasonal_shares)."""
    rows = (MonthlySummary.objects.filter(axis=SummaryAxis.UNIT, year__lt=year,
                                          year__gte=year - 3)
            .values("year", "month").annotate(done=Sum("completed_ytd")).order_by())
    history: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 12)
    for row in rows:
        history[row["year"]][row["month"] - 1] = Decimal(str(row["done"] or 0))
    shares = kpis.seasonal_shares(dict(history))
    years = tuple(sorted(y for y, m in history.items() if m[11] > 0))
    return shares, years


def _ytd(year: int, month: int, ids) -> dict[int, Decimal]:
    done: dict[int, Decimal] = defaultdict(Decimal)
    reports = ProgressReport.objects.filter(
        status=ReportStatus.APPROVED, round__cadence=Cadence.MONTHLY,
        round__period_end__year=year, round__period_end__month__lte=month)
    adjustments = ReportAdjustment.objects.filter(
        report__status=ReportStatus.APPROVED, report__round__cadence=Cadence.MONTHLY,
        report__round__period_end__year=year, report__round__period_end__month__lte=month)
    if ids is not None:
        reports = reports.filter(project_id__in=ids)
        adjustments = adjustments.filter(report__project_id__in=ids)
    # Summed in Python: exact Decimals on SQLite too.
    for pid, amount in reports.values_list("project_id", "completed_in_period"):
        done[pid] += amount
    for pid, amount in adjustments.values_list("report__project_id", "delta_completed"):
        done[pid] += amount
    return done


def _stale(today: date, now: datetime, ids) -> dict[int, int]:
    """Consecutive latest monthly rounds (past their due time) without an approved report."""
    rounds = list(ReportingRound.objects.filter(cadence=Cadence.MONTHLY, due_at__lt=now,
                                                period_end__lt=today)
                  .order_by("-period_end").values_list("pk", flat=True)[:STALE_LOOKBACK])
    if not rounds:
        return {}
    reports = ProgressReport.objects.filter(round_id__in=rounds)
    if ids is not None:
        reports = reports.filter(project_id__in=ids)
    status: dict[int, dict[int, str]] = defaultdict(dict)
    for pid, rid, st in reports.values_list("project_id", "round_id", "status"):
        status[pid][rid] = st
    result = {}
    for pid, by_round in status.items():
        count = 0
        for rid in rounds:
            st = by_round.get(rid)
            if st is None or st == ReportStatus.APPROVED:
                break
            count += 1
        result[pid] = count
    return result


def _grouped(qs, ids, path: str = "project_id"):
    return qs.filter(**{f"{path}__in": ids}) if ids is not None else qs


def project_facts(*, today: date, project_ids=None,
                  now: datetime | None = None) -> dict[int, dict[str, Decimal | int | None]]:
    """{project id: {metric: value or None}} for the projects not yet completed."""
    now = now or clock.now()
    projects = Project.objects.exclude(stage=Stage.COMPLETED)
    if project_ids is not None:
        projects = projects.filter(pk__in=project_ids)
    rows = list(projects.values_list("pk", "stage", "planned_start", "actual_start"))
    ids = [r[0] for r in rows] if project_ids is not None else None

    period = evaluation_period(today)
    ratio: dict[int, Decimal | None] = {}
    forecast_ratio: dict[int, Decimal | None] = {}
    if period:
        year, month = period
        plans = dict(_grouped(AnnualPlan.objects.filter(year=year, status=PlanStatus.APPROVED),
                              ids).values_list("project_id", "planned_investment"))
        done = _ytd(year, month, ids)
        elapsed = time_progress(date(year, month, calendar.monthrange(year, month)[1]))
        shares, years = district_shares(year)
        for pid, planned in plans.items():
            ytd = done.get(pid, Decimal(0))
            ratio[pid] = kpis.pace_ratio(annual_completion_rate(ytd, planned), elapsed)
            if month < 12:
                forecast = kpis.year_end_forecast(ytd, month, shares, years)
                forecast_ratio[pid] = rate(forecast.value, planned)

    unfinished = _grouped(Activity.objects.filter(actual_finish__isnull=True), ids)
    late = dict(unfinished.filter(rag="red").values("project_id").annotate(n=Count("id"))
                .values_list("project_id", "n").order_by())
    floats = dict(unfinished.filter(total_float__isnull=False).values("project_id")
                  .annotate(m=Min("total_float")).values_list("project_id", "m").order_by())
    overdue_reports = dict(
        _grouped(ProgressReport.objects.filter(
            is_overdue=True, status__in=[s for s in ReportStatus.values
                                         if s != ReportStatus.APPROVED]), ids)
        .values("project_id").annotate(n=Count("id")).values_list("project_id", "n").order_by())
    overdue_cases = dict(
        _grouped(Case.objects.filter(status__in=PENDING_STATUSES, **overdue_lookup("due_on", today),
                                     project__isnull=False), ids)
        .values("project_id").annotate(n=Count("id")).values_list("project_id", "n").order_by())
    stale = _stale(today, now, ids)

    facts = {}
    for pid, stage, planned_start, actual_start in rows:
        start_overdue = None
        if stage in NOT_STARTED and actual_start is None and planned_start \
                and is_overdue(planned_start, today):
            start_overdue = (today - planned_start).days
        facts[pid] = {
            "completion_vs_time": ratio.get(pid),
            "forecast_shortfall": forecast_ratio.get(pid),
            "milestone_late": late.get(pid, 0),
            "negative_float": floats.get(pid),
            "report_overdue": overdue_reports.get(pid, 0),
            "case_overdue": overdue_cases.get(pid, 0),
            "stale": stale.get(pid, 0),
            "start_overdue": start_overdue,
        }
    return facts
