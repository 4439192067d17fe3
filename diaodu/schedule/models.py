"""Project schedules: milestone types and templates, activities, dependencies, baselines.

Dates a user plans (planned, actual, constraint) are stored as entered (after moving a day off to
a working day, with a note). The forecast, latest dates and floats are written by
services.schedule_recompute from cpm.py, in the same transaction as the change that caused them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from diaodu.core import clock
from diaodu.projects.models import Category, Project

from . import cpm


class LinkKind(models.TextChoices):
    FS = cpm.FS, _("完成-开始（FS）")
    SS = cpm.SS, _("开始-开始（SS）")
    FF = cpm.FF, _("完成-完成（FF）")
    SF = cpm.SF, _("开始-完成（SF）")


class ConstraintKind(models.TextChoices):
    NONE = "", _("无")
    SNET = cpm.SNET, _("不早于某日开始")
    FNLT = cpm.FNLT, _("不晚于某日完成")
    MFO = cpm.MFO, _("必须于某日完成")


class Rag(models.TextChoices):
    DONE = "done", _("已完成")
    ON_TRACK = "green", _("正常")
    AT_RISK = "amber", _("有风险")
    LATE = "red", _("滞后")


class MilestoneType(models.Model):
    """A managed list of milestones (立项, 环评, 施工许可, 开工 …) with a default duration."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=40, unique=True)
    default_duration = models.PositiveIntegerField(_("默认工期（工作日）"), default=0)
    is_key = models.BooleanField(_("关键节点"), default=False,
                                 help_text=_("关键节点显示在挂图作战图上。"))
    sort = models.PositiveIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("节点类型")
        verbose_name_plural = _("节点类型")
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name


class ScheduleTemplate(models.Model):
    """The usual activities and links of a kind of project, applied in one step."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=60, unique=True)
    category = models.ForeignKey(Category, verbose_name=_("适用类别"), on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="schedule_templates")
    description = models.TextField(_("说明"), blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("进度模板")
        verbose_name_plural = _("进度模板")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class TemplateItem(models.Model):
    template = models.ForeignKey(ScheduleTemplate, verbose_name=_("模板"),
                                 on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(_("序号"))
    milestone_type = models.ForeignKey(MilestoneType, verbose_name=_("节点类型"),
                                       on_delete=models.PROTECT, related_name="+")
    duration = models.PositiveIntegerField(_("工期（工作日）"), null=True, blank=True,
                                           help_text=_("留空则用节点类型的默认工期。"))

    class Meta:
        verbose_name = _("模板节点")
        verbose_name_plural = _("模板节点")
        ordering = ["template", "position"]
        constraints = [models.UniqueConstraint(fields=["template", "position"],
                                               name="template_item_unique_position")]

    def __str__(self) -> str:
        return f"{self.position}. {self.milestone_type}"


class TemplateLink(models.Model):
    template = models.ForeignKey(ScheduleTemplate, verbose_name=_("模板"),
                                 on_delete=models.CASCADE, related_name="links")
    predecessor = models.PositiveIntegerField(_("紧前节点序号"))
    successor = models.PositiveIntegerField(_("紧后节点序号"))
    kind = models.CharField(_("关系类型"), max_length=2, choices=LinkKind.choices,
                            default=LinkKind.FS)
    lag = models.IntegerField(_("间隔（工作日）"), default=0)

    class Meta:
        verbose_name = _("模板关系")
        verbose_name_plural = _("模板关系")
        ordering = ["template", "predecessor", "successor"]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} {self.kind}{self.lag:+d}"


class ProjectSchedule(models.Model):
    """A project's schedule settings and the summary of its last computation."""

    project = models.OneToOneField(Project, verbose_name=_("项目"), on_delete=models.PROTECT,
                                   related_name="schedule")
    start_on = models.DateField(_("计划起始日"))
    target_finish = models.DateField(_("目标完成日期"), null=True, blank=True,
                                     help_text=_("倒排工期：从此日期倒推各节点的最迟开始和完成。"))
    risk_float = models.PositiveIntegerField(
        _("风险预警浮动时间（工作日）"), default=5,
        help_text=_("总浮动时间少于此数的未完成节点标为“有风险”。"))
    note = models.TextField(_("日期调整说明"), blank=True)
    # Written by schedule_recompute.
    finish_on = models.DateField(_("预测完成日期"), null=True, blank=True)
    target_float = models.IntegerField(_("目标浮动时间（工作日）"), null=True, blank=True)
    computed_on = models.DateField(_("计算日期"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("项目进度计划")
        verbose_name_plural = _("项目进度计划")

    def __str__(self) -> str:
        return str(self.project)


class Activity(models.Model):
    """One activity or milestone (duration 0) of a project's schedule."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="activities")
    milestone_type = models.ForeignKey(MilestoneType, verbose_name=_("节点类型"),
                                       on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="activities")
    name = models.CharField(_("名称"), max_length=100)
    position = models.PositiveIntegerField(_("序号"), default=0)
    duration = models.PositiveIntegerField(_("工期（工作日）"))
    is_key = models.BooleanField(_("关键节点"), default=False)
    planned_start = models.DateField(_("计划开始"), null=True, blank=True)
    planned_finish = models.DateField(_("计划完成"), null=True, blank=True)
    actual_start = models.DateField(_("实际开始"), null=True, blank=True)
    actual_finish = models.DateField(_("实际完成"), null=True, blank=True)
    percent = models.PositiveSmallIntegerField(_("完成百分比"), default=0)
    constraint_kind = models.CharField(_("约束"), max_length=8, choices=ConstraintKind.choices,
                                       blank=True, default="")
    constraint_date = models.DateField(_("约束日期"), null=True, blank=True)
    note = models.CharField(_("日期调整说明"), max_length=300, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    # Written by schedule_recompute.
    early_start = models.DateField(_("预测开始"), null=True, blank=True)
    early_finish = models.DateField(_("预测完成"), null=True, blank=True)
    late_start = models.DateField(_("最迟开始"), null=True, blank=True)
    late_finish = models.DateField(_("最迟完成"), null=True, blank=True)
    total_float = models.IntegerField(_("总浮动时间"), null=True, blank=True)
    free_float = models.IntegerField(_("自由浮动时间"), null=True, blank=True)
    critical = models.BooleanField(_("关键路径"), default=False)
    rag = models.CharField(_("状态"), max_length=8, choices=Rag.choices, blank=True)

    history = HistoricalRecords(excluded_fields=[
        "early_start", "early_finish", "late_start", "late_finish", "total_float",
        "free_float", "critical", "rag"])

    class Meta:
        verbose_name = _("进度节点")
        verbose_name_plural = _("进度节点")
        ordering = ["project", "position", "id"]
        indexes = [models.Index(fields=["project", "position"]),
                   models.Index(fields=["is_key", "rag"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(percent__lte=100),
                                   name="activity_percent_at_most_100"),
        ]

    def __str__(self) -> str:
        return self.name


class Dependency(models.Model):
    """A link between two activities of the same project."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="dependencies")
    predecessor = models.ForeignKey(Activity, verbose_name=_("紧前节点"),
                                    on_delete=models.CASCADE, related_name="successor_links")
    successor = models.ForeignKey(Activity, verbose_name=_("紧后节点"),
                                  on_delete=models.CASCADE, related_name="predecessor_links")
    kind = models.CharField(_("关系类型"), max_length=2, choices=LinkKind.choices,
                            default=LinkKind.FS)
    lag = models.IntegerField(_("间隔（工作日）"), default=0,
                              help_text=_("负数表示提前（搭接）。"))

    class Meta:
        verbose_name = _("节点关系")
        verbose_name_plural = _("节点关系")
        ordering = ["project", "predecessor__position", "successor__position"]
        constraints = [
            # SS and FF together between one pair is usual (overlapping work), so the
            # kind is part of the key.
            models.UniqueConstraint(fields=["predecessor", "successor", "kind"],
                                    name="dependency_unique_pair_kind"),
            models.CheckConstraint(condition=~models.Q(predecessor=models.F("successor")),
                                   name="dependency_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class Baseline(models.Model):
    """A saved copy of the plan, to measure slip against."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="baselines")
    name = models.CharField(_("名称"), max_length=60)
    taken_on = models.DateField(_("保存日期"))
    finish_on = models.DateField(_("基线完成日期"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("保存人"),
                                   on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("创建时间"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("进度基线")
        verbose_name_plural = _("进度基线")
        ordering = ["project", "-taken_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["project", "name"],
                                               name="baseline_unique_name")]

    def __str__(self) -> str:
        return f"{self.name}（{self.taken_on:%Y-%m-%d}）"


class BaselineEntry(models.Model):
    baseline = models.ForeignKey(Baseline, verbose_name=_("基线"), on_delete=models.CASCADE,
                                 related_name="entries")
    activity = models.ForeignKey(Activity, verbose_name=_("节点"), on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="baseline_entries")
    name = models.CharField(_("名称"), max_length=100)
    start = models.DateField(_("基线开始"))
    finish = models.DateField(_("基线完成"))
    duration = models.PositiveIntegerField(_("工期（工作日）"))

    class Meta:
        verbose_name = _("基线节点")
        verbose_name_plural = _("基线节点")
        ordering = ["baseline", "start", "id"]

    def __str__(self) -> str:
        return self.name
