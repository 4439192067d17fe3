"""Seed the working-day calendar from chinesecalendar for every year it knows.

Later years come from administrators entering the State Council's notice (FACTS.md).
"""

from django.db import migrations


def seed(apps, schema_editor):
    from diaodu.core.calendar import package_exceptions, package_years

    CalendarDay = apps.get_model("core", "CalendarDay")
    CalendarYear = apps.get_model("core", "CalendarYear")
    days = []
    for year in package_years():
        days += [CalendarDay(date=day, is_workday=is_workday, name=name, source="package")
                 for day, (is_workday, name) in package_exceptions(year).items()]
        CalendarYear.objects.get_or_create(
            year=year, defaults={"complete": True, "source_note": "chinesecalendar"})
    CalendarDay.objects.bulk_create(days, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
