"""Reads of the dispatch loop for users: scoped, with the joins that keep query counts flat."""

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from diaodu.core import photo_services
from diaodu.core.errors import NotFound
from diaodu.core.models import OrgUnit
from diaodu.core.money import quantize_wan
from diaodu.core.roles import Role, role_of
from diaodu.core.scoping import scope_for
from diaodu.projects.models import Level, Project

from . import kpis
from .models import (
    AnnualPlan,
    MonthlyRollup,
    ProgressReport,
    RegistrationPlan,
    Reminder,
    ReportingRound,
    ReportStatus,
)

REGISTRATION_THRESHOLD = Decimal("500")  # 万元: projects from this size must be registered


def report_list(*, user, round_id: int | None = None, status: str = "",
                mine: bool = False) -> QuerySet:
    """Reports `user` may see; `mine`: only those the user's unit fills in."""
    qs = scope_for(user, ProgressReport).select_related(
        "round", "project", "project__responsible_unit", "project__street")
    if mine and user.unit_id:
        qs = qs.filter(project__responsible_unit__path__startswith=user.unit.path) \
            if role_of(user) == Role.UNIT_HEAD else \
            qs.filter(project__responsible_unit_id=user.unit_id)
    if round_id:
        qs = qs.filter(round_id=round_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-round__period_end", "project__responsible_unit__path", "project_id")


# What a report's steps read (policy.py, the services' guards, the API's ReportOut): its
# round, project and responsible unit. The page also shows the street and the people.
STEP_RELATED = ("round", "project", "project__responsible_unit")
PAGE_RELATED = (*STEP_RELATED, "project__street", "submitted_by", "reviewed_by",
                "unit_approved_by")


def report_get(*, user, pk, adjustments: bool = True, page: bool = True) -> ProgressReport:
    """One report `user` may see. `adjustments=False` for callers that do not show the
    corrections; `page=False` for a step or an API answer, which read neither the street
    nor the people (the ORM's compiling of those four joins cost more than the query)."""
    qs = scope_for(user, ProgressReport).select_related(
        *(PAGE_RELATED if page else STEP_RELATED))
    if adjustments:
        qs = qs.prefetch_related("adjustments")
    try:
        return qs.get(pk=pk)
    except (ProgressReport.DoesNotExist, ValueError, TypeError):
        raise NotFound from None


def report_photos(*, report: ProgressReport) -> list[photo_services.ShownPhoto]:
    """The photos of a report the caller read through report_get, with their checks against
    the round's period (one query)."""
    return photo_services.shown(photo_services.photos_of([report])[report.pk],
                                (report.round.period_start, report.round.period_end))


def plan_list(*, user, year: int | None = None, project: int | None = None,
              status: str = "") -> QuerySet[AnnualPlan]:
    """Annual plans of the projects `user` may see, newest year first."""
    qs = scope_for(user, AnnualPlan).select_related("project")
    if year:
        qs = qs.filter(year=year)
    if project:
        qs = qs.filter(project_id=project)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-year", "project_id", "id")


def plan_get(*, user, pk) -> AnnualPlan:
    try:
        return scope_for(user, AnnualPlan).select_related("project").get(pk=pk)
    except (AnnualPlan.DoesNotExist, ValueError, TypeError):
        raise NotFound from None


def reminders_for(*, user, report: ProgressReport) -> QuerySet:
    return (scope_for(user, Reminder)
            .filter(round=report.round_id, unit=report.project.responsible_unit_id)
            .select_related("sent_by"))


def round_list(*, user) -> QuerySet:
    return scope_for(user, ReportingRound).annotate(
        report_count=Count("reports"),
        pending=Count("reports", filter=Q(reports__status__in=[ReportStatus.DRAFT,
                                                               ReportStatus.RETURNED])),
        approved=Count("reports", filter=Q(reports__status=ReportStatus.APPROVED)),
    ).order_by("-period_end", "-id")


def round_get(*, user, pk) -> ReportingRound:
    try:
        return scope_for(user, ReportingRound).get(pk=pk)
    except (ReportingRound.DoesNotExist, ValueError, TypeError):
        raise NotFound from None


@dataclass(frozen=True)
class UnitProgress:
    unit_id: int
    unit_name: str
    total: int
    pending: int
    submitted: int
    approved: int
    returned: int
    overdue: int


def round_overview(*, user, round_: ReportingRound) -> list[UnitProgress]:
    """Per responsible unit: how many reports, how many still to come (催报 targets first)."""
    rows = (scope_for(user, ProgressReport).filter(round=round_)
            .values("project__responsible_unit", "project__responsible_unit__name",
                    "project__responsible_unit__path")
            .annotate(
                total=Count("id"),
                pending=Count("id", filter=Q(status__in=[ReportStatus.DRAFT,
                                                         ReportStatus.RETURNED])),
                submitted=Count("id", filter=Q(status__in=[ReportStatus.SUBMITTED,
                                                           ReportStatus.UNIT_APPROVED])),
                approved=Count("id", filter=Q(status=ReportStatus.APPROVED)),
                returned=Count("id", filter=Q(status=ReportStatus.RETURNED)),
                overdue=Count("id", filter=Q(is_overdue=True)))
            .order_by("-pending", "project__responsible_unit__path"))
    return [UnitProgress(r["project__responsible_unit"], r["project__responsible_unit__name"],
                         r["total"], r["pending"], r["submitted"], r["approved"],
                         r["returned"], r["overdue"]) for r in rows]


@dataclass(frozen=True)
class KpiRow:
    label: str
    planned_annual: Decimal
    completed_ytd: Decimal
    completion_rate: Decimal | None


def _kpi_rows(rows: QuerySet, group: str, labels: dict) -> list[KpiRow]:
    result = []
    for row in rows.values(group).annotate(planned=Sum("planned_annual"),
                                           done=Sum("completed_ytd")).order_by(group):
        planned, done = quantize_wan(row["planned"]), quantize_wan(row["done"])
        result.append(KpiRow(str(labels.get(row[group], row[group] or "—")), planned, done,
                             kpis.annual_completion_rate(done, planned)))
    return result


@dataclass(frozen=True)
class YearKpis:
    year: int
    month: int
    planned_annual: Decimal
    completed_ytd: Decimal
    completion_rate: Decimal | None
    time_progress: Decimal
    by_level: list[KpiRow]
    by_unit: list[KpiRow]
    by_street: list[KpiRow]


def year_kpis(*, user, year: int, month: int, levels: tuple[str, ...] = ()) -> YearKpis:
    """Annual completion and time progress at the end of `month`, from the rollups only."""
    rows = scope_for(user, MonthlyRollup).filter(year=year, month=month)
    if levels:
        rows = rows.filter(level__in=levels)
    planned = quantize_wan(rows.aggregate(s=Sum("planned_annual"))["s"])
    done = quantize_wan(rows.aggregate(s=Sum("completed_ytd"))["s"])
    names = dict(OrgUnit.objects.values_list("pk", "name"))
    period_end = date(year, month, calendar.monthrange(year, month)[1])
    return YearKpis(
        year=year, month=month, planned_annual=planned, completed_ytd=done,
        completion_rate=kpis.annual_completion_rate(done, planned),
        time_progress=kpis.time_progress(period_end),
        by_level=_kpi_rows(rows, "level", dict(Level.choices)),
        by_unit=_kpi_rows(rows, "unit", names),
        by_street=_kpi_rows(rows, "street", names),
    )


def registration_duty(*, started_by: date | None = None) -> Q:
    """The 入库 duty (应入尽入) as a project filter, the one rule the registration page, the
    dashboard and the rankings count with: started (on or before `started_by` when given) and
    a total investment of 500万元 or more."""
    started = Q(actual_start__lte=started_by) if started_by else Q(actual_start__isnull=False)
    return started & Q(total_investment__gte=REGISTRATION_THRESHOLD)


def must_register(*, user) -> QuerySet:
    """Started projects of 500万元 or more: the registration duty (应入尽入)."""
    return (scope_for(user, Project).filter(registration_duty())
            .select_related("responsible_unit", "street"))


def unregistered(*, user) -> QuerySet:
    return must_register(user=user).filter(stats_registered_on__isnull=True) \
        .order_by("actual_start", "id")


def registration_rate(*, user) -> tuple[int, int, Decimal | None]:
    duty = must_register(user=user)
    total = duty.count()
    done = duty.filter(stats_registered_on__isnull=False).count()
    return done, total, kpis.registration_rate(done, total)


def registration_plans(*, user, month: date | None = None) -> QuerySet:
    qs = scope_for(user, RegistrationPlan).select_related("project", "responsible_unit")
    if month:
        qs = qs.filter(due_month__year=month.year, due_month__month=month.month)
    return qs.filter(project__stats_registered_on__isnull=True)
