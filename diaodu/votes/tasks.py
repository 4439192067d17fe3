"""Close and count the polls whose closing time has passed (django.tasks, run by the worker).
An organiser may close a poll at once from its page; this daily run catches the rest. It
queues its own next run (core.scheduling); start the chain with `diaodu polls_close
--schedule`. Idempotent: a closed poll is not closed again."""

from datetime import time

from django.tasks import task

from diaodu.core import clock
from diaodu.core.scheduling import queue_next_day

from . import services

RUN_AT = time(0, 5)  # local time: yesterday's polls are counted before the offices open


@task()
def close_due_polls() -> int:
    closed = services.polls_close_due()
    schedule_next()
    return closed


def schedule_next() -> bool:
    return queue_next_day(close_due_polls, after=clock.today(), at=RUN_AT)
