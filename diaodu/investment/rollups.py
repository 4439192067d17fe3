"""MonthlyRollup maintenance. A bucket is (unit, street, level, category) for one year; it is
recomputed from its source rows inside the caller's transaction, so the incremental result is
by construction what a rebuild gives — and a test checks that every write path calls it.

MonthlySummary rows (per unit and per street, per level) are recomputed from the bucket's
rollup rows in the same step, so they can never lag the rollups they sum."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum

from diaodu.core import audit
from diaodu.projects.models import Project

from .models import (
    ZERO,
    AnnualPlan,
    Cadence,
    MonthlyRollup,
    MonthlySummary,
    PlanStatus,
    ProgressReport,
    ReportAdjustment,
    ReportStatus,
    SummaryAxis,
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


def refresh(bucket: Bucket, year: int, *, summarise: bool = True) -> None:
    """Recompute the 12 months of `bucket` in `year` from plans, approved monthly reports and
    corrections, then (if anything changed) the summaries of its unit and street.

    Under the totals lock (audit.lock_totals): two transactions recomputing the same
    bucket or summary from what each can see would otherwise each miss the other's write, the
    later one overwriting the earlier (PostgreSQL, read committed). Inside audit.deferred()
    (the ledger import) it runs once per bucket and year, at the end."""
    batch = audit.deferring()
    if batch is not None:
        batch.at_end(("rollups", bucket, year, summarise),
                      lambda: _refresh(bucket, year, summarise))
        return
    audit.lock_totals()
    _refresh(bucket, year, summarise)


def _refresh(bucket: Bucket, year: int, summarise: bool) -> None:
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
        if MonthlyRollup.objects.filter(**key).delete()[0] and summarise:
            refresh_summaries(bucket, year)
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
    if summarise and (new_rows or changed):
        refresh_summaries(bucket, year)


def _summed(rows) -> dict:
    """Aggregate rows → model values; Sum() over DecimalField drifts on SQLite, the values
    have two places at most."""
    return {name: (Decimal(str(rows[name] or 0)).quantize(Decimal("0.01"))
                   if name not in ("project_count", "reported_count") else rows[name] or 0)
            for name in ROLLUP_VALUES}


_SUMS = {name: Sum(name) for name in ROLLUP_VALUES}
_AXES = ((SummaryAxis.UNIT, "unit_id"), (SummaryAxis.STREET, "street_id"))


def refresh_summaries(bucket: Bucket, year: int) -> None:
    """Recompute the summary rows of the bucket's unit and of its street for `year` (one level)
    from the rollup rows; months left without rollups lose their summary row."""
    wanted: dict[tuple, dict] = {}
    for axis, column in _AXES:
        org_id = getattr(bucket, column)
        for row in (MonthlyRollup.objects.filter(year=year, level=bucket.level,
                                                 **{column: org_id})
                    .values("month").annotate(**_SUMS).order_by()):
            wanted[(axis, org_id, row["month"])] = _summed(row)
    existing = {(row.axis, row.org_id, row.month): row for row in MonthlySummary.objects.filter(
        Q(axis=SummaryAxis.UNIT, org_id=bucket.unit_id)
        | Q(axis=SummaryAxis.STREET, org_id=bucket.street_id), year=year, level=bucket.level)}
    new_rows, changed = [], []
    for (axis, org_id, month), values in wanted.items():
        row = existing.pop((axis, org_id, month), None)
        if row is None:
            new_rows.append(MonthlySummary(year=year, month=month, axis=axis, org_id=org_id,
                                           level=bucket.level, **values))
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            changed.append(row)
    if existing:
        MonthlySummary.objects.filter(pk__in=[row.pk for row in existing.values()]).delete()
    MonthlySummary.objects.bulk_create(new_rows)
    MonthlySummary.objects.bulk_update(changed, list(ROLLUP_VALUES))


def rebuild_summaries() -> int:
    """Recompute every summary row from the rollups. Returns the number of rows."""
    with transaction.atomic():
        MonthlySummary.objects.all().delete()
        rows = []
        for axis, column in _AXES:
            rows += [MonthlySummary(year=r["year"], month=r["month"], axis=axis,
                                    org_id=r[column], level=r["level"], **_summed(r))
                     for r in MonthlyRollup.objects.values("year", "month", column, "level")
                     .annotate(**_SUMS).order_by()]
        MonthlySummary.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


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


def on_project_moved(sender, *, project: Project, before: tuple, **kwargs) -> None:
    """projects.signals.project_moved: `before` is a Placement, in Bucket's field order."""
    project_moved(project, Bucket(*before))


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
            refresh(bucket, year, summarise=False)
        rebuild_summaries()
    return MonthlyRollup.objects.count()
