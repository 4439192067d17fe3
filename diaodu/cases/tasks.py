"""Scheduled work of the 督办 engine (django.tasks, run by the django-tasks-db worker).

django.tasks has no cron: the daily sweep queues its own next run for tomorrow morning
(core.scheduling). The sweep is idempotent, so an extra run (a second worker, a manual
`cases_sweep`) sends nothing twice. Start the chain once with `diaodu cases_sweep --schedule`
(docs/cases.md).
"""

from datetime import date, datetime, time

from django.tasks import task
from django.utils import timezone

from diaodu.core import clock
from diaodu.core.scheduling import next_morning, queue_next_day

from . import services

SWEEP_AT = time(7, 0)  # local time: reminders are waiting when the offices open


def next_run(after: date) -> datetime:
    """When the sweep after `after` runs: the next morning, local time."""
    return next_morning(after, SWEEP_AT)


@task()
def daily_supervision(today: str | None = None) -> dict[str, int]:
    """Send the day's reminders, overdue marks and escalations; queue tomorrow's run."""
    day = date.fromisoformat(today) if today else clock.today()
    counts = services.supervision_sweep(today=day)
    # The chain follows real mornings, also while the business clock is pinned.
    schedule_next(after=timezone.localdate())
    return counts


def schedule_next(*, after: date) -> bool:
    """Queue the next daily run unless one is waiting."""
    return queue_next_day(daily_supervision, after=after, at=SWEEP_AT)
