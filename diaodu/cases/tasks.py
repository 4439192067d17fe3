"""Scheduled work of the 督办 engine (django.tasks, run by the django-tasks-db worker).

django.tasks has no cron: the daily sweep queues its own next run for tomorrow morning. The
sweep is idempotent, so an extra run (a second worker, a manual `cases_sweep`) sends nothing
twice. Start the chain once with `diaodu cases_sweep --schedule` (docs/cases.md).
"""

from datetime import date, datetime, time, timedelta

from django.tasks import task
from django.utils import timezone

from . import services

SWEEP_AT = time(7, 0)  # local time: reminders are waiting when the offices open


def next_run(after: date) -> datetime:
    """When the sweep after `after` runs: the next morning, local time."""
    return timezone.make_aware(datetime.combine(after + timedelta(days=1), SWEEP_AT))


@task()
def daily_supervision(today: str | None = None) -> dict[str, int]:
    """Send the day's reminders, overdue marks and escalations; queue tomorrow's run."""
    day = date.fromisoformat(today) if today else timezone.localdate()
    counts = services.supervision_sweep(today=day)
    schedule_next(after=day)
    return counts


def _already_queued() -> bool:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=daily_supervision.module_path,
                                       status="READY").exists()


def schedule_next(*, after: date) -> bool:
    """Queue the next daily run unless one is waiting. Backends that cannot defer (the
    immediate backend of a test) get no chain."""
    backend = daily_supervision.get_backend()
    if not backend.supports_defer:
        return False
    if backend.__class__.__module__.startswith("django_tasks_db") and _already_queued():
        return False
    daily_supervision.using(run_after=next_run(after)).enqueue()
    return True
