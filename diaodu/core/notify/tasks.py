"""The delivery worker's task (django.tasks, django-tasks-db): send what is due, then wake again
when the next waiting delivery falls due (a retry's backoff, the end of the quiet hours)."""

from django.tasks import task
from django.utils import timezone

from . import sending
from .wake import wake_at

ROUNDS = 50  # batches per run; a long queue continues in the next run


@task()
def deliver_pending() -> dict[str, int]:
    outcomes = sending.deliver_due()
    for _ in range(ROUNDS):
        following = sending.next_due()
        if following is None or following > timezone.now() or not sum(outcomes.values()):
            break
        outcomes.update(sending.deliver_due())
    following = sending.next_due()
    if following is not None:
        wake_at(deliver_pending, following)
    return dict(outcomes)
