"""The events' own sweep every quarter of an hour (limits are working hours: a daily run would
remind after the fact). django.tasks has no cron: each run queues the next; the sweep is
idempotent, so an extra run sends nothing twice. Start the chain once with
`diaodu events_sweep --schedule` (docs/cityops.md)."""

from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from .services import events_sweep

EVERY = timedelta(minutes=15)


@task()
def quarter_hour_sweep() -> dict[str, int]:
    counts = events_sweep()
    schedule_next()
    return counts


def schedule_next() -> bool:
    """Queue the next run unless one is waiting (backends that cannot defer: no chain)."""
    backend = quarter_hour_sweep.get_backend()
    if not backend.supports_defer:
        return False
    if backend.__class__.__module__.startswith("django_tasks_db"):
        from django_tasks_db.models import DBTaskResult

        if DBTaskResult.objects.filter(task_path=quarter_hour_sweep.module_path,
                                       status="READY").exists():
            return False
    quarter_hour_sweep.using(run_after=timezone.now() + EVERY).enqueue()
    return True
