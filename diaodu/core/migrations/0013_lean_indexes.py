"""The action is filtered by exact value only: a plain index replaces db_index's pair, whose
`_like` twin no query used and every event wrote twice (on insert and on sealing). On SQLite
the AlterField rebuilds the table, which drops its triggers: they are created again last."""

from django.db import migrations, models

from diaodu.core import audit_chain


def create_triggers(apps, schema_editor):
    audit_chain.create_triggers(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0012_unit_robot'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditevent',
            name='action',
            field=models.CharField(max_length=64, verbose_name='操作'),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['action'], name='audit_action'),
        ),
        migrations.RunPython(create_triggers, migrations.RunPython.noop),
    ]
