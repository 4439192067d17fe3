"""Month-end surge: every unit's reporters submit their reports at once, against a running
server on loopback (gunicorn, PostgreSQL). Prints requests/s, p50/p99 latency and checks that
each submitted report is stored exactly once.

    uv run python bench/submit_surge.py [--reports 2000] [--clients 24] [--workers 4]

Needs PostgreSQL on 127.0.0.1:5432 (trust auth); uses and recreates the database
`diaodu_bench`. The serial run (one client, one request at a time) is printed beside the
surge for scale. Goal (issue 4): ≥ 150 submits/s, p99 ≤ 1 s, 0 lost.
"""

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
DB = "diaodu_bench"
URL = f"postgres://postgres@127.0.0.1:5432/{DB}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PORT = free_port()
CSRF = "benchcsrftokenbenchcsrftoken1234"  # 32 characters: an unmasked CSRF secret


def sh(*args, **kwargs):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs)


def setup(reports: int) -> list[tuple[str, int, int]]:
    """A fresh database with `reports` projects across 40 units, one reporter per unit and an
    open monthly round. Returns (session key, report id, version) per report."""
    sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"DROP DATABASE IF EXISTS {DB}")
    sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"CREATE DATABASE {DB}")
    os.environ["DATABASE_URL"] = URL
    os.environ["DJANGO_SETTINGS_MODULE"] = "diaodu.settings"
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone

    from diaodu.core.models import OrgUnit, UnitKind, User
    from diaodu.investment import services
    from diaodu.projects.models import Category, Project

    call_command("migrate", verbosity=0)
    district = OrgUnit.objects.add_root({"code": "410102", "name": "中原区",
                                         "kind": UnitKind.DISTRICT})
    category = Category.objects.create(code="bench", name="压测")
    units, sessions = [], {}
    for n in range(40):
        unit = OrgUnit.objects.add_child(OrgUnit.objects.get(pk=district.pk), {
            "code": f"U{n:03d}", "name": f"单位{n}", "kind": UnitKind.STREET})
        user = User.objects.create(username=f"reporter{n}", unit=unit, role="reporter")
        store = SessionStore()
        store[SESSION_KEY], store[BACKEND_SESSION_KEY] = str(user.pk), \
            "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        units.append(unit)
        sessions[unit.pk] = store.session_key
    Project.objects.bulk_create([
        Project(name=f"压测项目{i}", level="district", category=category, stage="construction",
                responsible_unit=units[i % len(units)], total_investment=Decimal("100000.00"),
                actual_start=date(2021, 1, 1)) for i in range(reports)])
    opens = timezone.now() - timedelta(days=1)
    round_ = services.round_open(actor=None, cadence="monthly",
                                 period_start=date(2022, 3, 1), period_end=date(2022, 3, 31),
                                 opens_at=opens, due_at=opens + timedelta(days=30))
    return [(sessions[unit_id], pk, version) for pk, unit_id, version in
            round_.reports.values_list("pk", "project__responsible_unit", "version")]


def submit(conn: http.client.HTTPConnection, session: str, report: int, version: int) -> float:
    body = urlencode({"action": "submit", "completed_in_period": "123.45",
                      "cumulative_completed": "5123.45", "physical_progress": "主体施工",
                      "issues": "", "expected_version": version})
    started = time.perf_counter()
    conn.request("POST", f"/investment/reports/{report}/", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": CSRF,
        "Cookie": f"sessionid={session}; csrftoken={CSRF}", "Host": "127.0.0.1"})
    response = conn.getresponse()
    response.read()
    # Success is the redirect back to the report; anything else (a login page, the form
    # shown again with an error) is a failed submit.
    location = response.getheader("Location", "")
    if response.status != 302 or location != f"/investment/reports/{report}/":
        raise RuntimeError(f"report {report}: HTTP {response.status} {location}")
    return time.perf_counter() - started


def run(jobs, clients: int, deadline: float) -> tuple[list[float], list[str], float]:
    latencies, errors = [], []
    lock = threading.Lock()
    queue = list(jobs)

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        while time.perf_counter() < deadline:
            with lock:
                if not queue:
                    return
                job = queue.pop()
            try:
                elapsed = submit(conn, *job)
                with lock:
                    latencies.append(elapsed)
            except (RuntimeError, OSError, http.client.HTTPException) as error:
                with lock:
                    errors.append(str(error))
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors, time.perf_counter() - started


def p(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100)[int(q) - 1]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--serial", type=int, default=100)
    parser.add_argument("--clients", type=int, default=24)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker-class", default="gthread")
    parser.add_argument("--seconds", type=int, default=120)
    args = parser.parse_args()

    jobs = setup(args.reports + args.serial)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "diaodu.wsgi", "-b", f"127.0.0.1:{PORT}",
         "-w", str(args.workers), "--worker-class", args.worker_class, "--threads", "2",
         "--log-level", "warning"],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": URL, "ALLOWED_HOSTS": "127.0.0.1"})
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/")
                break
            except OSError:
                time.sleep(0.1)
        serial_lat, serial_err, serial_time = run(jobs[: args.serial], 1,
                                                  time.perf_counter() + args.seconds)
        surge_lat, surge_err, surge_time = run(jobs[args.serial:], args.clients,
                                               time.perf_counter() + args.seconds)
    finally:
        server.terminate()
        server.wait(10)

    from diaodu.core.models import AuditEvent
    from diaodu.investment.models import ProgressReport

    submitted = ProgressReport.objects.filter(status="submitted").count()
    audited = AuditEvent.objects.filter(action="report.submit").count()
    ok = len(serial_lat) + len(surge_lat)
    lost = ok - submitted
    twice = audited - submitted
    rate, serial_rate = len(surge_lat) / surge_time, len(serial_lat) / serial_time
    p50, p99 = p(surge_lat, 50), p(surge_lat, 99)
    print(f"serial: {len(serial_lat)} submits in {serial_time:.1f}s = {serial_rate:.0f}/s, "
          f"p50 {p(serial_lat, 50) * 1000:.0f} ms, errors {len(serial_err)}")
    print(f"surge:  {len(surge_lat)} submits by {args.clients} clients in {surge_time:.1f}s = "
          f"{rate:.0f}/s, p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, "
          f"errors {len(surge_err)}")
    print(f"stored: {submitted} submitted reports for {ok} accepted requests; lost {lost}, "
          f"stored twice {twice}")
    for error in (serial_err + surge_err)[:5]:
        print("  error:", error)
    met = rate >= 150 and p99 <= 1.0 and lost == 0 and twice == 0 and not surge_err
    print(f"BENCH submit_surge: ours={rate:.0f}/s serial={serial_rate:.0f}/s "
          f"ratio={(serial_rate / rate) if rate else 0:.2f} goal ours>=150/s and p99<=1s "
          f"(p99={p99:.2f}s) and lost=0 (lost={lost}): {'met' if met else 'missed'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
