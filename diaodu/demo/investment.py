"""Demo section: the dispatch loop from January 2021 to the demo's day (2023-03-31).

The seed: "2021年全区省市重点项目累计完成投资410.6亿元，占年度计划投资的105.3%". The 2021 plans
of the provincial and municipal key projects total 389.93亿元 and their approved monthly
reports total exactly 410.6亿元 (= 105.3%). Everything else is SAMPLE: each project spends its
total along a seasonal curve (catalogue.SEASON) from its start to its completion; each
responsible unit runs ahead of or behind its plans by its own factor (UNIT_PACE), so units
spread from well ahead to badly behind; completed projects end at their total.

2021 and 2022: twelve locked monthly rounds each. 2023: January and February locked; the
March round (opened 03-18, due 03-24 18:00) is open with a few units overdue, some reports
returned and the rest approved.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from diaodu.core import clock
from diaodu.core.models import User
from diaodu.investment import services
from diaodu.investment.models import AnnualPlan, Cadence, ReportingRound
from diaodu.projects.models import Level, Project, Stage

from . import data
from .catalogue import months_between, spend_curve

COMPLETED_2021 = Decimal("4106000.00")   # 410.6亿元 in 万元
PLANNED_2021 = Decimal("3899300.00")     # 389.93亿元: 4106000 / 3899300 = 105.3%
CENT = Decimal("0.01")
FIRST, LAST = (2021, 1), (2023, 3)
# Each unit's pace against its plans (SAMPLE): from well ahead to badly behind.
PACES = [Decimal(p) for p in ("1.22", "1.12", "1.06", "1.01", "0.97", "0.92", "0.84", "0.72",
                              "0.61")]
# The March 2023 round on the demo's day: the slowest units have not reported (overdue).
RETURN_REASONS = ["本期完成与形象进度不匹配，请核实后重报。", "开工累计与上月不衔接，请核对。",
                  "形象进度描述过简，请补充主要工程量。"]


def split(total: Decimal, weights: list) -> list[Decimal]:
    """`total` in exact cents, proportional to `weights` (largest remainder)."""
    cents = int(total * 100)
    whole = sum(Decimal(w) for w in weights)
    raw = [cents * Decimal(w) / whole for w in weights]
    parts = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)
    for i in order[: cents - sum(parts)]:
        parts[i] += 1
    return [Decimal(p) / 100 for p in parts]


def _aware(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _month_bounds(year: int, month: int) -> tuple[date, date]:
    start = date(year, month, 1)
    return start, (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def _finish(project: Project) -> date:
    return project.actual_completion or project.planned_completion


def _reporting_projects() -> list[Project]:
    """Projects that built anything between January 2021 and the demo's day."""
    return list(Project.objects.filter(actual_start__lte=data.DEMO_TODAY)
                .filter(Q(actual_completion__isnull=True)
                        | Q(actual_completion__gte=date(*FIRST, 1)))
                .select_related("responsible_unit", "category").order_by("id"))


def unit_paces(projects: list[Project]) -> dict[int, Decimal]:
    """Each responsible unit's pace, dealt out so every pace occurs (stable by unit id)."""
    units = sorted({p.responsible_unit_id for p in projects})
    rng = random.Random(1729)
    order = units[:]
    rng.shuffle(order)
    return {unit: PACES[i % len(PACES)] for i, unit in enumerate(order)}


def amounts(projects: list[Project]) -> dict[int, dict[tuple[int, int], Decimal]]:
    """本期完成 per project and month, January 2021 to March 2023."""
    rng = random.Random(2021)
    pace = unit_paces(projects)
    out: dict[int, dict[tuple[int, int], Decimal]] = {}
    for p in projects:
        curve = spend_curve(p.total_investment, p.actual_start, _finish(p))
        own = Decimal(str(round(rng.uniform(0.9, 1.1), 3)))
        factor = Decimal(1) if p.stage == Stage.COMPLETED else pace[p.responsible_unit_id] * own
        out[p.pk] = {ym: (Decimal(str(v)) * factor * Decimal(str(round(rng.uniform(0.88, 1.12),
                                                                         3)))).quantize(CENT)
                     for ym, v in curve.items() if FIRST <= ym <= LAST}
    close_completed(projects, out)
    # The seed: 省市重点 in 2021 completed exactly 410.6亿元. Completed projects keep their
    # figures (they end at their total); the others absorb the difference.
    keys = [(p.pk, ym) for p in projects if p.level != Level.DISTRICT
            and p.stage != Stage.COMPLETED for ym in out[p.pk] if ym[0] == 2021]
    fixed = sum((v for p in projects if p.level != Level.DISTRICT
                 and p.stage == Stage.COMPLETED for ym, v in out[p.pk].items() if ym[0] == 2021),
                Decimal(0))
    for (pk, ym), value in zip(keys, split(COMPLETED_2021 - fixed,
                                           [out[pk][ym] for pk, ym in keys]), strict=True):
        out[pk][ym] = value
    close_completed(projects, out, after=2021)
    return out


def opening_cumulative(project: Project) -> Decimal:
    """开工累计 at the end of 2020: the curve's months before 2021 (SAMPLE)."""
    curve = spend_curve(project.total_investment, project.actual_start, _finish(project))
    return Decimal(str(sum(v for ym, v in curve.items() if ym < FIRST))).quantize(CENT)


def close_completed(projects: list[Project], monthly: dict, after: int = 0) -> None:
    """No project reports more than its total; a completed project's last report brings its
    开工累计 to its total investment. Only months of years after `after` change."""
    for p in projects:
        months = sorted(monthly[p.pk])
        done = opening_cumulative(p)
        for ym in months:
            if ym[0] > after:
                monthly[p.pk][ym] = min(monthly[p.pk][ym],
                                        max(Decimal(0), p.total_investment - done))
            done += monthly[p.pk][ym]
        if months and p.stage == Stage.COMPLETED and months[-1][0] > after:
            monthly[p.pk][months[-1]] += max(Decimal(0), p.total_investment - done)


def plans(projects: list[Project]) -> dict[tuple[int, int], Decimal]:
    """Annual plans per (project, year): the curve's share of the year with the unit's own
    optimism; 2021 省市重点 plans total the seed's 389.93亿元."""
    rng = random.Random(2022)
    out: dict[tuple[int, int], Decimal] = {}
    for p in Project.objects.filter(stage__in=[Stage.PREPARATION, Stage.CONSTRUCTION,
                                               Stage.COMPLETED]).order_by("id"):
        if p.actual_completion and p.actual_completion < date(*FIRST, 1):
            continue
        start = p.actual_start or p.planned_start
        curve = spend_curve(p.total_investment, start, _finish(p))
        for year in (2021, 2022, 2023):
            share = sum(v for (y, _m), v in curve.items() if y == year)
            if share > 0:
                out[(p.pk, year)] = (Decimal(str(share * rng.uniform(0.9, 1.15)))).quantize(CENT)
    keys = [k for k in out if k[1] == 2021 and k[0] in {
        p.pk for p in projects if p.level != Level.DISTRICT}]
    for key, value in zip(keys, split(PLANNED_2021, [out[k] for k in keys]), strict=True):
        out[key] = value
    return out


def progress_text(project: Project, ym: tuple[int, int]) -> str:
    """形象进度 by how far the works have come (SAMPLE wording)."""
    months = months_between(project.actual_start, _finish(project))
    share = (months.index(ym) + 1) / len(months) if ym in months else 1
    if project.category.code == "road":
        steps = ["施工准备及管线迁改", "路基施工", "雨污水管网施工", "路面结构层施工",
                 "附属设施及绿化施工"]
    else:
        steps = ["基础施工", "主体结构施工", "主体结构封顶，二次结构施工", "机电安装及装饰装修",
                 "室外配套及竣工验收准备"]
    return steps[min(int(share * len(steps)), len(steps) - 1)]


def _open_round(year: int, month: int, projects: list[Project]) -> ReportingRound:
    start, end = _month_bounds(year, month)
    return services.round_open(
        actor=None, cadence=Cadence.MONTHLY, period_start=start, period_end=end,
        opens_at=_aware(start.replace(day=18), 0), due_at=_aware(start.replace(day=24), 18),
        projects=projects)


def load() -> bool:
    if AnnualPlan.objects.filter(year=2021).exists():
        return False
    projects = _reporting_projects()
    monthly = amounts(projects)
    every = Project.objects.in_bulk()
    for (pk, year), planned in sorted(plans(projects).items(), key=lambda kv: (kv[0][1], kv[0][0])):
        # The district adopts the year's plans in January (SAMPLE day).
        with clock.as_of(date(year, 1, 20)):
            plan = services.annual_plan_create(actor=None, project=every[pk], year=year,
                                               planned_investment=planned)
            services.annual_plan_approve(actor=None, plan=plan)
    cumulative = {p.pk: opening_cumulative(p) for p in projects}
    by_pk = {p.pk: p for p in projects}
    dispatcher = User.objects.get(username="dispatcher")
    for ym in months_between(date(*FIRST, 1), date(*LAST, 1)):
        reporting = [p for p in projects if ym in monthly[p.pk]]
        _report_month(ym, reporting, monthly, cumulative, by_pk, dispatcher)
    _registration_plans()
    return True


def _registration_plans() -> None:
    """拟入库: the started projects of 500万元 or more not registered yet are due in April,
    each with its responsible unit (seed 000's practice; the projects are SAMPLE)."""
    due = (data.DEMO_TODAY + timedelta(days=1)).replace(day=1)
    for project in Project.objects.filter(actual_start__isnull=False, total_investment__gte=500,
                                          stats_registered_on__isnull=True).order_by("id"):
        services.registration_plan_set(actor=None, project=project, due_month=due,
                                       responsible_unit=project.responsible_unit,
                                       note=f"{data.S}开工资料已收齐，待统计部门审核入库。")


def _report_month(ym, reporting, monthly, cumulative, by_pk, dispatcher) -> None:
    year, month = ym
    rng = random.Random(year * 100 + month)
    with clock.as_of(date(year, month, 18)):
        round_ = _open_round(year, month, reporting)
    current = ym == LAST
    pace = unit_paces(list(by_pk.values()))
    slow = sorted({p.responsible_unit_id for p in reporting}, key=lambda u: (pace[u], u))[:2]
    if not current:
        # A past month: recorded as filled, submitted and approved, in one step.
        figures = {}
        for project in reporting:
            amount = monthly[project.pk][ym]
            cumulative[project.pk] += amount
            submitted = date(year, month, rng.randint(19, 24))
            reviewed = date(year, month, 25) + timedelta(days=rng.randint(0, 2))
            figures[project.pk] = {
                "completed_in_period": amount, "cumulative_completed": cumulative[project.pk],
                "physical_progress": progress_text(project, ym),
                "submitted_at": _aware(submitted, rng.randint(9, 17), rng.randint(0, 59)),
                "reviewed_at": _aware(reviewed, 16)}
        with clock.as_of(date(year, month, 27)):
            services.round_record_approved(actor=None, round_=round_, figures=figures)
        services.round_lock(actor=None, round_=round_, at=_aware(round_.period_end, 20))
        return
    reports = list(round_.reports.select_related("project", "round").order_by("project_id"))
    for index, report in enumerate(reports):
        project = by_pk[report.project_id]
        if project.responsible_unit_id in slow and index % 2 == 0:
            continue  # overdue on the demo's day: the slowest units have not reported
        amount = monthly[project.pk][ym]
        cumulative[project.pk] += amount
        submitted = date(year, month, rng.randint(19, 24))
        with clock.as_of(submitted):
            report = services.report_save(
                actor=None, report=report, expected_version=report.version,
                completed_in_period=amount, cumulative_completed=cumulative[project.pk],
                physical_progress=progress_text(project, ym), submit=True,
                at=_aware(submitted, rng.randint(9, 17), rng.randint(0, 59)))
        if index % 9 == 1:
            with clock.as_of(date(2023, 3, 27)):
                services.report_return(actor=dispatcher, report=report,
                                       reason=rng.choice(RETURN_REASONS),
                                       expected_version=report.version)
            continue
        reviewed = date(year, month, 25) + timedelta(days=rng.randint(0, 2))
        with clock.as_of(reviewed):
            services.report_approve(actor=None, report=report, expected_version=report.version,
                                    at=_aware(reviewed, 16))
    with clock.as_of(data.DEMO_TODAY):
        services.reports_mark_overdue(now=_aware(data.DEMO_TODAY, 8))
