"""Reads of the dashboard for users: scoped through core.scoping, from the monthly summaries
(district-wide readers) or the user's own rollups, the Warning and UnitRanking rows and small
counts; a fixed number of queries at any scale."""

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from diaodu.cases.models import PENDING_STATUSES, Approval
from diaodu.cases.selectors import CaseFilters, case_list
from diaodu.core import clock
from diaodu.core.money import quantize_wan
from diaodu.core.scoping import may_see, scope_for
from diaodu.investment import kpis as inv_kpis
from diaodu.investment.models import (
    AnnualPlan,
    Cadence,
    MonthlyRollup,
    MonthlySummary,
    PlanStatus,
    ProgressReport,
    ReportAdjustment,
    ReportingRound,
    ReportStatus,
    SummaryAxis,
)
from diaodu.investment.selectors import registration_duty
from diaodu.projects.models import Batch, CampaignEntry, Level, Project, Stage
from diaodu.schedule.models import Activity

from . import kpis, rules
from .facts import district_shares
from .models import (
    RankingKind,
    ScoringScheme,
    UnitRanking,
    Warning,
    WarningLevel,
    WarningRuleSet,
)

LIST_SIZE = 10


@dataclass(frozen=True)
class Period:
    year: int
    month: int

    @property
    def end(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def previous(self) -> "Period":
        return Period(self.year, self.month - 1) if self.month > 1 else Period(self.year - 1, 12)


def last_locked_round(*, user) -> ReportingRound | None:
    """The latest locked monthly round: the dashboard's figures are "as of" it."""
    return (scope_for(user, ReportingRound)
            .filter(cadence=Cadence.MONTHLY, locked_at__isnull=False)
            .order_by("-period_end").first())


def expected_in_district(period: Period) -> kpis.Expected:
    """The share of the plan expected done by the period's end from the district's earlier
    years: the share the warnings use (facts.district_shares), for pages that judge single
    projects (the project's bar, the briefing's 红榜)."""
    shares, years = district_shares(period.year)
    return kpis.expected_share(period.end, shares, years)


def default_period(*, user, locked: ReportingRound | bool | None = False) -> Period:
    """The month pages open on when none is asked for (dashboard, ledger exports, briefing):
    the latest locked monthly round's, whose figures are final, else last month by the
    business clock. `locked`: that round when the caller has read it already (None = none)."""
    if locked is False:
        locked = last_locked_round(user=user)
    if isinstance(locked, ReportingRound):
        return Period(locked.period_end.year, locked.period_end.month)
    today = clock.today()
    return Period(today.year, today.month).previous


def monthly_rounds(*, user) -> tuple[ReportingRound | None, list[int]]:
    """The latest locked monthly round and the years that have monthly rounds, in one read
    (twelve rounds a year)."""
    rounds = list(scope_for(user, ReportingRound).filter(cadence=Cadence.MONTHLY)
                  .order_by("-period_end"))
    locked = next((r for r in rounds if r.locked_at is not None), None)
    return locked, sorted({r.period_end.year for r in rounds}, reverse=True)


@dataclass
class Group:
    key: object
    label: str
    planned: Decimal
    done: Decimal
    rate: Decimal | None
    pace: str = ""
    path: str = ""


@dataclass
class Dashboard:
    period: Period
    has_data: bool
    planned_annual: Decimal = Decimal(0)
    planned_cumulative: Decimal = Decimal(0)
    completed_ytd: Decimal = Decimal(0)
    completion_rate: Decimal | None = None
    time_progress: Decimal | None = None
    expected: kpis.Expected | None = None
    pace_ratio: Decimal | None = None
    pace: str = ""
    months: list[dict] = field(default_factory=list)
    by_level: list[Group] = field(default_factory=list)
    forecast: kpis.Forecast | None = None
    forecast_rate: Decimal | None = None
    funnel: list[dict] = field(default_factory=list)
    projects: dict = field(default_factory=dict)
    campaign: list[dict] = field(default_factory=list)
    warning_counts: dict = field(default_factory=dict)
    red: list[Warning] = field(default_factory=list)
    amber: list[Warning] = field(default_factory=list)
    overdue_reports: int = 0
    overdue_cases: int = 0
    approvals: dict = field(default_factory=dict)
    rule: rules.Rule | None = None


def _figures(user, by: str = "unit") -> tuple[QuerySet, str]:
    """The rows whose sums are the dashboard's investment figures, and the name of their unit
    (by="unit") or street (by="street") column. Whoever sees the whole district reads the
    summaries (a few hundred rows a month at any scale); everyone else reads the rollups of
    their own unit through scope_for — the summaries mix all units, so they never see them."""
    if may_see(user, MonthlySummary):
        axis = SummaryAxis.STREET if by == "street" else SummaryAxis.UNIT
        return scope_for(user, MonthlySummary).filter(axis=axis), "org"
    return scope_for(user, MonthlyRollup), "street" if by == "street" else "unit"


def completion_rule() -> rules.Rule | None:
    """The active completion-vs-expected rule (the defaults' before any rule set exists)."""
    active = WarningRuleSet.objects.filter(is_active=True).first()
    if active is None:
        return rules.validate(rules.DEFAULT_RULES)[0]
    return next((r for r in rules.validate(active.rules) if r.metric == "completion_vs_time"),
                None)


def _expected(period: Period, rows) -> kpis.Expected:
    """The share of the plan expected done by the period's end (kpis.expected_share) from the
    completion of up to three earlier years in `rows` (year, month, done)."""
    history: dict[int, list[Decimal]] = {}
    for h in (r for r in rows if r["year"] < period.year):
        history.setdefault(h["year"], [Decimal(0)] * 12)[h["month"] - 1] += h["done"]
    years = tuple(sorted(y for y, v in history.items() if v[11] > 0))
    return kpis.expected_share(period.end, kpis.seasonal_shares(history), years)


def _history(figures: QuerySet, period: Period) -> QuerySet:
    """The rows of up to three earlier years that the seasonal share needs: the period's month
    and December of each."""
    return figures.filter(year__gte=period.year - 3, year__lt=period.year,
                          month__in=sorted({period.month, 12}))


def expected_for(*, user, period: Period) -> kpis.Expected:
    """The share of the plan expected done by the period's end, from the figures the user
    sees (the same the dashboard's forecast uses). One query."""
    rows = list(_history(_figures(user)[0], period).values("year", "month")
                .annotate(done=Sum("completed_ytd")).order_by())
    for r in rows:
        r["done"] = quantize_wan(r["done"])
    return _expected(period, rows)


def dashboard(*, user, period: Period, today: date | None = None) -> Dashboard:
    """Every figure of the district dashboard for the month; has_data False when the rollups
    hold nothing for the year (the page then says so)."""
    today = today or clock.today()
    # One read for the year by month and level, and for the seasonal share of up to three
    # earlier years, which needs only this month and December of each.
    rows = list(_figures(user)[0].filter(
        Q(year=period.year) | Q(year__gte=period.year - 3, year__lt=period.year,
                                month__in=sorted({period.month, 12})))
        .values("year", "month", "level")
        .annotate(plan=Sum("planned_cumulative"), annual=Sum("planned_annual"),
                  done=Sum("completed_ytd")).order_by())
    for r in rows:
        r["plan"], r["annual"], r["done"] = (quantize_wan(r["plan"]), quantize_wan(r["annual"]),
                                             quantize_wan(r["done"]))
    by_month: dict[int, dict] = {}
    for r in (r for r in rows if r["year"] == period.year):
        m = by_month.setdefault(r["month"], {"month": r["month"], "plan": Decimal("0.00"),
                                             "annual": Decimal("0.00"),
                                             "done": Decimal("0.00")})
        for key in ("plan", "annual", "done"):
            m[key] += r[key]
    months = [by_month[m] for m in sorted(by_month)]
    result = Dashboard(period=period, has_data=period.month in by_month)
    rule = result.rule = completion_rule()
    result.months = months
    if result.has_data:
        row = by_month[period.month]
        result.planned_annual, result.planned_cumulative = row["annual"], row["plan"]
        result.completed_ytd = row["done"]
        result.completion_rate = inv_kpis.annual_completion_rate(row["done"], row["annual"])
        result.time_progress = inv_kpis.time_progress(period.end)
        result.expected = expected = _expected(period, rows)
        result.pace_ratio = kpis.pace_ratio(row["done"], row["annual"], expected)
        result.pace = rules.pace(rule, result.pace_ratio)
        labels = dict(Level.choices)
        for lv in sorted((r for r in rows if (r["year"], r["month"]) == (period.year,
                                                                         period.month)),
                         key=lambda r: r["level"]):
            rate = inv_kpis.annual_completion_rate(lv["done"], lv["annual"])
            result.by_level.append(Group(
                lv["level"], str(labels.get(lv["level"], lv["level"])), lv["annual"],
                lv["done"], rate,
                rules.pace(rule, kpis.pace_ratio(lv["done"], lv["annual"], expected))))
        result.by_level.sort(key=lambda g: list(labels).index(g.key) if g.key in labels else 9)
        result.forecast = kpis.year_end_forecast(result.completed_ytd, expected)
        result.forecast_rate = inv_kpis.rate(result.forecast.value, result.planned_annual)

    projects = scope_for(user, Project)
    stages = dict(Stage.choices)
    duty = registration_duty()
    # One pass over the projects: the 四库 funnel and the whitelist / 入库 counts by stage.
    by_stage = {r["stage"]: r for r in projects.values("stage").annotate(
        n=Count("id"), total=Sum("total_investment"),
        whitelist=Count("id", filter=Q(on_whitelist=True)), duty=Count("id", filter=duty),
        registered=Count("id", filter=duty & Q(stats_registered_on__isnull=False))).order_by()}
    result.funnel = [{"stage": s, "label": stages[s], "count": by_stage.get(s, {}).get("n", 0),
                      "total": quantize_wan(by_stage.get(s, {}).get("total"))}
                     for s in Stage.values]
    counts = {key: sum(r[key] for r in by_stage.values())
              for key in ("whitelist", "duty", "registered")}
    counts["registration_rate"] = inv_kpis.registration_rate(counts["registered"], counts["duty"])
    result.projects = counts

    batches = {r["batch"]: r for r in scope_for(user, CampaignEntry).filter(
        campaign__year__lte=period.year).values("batch").annotate(
        n=Count("project", distinct=True),
        started=Count("project", distinct=True, filter=Q(project__actual_start__isnull=False)),
        produced=Count("project", distinct=True,
                       filter=Q(project__actual_completion__isnull=False)),
        capacity=Count("project", distinct=True,
                       filter=Q(project__reached_capacity_on__isnull=False)),
        fulfilled=Count("project", distinct=True,
                        filter=Q(project__fulfilled_on__isnull=False))).order_by()}
    empty = {"n": 0, "started": 0, "produced": 0, "capacity": 0, "fulfilled": 0}
    sign, start, produce = (batches.get(b, empty) for b in Batch.values)
    result.campaign = [
        {"batch": Batch.SIGN, "label": Batch.SIGN.label, "count": sign["n"],
         "rate_label": _("履约率"), "done": sign["fulfilled"],
         "rate": kpis.fulfilment_rate(sign["fulfilled"], sign["n"])},
        {"batch": Batch.START, "label": Batch.START.label, "count": start["n"],
         "rate_label": _("开工率"), "done": start["started"],
         "rate": kpis.start_rate(start["started"], start["n"])},
        {"batch": Batch.PRODUCE, "label": Batch.PRODUCE.label, "count": produce["n"],
         "rate_label": _("投产率"), "done": produce["produced"],
         "rate": kpis.production_rate(produce["produced"], produce["n"]),
         "capacity": produce["capacity"],
         "capacity_rate": kpis.capacity_rate(produce["capacity"], produce["produced"])},
    ]

    open_warnings = scope_for(user, Warning).filter(cleared_on__isnull=True)
    result.warning_counts = open_warnings.aggregate(
        red=Count("id", filter=Q(level=WarningLevel.RED)),
        amber=Count("id", filter=Q(level=WarningLevel.AMBER)),
        forecast=Count("id", filter=Q(metric="forecast_shortfall")))
    listed = open_warnings.select_related("project").order_by("since", "project_id", "metric")
    result.red = list(listed.filter(level=WarningLevel.RED)[:LIST_SIZE])
    result.amber = list(listed.filter(level=WarningLevel.AMBER)[:LIST_SIZE])

    result.overdue_reports = overdue_reports(user=user).count()
    result.overdue_cases = case_list(user=user, filters=CaseFilters(overdue=True),
                                     today=today).count()
    approvals = scope_for(user, Approval).filter(year=period.year).aggregate(
        total=Count("id"), completed=Count("id", filter=Q(completed_on__isnull=False)),
        on_time=Count("id", filter=Q(on_time=True)))
    approvals["rate"] = inv_kpis.rate(approvals["on_time"], approvals["completed"])
    result.approvals = approvals
    return result


def groups(*, user, period: Period, by: str, sort: str = "",
           rule: rules.Rule | None = None, expected: kpis.Expected | None = None
           ) -> list[Group]:
    """Plan and completion per responsible unit (by=unit) or street (by=street), sorted by
    name (default), rate or completed investment; `rule` and `expected` = the completion rule
    and the expected share when the caller has them already."""
    figures, column = _figures(user, by)
    rows = (figures.filter(year=period.year, month=period.month)
            .values(column, f"{column}__short_name", f"{column}__name", f"{column}__path")
            .annotate(planned=Sum("planned_annual"), done=Sum("completed_ytd")).order_by())
    expected = expected or expected_for(user=user, period=period)
    rule = rule or completion_rule()
    result = []
    for r in rows:
        planned, done = quantize_wan(r["planned"]), quantize_wan(r["done"])
        rate = inv_kpis.annual_completion_rate(done, planned)
        group = Group(r[column], r[f"{column}__short_name"] or r[f"{column}__name"] or "—",
                      planned, done, rate,
                      rules.pace(rule, kpis.pace_ratio(done, planned, expected)))
        group.path = r[f"{column}__path"] or "~"
        result.append(group)
    if sort == "rate":
        result.sort(key=lambda g: (g.rate is None, -(g.rate or 0), g.path))
    elif sort == "done":
        result.sort(key=lambda g: (-g.done, g.path))
    else:
        result.sort(key=lambda g: g.path)
    return result


@dataclass
class Ranked:
    row: UnitRanking
    change: int | None  # places gained since last month (+ up, − down), None = not ranked then


def ranking(*, user, period: Period, kind: str = RankingKind.UNIT
            ) -> tuple[list[Ranked], ScoringScheme | None]:
    """The month's ranking with each unit's change of place since the month before."""
    prev = period.previous
    visible = scope_for(user, UnitRanking).filter(kind=kind)
    # Last month's places as plain pairs: a row per unit, no model instances needed.
    before = dict(visible.filter(year=prev.year, month=prev.month)
                  .values_list("unit_id", "rank"))
    now = list(visible.filter(year=period.year, month=period.month)
               .select_related("unit", "scheme")
               .only("year", "month", "rank", "score", "top_group", "metrics", "unit__name",
                     "unit__short_name", "unit__path", "scheme__version",
                     "scheme__top_group_size")
               .order_by("rank", "unit__path"))
    ranked = [Ranked(r, before[r.unit_id] - r.rank if r.unit_id in before else None)
              for r in now]
    return ranked, (now[0].scheme if now else None)


def warning_list(*, user, level: str = "", metric: str = "", history: bool = False
                 ) -> QuerySet[Warning]:
    qs = scope_for(user, Warning).select_related("project", "project__responsible_unit",
                                                 "rule_set")
    if not history:
        qs = qs.filter(cleared_on__isnull=True)
    if level:
        qs = qs.filter(level=level)
    if metric:
        qs = qs.filter(metric=metric)
    return qs.order_by("-level", "since", "project_id", "metric")


def project_warnings(*, user, project: Project) -> list[Warning]:
    """A project's warnings, open and cleared, newest first (its warning history)."""
    return list(scope_for(user, Warning).filter(project=project)
                .order_by("cleared_on", "-since", "-id"))


def overdue_reports(*, user) -> QuerySet[ProgressReport]:
    """Reports past their round's due time and not yet approved."""
    # status IN (…) rather than "not approved": the status index then finds the few
    # unapproved rows among the millions of approved ones.
    pending = [s for s in ReportStatus.values if s != ReportStatus.APPROVED]
    return (scope_for(user, ProgressReport).filter(is_overdue=True, status__in=pending)
            .select_related("project", "project__responsible_unit", "round")
            .order_by("round__period_end", "project__responsible_unit__path", "project_id"))


def rule_sets(*, user) -> QuerySet[WarningRuleSet]:
    return scope_for(user, WarningRuleSet).select_related("created_by").order_by("-version")


def schemes(*, user) -> QuerySet[ScoringScheme]:
    return scope_for(user, ScoringScheme).select_related("created_by").order_by("-version")


@dataclass
class ProjectProgress:
    year: int | None = None
    planned: Decimal | None = None
    done: Decimal = Decimal(0)
    rate: Decimal | None = None
    time_elapsed: Decimal | None = None
    pace: str = ""
    milestones: list = field(default_factory=list)
    open_cases: list = field(default_factory=list)
    reports: list = field(default_factory=list)
    warnings: list = field(default_factory=list)


def project_progress(*, user, project: Project, today: date | None = None) -> ProjectProgress:
    """进度条 of one project: this year's plan against approved monthly reports, the time
    elapsed between planned start and completion, key milestones with their status, open
    cases, the last reports and the warning history. Six queries."""

    today = today or clock.today()
    result = ProjectProgress()
    plan = (scope_for(user, AnnualPlan).filter(project=project, status=PlanStatus.APPROVED,
                                               year__lte=today.year)
            .order_by("-year").first())
    reports = list(scope_for(user, ProgressReport).filter(project=project)
                   .select_related("round").order_by("-round__period_end", "-id")[:24])
    if plan is not None:
        result.year, result.planned = plan.year, plan.planned_investment
        counted = [r for r in reports if r.status == ReportStatus.APPROVED
                   and r.round.cadence == Cadence.MONTHLY and r.round.period_end.year == plan.year]
        corrections = (scope_for(user, ReportAdjustment)
                       .filter(report__in=[r.pk for r in counted])
                       .values_list("delta_completed", flat=True))
        result.done = sum((r.completed_in_period for r in counted), Decimal(0)) \
            + sum(corrections, Decimal(0))
        result.rate = inv_kpis.annual_completion_rate(result.done, plan.planned_investment)
        as_of = max((r.round.period_end for r in counted), default=None)
        if as_of:
            # The same expected share as the project's warning.
            result.pace = rules.pace(completion_rule(), kpis.pace_ratio(
                result.done, plan.planned_investment,
                expected_in_district(Period(as_of.year, as_of.month))))
    if project.planned_start and project.planned_completion \
            and project.planned_completion > project.planned_start:
        span = (project.planned_completion - project.planned_start).days
        gone = min(max((today - project.planned_start).days, 0), span)
        result.time_elapsed = inv_kpis.rate(gone, span)
    result.milestones = list(scope_for(user, Activity).filter(project=project, is_key=True)
                             .order_by("position", "id"))
    result.open_cases = list(case_list(user=user, filters=CaseFilters(project=project.pk),
                                       today=today).filter(status__in=PENDING_STATUSES)
                             .prefetch_related(None)[:10])
    result.reports = reports[:3]
    result.warnings = project_warnings(user=user, project=project)
    return result
