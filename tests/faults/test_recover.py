"""tasks_recover on either database, without killing anything: a task whose worker is gone is
re-queued while it has attempts left and failed after; a live or unknown worker's task is left
alone until MAX_RUNTIME. (The real kills are in test_faults.py, on PostgreSQL.)"""

import socket
import subprocess
import sys
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from diaodu.core import workers
from diaodu.core.models import AuditEvent

from .tasks import slow_first_attempt

pytestmark = pytest.mark.django_db


def _dead_worker_id() -> str:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return f"{socket.gethostname()[:30]}:{proc.pid}:deadbeef"


def _running(worker_ids, started_minutes_ago=1):
    result = slow_first_attempt.enqueue(seconds=0)
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING", worker_ids=worker_ids,
        started_at=timezone.now() - timedelta(minutes=started_minutes_ago))
    return result.id


def test_liveness_by_kind_of_worker_id():
    assert workers.is_alive("a-plain-db_worker-id") is None
    assert workers.is_alive(_dead_worker_id()) is False
    mine = workers.new_worker_id()
    if connection.vendor == "postgresql":
        presence = workers.Presence(mine)
        presence.start()
        try:
            assert workers.is_alive(mine) is True
        finally:
            presence.stop()
        assert workers.is_alive(mine) is False
    else:
        assert workers.is_alive(mine) is True  # this process


def test_dead_workers_task_is_requeued_then_failed():
    dead = _dead_worker_id()
    pk = _running([dead])
    assert workers.tasks_recover(max_attempts=2) == {"requeued": 1, "failed": 0}
    row = DBTaskResult.objects.get(pk=pk)
    assert row.status == "READY" and row.started_at is None
    DBTaskResult.objects.filter(pk=pk).update(status="RUNNING", worker_ids=[dead, dead])
    assert workers.tasks_recover(max_attempts=2) == {"requeued": 0, "failed": 1}
    row = DBTaskResult.objects.get(pk=pk)
    assert row.status == "FAILED" and row.exception_class_path.endswith("WorkerLost")
    assert list(AuditEvent.objects.filter(object_id=str(pk)).values_list("action", flat=True)
                .order_by("seq")) == ["task.requeue", "task.lost"]


def test_unknown_worker_is_trusted_until_max_runtime():
    fresh = _running(["a-plain-db_worker-id"])
    minutes = workers.MAX_RUNTIME.total_seconds() / 60 + 5
    stale = _running(["another-plain-id"], started_minutes_ago=minutes)
    assert workers.tasks_recover() == {"requeued": 1, "failed": 0}
    assert DBTaskResult.objects.get(pk=fresh).status == "RUNNING"
    assert DBTaskResult.objects.get(pk=stale).status == "READY"
