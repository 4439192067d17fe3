"""Scheduled work of the schedule app (django.tasks; run workers with `diaodu db_worker`).

Every morning: recompute the schedules so milestone statuses (late, at risk) follow the date.
Start the chain once with `diaodu schedule_daily --schedule` (docs/schedule.md).
"""

from datetime import date, time

from django.tasks import task
from django.utils import timezone

from diaodu.core import clock
from diaodu.core.scheduling import queue_next_day

from . import services

RUN_AT = time(6, 15)


@task()
def daily_schedule_refresh(today: str | None = None) -> dict[str, int]:
    day = date.fromisoformat(today) if today else clock.today()
    refreshed = services.schedules_refresh(today=day)
    # The chain follows real mornings, also while the business clock is pinned.
    queue_next_day(daily_schedule_refresh, after=timezone.localdate(), at=RUN_AT)
    return {"refreshed": refreshed}
