"""Scheduled work of the dashboard (django.tasks; run workers with `diaodu db_worker`).

Every night: re-evaluate every project's warnings against the active rules (dates move on:
start dates pass, cases fall overdue, data goes stale) and rank the units for the last locked
month. Approvals re-evaluate their own project at once (signals.py). Start the chain once with
`diaodu dashboard_daily --schedule` (docs/dashboard.md).
"""

from datetime import date, time

from django.tasks import task
from django.utils import timezone

from diaodu.core import clock
from diaodu.core.scheduling import queue_next_day

from . import services

# After the schedule (06:15) and dispatch (06:30) jobs, whose results the rules read.
RUN_AT = time(6, 45)


@task()
def daily_dashboard(today: str | None = None) -> dict[str, int]:
    day = date.fromisoformat(today) if today else clock.today()
    result = services.dashboard_refresh(today=day)
    # The chain follows real mornings, also while the business clock is pinned.
    queue_next_day(daily_dashboard, after=timezone.localdate(), at=RUN_AT)
    return result
