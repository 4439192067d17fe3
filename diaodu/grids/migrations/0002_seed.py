"""The default 多格合一 duty list (FACTS.md: the departments' grids merged into one), the
sizing standard (Zhengzhou: 300–500 / 50–70 households) and a profile for every grid that
exists already."""

from django.db import migrations

DUTIES = [
    ("party", "党建", "区委组织部"), ("order", "政法综治", "区委政法委"),
    ("civil", "民政", "区民政局"), ("environment", "环保", "市生态环境局中原分局"),
    ("city", "城管", "区城市管理局"), ("petition", "信访", "区信访局"),
    ("market", "市场监管", "区市场监督管理局"), ("health", "卫生健康", "区卫生健康委员会"),
    ("emergency", "应急管理", "区应急管理局"),
]


def seed(apps, schema_editor):
    DutyType = apps.get_model("grids", "DutyType")
    GridSettings = apps.get_model("grids", "GridSettings")
    GridProfile = apps.get_model("grids", "GridProfile")
    OrgUnit = apps.get_model("core", "OrgUnit")
    for sort, (code, name, department) in enumerate(DUTIES, start=1):
        DutyType.objects.get_or_create(code=code, defaults={
            "name": name, "department": department, "sort": sort})
    GridSettings.objects.get_or_create(pk=1)
    for unit in OrgUnit.objects.filter(kind__in=("grid", "micro_grid")):
        GridProfile.objects.get_or_create(unit=unit)


class Migration(migrations.Migration):
    dependencies = [("grids", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
