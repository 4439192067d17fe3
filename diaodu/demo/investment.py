"""Demo section: the dispatch loop's history.

The seed: "2021年全区省市重点项目累计完成投资410.6亿元，占年度计划投资的105.3%". The 2021 plans
of the provincial and municipal key projects total 389.93亿元 and their approved monthly
reports total exactly 410.6亿元 (= 105.3%). How the totals split over projects and months is
SAMPLE. 2022 January–February (the seed's "1~2月") has a locked January and a February under
review, with overdue, returned and flagged reports. The current month has an open round.
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
from diaodu.projects.models import Level, Project

COMPLETED_2021 = Decimal("4106000.00")   # 410.6亿元 in 万元
PLANNED_2021 = Decimal("3899300.00")     # 389.93亿元: 4106000 / 3899300 = 105.3%
SEASON = [3, 4, 8, 9, 10, 10, 9, 9, 10, 10, 9, 9]   # month weights: slow start, steady year
PROGRESS = ["基础施工", "主体结构施工至%d层", "主体结构封顶", "二次结构及机电安装", "室外配套施工"]


def split(total: Decimal, weights: list[int | Decimal]) -> list[Decimal]:
    """`total` in exact cents, proportional to `weights` (largest remainder)."""
    cents = int(total * 100)
    whole = sum(weights)
    raw = [cents * Decimal(w) / whole for w in weights]
    parts = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)
    for i in order[: cents - sum(parts)]:
        parts[i] += 1
    return [Decimal(p) / 100 for p in parts]


def _aware(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _month_bounds(year: int, month: int) -> tuple[date, date]:
    start = date(year, month, 1)
    return start, (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def _round(year: int, month: int, projects: list[Project]) -> ReportingRound:
    start, end = _month_bounds(year, month)
    return services.round_open(
        actor=None, cadence=Cadence.MONTHLY, period_start=start, period_end=end,
        opens_at=_aware(start.replace(day=18), 0), due_at=_aware(start.replace(day=24), 18),
        projects=projects)


def _key_projects_2021() -> list[Project]:
    return list(Project.objects.filter(
        level__in=[Level.PROVINCE, Level.CITY], actual_start__lte=date(2021, 12, 31))
        .filter(Q(actual_completion__isnull=True) | Q(actual_completion__gte=date(2021, 1, 1)))
        .order_by("id"))


def _load_2021(projects: list[Project]) -> dict[int, Decimal]:
    """Plans and 12 locked monthly rounds; returns each project's cumulative at year end."""
    months = {p.pk: [m for m in range(1, 13) if date(2021, m, 1) >=
                     p.actual_start.replace(day=1)] for p in projects}
    weights = [sum(SEASON[m - 1] for m in months[p.pk]) * p.total_investment for p in projects]
    completed = dict(zip([p.pk for p in projects], split(COMPLETED_2021, weights), strict=True))
    # Plans vary around the outcome, so units and streets land above and below their plans
    # while the district total stays at the seed's 105.3%.
    rng = random.Random(2021)
    plan_weights = [w * Decimal(rng.randint(80, 125)) for w in weights]
    planned = dict(zip([p.pk for p in projects], split(PLANNED_2021, plan_weights), strict=True))
    for project in projects:
        plan = services.annual_plan_create(actor=None, project=project, year=2021,
                                           planned_investment=planned[project.pk])
        services.annual_plan_approve(actor=None, plan=plan)
    monthly = {p.pk: dict(zip(months[p.pk], split(completed[p.pk], [SEASON[m - 1] for m in
                                                                    months[p.pk]]), strict=True))
               for p in projects}
    # Before 2021 a project had done a share of its total in proportion to how long it ran.
    cumulative = {p.pk: (p.total_investment * Decimal("0.15")).quantize(Decimal("0.01"))
                  if p.actual_start.year < 2021 else Decimal("0.00") for p in projects}
    for month in range(1, 13):
        reporting = [p for p in projects if month in monthly[p.pk]]
        round_ = _round(2021, month, reporting)
        for report in round_.reports.select_related("project", "round"):
            amount = monthly[report.project_id][month]
            cumulative[report.project_id] += amount
            floor = report.project.actual_start.year < 2021 or month > 3
            text = PROGRESS[min(month // 3, 4)] % (month + 2) if "%d" in \
                PROGRESS[min(month // 3, 4)] else PROGRESS[min(month // 3, 4)]
            report = services.report_save(
                actor=None, report=report, expected_version=report.version,
                completed_in_period=amount, cumulative_completed=cumulative[report.project_id],
                physical_progress=text if floor else "场地平整、桩基施工", submit=True,
                at=_aware(round_.period_start.replace(day=22)))
            services.report_approve(actor=None, report=report, expected_version=report.version,
                                    at=_aware(round_.period_start.replace(day=26)))
        services.round_lock(actor=None, round_=round_, at=_aware(round_.period_end, 20))
    return cumulative


def _load_2022(projects: list[Project], cumulative: dict[int, Decimal]) -> None:
    """January locked; February under review with every kind of state to show."""
    rng = random.Random(2022)
    dispatcher = User.objects.get(username="dispatcher")
    for project in projects:
        plan = services.annual_plan_create(
            actor=None, project=project, year=2022,
            planned_investment=(project.total_investment * Decimal("0.3")).quantize(
                Decimal("0.01")))
        services.annual_plan_approve(actor=None, plan=plan)
    for month in (1, 2):
        round_ = _round(2022, month, projects)
        reports = list(round_.reports.select_related("project", "round").order_by("project_id"))
        for index, report in enumerate(reports):
            share = report.project.total_investment * Decimal("0.004") * (1 + month)
            if month == 2 and index % 11 == 3:
                share *= 5  # a jump the reviewer is asked to check
            amount = share.quantize(Decimal("0.01"))
            if month == 2 and index % 9 == 8:
                continue  # not reported yet: the round overview shows whom to remind
            cumulative[report.project_id] += amount
            late = month == 2 and index % 7 == 5
            report = services.report_save(
                actor=None, report=report, expected_version=report.version,
                completed_in_period=amount, cumulative_completed=cumulative[report.project_id],
                physical_progress="春节后复工，主体施工" if month == 2 else "冬季施工，养护",
                submit=True, at=_aware(date(2022, month, 26 if late else rng.randint(19, 23))))
            if month == 1 or index % 4 == 0:
                services.report_approve(actor=None, report=report,
                                        expected_version=report.version,
                                        at=_aware(date(2022, month, 25)))
            elif index % 4 == 1:
                services.report_return(actor=dispatcher, report=report,
                                       reason="本期完成与形象进度不匹配，请核实后重报。",
                                       expected_version=report.version)
        if month == 1:
            services.round_lock(actor=None, round_=round_, at=_aware(date(2022, 1, 31), 20))


def _open_current_round() -> None:
    today = clock.today()
    start, end = _month_bounds(today.year, today.month)
    if not ReportingRound.objects.filter(cadence=Cadence.MONTHLY, period_start=start).exists():
        services.round_open(actor=None, cadence=Cadence.MONTHLY, period_start=start,
                            period_end=end, opens_at=_aware(start, 0),
                            due_at=_aware(end, 18))


def load() -> bool:
    if AnnualPlan.objects.filter(year=2021).exists():
        return False
    projects = _key_projects_2021()
    cumulative = _load_2021(projects)
    _load_2022(projects, cumulative)
    _open_current_round()
    return True
