"""Leaders' dashboard at province scale: 20,000 projects × 36 months of approved monthly reports
(720,000 reports, kept in MonthlyRollup as the approvals would), annual plans, key milestones,
cases, approvals, warnings and a monthly ranking. Measures the dashboard request (Django test
client, in process) p50/p95 beside hand-written SQL computing the same figures from the raw
tables (reports, plans, projects, cases) — what a dashboard without rollups runs — in the same
run, on SQLite and on PostgreSQL.

    uv run python bench/dashboard.py [--projects 20000] [--months 36] [--requests 30]
                                     [--db sqlite,postgres]

PostgreSQL: 127.0.0.1:5432 (trust auth), database `diaodu_dash_bench` (dropped and recreated).
SQLite: a file in /tmp. Generating the data takes a few minutes per database.

Goal (issue 7): dashboard p95 ≤ 200 ms and at most 2× the raw SQL time (ratio = raw/ours ≥ 0.5).
Timings are noisy: the benchmark machine has 2 cores shared with other people's test runs.
"""

import argparse
import calendar
import json
import random
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = "diaodu_dash_bench"  # PostgreSQL database, or /tmp/<DB>.sqlite3
UNITS, STREETS, CATEGORIES = 120, 40, 8
FIRST_YEAR = 2023


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def generate(projects: int, months: int) -> None:
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from diaodu.cases.models import Approval, Case
    from diaodu.core.models import OrgUnit, UnitKind, User
    from diaodu.dashboard import services
    from diaodu.dashboard.models import Warning, WarningRuleSet
    from diaodu.investment import rollups
    from diaodu.investment.models import (
        AnnualPlan,
        MonthlyRollup,
        PlanStatus,
        ProgressReport,
        ReportingRound,
        ReportStatus,
    )
    from diaodu.projects.models import Category, Level, Project, Stage
    from diaodu.schedule.models import Activity

    rng = random.Random(7)
    province = OrgUnit.objects.add_root({"code": "41", "name": "河南省（压测）",
                                         "kind": UnitKind.DISTRICT})
    def child(fields):
        return OrgUnit.objects.add_child(OrgUnit.objects.get(pk=province.pk), fields)

    units = [child({"code": f"D{n:03d}", "name": f"责任单位{n}", "short_name": f"单位{n}",
                    "kind": UnitKind.DEPARTMENT, "sort": n}) for n in range(UNITS)]
    streets = [child({"code": f"S{n:03d}", "name": f"街道{n}", "short_name": f"街道{n}",
                      "kind": UnitKind.STREET, "sort": 1000 + n}) for n in range(STREETS)]
    categories = [Category.objects.create(code=f"c{n}", name=f"类别{n}", sort=n)
                  for n in range(CATEGORIES)]
    User.objects.create(username="leader", role="leader", unit=province,
                        password=make_password("x"))
    levels = list(Level.values)
    stages = [Stage.CONSTRUCTION] * 6 + [Stage.PREPARATION] * 2 + [Stage.COMPLETED,
                                                                   Stage.PIPELINE]
    rows = []
    for n in range(projects):
        stage = rng.choice(stages)
        started = stage in (Stage.CONSTRUCTION, Stage.COMPLETED)
        start = date(2022, 1, 1) + timedelta(days=rng.randint(0, 900))
        rows.append(Project(
            name=f"压测项目{n}", level=rng.choice(levels), category=rng.choice(categories),
            stage=stage, responsible_unit=rng.choice(units), street=rng.choice(streets),
            total_investment=Decimal(rng.randint(500, 500000)), planned_start=start,
            planned_completion=start + timedelta(days=900),
            actual_start=start if started else None,
            stats_registered_on=start + timedelta(days=30) if started and rng.random() < .9
            else None, on_whitelist=rng.random() < .05))
    Project.objects.bulk_create(rows, batch_size=2000)
    projects_ = list(Project.objects.values_list("pk", "responsible_unit_id", "street_id",
                                                 "level", "category_id"))

    years = sorted({FIRST_YEAR + m // 12 for m in range(months)})
    rounds = []
    for m in range(months):
        year, month = FIRST_YEAR + m // 12, m % 12 + 1
        start = date(year, month, 1)
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        opens = timezone.make_aware(datetime(year, month, 18))
        rounds.append(ReportingRound(
            cadence="monthly", title=f"{year}年{month}月调度", period_start=start,
            period_end=end, opens_at=opens, due_at=opens + timedelta(days=6),
            locked_at=opens + timedelta(days=10)))
    ReportingRound.objects.bulk_create(rounds)
    rounds = list(ReportingRound.objects.order_by("period_end"))

    plans, rollup = [], defaultdict(lambda: [Decimal(0)] * 4 + [0, 0])
    amounts: dict[tuple[int, int], list[Decimal]] = {}
    for pid, unit, street, level, category in projects_:
        for year in years:
            planned = Decimal(rng.randint(100, 20000))
            targets = [str((planned * k / 12).quantize(Decimal("0.01"))) for k in range(1, 13)]
            plans.append(AnnualPlan(project_id=pid, year=year, planned_investment=planned,
                                    monthly_targets=targets, status=PlanStatus.APPROVED))
            pace = Decimal(rng.randint(60, 130)) / 100
            amounts[(pid, year)] = [(planned * pace / 12).quantize(Decimal("0.01"))] * 12
            done = Decimal(0)
            for month in range(1, 13):
                key = (year, month, unit, street, level, category)
                done += amounts[(pid, year)][month - 1]
                bucket = rollup[key]
                bucket[0] += Decimal(targets[month - 1])
                bucket[1] += planned
                bucket[2] += amounts[(pid, year)][month - 1]
                bucket[3] += done
                bucket[4] += 1
                bucket[5] += 1
    AnnualPlan.objects.bulk_create(plans, batch_size=5000)
    print(f"  plans: {len(plans)}", flush=True)

    batch = []
    for round_ in rounds:
        year, month = round_.period_end.year, round_.period_end.month
        for pid, *_ in projects_:
            amount = amounts[(pid, year)][month - 1]
            batch.append(ProgressReport(
                project_id=pid, round=round_, completed_in_period=amount,
                cumulative_completed=amount * (month + 12 * (year - FIRST_YEAR)),
                ytd_completed=amount * month, status=ReportStatus.APPROVED,
                is_overdue=rng.random() < .002, physical_progress="施工"))
            if len(batch) >= 20000:
                ProgressReport.objects.bulk_create(batch)
                batch = []
    ProgressReport.objects.bulk_create(batch)
    print(f"  reports: {ProgressReport.objects.count()}", flush=True)
    # The rows the approvals would have left (rollups.refresh per bucket), written at once.
    MonthlyRollup.objects.bulk_create([
        MonthlyRollup(year=k[0], month=k[1], unit_id=k[2], street_id=k[3], level=k[4],
                      category_id=k[5], planned_cumulative=v[0], planned_annual=v[1],
                      completed_in_month=v[2], completed_ytd=v[3], project_count=v[4],
                      reported_count=v[5])
        for k, v in rollup.items()], batch_size=10000)
    print(f"  rollups: {MonthlyRollup.objects.count()}", flush=True)
    print(f"  summaries: {rollups.rebuild_summaries()}", flush=True)

    ids = [p[0] for p in projects_]
    Activity.objects.bulk_create([
        Activity(project_id=pid, name=name, duration=20, is_key=True, position=i,
                 planned_finish=date(2025, 6, 1) + timedelta(days=30 * i),
                 rag=rng.choice(["green", "green", "amber", "red", "done"]))
        for pid in ids for i, name in enumerate(["开工", "主体封顶"])], batch_size=10000)
    today = date(FIRST_YEAR + (months - 1) // 12, (months - 1) % 12 + 1, 28)
    Case.objects.bulk_create([
        Case(year=today.year, serial=n + 1, kind="problem", title=f"问题{n}",
             project_id=rng.choice(ids), category="land", source="report",
             lead_unit=rng.choice(units), status=rng.choice(["assigned", "closed", "resolved"]),
             raised_on=today - timedelta(days=60), assigned_on=today - timedelta(days=60),
             due_on=today - timedelta(days=rng.randint(-30, 30)))
        for n in range(5000)], batch_size=5000)
    Approval.objects.bulk_create([
        Approval(year=today.year, item=f"审批{n}", project_id=rng.choice(ids), kind="filing",
                 received_on=today - timedelta(days=40), time_limit=20,
                 due_on=today - timedelta(days=10), completed_on=today - timedelta(days=20),
                 on_time=rng.random() < .95, result="filed")
        for n in range(3000)], batch_size=3000)
    rule_set = services.rule_set_active()
    Warning.objects.bulk_create([
        Warning(project_id=pid, metric="completion_vs_time",
                level="red" if rng.random() < .4 else "amber", value=Decimal("70"),
                reason="年度投资完成率仅为时序进度的70%", rule_set=rule_set,
                since=today - timedelta(days=rng.randint(0, 90)))
        for pid in rng.sample(ids, len(ids) // 10)], batch_size=5000)
    assert WarningRuleSet.objects.count() == 1
    last = rounds[-1].period_end
    started = time.perf_counter()
    services.ranking_compute(year=last.year, month=last.month)
    previous = rounds[-2].period_end
    services.ranking_compute(year=previous.year, month=previous.month)
    print(f"  ranking of two months computed in {time.perf_counter() - started:.1f}s",
          flush=True)


# The same figures as the page, from the raw tables: what a dashboard without rollups runs.
# Each statement is written once for both databases; {targets} are the 12 monthly cumulative
# plan targets (a JSON list in AnnualPlan.monthly_targets).
APPROVED_MONTHLY = "r.status = 'approved' AND g.cadence = 'monthly'"
RAW_SQL = {
    # Plans and approved reports (+ corrections) of the year, by level and unit: the headline,
    # the monthly line, the level table and the unit table.
    "plans": """SELECT p.level, p.responsible_unit_id, SUM(a.planned_investment), {targets}
       FROM investment_annualplan a JOIN projects_project p ON p.id = a.project_id
       WHERE a.year = %(y)s AND a.status = 'approved' GROUP BY p.level, p.responsible_unit_id""",
    "done": f"""SELECT g.period_end, p.level, p.responsible_unit_id, SUM(r.completed_in_period)
       FROM investment_progressreport r JOIN investment_reportinground g ON g.id = r.round_id
       JOIN projects_project p ON p.id = r.project_id
       WHERE {APPROVED_MONTHLY} AND g.period_end BETWEEN %(start)s AND %(year_end)s
       GROUP BY g.period_end, p.level, p.responsible_unit_id""",
    "done_corrections": f"""SELECT g.period_end, p.level, p.responsible_unit_id,
       SUM(j.delta_completed) FROM investment_reportadjustment j
       JOIN investment_progressreport r ON r.id = j.report_id
       JOIN investment_reportinground g ON g.id = r.round_id
       JOIN projects_project p ON p.id = r.project_id
       WHERE {APPROVED_MONTHLY} AND g.period_end BETWEEN %(start)s AND %(year_end)s
       GROUP BY g.period_end, p.level, p.responsible_unit_id""",
    # The three previous years by month: the forecast's seasonality.
    "history": f"""SELECT g.period_end, SUM(r.completed_in_period)
       FROM investment_progressreport r JOIN investment_reportinground g ON g.id = r.round_id
       WHERE {APPROVED_MONTHLY} AND g.period_end BETWEEN %(history_start)s AND %(history_end)s
       GROUP BY g.period_end""",
    "history_corrections": f"""SELECT g.period_end, SUM(j.delta_completed)
       FROM investment_reportadjustment j JOIN investment_progressreport r ON r.id = j.report_id
       JOIN investment_reportinground g ON g.id = r.round_id
       WHERE {APPROVED_MONTHLY} AND g.period_end BETWEEN %(history_start)s AND %(history_end)s
       GROUP BY g.period_end""",
    # 四库, whitelist and 入库; 三个一批; warnings and the two lists; overdue reports and
    # cases; approvals; the ranking of this month and the last; the rounds (period, years).
    "stages": """SELECT stage, COUNT(*), SUM(total_investment),
       SUM(CASE WHEN on_whitelist THEN 1 ELSE 0 END),
       SUM(CASE WHEN actual_start IS NOT NULL AND total_investment >= 500 THEN 1 ELSE 0 END),
       SUM(CASE WHEN stats_registered_on IS NOT NULL AND actual_start IS NOT NULL
           AND total_investment >= 500 THEN 1 ELSE 0 END) FROM projects_project GROUP BY stage""",
    "campaign": """SELECT e.batch, COUNT(DISTINCT e.project_id),
       COUNT(DISTINCT CASE WHEN p.actual_start IS NOT NULL THEN e.project_id END),
       COUNT(DISTINCT CASE WHEN p.actual_completion IS NOT NULL THEN e.project_id END),
       COUNT(DISTINCT CASE WHEN p.reached_capacity_on IS NOT NULL THEN e.project_id END),
       COUNT(DISTINCT CASE WHEN p.fulfilled_on IS NOT NULL THEN e.project_id END)
       FROM projects_campaignentry e JOIN projects_campaign c ON c.id = e.campaign_id
       JOIN projects_project p ON p.id = e.project_id WHERE c.year <= %(y)s GROUP BY e.batch""",
    "warnings": """SELECT SUM(CASE WHEN level = 'red' THEN 1 ELSE 0 END),
       SUM(CASE WHEN level = 'amber' THEN 1 ELSE 0 END),
       SUM(CASE WHEN metric = 'forecast_shortfall' THEN 1 ELSE 0 END)
       FROM dashboard_warning WHERE cleared_on IS NULL""",
    "red": """SELECT w.project_id, p.name, w.reason FROM dashboard_warning w
       JOIN projects_project p ON p.id = w.project_id WHERE w.cleared_on IS NULL
       AND w.level = 'red' ORDER BY w.since, w.project_id, w.metric LIMIT 10""",
    "amber": """SELECT w.project_id, p.name, w.reason FROM dashboard_warning w
       JOIN projects_project p ON p.id = w.project_id WHERE w.cleared_on IS NULL
       AND w.level = 'amber' ORDER BY w.since, w.project_id, w.metric LIMIT 10""",
    "overdue_reports": """SELECT COUNT(*) FROM investment_progressreport WHERE is_overdue
       AND status IN ('draft', 'submitted', 'unit_approved', 'returned')""",
    "overdue_cases": """SELECT COUNT(*) FROM cases_case
       WHERE status IN ('assigned', 'in_progress', 'returned') AND due_on < %(today)s""",
    "approvals": """SELECT COUNT(*), SUM(CASE WHEN completed_on IS NOT NULL THEN 1 ELSE 0 END),
       SUM(CASE WHEN on_time THEN 1 ELSE 0 END) FROM cases_approval WHERE year = %(y)s""",
    "ranking": """SELECT k.year, k.month, k.unit_id, k.rank, k.score, u.name
       FROM dashboard_unitranking k JOIN core_orgunit u ON u.id = k.unit_id
       WHERE k.kind = 'unit' AND ((k.year = %(y)s AND k.month = %(m)s)
       OR (k.year = %(prev_y)s AND k.month = %(prev_m)s))""",
    "rounds": """SELECT period_end, locked_at FROM investment_reportinground
       WHERE cadence = 'monthly'""",
}


def raw_statements(vendor: str) -> dict[str, str]:
    if vendor == "postgresql":
        target = "SUM(COALESCE((a.monthly_targets->>{i})::numeric, 0))"
    else:
        target = "SUM(COALESCE(CAST(json_extract(a.monthly_targets, '$[{i}]') AS REAL), 0))"
    targets = ", ".join(target.format(i=i) for i in range(12))
    statements = {name: sql.replace("{targets}", targets) for name, sql in RAW_SQL.items()}
    if vendor == "sqlite":
        statements = {name: sql.replace("%(", ":").replace(")s", "")
                      for name, sql in statements.items()}
    return statements


def _cent(value) -> Decimal:
    # SQLite sums money as REAL: two places are exact again once rounded.
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def _month(value) -> int:
    return (value if isinstance(value, date) else date.fromisoformat(str(value)[:10])).month


def raw_figures(statements: dict[str, str], params: dict, year: int, month: int) -> dict:
    """Run the raw statements and assemble the figures the page shows."""
    from django.db import connection

    from diaodu.dashboard import kpis

    rows = {}
    with connection.cursor() as cursor:
        for name, sql in statements.items():
            cursor.execute(sql, params)
            rows[name] = cursor.fetchall()
    plan_cum, annual = [Decimal(0)] * 12, Decimal(0)
    level_plan, unit_plan = defaultdict(Decimal), defaultdict(Decimal)
    for level, unit, planned, *targets in rows["plans"]:
        annual += _cent(planned)
        level_plan[level] += _cent(planned)
        unit_plan[unit] += _cent(planned)
        plan_cum = [a + _cent(t) for a, t in zip(plan_cum, targets, strict=True)]
    in_month = [Decimal(0)] * 12
    level_done, unit_done = defaultdict(Decimal), defaultdict(Decimal)
    for period_end, level, unit, amount in rows["done"] + rows["done_corrections"]:
        m = _month(period_end)
        in_month[m - 1] += _cent(amount)
        if m <= month:
            level_done[level] += _cent(amount)
            unit_done[unit] += _cent(amount)
    ytd, months = Decimal(0), {}
    for m in range(1, 13):
        ytd += in_month[m - 1]
        months[m] = (plan_cum[m - 1], annual, ytd)
    history: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 12)
    for period_end, amount in rows["history"] + rows["history_corrections"]:
        day = period_end if isinstance(period_end, date) else date.fromisoformat(
            str(period_end)[:10])
        history[day.year][day.month - 1] += _cent(amount)
    cumulative = {}
    for y, amounts in history.items():
        running, total = [], Decimal(0)
        for amount in amounts:
            total += amount
            running.append(total)
        # What the page reads: this month and December of each year.
        cumulative[y] = [running[m] if m + 1 in (month, 12) else Decimal(0) for m in range(12)]
    years = tuple(sorted(y for y, v in cumulative.items() if v[11] > 0))
    end = date(year, month, calendar.monthrange(year, month)[1])
    forecast = kpis.year_end_forecast(
        months[month][2], kpis.expected_share(end, kpis.seasonal_shares(cumulative), years))
    stages = {s: (n, _cent(total)) for s, n, total, *_ in rows["stages"] if n}
    counts = tuple(sum(int(r[k] or 0) for r in rows["stages"]) for k in (3, 4, 5))
    # batch → (listed, done) with done = fulfilled (签约), started (开工), in production (投产).
    done_column = {"sign": 4, "start": 1, "produce": 2}
    campaign = {b: (r[0], r[done_column[b]]) for b, *r in rows["campaign"] if r[0]}
    red, amber, forecast_n = (int(v or 0) for v in rows["warnings"][0])
    approvals = tuple(int(v or 0) for v in rows["approvals"][0])
    return {
        "months": months,
        "by_level": {lv: (level_plan[lv], level_done[lv]) for lv in level_plan | level_done},
        "by_unit": {u: (unit_plan[u], unit_done[u]) for u in unit_plan | unit_done},
        "forecast": (forecast.value, forecast.method),
        "stages": stages, "counts": counts, "campaign": campaign,
        "warnings": (red, amber, forecast_n),
        "red": [r[0] for r in rows["red"]], "amber": [r[0] for r in rows["amber"]],
        "overdue": (rows["overdue_reports"][0][0], rows["overdue_cases"][0][0]),
        "approvals": approvals,
        "ranking": sorted((u, rank, _cent(score)) for y, m, u, rank, score, _ in rows["ranking"]
                          if (y, m) == (year, month)),
    }


def our_figures(leader, year: int, month: int) -> dict:
    """The same figures as the dashboard page computes them (the selectors it calls)."""
    from diaodu.dashboard import selectors

    period = selectors.Period(year, month)
    d = selectors.dashboard(user=leader, period=period)
    ranked, _ = selectors.ranking(user=leader, period=period)
    return {
        "months": {m["month"]: (m["plan"], m["annual"], m["done"]) for m in d.months},
        "by_level": {g.key: (g.planned, g.done) for g in d.by_level},
        "by_unit": {g.key: (g.planned, g.done)
                    for g in selectors.groups(user=leader, period=period, by="unit")},
        "forecast": (d.forecast.value, d.forecast.method),
        "stages": {f["stage"]: (f["count"], f["total"]) for f in d.funnel if f["count"]},
        "counts": (d.projects["whitelist"], d.projects["duty"], d.projects["registered"]),
        "campaign": {c["batch"]: (c["count"], c["done"]) for c in d.campaign if c["count"]},
        "warnings": (d.warning_counts["red"], d.warning_counts["amber"],
                     d.warning_counts["forecast"]),
        "red": [w.project_id for w in d.red], "amber": [w.project_id for w in d.amber],
        "overdue": (d.overdue_reports, d.overdue_cases),
        "approvals": (d.approvals["total"], d.approvals["completed"], d.approvals["on_time"]),
        "ranking": sorted((r.row.unit_id, r.row.rank, r.row.score) for r in ranked),
    }


def measure(requests: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from diaodu.core.models import User
    from diaodu.dashboard.selectors import last_locked_round

    leader = User.objects.get(username="leader")
    last = last_locked_round(user=leader).period_end
    client = Client(HTTP_HOST="localhost")
    client.force_login(leader)
    response = client.get("/dashboard/")
    assert response.status_code == 200, response.status_code
    assert f"{last.year}年1—{last.month}月" in response.content.decode()
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *a: queries.append(sql) or
                                    execute(sql, *a)):
        client.get("/dashboard/")
    ours = []
    for _ in range(requests):
        started = time.perf_counter()
        assert client.get("/dashboard/").status_code == 200
        ours.append(time.perf_counter() - started)
    previous = (last.replace(day=1) - timedelta(days=1))
    params = {"y": last.year, "m": last.month, "prev_y": previous.year,
              "prev_m": previous.month, "start": date(last.year, 1, 1),
              "year_end": date(last.year, 12, 31), "history_start": date(last.year - 3, 1, 1),
              "history_end": date(last.year - 1, 12, 31), "today": timezone.localdate()}
    if connection.vendor == "sqlite":
        params = {k: str(v) if isinstance(v, date) else v for k, v in params.items()}
    statements = raw_statements(connection.vendor)
    raw_result = raw_figures(statements, params, last.year, last.month)
    mine = our_figures(leader, last.year, last.month)
    # An honest comparison: both sides compute the same figures, checked here.
    assert raw_result == mine, {k: (raw_result[k], mine[k]) for k in mine
                                if raw_result[k] != mine[k]}
    raw = []
    for _ in range(requests):
        started = time.perf_counter()
        raw_figures(statements, params, last.year, last.month)
        raw.append(time.perf_counter() - started)
    ms = 1000
    return {"ours_p50": statistics.median(ours) * ms, "ours_p95": percentile(ours, 95) * ms,
            "raw_p50": statistics.median(raw) * ms, "raw_p95": percentile(raw, 95) * ms,
            "queries": len(queries), "figures_equal": True}


def one(db: str, projects: int, months: int, requests: int, reuse: bool = False) -> None:
    """Child process: one database, fresh data (or the last run's with --reuse), measurements
    printed as JSON."""
    from bench.freshdb import fresh_database

    fresh_database(DB, db, hosts=["localhost"], keep=reuse)
    from django.db import connection

    if not reuse:
        started = time.perf_counter()
        generate(projects, months)
        print(f"  generated in {time.perf_counter() - started:.0f}s", flush=True)
    else:
        # Data of an earlier version: the summaries as the rollups' writes would keep them.
        from diaodu.investment import rollups

        print(f"  summaries: {rollups.rebuild_summaries()}", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print("RESULT " + json.dumps(measure(requests)), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=20000)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--reuse", action="store_true",
                        help="measure the data of the previous run again (no generation)")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(args.one, args.projects, args.months, args.requests, args.reuse)
        return
    print(f"{args.projects} projects × {args.months} months = "
          f"{args.projects * args.months} approved reports; {args.requests} requests each. "
          "Shared 2-core machine: timings are noisy.", flush=True)
    lines = []
    for db in args.db.split(","):
        print(f"[{db}] generating …", flush=True)
        proc = subprocess.Popen(
            [sys.executable, __file__, "--one", db, "--projects", str(args.projects),
             "--months", str(args.months), "--requests", str(args.requests)]
            + (["--reuse"] if args.reuse else []),
            stdout=subprocess.PIPE, text=True, cwd=ROOT)
        result = None
        for line in proc.stdout:
            if line.startswith("RESULT "):
                result = json.loads(line[7:])
            else:
                print(line, end="", flush=True)
        if proc.wait() != 0 or result is None:
            lines.append(f"BENCH dashboard_{db}: failed (exit {proc.returncode}): missed")
            continue
        r = result
        print(f"[{db}] dashboard request ({r['queries']} queries): p50={r['ours_p50']:.0f}ms "
              f"p95={r['ours_p95']:.0f}ms · same figures in raw SQL over reports "
              f"(checked equal): p50={r['raw_p50']:.0f}ms p95={r['raw_p95']:.0f}ms",
              flush=True)
        ratio = r["raw_p95"] / r["ours_p95"]
        met = r["ours_p95"] <= 200 and ratio >= 0.5
        lines.append(f"BENCH dashboard_{db}: ours={r['ours_p95']:.0f}ms "
                     f"raw_sql={r['raw_p95']:.0f}ms ratio={ratio:.2f} "
                     f"goal ours_p95<=200ms and ratio>=0.5: {'met' if met else 'missed'}")
    for line in lines:
        print(line)


if __name__ == "__main__":
    main()
