# TaskForce moved to the projects app (projects/0003_taskforce). State only: Case.task_force
# keeps its column and its foreign key to the same table (cases_taskforce); the model leaves
# this app's state without dropping anything.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0008_remove_notification"),
        ("projects", "0003_taskforce"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="case",
                    name="task_force",
                    field=models.ForeignKey(
                        blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                        related_name="cases", to="projects.taskforce",
                        verbose_name="服务专班"),
                ),
                migrations.DeleteModel(name="TaskForce"),
            ],
            database_operations=[],
        ),
    ]
