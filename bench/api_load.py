"""API load and fault run on loopback: many users with API tokens browse projects and
reports and save+submit their unit's reports through /api/v1/ (gunicorn, PostgreSQL) while
`--imports` ledger imports (`diaodu import`, a few hundred projects each, all-or-nothing) run
beside them, for a bounded time. Prints throughput, p50/p95/p99 latency, errors, the imports'
times and the load average; then the fault run kills one gunicorn worker mid-traffic and
checks that nothing was half-written (every submitted report has exactly one audit event, the
audit chain verifies) and that the server recovered.

    uv run python bench/api_load.py [--clients 200] [--seconds 40] [--imports 10]

The users are asyncio tasks on keep-alive connections (one thread: the client takes as little
of the shared CPU as it can). Needs PostgreSQL on 127.0.0.1:5432 (trust auth); uses and
recreates `diaodu_api_bench`; serves on 127.0.0.1:8140 (--port).
First the capacity: `--clients` users back to back, nothing beside them; then an open load
at 80 % of that capacity (requests arrive evenly, latency from arrival); then the same users
back to back again with the imports beside them; then the fault run.
Goals: at 80 % of the capacity p99 ≤ 1 s and 0 errors (issue 20); back to back beside the
imports 0 errors, every import complete, p99 ≤ 1 s (issue 9); after a killed worker 0
half-written reports, an intact audit chain and successful requests again.
"""

import argparse
import asyncio
import http.client
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = os.environ.get("BENCH_DB", "diaodu_api_bench")
URL = f"postgres://postgres@127.0.0.1:5432/{DB}"
PORT = 8140
IDLE_REUSE = 1.5  # seconds a keep-alive connection is reused after (gunicorn keepalive: 2)


def setup(projects: int, units: int = 40) -> list[tuple[str, list[tuple[int, int]]]]:
    """Fresh database: `units` streets with a reporter and an API token each, `projects`
    projects and an open round. Returns (token, [(report id, version)]) per unit."""
    from bench.freshdb import fresh_database

    fresh_database(DB)
    from django.utils import timezone

    from diaodu.api import services as token_services
    from diaodu.core.models import OrgUnit, UnitKind, User
    from diaodu.investment import services
    from diaodu.projects.models import Category, Project

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
    User.objects.create(username="importer", unit=district, role="dispatcher")
    return [(tokens[unit_id], reports) for unit_id, reports in jobs.items()]


IMPORT_HEADER = ["序号", "项目代码", "项目名称", "级别", "类别", "责任单位", "属地",
                 "总投资（万元）", "建设内容及规模", "计划开工时间"]


def ledger_files(count: int, rows: int, units: int, folder: Path) -> list[Path]:
    """`count` 重点项目台账 xlsx files of `rows` new projects each."""
    import xlsxwriter

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for k in range(count):
        path = folder / f"台账{k}.xlsx"
        book = xlsxwriter.Workbook(str(path))
        sheet = book.add_worksheet("台账")
        sheet.write_row(0, 0, ["中原区重点项目台账（压测）"])
        sheet.write_row(1, 0, IMPORT_HEADER)
        for i in range(rows):
            sheet.write_row(2 + i, 0, [i + 1, None, f"压测导入{k}-{i}", "区重点", "压测",
                                       f"单位{(k * rows + i) % units}", None,
                                       f"{1000 + i}.50", "压测", "2022-03-01"])
        book.close()
        paths.append(path)
    return paths


def run_imports(paths: list[Path], seconds: float, results: list) -> None:
    """Start one import every seconds/len(paths) seconds (each a `diaodu import` process that
    commits all its rows or none); record (seconds, exit code) for each."""
    def one(path: Path):
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "manage.py", "import", str(path), "--kind", "projects",
             "--as", "importer", "-v", "0"],
            cwd=ROOT, env={**os.environ, "DATABASE_URL": URL}, capture_output=True, text=True)
        results.append((time.perf_counter() - started, done.returncode,
                        done.stderr.strip()[-300:]))

    threads = []
    for n, path in enumerate(paths):
        thread = threading.Thread(target=one, args=(path,))
        thread.start()
        threads.append(thread)
        if n < len(paths) - 1:
            time.sleep(seconds / len(paths))
    for thread in threads:
        thread.join()


async def _request(reader, writer, method: str, path: str, headers: bytes, body: bytes):
    writer.write(f"{method} {path} HTTP/1.1\r\n".encode() + headers
                 + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    await writer.drain()
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionResetError("closed by the server")
    length, close = 0, False
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _sep, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value)
        elif name.lower() == "connection" and "close" in value.lower():
            close = True
    data = await reader.readexactly(length) if length else b""
    return int(status_line.split()[1]), data, close


def run_async(units, clients: int, seconds: float, think: float = 0,
              rate: float | None = None):
    """`clients` users as asyncio tasks, each acting for one unit in turn, until `seconds`
    pass: half project pages, 30% report reads, 20% save+submit of a report of their own.
    `think` > 0: a user waits uniformly 0.5–1.5 × think seconds between requests (as people
    read a page before the next click; locust's `between`); 0: back to back (a stress test
    with `clients` programs, not people).
    `rate`: open model instead — requests arrive at `rate` a second, evenly spaced, whether
    or not earlier ones are answered; an idle user takes the next (at most `clients` in
    flight), and each latency runs from the request's arrival, so time spent waiting for a
    free user counts (no coordinated omission)."""
    latencies, errors = [], []

    async def user(n: int, deadline: float):
        token, reports = units[n % len(units)]
        readable = [pk for pk, _version in reports] or [1]
        headers = (f"Host: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
                   "Content-Type: application/json\r\n").encode()
        rng = random.Random(n)
        conn, idle_since = None, 0.0
        if think:
            await asyncio.sleep(rng.uniform(0, think))  # users arrive spread out
        while True:
            if arrivals is not None:
                due = await arrivals.get()
                if due is None:
                    break
            elif time.perf_counter() >= deadline:
                break
            roll = rng.random()
            if roll < 0.5:
                method, path, body, good = "GET", f"/api/v1/projects?page={rng.randint(1, 3)}", \
                    b"", (200,)
            elif roll < 0.8 or not reports:
                method, path, body, good = "GET", f"/api/v1/reports/{rng.choice(readable)}", \
                    b"", (200, 404)
            else:
                pk, version = reports.pop()
                method, path, good = "PUT", f"/api/v1/reports/{pk}", (200,)
                body = json.dumps({"expected_version": version, "completed_in_period": "123.45",
                                   "cumulative_completed": "5123.45",
                                   "physical_progress": "主体施工", "submit": True}).encode()
            started = time.perf_counter() if arrivals is None else due
            if conn is not None and time.perf_counter() - idle_since > IDLE_REUSE:
                # gunicorn closes a keep-alive connection idle for 2 s; like a browser, do
                # not send on one the server may be closing.
                conn[1].close()
                conn = None
            try:
                if conn is None:
                    conn = await asyncio.open_connection("127.0.0.1", PORT)
                status, _data, close = await asyncio.wait_for(
                    _request(*conn, method, path, headers, body), 30)
                if close:
                    conn[1].close()
                    conn = None
                if status in good:
                    latencies.append(time.perf_counter() - started)
                else:
                    errors.append(f"HTTP {status} {method} {path.split('?')[0]}")
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) \
                    as error:
                errors.append(type(error).__name__)
                if conn is not None:
                    conn[1].close()
                conn = None
            idle_since = time.perf_counter()
            if think:
                await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))
        if conn is not None:
            conn[1].close()

    arrivals: asyncio.Queue | None = None

    async def arrive():
        begin = time.perf_counter()
        for k in range(int(rate * seconds)):
            due = begin + k / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            arrivals.put_nowait(due)
        for _ in range(clients):
            arrivals.put_nowait(None)

    async def all_users():
        nonlocal arrivals
        deadline = time.perf_counter() + seconds
        if rate is None:
            await asyncio.gather(*(user(n, deadline) for n in range(clients)))
            return
        arrivals = asyncio.Queue()
        await asyncio.gather(arrive(), *(user(n, deadline) for n in range(clients)))

    started = time.perf_counter()
    asyncio.run(all_users())
    return latencies, errors, time.perf_counter() - started


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
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--projects", type=int, default=6000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--imports", type=int, default=10)
    parser.add_argument("--import-rows", type=int, default=200)
    parser.add_argument("--port", type=int, default=PORT)
    parser.add_argument("--think", type=float, default=0,
                        help="mean seconds a user reads before the next request (0: none)")
    args = parser.parse_args()
    globals()["PORT"] = args.port

    units = setup(args.projects)
    import tempfile

    files = ledger_files(args.imports, args.import_rows, len(units),
                         Path(tempfile.mkdtemp(prefix="api_load_")))
    server = start_server(args.workers)
    imports: list = []
    try:
        # Every worker's first requests import the URLconf and fill the caches: a few
        # seconds of the same traffic first, not counted, so the capacity is the warm one.
        run_async(units, args.clients, 3)
        # Capacity: back to back, nothing beside; then an open load at 80 % of it (issue 20).
        cap_lat, cap_err, cap_took = run_async(units, args.clients, args.seconds)
        capacity = len(cap_lat) / cap_took
        paced_lat, paced_err, paced_took = run_async(units, args.clients, args.seconds,
                                                     rate=0.8 * capacity)
        load_before = os.getloadavg()
        importer = threading.Thread(target=run_imports, args=(files, args.seconds * 0.8,
                                                              imports))
        importer.start()
        lat, err, took = run_async(units, args.clients, args.seconds, args.think)
        importer.join()
        load_after = os.getloadavg()
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
    from diaodu.projects.models import Project

    imported = Project.objects.filter(name__startswith="压测导入").count()
    try:
        # Production's task workers seal what the killed worker's commits left unsealed.
        call_command("audit_seal", verbosity=0)
        call_command("audit_verify", verbosity=0)
        chain = "intact"
    except Exception as exc:  # reported in the line below
        chain = f"BROKEN ({exc})"
    rate, p95, p99 = len(lat) / took, pct(lat, 95), pct(lat, 99)
    import_times = sorted(t for t, _code, _err in imports)
    import_failed = [e for _t, code, e in imports if code != 0]
    print("note: loopback on a shared 2-core machine; timings vary from run to run")
    print(f"load average (1/5/15 min) before {'/'.join(f'{x:.2f}' for x in load_before)}, "
          f"after {'/'.join(f'{x:.2f}' for x in load_after)}")
    print(f"load:  {args.clients} users (think {args.think:g} s), {len(lat)} ok requests in "
          f"{took:.1f}s = {rate:.0f}/s, "
          f"p50 {pct(lat, 50) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, "
          f"errors {len(err)}")
    print(f"imports: {len(imports)} of {args.imports} x {args.import_rows} rows, "
          f"{len(import_failed)} failed, {imported} projects stored, "
          f"{' '.join(f'{t:.1f}s' for t in import_times)}")
    for problem in import_failed[:3]:
        print("  import error:", problem)
    print(f"fault: worker {killed[0] if killed else '-'} killed; {len(f_lat)} ok, "
          f"{len(f_err)} failed requests (in flight on the killed worker); after: HTTP "
          f"{after_status}; half-written reports {torn}; audit chain {chain}")
    for error in sorted(set(map(str, err + f_err)))[:5]:
        print("  error:", error)
    paced_rate = len(paced_lat) / paced_took
    print(f"capacity: {args.clients} users back to back, {len(cap_lat)} ok in {cap_took:.1f}s "
          f"= {capacity:.0f}/s, p50 {pct(cap_lat, 50) * 1000:.0f} ms, "
          f"p99 {pct(cap_lat, 99) * 1000:.0f} ms, errors {len(cap_err)}")
    print(f"at 80%: {0.8 * capacity:.0f}/s offered (open arrivals, up to {args.clients} in "
          f"flight), {len(paced_lat)} ok = {paced_rate:.0f}/s, "
          f"p50 {pct(paced_lat, 50) * 1000:.0f} ms, p95 {pct(paced_lat, 95) * 1000:.0f} ms, "
          f"p99 {pct(paced_lat, 99) * 1000:.0f} ms (from arrival), errors {len(paced_err)}")
    paced_p99 = pct(paced_lat, 99)
    paced_met = not paced_err and not cap_err and paced_p99 <= 1.0
    print(f"BENCH api_at_80pct_capacity: ours_p99={paced_p99:.2f}s capacity={capacity:.0f}/s "
          f"offered={0.8 * capacity:.0f}/s served={paced_rate:.0f}/s goal p99<=1s and "
          f"errors=0 at 80% of capacity: {'met' if paced_met else 'missed'}")
    load_met = (not err and not import_failed and len(imports) == args.imports
                and imported == args.imports * args.import_rows and p99 <= 1.0)
    fault_met = bool(killed) and torn == 0 and chain == "intact" and after_status == 200
    print(f"BENCH api_load[think={args.think:g}s]: ours={rate:.0f}/s p95={p95:.2f}s "
          f"p99={p99:.2f}s errors={len(err)} "
          f"imports={len(imports) - len(import_failed)}/{args.imports} "
          f"goal errors=0 and p99<=1s: {'met' if load_met else 'missed'}")
    print(f"BENCH api_fault_worker_killed: half_written={torn} chain={chain.split()[0]} "
          f"recovered={after_status == 200} goal half_written=0 and chain intact and recovered: "
          f"{'met' if fault_met else 'missed'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
