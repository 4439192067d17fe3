"""Daily jobs on django.tasks, which has no cron: each run queues the next one.

Jobs must be idempotent (a second worker or a manual run does nothing twice); the queue check
below only avoids piling up waiting runs.
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone


def next_morning(after: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(after + timedelta(days=1), at))


def queue_next_day(task, *, after: date, at: time) -> bool:
    """Queue `task` for the day after `after` at local time `at`, unless a run is waiting.
    Backends that cannot defer (the immediate backend of a test) get no chain."""
    backend = task.get_backend()
    if not backend.supports_defer:
        return False
    if backend.__class__.__module__.startswith("django_tasks_db"):
        from django_tasks_db.models import DBTaskResult

        if DBTaskResult.objects.filter(task_path=task.module_path, status="READY").exists():
            return False
    task.using(run_after=next_morning(after, at)).enqueue()
    return True
