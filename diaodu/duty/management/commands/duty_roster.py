"""`diaodu duty_roster --year 2024`: roster a year for every unit with a duty list (the yearly
chore once the State Council's holiday notice is in the calendar). Days that already have a
shift are kept, so running it again, or after units rostered by hand, changes nothing."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from diaodu.core.errors import UserError
from diaodu.core.models import CalendarYear, OrgUnit
from diaodu.duty import services
from diaodu.duty.models import DutyPerson


class Command(BaseCommand):
    help = "Generate a year's 24-hour duty rosters for every unit with a duty list."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--staff", type=int, default=2, help="staff per shift")
        parser.add_argument("--holiday-staff", type=int, default=None)
        parser.add_argument("--force", action="store_true",
                            help="roster even when the year's holidays are not marked complete")

    def handle(self, *args, year, staff, holiday_staff, force, **options):
        if not force and not CalendarYear.objects.filter(year=year, complete=True).exists():
            raise CommandError(f"The holidays of {year} are not marked complete in the working-day "
                               "calendar; enter the State Council notice first or use --force.")
        units = list(OrgUnit.objects.filter(
            pk__in=DutyPerson.objects.filter(active=True).values("unit_id")).order_by("path"))
        try:
            made = services.roster_generate_all(
                actor=None, units=units, start=date(year, 1, 1), end=date(year, 12, 31),
                staff_per_shift=staff, holiday_staff=holiday_staff)
        except UserError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"{made} shifts for {len(units)} units in {year}.")
