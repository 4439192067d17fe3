"""Queue a delivery run for a moment unless one already waits to run by then (thousands of
messages queue one run, not thousands)."""

from datetime import datetime

from django.db.models import Q
from django.utils import timezone


def wake_at(task, at: datetime) -> bool:
    backend = task.get_backend()
    if backend.__class__.__module__.startswith("django_tasks_db"):
        from django_tasks_db.models import DBTaskResult

        waiting = DBTaskResult.objects.filter(task_path=task.module_path, status="READY").filter(
            Q(run_after__isnull=True) | Q(run_after__lte=at))
        if waiting.exists():
            return False
    if at > timezone.now() and backend.supports_defer:
        task.using(run_after=at).enqueue()
    else:
        task.enqueue()
    return True
