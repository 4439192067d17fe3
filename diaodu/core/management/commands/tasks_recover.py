"""`diaodu tasks_recover`: re-queue or fail the tasks of workers that died (every
`task_worker` also does this by itself every TASK_RECOVER_INTERVAL seconds)."""

from django.core.management.base import BaseCommand

from diaodu.core.workers import tasks_recover


class Command(BaseCommand):
    help = "Re-queue or fail tasks left running by workers that died"

    def handle(self, *args, **options) -> None:
        done = tasks_recover()
        self.stdout.write(f"requeued {done['requeued']}, failed {done['failed']}")
