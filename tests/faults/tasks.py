"""A task for the worker fault tests: slow on its first attempt, quick on a retry."""

import time

from django.tasks import task


@task(takes_context=True)
def slow_first_attempt(context, seconds: float) -> int:
    attempt = len(context.task_result.worker_ids)
    if attempt == 1:
        time.sleep(seconds)
    return attempt
