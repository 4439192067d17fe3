"""Copy the inbox (cases.Notification) into core.Notification, whose subject is generic.

Copied rather than moved with SeparateDatabaseAndState: the new table differs in its columns (a
content type and object id instead of `case_id`, a kind, an urgent flag), so a move would need
hand-written, backend-specific renames of columns, constraints and indexes whose names Django
derives differently on SQLite and PostgreSQL, with a migration state that must match them
exactly. Here Django creates the new table itself (core 0008) on either database, this step
copies the rows (ids kept, so read links stay valid) in batches, and the next migration drops
the old table only after the copy has committed. Backwards copies them back."""

from django.core.management.color import no_style
from django.db import migrations

BATCH = 2000


def _reset_sequence(schema_editor, model) -> None:
    for sql in schema_editor.connection.ops.sequence_reset_sql(no_style(), [model]):
        schema_editor.execute(sql)


def forwards(apps, schema_editor):
    Old = apps.get_model("cases", "Notification")
    New = apps.get_model("core", "Notification")
    ContentType = apps.get_model("contenttypes", "ContentType")
    case_type, _ = ContentType.objects.get_or_create(app_label="cases", model="case")
    rows = Old.objects.order_by("pk").values(
        "pk", "user_id", "case_id", "title", "body", "key", "created_at", "read_at", "phrases")
    batch = []
    for row in rows.iterator(chunk_size=BATCH):
        case_id = row.pop("case_id")
        batch.append(New(id=row.pop("pk"), kind="other", urgent=False,
                         subject_type_id=case_type.pk if case_id else None,
                         subject_id=case_id, **row))
        if len(batch) >= BATCH:
            New.objects.bulk_create(batch)
            batch = []
    New.objects.bulk_create(batch)
    _reset_sequence(schema_editor, New)


def backwards(apps, schema_editor):
    Old = apps.get_model("cases", "Notification")
    New = apps.get_model("core", "Notification")
    ContentType = apps.get_model("contenttypes", "ContentType")
    case_type = ContentType.objects.filter(app_label="cases", model="case").first()
    batch = []
    rows = New.objects.order_by("pk").values(
        "pk", "user_id", "subject_type_id", "subject_id", "title", "body", "key", "created_at",
        "read_at", "phrases")
    for row in rows.iterator(chunk_size=BATCH):
        type_id, subject_id = row.pop("subject_type_id"), row.pop("subject_id")
        case_id = subject_id if case_type and type_id == case_type.pk else None
        batch.append(Old(id=row.pop("pk"), case_id=case_id, **row))
        if len(batch) >= BATCH:
            Old.objects.bulk_create(batch)
            batch = []
    Old.objects.bulk_create(batch)
    New.objects.all().delete()
    _reset_sequence(schema_editor, Old)


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0006_business_clock_defaults"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0008_notification"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
