"""Scheduled work of the dispatch loop (django.tasks; run workers with `diaodu db_worker`).

Every morning: open this month's round once its opening day has come, and mark reports still
missing after their round's due time as overdue. Start the chain once with
`diaodu dispatch_daily --schedule` (docs/operations.md).
"""

from datetime import date, time

from django.tasks import task
from django.utils import timezone

from diaodu.core import clock
from diaodu.core.scheduling import queue_next_day

from . import services

RUN_AT = time(6, 30)


@task()
def daily_dispatch(today: str | None = None) -> dict[str, int]:
    day = date.fromisoformat(today) if today else clock.today()
    opened = services.round_open_monthly_if_due(today=day)
    overdue = services.reports_mark_overdue()
    # The chain follows real mornings, also while the business clock is pinned.
    queue_next_day(daily_dispatch, after=timezone.localdate(), at=RUN_AT)
    return {"opened": int(opened is not None), "overdue": overdue}
