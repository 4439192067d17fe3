"""MonthlyRollup maintenance. A bucket is (unit, street, level, category) for one year; it is
recomputed from its source rows inside the caller's transaction, so the incremental result is
by construction what a rebuild gives — and a test checks that every write path calls it."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from diaodu.projects.models import Project

from .models import (
    ZERO,
    AnnualPlan,
    Cadence,
    MonthlyRollup,
    PlanStatus,
    ProgressReport,
    ReportAdjustment,
    ReportStatus,
)

ROLLUP_VALUES = ("planned_cumulative", "planned_annual", "completed_in_month", "completed_ytd",
                 "project_count", "reported_count")


@dataclass(frozen=True)
class Bucket:
    unit_id: int
    street_id: int | None
    level: str
    category_id: int

    @classmethod
    def of(cls, project: Project) -> "Bucket":
        return cls(project.responsible_unit_id, project.street_id, project.level,
                   project.category_id)

    def projects(self):
        return Project.objects.filter(responsible_unit_id=self.unit_id, street_id=self.street_id,
                                      level=self.level, category_id=self.category_id)


def refresh(bucket: Bucket, year: int) -> None:
    """Recompute the 12 months of `bucket` in `year` from plans, approved monthly reports and
    corrections."""
    projects = bucket.projects()
    plans = list(AnnualPlan.objects.filter(project__in=projects, year=year,
                                           status=PlanStatus.APPROVED))
    reports = (ProgressReport.objects
               .filter(project__in=projects, status=ReportStatus.APPROVED,
                       round__cadence=Cadence.MONTHLY, round__period_end__year=year)
               .values_list("round__period_end__month", "completed_in_period"))
    corrections = (ReportAdjustment.objects
                   .filter(report__project__in=projects, report__status=ReportStatus.APPROVED,
                           report__round__cadence=Cadence.MONTHLY,
                           report__round__period_end__year=year)
                   .values("report__round__period_end__month")
                   .annotate(total=Sum("delta_completed")))
    completed: dict[int, Decimal] = defaultdict(lambda: ZERO)
    reported: dict[int, int] = defaultdict(int)
    for month, amount in reports:
        completed[month] += amount
        reported[month] += 1
    for row in corrections:
        # Sum() over DecimalField drifts on SQLite; the values have two places at most.
        completed[row["report__round__period_end__month"]] += \
            Decimal(str(row["total"])).quantize(Decimal("0.01"))

    key = {"year": year, "unit_id": bucket.unit_id, "street_id": bucket.street_id,
           "level": bucket.level, "category_id": bucket.category_id}
    existing = {row.month: row for row in MonthlyRollup.objects.filter(**key)}
    if not plans and not completed:
        MonthlyRollup.objects.filter(**key).delete()
        return
    annual = sum((p.planned_investment for p in plans), ZERO)
    ytd = ZERO
    new_rows, changed = [], []
    for month in range(1, 13):
        ytd += completed[month]
        values = {
            "planned_cumulative": sum((p.target(month) for p in plans), ZERO),
            "planned_annual": annual,
            "completed_in_month": completed[month],
            "completed_ytd": ytd,
            "project_count": len(plans),
            "reported_count": reported[month],
        }
        row = existing.get(month)
        if row is None:
            new_rows.append(MonthlyRollup(**key, month=month, **values))
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            changed.append(row)
    # Only the months that differ are written: an approval in May touches May–December.
    MonthlyRollup.objects.bulk_create(new_rows)
    MonthlyRollup.objects.bulk_update(changed, list(ROLLUP_VALUES))


def refresh_project(project: Project, year: int) -> None:
    refresh(Bucket.of(project), year)


def years_of(project: Project) -> set[int]:
    plan_years = AnnualPlan.objects.filter(project=project).values_list("year", flat=True)
    report_years = (ProgressReport.objects.filter(project=project)
                    .values_list("round__period_end__year", flat=True))
    return set(plan_years) | set(report_years)


def project_moved(project: Project, old: Bucket) -> None:
    """A project changed unit, street, level or category: both buckets change."""
    new = Bucket.of(project)
    if new == old:
        return
    for year in years_of(project):
        refresh(old, year)
        refresh(new, year)


def rebuild() -> int:
    """Recompute every rollup row from scratch. Returns the number of rows."""
    with transaction.atomic():
        MonthlyRollup.objects.all().delete()
        pairs = set()
        for project in Project.objects.filter(annual_plans__isnull=False).distinct():
            pairs |= {(Bucket.of(project), y) for y in years_of(project)}
        for project in Project.objects.filter(reports__isnull=False).distinct():
            pairs |= {(Bucket.of(project), y) for y in years_of(project)}
        for bucket, year in pairs:
            refresh(bucket, year)
    return MonthlyRollup.objects.count()
