"""A report's own indexes without the ones others cover (project, round) or no query uses
(status's `_like` twin); its history keeps the indexes it is read by (report, date, user)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('investment', '0006_business_clock_defaults'),
        ('projects', '0004_project_point'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='historicalprogressreport',
            name='project',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='projects.project', verbose_name='项目'),
        ),
        migrations.AlterField(
            model_name='historicalprogressreport',
            name='reviewed_by',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='审定人'),
        ),
        migrations.AlterField(
            model_name='historicalprogressreport',
            name='round',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='investment.reportinground', verbose_name='调度轮次'),
        ),
        migrations.AlterField(
            model_name='historicalprogressreport',
            name='status',
            field=models.CharField(choices=[('draft', '待填报'), ('submitted', '已提交'), ('unit_approved', '单位已审核'), ('returned', '已退回'), ('approved', '已审定')], default='draft', max_length=16, verbose_name='状态'),
        ),
        migrations.AlterField(
            model_name='historicalprogressreport',
            name='submitted_by',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='填报人'),
        ),
        migrations.AlterField(
            model_name='historicalprogressreport',
            name='unit_approved_by',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='单位审核人'),
        ),
        migrations.AlterField(
            model_name='progressreport',
            name='project',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='reports', to='projects.project', verbose_name='项目'),
        ),
        migrations.AlterField(
            model_name='progressreport',
            name='round',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='reports', to='investment.reportinground', verbose_name='调度轮次'),
        ),
        migrations.AlterField(
            model_name='progressreport',
            name='status',
            field=models.CharField(choices=[('draft', '待填报'), ('submitted', '已提交'), ('unit_approved', '单位已审核'), ('returned', '已退回'), ('approved', '已审定')], default='draft', max_length=16, verbose_name='状态'),
        ),
        migrations.AddIndex(
            model_name='progressreport',
            index=models.Index(fields=['status'], name='report_status'),
        ),
    ]
