"""API load and fault run on loopback: many clients with API tokens browse projects and
reports and save+submit their unit's reports through /api/v1/ (gunicorn, PostgreSQL), for a
bounded time. Prints throughput, p95/p99 latency and errors; then the fault run kills one
gunicorn worker mid-traffic and checks that nothing was half-written (every submitted report
has exactly one audit event, the audit chain verifies) and that the server recovered.

    uv run python bench/api_load.py [--clients 200] [--seconds 60] [--projects 2000]

Needs PostgreSQL on 127.0.0.1:5432 (trust auth); uses and recreates `diaodu_bench_api`.
Goals (issue 9): 0 errors and p99 ≤ 1 s under load; after a killed worker 0 half-written
reports, an intact audit chain and successful requests again.
"""

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB = "diaodu_bench_api"
URL = f"postgres://postgres@127.0.0.1:5432/{DB}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PORT = free_port()


def sh(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True)


def setup(projects: int, units: int = 40) -> list[tuple[str, list[tuple[int, int]]]]:
    """Fresh database: `units` streets with a reporter and an API token each, `projects`
    projects and an open round. Returns (token, [(report id, version)]) per unit."""
    sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"DROP DATABASE IF EXISTS {DB}")
    sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"CREATE DATABASE {DB}")
    os.environ["DATABASE_URL"] = URL
    os.environ["DJANGO_SETTINGS_MODULE"] = "diaodu.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from diaodu.api import services as token_services
    from diaodu.core.models import OrgUnit, UnitKind, User
    from diaodu.investment import services
    from diaodu.projects.models import Category, Project

    call_command("migrate", verbosity=0)
    district = OrgUnit.objects.add_root({"code": "410102", "name": "中原区",
                                         "kind": UnitKind.DISTRICT})
    category = Category.objects.create(code="bench", name="压测")
    streets, tokens = [], {}
    for n in range(units):
        unit = OrgUnit.objects.add_child(OrgUnit.objects.get(pk=district.pk), {
            "code": f"U{n:03d}", "name": f"单位{n}", "kind": UnitKind.STREET})
        user = User.objects.create(username=f"reporter{n}", unit=unit, role="reporter")
        tokens[unit.pk] = token_services.api_token_create(actor=user, name="bench", days=1)[1]
        streets.append(unit)
    Project.objects.bulk_create([
        Project(name=f"压测项目{i}", level="district", category=category, stage="construction",
                responsible_unit=streets[i % units], total_investment=Decimal("100000.00"),
                actual_start=date(2021, 1, 1)) for i in range(projects)])
    opens = timezone.now() - timedelta(days=1)
    round_ = services.round_open(actor=None, cadence="monthly",
                                 period_start=date(2022, 3, 1), period_end=date(2022, 3, 31),
                                 opens_at=opens, due_at=opens + timedelta(days=30))
    jobs: dict[int, list] = {unit.pk: [] for unit in streets}
    for pk, unit_id, version in round_.reports.values_list(
            "pk", "project__responsible_unit", "version"):
        jobs[unit_id].append((pk, version))
    return [(tokens[unit_id], reports) for unit_id, reports in jobs.items()]


class Client:
    def __init__(self, token: str):
        self.headers = {"Authorization": f"Bearer {token}", "Host": "127.0.0.1",
                        "Content-Type": "application/json"}
        self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)

    def call(self, method: str, path: str, body=None) -> tuple[int, dict]:
        try:
            self.conn.request(method, path, body=json.dumps(body) if body else None,
                              headers=self.headers)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            raise
        return response.status, json.loads(data or b"{}")


def run(units, clients: int, seconds: float, on_tick=None):
    """`clients` threads, each acting for one unit in turn, until `seconds` pass."""
    latencies, errors = [], []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker(n: int):
        token, reports = units[n % len(units)]
        readable = [pk for pk, _version in reports] or [1]  # fixed before submits pop them
        client = Client(token)
        rng = random.Random(n)
        while time.perf_counter() < deadline:
            roll = rng.random()
            started = time.perf_counter()
            try:
                if roll < 0.5:
                    status, _ = client.call("GET", f"/api/v1/projects?page={rng.randint(1, 3)}")
                    ok = status == 200
                elif roll < 0.8 or not reports:
                    status, _ = client.call("GET", f"/api/v1/reports/{rng.choice(readable)}")
                    ok = status in (200, 404)
                else:
                    with lock:
                        job = reports.pop() if reports else None
                    if job is None:
                        continue
                    status, _ = client.call("PUT", f"/api/v1/reports/{job[0]}", {
                        "expected_version": job[1], "completed_in_period": "123.45",
                        "cumulative_completed": "5123.45", "physical_progress": "主体施工",
                        "submit": True})
                    ok = status == 200
                elapsed = time.perf_counter() - started
                with lock:
                    (latencies if ok else errors).append(elapsed if ok else f"HTTP {status}")
            except (OSError, http.client.HTTPException, ValueError) as error:
                with lock:
                    errors.append(type(error).__name__)
            if on_tick:
                on_tick()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors, time.perf_counter() - started


def pct(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100)[q - 1]


def start_server(workers: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "diaodu.wsgi", "-b", f"127.0.0.1:{PORT}",
         "-w", str(workers), "--worker-class", "gthread", "--threads", "4",
         "--log-level", "error"],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": URL, "ALLOWED_HOSTS": "127.0.0.1"})
    # Wait for whole answers, not just an accepted connection: every worker must have loaded
    # the application before the clock starts.
    answered = 0
    for _ in range(600):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            conn.request("GET", "/admin/login/")
            conn.getresponse().read()
            answered += 1
            if answered >= workers * 4:
                return server
        except (OSError, http.client.HTTPException):
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def workers_of(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
    return [int(pid) for pid in out.split()]


def half_written() -> int:
    """Submitted reports without exactly one submit audit event (a torn write)."""
    from collections import Counter

    from diaodu.core.models import AuditEvent
    from diaodu.investment.models import ProgressReport

    submitted = set(ProgressReport.objects.filter(status="submitted").values_list("pk",
                                                                                   flat=True))
    events = Counter(AuditEvent.objects.filter(action="report.submit")
                     .values_list("object_id", flat=True))
    bad = {pk for pk in submitted if events.get(str(pk)) != 1}
    bad |= {int(pk) for pk in events if int(pk) not in submitted}
    return len(bad)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--projects", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    units = setup(args.projects)
    server = start_server(args.workers)
    try:
        lat, err, took = run(units, args.clients, args.seconds)
        # Fault: kill one worker a third of the way into a second, shorter run.
        fault_seconds = max(args.seconds / 3, 10)
        killed: list[int] = []
        kill_lock = threading.Lock()

        def kill_once():
            if killed or time.perf_counter() < kill_at:
                return
            with kill_lock:
                if not killed:
                    victims = workers_of(server.pid)
                    if victims:
                        os.kill(victims[0], signal.SIGKILL)
                        killed.append(victims[0])

        kill_at = time.perf_counter() + fault_seconds / 3
        f_lat, f_err, _took = run(units, min(args.clients, 50), fault_seconds, kill_once)
        after_status, _ = Client(units[0][0]).call("GET", "/api/v1/projects")
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

    from django.core.management import call_command

    torn = half_written()
    try:
        call_command("audit_verify", verbosity=0)
        chain = "intact"
    except Exception as exc:  # reported in the line below
        chain = f"BROKEN ({exc})"
    rate, p95, p99 = len(lat) / took, pct(lat, 95), pct(lat, 99)
    print("note: loopback on a shared 2-core machine; timings vary from run to run")
    print(f"load:  {args.clients} clients, {len(lat)} ok requests in {took:.1f}s = {rate:.0f}/s, "
          f"p50 {pct(lat, 50) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, "
          f"errors {len(err)}")
    print(f"fault: worker {killed[0] if killed else '-'} killed; {len(f_lat)} ok, "
          f"{len(f_err)} failed requests (in flight on the killed worker); after: HTTP "
          f"{after_status}; half-written reports {torn}; audit chain {chain}")
    for error in sorted(set(map(str, err + f_err)))[:5]:
        print("  error:", error)
    load_met = not err and p99 <= 1.0
    fault_met = bool(killed) and torn == 0 and chain == "intact" and after_status == 200
    print(f"BENCH api_load: ours={rate:.0f}/s p95={p95:.2f}s p99={p99:.2f}s errors={len(err)} "
          f"goal errors=0 and p99<=1s: {'met' if load_met else 'missed'}")
    print(f"BENCH api_fault_worker_killed: half_written={torn} chain={chain.split()[0]} "
          f"recovered={after_status == 200} goal half_written=0 and chain intact and recovered: "
          f"{'met' if fault_met else 'missed'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
