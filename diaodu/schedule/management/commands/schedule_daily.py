"""`diaodu schedule_daily [--schedule]`: recompute today's schedule statuses now; with --schedule,
also queue tomorrow's run so the worker keeps the chain going."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from diaodu.core.scheduling import queue_next_day
from diaodu.schedule.tasks import RUN_AT, daily_schedule_refresh


class Command(BaseCommand):
    help = "Recompute project schedules so milestone statuses follow the date"

    def add_arguments(self, parser):
        parser.add_argument("--schedule", action="store_true",
                            help="queue tomorrow's run for the task worker")

    def handle(self, *args, schedule=False, **options):
        result = daily_schedule_refresh.call()
        self.stdout.write(f"refreshed={result['refreshed']}")
        if schedule:
            queued = queue_next_day(daily_schedule_refresh, after=timezone.localdate(),
                                    at=RUN_AT)
            self.stdout.write("queued" if queued else "already queued")
