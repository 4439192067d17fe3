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
import json
import os
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
PG_DB = "diaodu_dash_bench"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
SQLITE_PATH = Path("/tmp/diaodu_dash_bench.sqlite3")
UNITS, STREETS, CATEGORIES = 120, 40, 8
FIRST_YEAR = 2023


def sh(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True)


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


RAW_SQL = [
    # Headline, by month (line), by level, by unit, by street: plans + approved reports.
    """SELECT SUM(planned_investment) FROM investment_annualplan WHERE year = %(y)s
       AND status = 'approved'""",
    """SELECT SUM(r.completed_in_period) FROM investment_progressreport r
       JOIN investment_reportinground g ON g.id = r.round_id
       WHERE r.status = 'approved' AND g.cadence = 'monthly'
       AND g.period_end BETWEEN %(start)s AND %(end)s""",
    """SELECT g.period_end, SUM(r.completed_in_period) FROM investment_progressreport r
       JOIN investment_reportinground g ON g.id = r.round_id
       WHERE r.status = 'approved' AND g.cadence = 'monthly'
       AND g.period_end BETWEEN %(start)s AND %(year_end)s GROUP BY g.period_end""",
    """SELECT p.level, SUM(r.completed_in_period) FROM investment_progressreport r
       JOIN investment_reportinground g ON g.id = r.round_id
       JOIN projects_project p ON p.id = r.project_id
       WHERE r.status = 'approved' AND g.period_end BETWEEN %(start)s AND %(end)s
       GROUP BY p.level""",
    """SELECT p.level, SUM(a.planned_investment) FROM investment_annualplan a
       JOIN projects_project p ON p.id = a.project_id WHERE a.year = %(y)s GROUP BY p.level""",
    """SELECT p.responsible_unit_id, SUM(r.completed_in_period) FROM investment_progressreport r
       JOIN investment_reportinground g ON g.id = r.round_id
       JOIN projects_project p ON p.id = r.project_id
       WHERE r.status = 'approved' AND g.period_end BETWEEN %(start)s AND %(end)s
       GROUP BY p.responsible_unit_id""",
    """SELECT p.responsible_unit_id, SUM(a.planned_investment) FROM investment_annualplan a
       JOIN projects_project p ON p.id = a.project_id WHERE a.year = %(y)s
       GROUP BY p.responsible_unit_id""",
    """SELECT p.street_id, SUM(r.completed_in_period) FROM investment_progressreport r
       JOIN investment_reportinground g ON g.id = r.round_id
       JOIN projects_project p ON p.id = r.project_id
       WHERE r.status = 'approved' AND g.period_end BETWEEN %(start)s AND %(end)s
       GROUP BY p.street_id""",
    # 四库, whitelist, registration; warnings; overdue reports and cases; approvals.
    """SELECT stage, COUNT(*), SUM(total_investment) FROM projects_project GROUP BY stage""",
    """SELECT SUM(CASE WHEN on_whitelist THEN 1 ELSE 0 END),
       SUM(CASE WHEN actual_start IS NOT NULL AND total_investment >= 500 THEN 1 ELSE 0 END),
       SUM(CASE WHEN stats_registered_on IS NOT NULL AND actual_start IS NOT NULL
           AND total_investment >= 500 THEN 1 ELSE 0 END) FROM projects_project""",
    """SELECT level, COUNT(*) FROM dashboard_warning WHERE cleared_on IS NULL GROUP BY level""",
    """SELECT COUNT(*) FROM investment_progressreport WHERE is_overdue
       AND status IN ('draft', 'submitted', 'unit_approved', 'returned')""",
    """SELECT COUNT(*) FROM cases_case WHERE status IN ('assigned', 'in_progress', 'returned')
       AND due_on < %(today)s""",
    """SELECT COUNT(*), SUM(CASE WHEN on_time THEN 1 ELSE 0 END) FROM cases_approval
       WHERE year = %(y)s AND completed_on IS NOT NULL""",
]

ROLLUP_SQL = [
    """SELECT month, SUM(planned_cumulative), SUM(planned_annual), SUM(completed_ytd)
       FROM investment_monthlyrollup WHERE year = %(y)s GROUP BY month""",
    """SELECT level, SUM(planned_annual), SUM(completed_ytd) FROM investment_monthlyrollup
       WHERE year = %(y)s AND month = %(m)s GROUP BY level""",
    """SELECT unit_id, SUM(planned_annual), SUM(completed_ytd) FROM investment_monthlyrollup
       WHERE year = %(y)s AND month = %(m)s GROUP BY unit_id""",
]


def run_sql(statements, params, vendor: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in statements:
            if vendor == "sqlite":
                sql = sql.replace("%(", ":").replace(")s", "")
            cursor.execute(sql, params)
            cursor.fetchall()


def measure(requests: int) -> dict:
    from django.db import connection
    from django.test import Client

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
    params = {"y": last.year, "m": last.month, "start": date(last.year, 1, 1),
              "end": last, "year_end": date(last.year, 12, 31),
              "today": date(last.year, last.month, 28)}
    if connection.vendor == "sqlite":
        params = {k: str(v) for k, v in params.items()}
    run_sql(RAW_SQL, params, connection.vendor)
    raw, rollup = [], []
    for _ in range(requests):
        started = time.perf_counter()
        run_sql(RAW_SQL, params, connection.vendor)
        raw.append(time.perf_counter() - started)
        started = time.perf_counter()
        run_sql(ROLLUP_SQL, params, connection.vendor)
        rollup.append(time.perf_counter() - started)
    ms = 1000
    return {"ours_p50": statistics.median(ours) * ms, "ours_p95": percentile(ours, 95) * ms,
            "raw_p50": statistics.median(raw) * ms, "raw_p95": percentile(raw, 95) * ms,
            "rollup_p50": statistics.median(rollup) * ms,
            "queries": len(queries)}


def one(db: str, projects: int, months: int, requests: int, reuse: bool = False) -> None:
    """Child process: one database, fresh data (or the last run's with --reuse), measurements
    printed as JSON."""
    if reuse:
        os.environ["DATABASE_URL"] = PG_URL if db == "postgres" else f"sqlite:///{SQLITE_PATH}"
    elif db == "postgres":
        sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"DROP DATABASE IF EXISTS {PG_DB}")
        sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"CREATE DATABASE {PG_DB}")
        os.environ["DATABASE_URL"] = PG_URL
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "diaodu.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.ALLOWED_HOSTS = ["localhost"]
    call_command("migrate", verbosity=0)
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
              f"p95={r['ours_p95']:.0f}ms · same figures in raw SQL over reports: "
              f"p50={r['raw_p50']:.0f}ms p95={r['raw_p95']:.0f}ms · rollup SQL alone: "
              f"p50={r['rollup_p50']:.0f}ms", flush=True)
        ratio = r["raw_p95"] / r["ours_p95"]
        met = r["ours_p95"] <= 200 and ratio >= 0.5
        lines.append(f"BENCH dashboard_{db}: ours={r['ours_p95']:.0f}ms "
                     f"raw_sql={r['raw_p95']:.0f}ms ratio={ratio:.2f} "
                     f"goal ours_p95<=200ms and ratio>=0.5: {'met' if met else 'missed'}")
    for line in lines:
        print(line)


if __name__ == "__main__":
    main()
