"""Hash-chain the audit log and make it append-only in the database (issue 9).

Existing rows are chained in id order first; then triggers refuse UPDATE, DELETE (and
TRUNCATE on PostgreSQL) on core_auditevent.
"""

from django.db import migrations, models

from diaodu.core import audit_chain


def chain_existing(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    previous = audit_chain.GENESIS
    batch = []
    for seq, event in enumerate(AuditEvent.objects.order_by("id").iterator(), start=1):
        values = {f: getattr(event, f) for f in audit_chain.FIELDS if f not in ("hash",)}
        values.update(seq=seq, prev_hash=previous)
        event.seq, event.prev_hash = seq, previous
        event.hash = previous = audit_chain.digest(values)
        batch.append(event)
        if len(batch) >= 1000:
            AuditEvent.objects.bulk_update(batch, ["seq", "prev_hash", "hash"])
            batch = []
    if batch:
        AuditEvent.objects.bulk_update(batch, ["seq", "prev_hash", "hash"])


def create_triggers(apps, schema_editor):
    audit_chain.create_triggers(schema_editor.connection)


def drop_triggers(apps, schema_editor):
    audit_chain.drop_triggers(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [("core", "0002_seed_calendar")]

    operations = [
        migrations.AddField("auditevent", "seq",
                            models.PositiveBigIntegerField(null=True, verbose_name="序号")),
        migrations.AddField("auditevent", "prev_hash",
                            models.CharField(default="", max_length=64, verbose_name="前一条摘要"),
                            preserve_default=False),
        migrations.AddField("auditevent", "hash",
                            models.CharField(default="", max_length=64, verbose_name="摘要"),
                            preserve_default=False),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.AlterField("auditevent", "seq",
                              models.PositiveBigIntegerField(unique=True, verbose_name="序号")),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
