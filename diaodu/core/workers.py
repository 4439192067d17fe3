"""Task workers that die mid-task: found and their tasks re-queued or failed, never lost.

django-tasks-db marks a task RUNNING when a worker claims it (appending the worker's id to
`worker_ids`) and SUCCESSFUL or FAILED when the worker finishes it. A worker killed in between
(OOM killer, SIGKILL, a machine lost) leaves the row RUNNING forever: the library keeps no
heartbeat. So our worker (`diaodu task_worker`, db_worker plus this) makes itself visible:

- its id names host and process (`host:pid:random`);
- on PostgreSQL it holds a session advisory lock keyed by its id on a connection of its own for
  as long as it lives. The server drops the lock the moment the process's connection closes
  (the kernel closes a dead process's sockets at once; a lost machine after TCP keepalive), so
  "the lock is free" means "the worker is gone" with no clock involved;
- on SQLite (one machine by design) a worker on this host is alive while its pid is.

`tasks_recover` (run by every worker every RECOVER_INTERVAL seconds, and by
`diaodu tasks_recover`) re-queues a task whose worker is gone while it has attempts left
(tasks here are idempotent: imports are all-or-nothing, daily jobs check before they write) and
otherwise fails it with WorkerLost, calling the task's `on_lost` handler so the object it
worked on is not left "running" either. A worker of unknown kind (plain `db_worker`, another
host under SQLite) is judged by MAX_RUNTIME only.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from . import audit

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper

logger = logging.getLogger("diaodu.workers")

MAX_ATTEMPTS = int(getattr(settings, "TASK_MAX_ATTEMPTS", 3))
RECOVER_INTERVAL = float(os.environ.get("TASK_RECOVER_INTERVAL",
                                      getattr(settings, "TASK_RECOVER_INTERVAL", 30)))
# A task of a worker whose liveness cannot be checked is lost after this long.
MAX_RUNTIME = timedelta(seconds=float(getattr(settings, "TASK_MAX_RUNTIME", 6 * 3600)))

LOST_HANDLERS: dict[str, Callable[..., None]] = {}


class WorkerLost(Exception):
    """The worker running a task stopped without finishing it."""


def on_lost(task) -> Callable:
    """Register `handler(*args, **kwargs)` to run (with the task's arguments) when `task` is
    failed because its worker died, e.g. to mark the import job it was running as failed."""
    def register(handler: Callable[..., None]) -> Callable[..., None]:
        LOST_HANDLERS[task.module_path] = handler
        return handler
    return register


def new_worker_id() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{get_random_string(8)}"


def _lock_key(worker_id: str) -> int:
    digest = hashlib.sha256(f"diaodu-worker:{worker_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class Presence:
    """What a live worker holds while it runs (see the module docstring)."""

    def __init__(self, worker_id: str):
        self.worker_id = worker_id
        self._connection: BaseDatabaseWrapper | None = None

    def start(self) -> None:
        if connection.vendor != "postgresql":
            return
        # A connection of its own: the worker loop closes its connections between tasks.
        self._connection = own = connections.create_connection(DEFAULT_DB_ALIAS)
        with own.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [_lock_key(self.worker_id)])

    def stop(self) -> None:
        if self._connection is not None:
            # Unlock before closing: the server releases a closed session's locks only when its
            # backend process has exited, a moment after close() returns, and a sweep in that
            # moment would still see this worker alive.
            try:
                with self._connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [_lock_key(self.worker_id)])
            finally:
                self._connection.close()
                self._connection = None


def is_alive(worker_id: str) -> bool | None:
    """True or False when it can be told; None for a worker of unknown kind."""
    parts = worker_id.split(":")
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    if connection.vendor == "postgresql":
        key = _lock_key(worker_id)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            free = cursor.fetchone()[0]
            if free:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
        return not free
    if parts[0] != socket.gethostname()[:30]:
        return None
    try:
        os.kill(int(parts[1]), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def tasks_recover(*, max_attempts: int | None = None, now=None) -> dict[str, int]:
    """Re-queue or fail the RUNNING tasks whose worker is gone. Idempotent; safe to run from
    several workers at once (rows are locked, skipping those another sweep holds)."""
    max_attempts = max_attempts or MAX_ATTEMPTS
    now = now or timezone.now()
    done = {"requeued": 0, "failed": 0}
    candidates = list(DBTaskResult.objects.running().values_list("pk", flat=True))
    for pk in candidates:
        with transaction.atomic():
            task = (DBTaskResult.objects.running().select_for_update(skip_locked=True)
                    .filter(pk=pk).first())
            if task is None:
                continue
            worker_id = task.worker_ids[-1] if task.worker_ids else ""
            alive = is_alive(worker_id)
            overdue = task.started_at is not None and now - task.started_at > MAX_RUNTIME
            if alive or (alive is None and not overdue):
                continue
            attempts = len(task.worker_ids)
            if attempts < max_attempts:
                DBTaskResult.objects.filter(pk=pk).update(status=TaskResultStatus.READY,
                                                              started_at=None)
                audit.record(None, "task.requeue", task, {
                    "task": task.task_path, "worker": worker_id, "attempts": attempts})
                done["requeued"] += 1
                continue
            task.set_failed(WorkerLost(
                f"worker {worker_id} stopped during attempt {attempts} of {max_attempts}"))
            audit.record(None, "task.lost", task, {
                "task": task.task_path, "worker": worker_id, "attempts": attempts})
            handler = LOST_HANDLERS.get(task.task_path)
            if handler is not None:
                args = task.args_kwargs
                handler(*args.get("args", []), **args.get("kwargs", {}))
            done["failed"] += 1
    if any(done.values()):
        logger.warning("recovered tasks of dead workers: %s", done)
    return done


class Recoverer(threading.Thread):
    """Runs tasks_recover every RECOVER_INTERVAL seconds inside a worker process, so the
    workers that are alive look after the tasks of those that died."""

    def __init__(self, interval: float = RECOVER_INTERVAL):
        super().__init__(name="tasks-recover", daemon=True)
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                tasks_recover()
            except Exception:  # the sweep must not kill the worker; it runs again next time
                logger.exception("tasks_recover failed")
            finally:
                connections.close_all()
