"""CPU the audit sealer spends per event while writers commit (PostgreSQL, in one process).

Several threads commit one audited event per transaction, pausing between commits as a
request's other work would; each commit nudges this process's sealing thread
(diaodu/core/audit_seal.py). Prints, per round, the sealing thread's own CPU time per event,
its passes and events per pass, and the whole process's CPU per event with the nudge on
against the same writes with the nudge off (sealing left to one pass at the end, whose cost
per event is the floor). Every event must end sealed, and the chain must verify.

    uv run python bench/seal_cost.py [--events 2000] [--threads 4] [--pause 0.02] [--rounds 2]

PostgreSQL: 127.0.0.1:5432 (trust), database BENCH_DB (default `diaodu_seal_bench`, dropped
and recreated). The machine has 2 cores shared with others: compare rounds of one run.
"""

import argparse
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = os.environ.get("BENCH_DB", "diaodu_seal_bench")


def setup() -> None:
    for sql in (f"DROP DATABASE IF EXISTS {DB}", f"CREATE DATABASE {DB}"):
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", sql], check=True,
                       capture_output=True)
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "diaodu.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def thread_cpu(thread: threading.Thread | None) -> float:
    if thread is None or not thread.is_alive():
        return 0.0
    return time.clock_gettime(time.pthread_getcpuclockid(thread.ident))


def write(events: int, threads: int, pause: float) -> float:
    """Commit `events` audited events from `threads` threads; returns the wall time."""
    from django.db import connections, transaction

    from diaodu.core import audit

    def writer(n: int, count: int) -> None:
        try:
            for i in range(count):
                with transaction.atomic():
                    audit.record(None, "bench.seal", None,
                                 {"n": i, "writer": n, "说明": "月末报送", "figures": [1, 2.5]})
                time.sleep(pause)
        finally:
            connections.close_all()

    share = [events // threads + (n < events % threads) for n in range(threads)]
    started = time.monotonic()
    workers = [threading.Thread(target=writer, args=(n, c)) for n, c in enumerate(share)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return time.monotonic() - started


def round_(events: int, threads: int, pause: float, nudge: bool) -> dict:
    from diaodu.core import audit_seal
    from diaodu.core.models import AuditEvent

    passes = [0, 0]  # passes of the sealing thread, events they sealed
    real_seal = audit_seal.seal

    def counted(*args, **kwargs):
        done = real_seal(*args, **kwargs)
        if threading.current_thread() is audit_seal.background.thread:
            passes[0] += 1
            passes[1] += done
        return done

    real_nudge = audit_seal._nudge
    audit_seal.seal = counted
    if not nudge:
        audit_seal._nudge = lambda: None
    try:
        before_thread = thread_cpu(audit_seal.background.thread)
        before = time.process_time()
        wall = write(events, threads, pause)
        assert audit_seal.settle(60)
        process = time.process_time() - before
        sealing = thread_cpu(audit_seal.background.thread) - before_thread
    finally:
        audit_seal.seal, audit_seal._nudge = real_seal, real_nudge
    floor = None
    if not nudge:
        started = time.thread_time()
        audit_seal.seal()
        floor = time.thread_time() - started
    assert not AuditEvent.objects.filter(seq__isnull=True).exists(), "events left unsealed"
    return {"wall": wall, "process": process, "sealing": sealing, "passes": passes[0],
            "sealed": passes[1], "floor": floor}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--pause", type=float, default=0.02,
                        help="seconds each writer waits between its commits")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    setup()
    from diaodu.core import audit_archive, audit_seal

    write(50, args.threads, 0)  # connections, caches and the sealing thread warmed up
    audit_seal.settle(60)
    n = args.events
    print(f"sealer: {audit_seal.__file__}")
    print(f"{n} events, {args.threads} threads, {args.pause * 1000:g} ms between commits; "
          f"coalescing gap {getattr(audit_seal, 'COALESCE', 0) * 1000:g} ms")
    print("round  nudge  commits/s  sealing-thread µs/event  passes  events/pass  "
          "process µs/event  floor µs/event")
    for r in range(args.rounds):
        for nudge in (False, True):
            m = round_(n, args.threads, args.pause, nudge)
            per_pass = f"{m['sealed'] / m['passes']:.1f}" if m["passes"] else "-"
            floor = f"{m['floor'] / n * 1e6:.0f}" if m["floor"] is not None else "-"
            print(f"{r + 1:5}  {'on' if nudge else 'off':5}  {n / m['wall']:9.0f}  "
                  f"{m['sealing'] / n * 1e6:23.0f}  {m['passes']:6}  {per_pass:>11}  "
                  f"{m['process'] / n * 1e6:16.0f}  {floor:>14}")
    count, _head, problems = audit_archive.verify_log()
    print(f"chain: {count} events, {'verifies' if not problems else problems}")
    audit_seal.background.stop()


if __name__ == "__main__":
    main()
