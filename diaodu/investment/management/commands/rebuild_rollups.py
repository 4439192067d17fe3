"""`diaodu rebuild_rollups`: recompute MonthlyRollup from plans, reports and corrections, and
MonthlySummary from the rollups."""

from django.core.management.base import BaseCommand

from diaodu.core import audit
from diaodu.investment import rollups
from diaodu.investment.models import MonthlyRollup, MonthlySummary


class Command(BaseCommand):
    help = "Recompute the monthly rollups and their summaries from scratch"

    def handle(self, *args, **options):
        rows = rollups.rebuild()
        first = MonthlyRollup.objects.order_by("pk").first()
        if first is not None:
            audit.record(None, "rollups.rebuild", first, {"rows": rows})
        self.stdout.write(f"{rows} rollup rows, {MonthlySummary.objects.count()} summary rows")
