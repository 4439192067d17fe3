"""The facts each warning rule looks at, for many projects at once (a fixed number of queries
whatever the number of projects). Used by the evaluation service, not by pages: the dashboard
reads the Warning rows this produces and the rollups.

`replay=True` reads the records as they stood at the end of `today` (approvals, case closures,
starts and finishes dated later are not known yet), so the daily job can be re-run for past
days — the demo builds its warning history that way. The schedule's floats are stored as of
its last computation, so a replay knows them only from that day on.
"""

import calendar
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Min, Q, Sum
from django.utils import timezone

from diaodu.cases.models import PENDING_STATUSES, Case
from diaodu.core import clock
from diaodu.core.overdue import is_overdue, overdue_lookup
from diaodu.investment.kpis import rate
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
from diaodu.schedule import rules as schedule_rules
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


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _approved(known_by: datetime | None, prefix: str = "") -> Q:
    """Approved reports; with `known_by`, only those approved before it."""
    q = Q(**{f"{prefix}status": ReportStatus.APPROVED})
    return q & Q(**{f"{prefix}reviewed_at__lt": known_by}) if known_by else q


def _ytd(year: int, month: int, ids, known_by: datetime | None = None) -> dict[int, Decimal]:
    done: dict[int, Decimal] = defaultdict(Decimal)
    reports = ProgressReport.objects.filter(
        _approved(known_by), round__cadence=Cadence.MONTHLY,
        round__period_end__year=year, round__period_end__month__lte=month)
    adjustments = ReportAdjustment.objects.filter(
        _approved(known_by, "report__"), report__round__cadence=Cadence.MONTHLY,
        report__round__period_end__year=year, report__round__period_end__month__lte=month)
    if known_by:
        adjustments = adjustments.filter(adjusted_at__lt=known_by)
    if ids is not None:
        reports = reports.filter(project_id__in=ids)
        adjustments = adjustments.filter(report__project_id__in=ids)
    # Summed in Python: exact Decimals on SQLite too.
    for pid, amount in reports.values_list("project_id", "completed_in_period"):
        done[pid] += amount
    for pid, amount in adjustments.values_list("report__project_id", "delta_completed"):
        done[pid] += amount
    return done


def _stale(today: date, now: datetime, ids, known_by: datetime | None = None) -> dict[int, int]:
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
    for pid, rid, st, reviewed in reports.values_list("project_id", "round_id", "status",
                                                      "reviewed_at"):
        if known_by and st == ReportStatus.APPROVED and (reviewed is None
                                                         or reviewed >= known_by):
            st = ReportStatus.SUBMITTED  # not approved yet on that day
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


def _investment(today: date, ids, starts: dict[int, date | None],
                known_by: datetime | None
                ) -> tuple[dict[int, Decimal | None], dict[int, Decimal | None]]:
    """Completion against the share of the plan expected by the evaluated month, and the
    year-end forecast against the plan, per project. A project not started by the month's
    end is judged on its start (逾期未开工), not on investment it could not have made."""
    period = evaluation_period(today)
    ratio: dict[int, Decimal | None] = {}
    forecast_ratio: dict[int, Decimal | None] = {}
    if not period:
        return ratio, forecast_ratio
    year, month = period
    end = date(year, month, calendar.monthrange(year, month)[1])
    plans = dict(_grouped(AnnualPlan.objects.filter(year=year, status=PlanStatus.APPROVED),
                          ids).values_list("project_id", "planned_investment"))
    done = _ytd(year, month, ids, known_by)
    shares, years = district_shares(year)
    expected = kpis.expected_share(end, shares, years)
    for pid, planned in plans.items():
        started = starts.get(pid)
        if pid not in starts or started is None or started > end:
            continue
        ytd = done.get(pid, Decimal(0))
        ratio[pid] = kpis.pace_ratio(ytd, planned, expected)
        if month < 12:
            forecast_ratio[pid] = rate(kpis.year_end_forecast(ytd, expected).value, planned)
    return ratio, forecast_ratio


def _late_milestones(today: date, ids, replay: bool) -> dict[int, int]:
    """Unfinished activities whose status is late. Live: the status the schedule stored this
    morning; replay: the same rule (schedule.rules.activity_rag) on that day's dates."""
    if not replay:
        return dict(_grouped(Activity.objects.filter(actual_finish__isnull=True, rag="red"), ids)
                    .values("project_id").annotate(n=Count("id"))
                    .values_list("project_id", "n").order_by())
    late: dict[int, int] = defaultdict(int)
    rows = _grouped(Activity.objects.filter(Q(actual_finish__isnull=True)
                                            | Q(actual_finish__gt=today)), ids)
    for pid, started, planned_finish, late_start in rows.values_list(
            "project_id", "actual_start", "planned_finish", "late_start"):
        rag = schedule_rules.activity_rag(
            finished=False, started=started is not None and started <= today,
            planned_finish=planned_finish, late_start=late_start, total_float=None,
            today=today, risk_float=0)
        if rag == schedule_rules.RED:
            late[pid] += 1
    return late


def project_facts(*, today: date, project_ids=None, now: datetime | None = None,
                  replay: bool = False) -> dict[int, dict[str, Decimal | int | None]]:
    """{project id: {metric: value or None}} for the projects not yet completed; `replay`:
    as the records stood at the end of `today` (module docstring)."""
    known_by = _end_of(today) if replay else None
    now = now or known_by or clock.now()
    projects = Project.objects.exclude(stage=Stage.COMPLETED)
    if project_ids is not None:
        projects = projects.filter(pk__in=project_ids)
    rows = list(projects.values_list("pk", "stage", "planned_start", "actual_start"))
    ids = [r[0] for r in rows] if project_ids is not None else None
    if replay:  # a start dated later had not happened yet
        rows = [(pk, Stage.PREPARATION if started and started > today else stage, planned,
                 None if started and started > today else started)
                for pk, stage, planned, started in rows]
    ratio, forecast_ratio = _investment(today, ids, {r[0]: r[3] for r in rows}, known_by)

    unfinished = _grouped(Activity.objects.filter(actual_finish__isnull=True), ids)
    if replay:
        unfinished = unfinished.filter(project__schedule__computed_on__lte=today)
    late = _late_milestones(today, ids, replay)
    floats = dict(unfinished.filter(total_float__isnull=False).values("project_id")
                  .annotate(m=Min("total_float")).values_list("project_id", "m").order_by())
    pending = [s for s in ReportStatus.values if s != ReportStatus.APPROVED]
    overdue = ProgressReport.objects.filter(is_overdue=True, status__in=pending)
    if known_by:
        overdue = ProgressReport.objects.filter(is_overdue=True, round__due_at__lt=known_by) \
            .exclude(_approved(known_by))
    overdue_reports = dict(
        _grouped(overdue, ids)
        .values("project_id").annotate(n=Count("id")).values_list("project_id", "n").order_by())
    open_cases = Q(status__in=PENDING_STATUSES)
    if replay:
        open_cases = (open_cases | Q(resolved_on__gt=today)
                      | Q(resolved_on__isnull=True, closed_on__gt=today)) \
            & Q(raised_on__lte=today)
    overdue_cases = dict(
        _grouped(Case.objects.filter(open_cases, **overdue_lookup("due_on", today),
                                     project__isnull=False), ids)
        .values("project_id").annotate(n=Count("id")).values_list("project_id", "n").order_by())
    stale = _stale(today, now, ids, known_by)

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
