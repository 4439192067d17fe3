"""Run the daily reminder and escalation sweep now, or start the daily chain in the worker."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from diaodu.cases import services, tasks


class Command(BaseCommand):
    help = "督办：执行当日的到期提醒、逾期标记和升级督办；--schedule 在任务队列中排定每日执行。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="run as if today were this date (YYYY-MM-DD)")
        parser.add_argument("--schedule", action="store_true",
                            help="queue the daily task for tomorrow morning instead of running")

    def handle(self, *args, **options):
        try:
            day = date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError:
            raise CommandError(f"not a date: {options['date']}") from None
        if options["schedule"]:
            queued = tasks.schedule_next(after=day or timezone.localdate())
            self.stdout.write("queued" if queued else "already queued")
            return
        counts = services.supervision_sweep(today=day)
        self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
