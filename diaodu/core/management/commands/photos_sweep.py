"""`diaodu photos_sweep [--schedule]`: delete photo files no row names (left by rolled-back
transactions) once older than PHOTO_ORPHAN_GRACE_SECONDS; with --schedule, also queue
tomorrow's run so the task worker keeps the chain going."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from diaodu.core.photo_sweep import RUN_AT, daily_photo_sweep
from diaodu.core.scheduling import queue_next_day


class Command(BaseCommand):
    help = "Delete photo files that no photo record names (after the grace period)"

    def add_arguments(self, parser):
        parser.add_argument("--schedule", action="store_true",
                            help="queue tomorrow's run for the task worker")

    def handle(self, *args, schedule=False, **options):
        result = daily_photo_sweep.call()
        self.stdout.write(f"deleted={result['deleted']}")
        if schedule:
            queued = queue_next_day(daily_photo_sweep, after=timezone.localdate(), at=RUN_AT)
            self.stdout.write("queued" if queued else "already queued")
