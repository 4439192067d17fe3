"""Fault tests with real processes and real transactions (PostgreSQL only; issue 9 §8):

- the PostgreSQL backend of a worker is killed (pg_terminate_backend) in the middle of an
  import commit: nothing half-written, the job is failed (not "running" forever), and the
  retried job imports everything;
- a task worker is killed (SIGKILL) mid-task: the task is re-queued and run by another worker,
  or failed once its attempts are used up (and the import job it ran is failed with it) —
  never left running silently.

Workers are `manage.py task_worker` subprocesses on the test database; each test stays well
under 30 s (every wait is bounded)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections

from diaodu.core.models import AuditEvent
from diaodu.core.workers import tasks_recover
from diaodu.ledgers import services
from diaodu.ledgers.models import ImportJob, JobStatus
from diaodu.ledgers.tasks import run_import
from diaodu.projects.models import Project
from tests.ledgers.conftest import categories, project_ledger  # noqa: F401  (fixture)

from .tasks import slow_first_attempt

ROOT = Path(__file__).resolve().parents[2]
POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not POSTGRES, reason="kills PostgreSQL backends and needs workers on a "
                                            "shared server database (SQLite: one process)"),
]
IMPORT_ROWS = 150


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def wait_for(predicate, timeout: float = 15, what: str = "", log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    raise AssertionError(f"timed out after {timeout} s waiting for {what or predicate}\n{tail}")


class Workers:
    """`manage.py task_worker` subprocesses on the test database; all stopped at the end."""

    def __init__(self, tmp_path):
        db = connection.settings_dict
        self.env = {**os.environ,
                    "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
                                    f"{db['PORT'] or 5432}/{db['NAME']}",
                    "MEDIA_ROOT": str(settings.MEDIA_ROOT), "TASK_RECOVER_INTERVAL": "3600"}
        # Compiled modules are kept, so a worker starts in a second after the first one.
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)
        self.log = tmp_path / "worker.log"
        self.procs: list[subprocess.Popen] = []

    def start(self) -> subprocess.Popen:
        with self.log.open("ab") as log:
            proc = subprocess.Popen(
                [sys.executable, "manage.py", "task_worker", "--no-startup-delay",
                 "--interval", "0.05", "--no-reload", "-v", "1"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.procs.append(proc)
        started = len(self.procs)
        wait_for(lambda: self.log.read_text(errors="replace").count("Starting worker")
                 >= started or proc.poll() is not None, timeout=90, what="the worker to start")
        assert proc.poll() is None, self.log.read_text(errors="replace")[-3000:]
        return proc

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)


@pytest.fixture
def workers(tmp_path):
    pool = Workers(tmp_path)
    yield pool
    pool.stop_all()


def _counts() -> tuple[int, int, int]:
    return (Project.objects.count(), Project.history.count(),
            AuditEvent.objects.filter(action__startswith="project.").count())


def _writer_in_transaction(besides: int = 0) -> int | None:
    """The pid of another backend of this database (nor `besides`) that has written inside a
    transaction open for a while: the import's one big transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND pid <> %s AND backend_xid IS NOT NULL "
            "AND xact_start < clock_timestamp() - interval '150 milliseconds'", [besides])
        row = cursor.fetchone()
    return row[0] if row else None


def _job(pk) -> ImportJob:
    return ImportJob.objects.get(pk=pk)


def test_backend_killed_mid_import_commit_leaves_nothing_and_the_retry_succeeds(
        workers, dispatcher, street_a, categories):  # noqa: F811
    rows = [[None, f"断线测试项目{n:03d}", "区重点", "城市更新", "林山寨街道", "林山寨",
             "0.01", "", ""] for n in range(IMPORT_ROWS)]
    job = services.import_job_create(actor=dispatcher, kind="projects", filename="台账.xlsx",
                                     data=project_ledger(rows))
    job = services.import_job_run(actor=dispatcher, job=job, commit=False)
    assert job.status == JobStatus.CHECKED and job.summary["create"] == IMPORT_ROWS
    before = _counts()

    # Hold the projects' category row (FOR UPDATE, in a transaction of this test's own): the
    # import writes its projects, history and audit events, then its commit waits for the
    # foreign-key check on that row (Django's constraints are checked at commit) — inside
    # its one transaction, however fast the bulk writes are, until this test has killed it.
    holder = connections.create_connection("default")
    holder.set_autocommit(False)
    try:
        with holder.cursor() as cursor:
            cursor.execute("SELECT id FROM projects_category WHERE name = %s FOR UPDATE",
                           ["城市更新"])
            assert cursor.fetchone() is not None
            cursor.execute("SELECT pg_backend_pid()")
            holder_pid = cursor.fetchone()[0]
        services.import_job_queue(actor=dispatcher, job=job, commit=True)
        workers.start()
        pid = wait_for(lambda: _writer_in_transaction(holder_pid),
                       what="the import's transaction", log=workers.log)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        holder.rollback()
        holder.close()
    failed = wait_for(lambda: (j := _job(job.pk)).status == JobStatus.FAILED and j,
                      what="the job to be failed")
    assert "未写入任何数据" in failed.summary["failure"]
    assert _counts() == before  # nothing half-written

    # The retry: a new dry run, then the commit, on the same worker (it survived).
    services.import_job_queue(actor=dispatcher, job=failed, commit=False)
    wait_for(lambda: _job(job.pk).status == JobStatus.CHECKED, what="the dry run")
    services.import_job_queue(actor=dispatcher, job=_job(job.pk), commit=True)
    done = wait_for(lambda: (j := _job(job.pk)).status == JobStatus.DONE and j,
                    what="the commit")
    assert done.result == {"created": IMPORT_ROWS, "updated": 0}
    assert _counts() == (before[0] + IMPORT_ROWS, before[1] + IMPORT_ROWS,
                         before[2] + IMPORT_ROWS)


def _task_row(result):
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.get(pk=result.id)


def test_worker_killed_mid_task_is_requeued_and_run_by_another(workers):
    result = slow_first_attempt.enqueue(seconds=60)
    first = workers.start()
    wait_for(lambda: _task_row(result).status == "RUNNING", what="the first claim")
    assert tasks_recover() == {"requeued": 0, "failed": 0}  # its worker is alive

    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    assert _task_row(result).status == "RUNNING"  # what the library alone would leave
    assert tasks_recover() == {"requeued": 1, "failed": 0}
    row = _task_row(result)
    assert row.status == "READY" and len(row.worker_ids) == 1
    assert AuditEvent.objects.filter(action="task.requeue", object_id=str(row.pk)).exists()

    workers.start()
    row = wait_for(lambda: (r := _task_row(result)).status == "SUCCESSFUL" and r,
                   what="the retry")
    assert row.return_value == 2 and len(row.worker_ids) == 2


def test_worker_killed_on_the_last_attempt_fails_the_task_and_its_import(
        workers, dispatcher, street_a, categories):  # noqa: F811
    from django_tasks_db.models import DBTaskResult

    slow = slow_first_attempt.enqueue(seconds=60)
    worker = workers.start()
    wait_for(lambda: _task_row(slow).status == "RUNNING", what="the claim")
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    dead = _task_row(slow).worker_ids
    # An import the same worker had claimed and started when it died.
    rows = [[None, "进程中断项目", "区重点", "城市更新", "林山寨街道", "林山寨", "0.01", "", ""]]
    job = services.import_job_create(actor=dispatcher, kind="projects", filename="台账.xlsx",
                                     data=project_ledger(rows))
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    lost_import = run_import.enqueue(job_id=job.pk, commit=True)
    DBTaskResult.objects.filter(pk=lost_import.id).update(status="RUNNING", worker_ids=dead)

    assert tasks_recover(max_attempts=1) == {"requeued": 0, "failed": 2}
    for result in (slow, lost_import):
        row = _task_row(result)
        assert row.status == "FAILED"
        assert row.exception_class_path == "diaodu.core.workers.WorkerLost"
        assert dead[0] in row.traceback
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "工作进程中断" in job.summary["failure"]
    assert Project.objects.filter(name="进程中断项目").count() == 0
    assert AuditEvent.objects.filter(action="task.lost").count() == 2
