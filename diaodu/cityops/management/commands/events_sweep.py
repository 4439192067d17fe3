"""`diaodu events_sweep`: the events' reminders, overdue marks and escalations now;
`--schedule` starts the quarter-hour chain (cityops/tasks.py)."""

from django.core.management.base import BaseCommand

from diaodu.cityops import services, tasks


class Command(BaseCommand):
    help = "Grid events: reminders, overdue marks and escalation (working hours)."

    def add_arguments(self, parser):
        parser.add_argument("--schedule", action="store_true",
                            help="queue the quarter-hour run (once; it queues itself)")

    def handle(self, *args, schedule=False, **options):
        counts = services.events_sweep()
        self.stdout.write(", ".join(f"{k}={v}" for k, v in counts.items()))
        if schedule:
            queued = tasks.schedule_next()
            self.stdout.write("scheduled" if queued else "already scheduled or not deferrable")
