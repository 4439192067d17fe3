# TaskForce moves here from the cases app. State only: the tables stay as they are
# (cases_taskforce and its three many-to-many tables); see cases/0009_taskforce_moved.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def rename_content_type(apps, schema_editor):
    """Carry the content type (and so admin log entries and permissions) over to the new app
    label, so no stale `cases.taskforce` is left behind. A fresh database has none yet."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label="projects",
                                                model="taskforce").exists():
        ContentType.objects.using(db).filter(app_label="cases", model="taskforce") \
            .update(app_label="projects")


def restore_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label="cases", model="taskforce").exists():
        ContentType.objects.using(db).filter(app_label="projects", model="taskforce") \
            .update(app_label="cases")


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0006_business_clock_defaults"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0001_initial"),
        ("projects", "0002_date_precision_leader_text"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="TaskForce",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                                   serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=100, unique=True,
                                                  verbose_name="专班名称")),
                        ("duties", models.TextField(blank=True, verbose_name="工作职责")),
                        ("active", models.BooleanField(default=True, verbose_name="在运行")),
                        ("lead_unit", models.ForeignKey(
                            on_delete=django.db.models.deletion.PROTECT,
                            related_name="led_task_forces", to="core.orgunit",
                            verbose_name="牵头单位")),
                        ("leader", models.ForeignKey(
                            blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                            related_name="headed_task_forces", to=settings.AUTH_USER_MODEL,
                            verbose_name="专班负责人")),
                        ("members", models.ManyToManyField(
                            blank=True, db_table="cases_taskforce_members",
                            related_name="task_forces", to=settings.AUTH_USER_MODEL,
                            verbose_name="成员")),
                        ("member_units", models.ManyToManyField(
                            blank=True, db_table="cases_taskforce_member_units",
                            related_name="task_forces", to="core.orgunit",
                            verbose_name="成员单位")),
                        ("projects", models.ManyToManyField(
                            blank=True, db_table="cases_taskforce_projects",
                            related_name="task_forces", to="projects.project",
                            verbose_name="服务项目")),
                    ],
                    options={
                        "verbose_name": "服务专班",
                        "verbose_name_plural": "服务专班",
                        "db_table": "cases_taskforce",
                        "ordering": ["name"],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(rename_content_type, restore_content_type, elidable=False),
    ]
