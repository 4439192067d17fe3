"""Milestone types and schedule templates every installation starts with (schedule/defaults.py).
Later edits are made by administrators through the services."""

from django.db import migrations


def load(apps, schema_editor):
    from diaodu.schedule.defaults import MILESTONE_TYPES, TEMPLATES

    MilestoneType = apps.get_model("schedule", "MilestoneType")
    ScheduleTemplate = apps.get_model("schedule", "ScheduleTemplate")
    TemplateItem = apps.get_model("schedule", "TemplateItem")
    TemplateLink = apps.get_model("schedule", "TemplateLink")
    types = {}
    for sort, (code, name, duration, is_key) in enumerate(MILESTONE_TYPES, start=1):
        types[code], _ = MilestoneType.objects.get_or_create(
            code=code, defaults={"name": name, "default_duration": duration, "is_key": is_key,
                                 "sort": sort * 10})
    for code, (name, description, items, links) in TEMPLATES.items():
        if ScheduleTemplate.objects.filter(code=code).exists():
            continue
        template = ScheduleTemplate.objects.create(code=code, name=name,
                                                   description=description)
        position = {}
        for number, (mcode, duration) in enumerate(items, start=1):
            TemplateItem.objects.create(template=template, position=number,
                                        milestone_type=types[mcode], duration=duration)
            position[mcode] = number
        for pred, succ, kind, lag in links:
            TemplateLink.objects.create(template=template, predecessor=position[pred],
                                        successor=position[succ], kind=kind, lag=lag)


class Migration(migrations.Migration):
    dependencies = [("schedule", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
