"""`diaodu dispatch_daily [--schedule]`: run the daily dispatch job now; with --schedule, also
queue tomorrow's run so the worker keeps the chain going."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from diaodu.core.scheduling import queue_next_day
from diaodu.investment.tasks import RUN_AT, daily_dispatch


class Command(BaseCommand):
    help = "Open the month's round when due and mark overdue reports"

    def add_arguments(self, parser):
        parser.add_argument("--schedule", action="store_true",
                            help="queue tomorrow's run for the task worker")

    def handle(self, *args, schedule=False, **options):
        result = daily_dispatch.call()
        self.stdout.write(f"opened={result['opened']} overdue={result['overdue']}")
        if schedule:
            queued = queue_next_day(daily_dispatch, after=timezone.localdate(), at=RUN_AT)
            self.stdout.write("queued" if queued else "already queued")
