from django.db import migrations


def create(apps, schema_editor):
    DispatchSettings = apps.get_model("investment", "DispatchSettings")
    if not DispatchSettings.objects.exists():
        DispatchSettings.objects.create()


class Migration(migrations.Migration):
    dependencies = [("investment", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
