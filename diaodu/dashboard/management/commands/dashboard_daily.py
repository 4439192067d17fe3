"""`diaodu dashboard_daily [--schedule]`: evaluate the warnings and the ranking now; with
--schedule, also queue tomorrow's run so the worker keeps the chain going."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from diaodu.core.scheduling import queue_next_day
from diaodu.dashboard.tasks import RUN_AT, daily_dashboard


class Command(BaseCommand):
    help = "Re-evaluate project warnings and the monthly unit ranking"

    def add_arguments(self, parser):
        parser.add_argument("--schedule", action="store_true",
                            help="queue tomorrow's run for the task worker")

    def handle(self, *args, schedule=False, **options):
        result = daily_dashboard.call()
        self.stdout.write(" ".join(f"{k}={v}" for k, v in result.items()))
        if schedule:
            queued = queue_next_day(daily_dashboard, after=timezone.localdate(), at=RUN_AT)
            self.stdout.write("queued" if queued else "already queued")
