"""Import jobs and saved header mappings of the ledger import (台账导入)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from diaodu.core.models import OrgUnit
from diaodu.projects.models import Category


class ImportKind(models.TextChoices):
    PROJECTS = "projects", _("重点项目台账")
    PLANS = "plans", _("年度投资计划")
    REPORTS = "reports", _("月度进度填报")
    APPROVALS = "approvals", _("审批事项")
    GRIDS = "grids", _("网格户数人口")


class JobStatus(models.TextChoices):
    READING = "reading", _("读取中")
    MAPPED = "mapped", _("待确认表头")
    CHECKED = "checked", _("已预检")
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("导入中")
    DONE = "done", _("已导入")
    FAILED = "failed", _("未导入")


class ImportJob(models.Model):
    """One uploaded file on its way in: the file and its hash, the confirmed mapping, the
    dry-run summary with per-row actions and errors, and the result of the commit."""

    kind = models.CharField(_("类型"), max_length=16, choices=ImportKind.choices)
    status = models.CharField(_("状态"), max_length=16, choices=JobStatus.choices,
                              default=JobStatus.MAPPED, db_index=True)
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    filename = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(_("文件哈希"), max_length=64, db_index=True)
    size = models.PositiveIntegerField(_("文件大小"))
    unit = models.ForeignKey(OrgUnit, verbose_name=_("导入单位"), on_delete=models.PROTECT,
                             null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("导入人"),
                                   on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    # Where the header is and which column feeds which field: {"sheet", "header_row",
    # "header_rows", "labels": [...], "fields": {field: column}, "factors": {column: "1"}}.
    mapping = models.JSONField(_("表头映射"), default=dict, blank=True)
    options = models.JSONField(_("选项"), default=dict, blank=True)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    # Counts per action, total checks and notes of the last dry run or commit.
    summary = models.JSONField(_("汇总"), default=dict, blank=True)
    # One entry per data row: {"row", "action", "key", "diff", "errors": [{col, message}]}.
    rows = models.JSONField(_("逐行结果"), default=list, blank=True)
    result = models.JSONField(_("导入结果"), default=dict, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.filename}"

    @property
    def error_count(self) -> int:
        return int(self.summary.get("error", 0))

    @property
    def busy(self) -> bool:
        return self.status in (JobStatus.READING, JobStatus.QUEUED, JobStatus.RUNNING)


class MappingProfile(models.Model):
    """A unit's saved header mapping for one kind of ledger ({normalised header: field}), so
    the next month's file maps itself."""

    unit = models.ForeignKey(OrgUnit, verbose_name=_("单位"), on_delete=models.PROTECT,
                             related_name="+")
    kind = models.CharField(_("类型"), max_length=16, choices=ImportKind.choices)
    name = models.CharField(_("名称"), max_length=60)
    columns = models.JSONField(_("表头对应"), default=dict)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("保存人"),
                                   on_delete=models.PROTECT, null=True, related_name="+")
    updated_at = models.DateTimeField(_("保存时间"), auto_now=True)

    class Meta:
        verbose_name = _("表头映射方案")
        verbose_name_plural = _("表头映射方案")
        ordering = ["unit_id", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["unit", "kind", "name"],
                                               name="mapping_profile_unique")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.name}"


class AliasKind(models.TextChoices):
    UNIT = "unit", _("单位或街道")
    CATEGORY = "category", _("项目类别")
    LEADER = "leader", _("包联领导")


class NameAlias(models.Model):
    """Another name for a unit, street, category or leader account as ledgers write it
    (区住建局 for 中原区住房和城乡建设局, 副区长（分管城建） for a leader). One name means one
    thing: unique per kind across all units. Saved from the import's reconciliation step or
    in the admin."""

    kind = models.CharField(_("类型"), max_length=16, choices=AliasKind.choices)
    name = models.CharField(_("写法"), max_length=100)
    # The name compared (core.imports.name_key: full-width folded, no spaces).
    key = models.CharField(_("比对用写法"), max_length=100, editable=False)
    unit = models.ForeignKey(OrgUnit, verbose_name=_("单位"), on_delete=models.CASCADE,
                             null=True, blank=True, related_name="+")
    category = models.ForeignKey(Category, verbose_name=_("项目类别"),
                                 on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("领导账号"),
                             on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"),
                                   on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("名称别名")
        verbose_name_plural = _("名称别名")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="name_alias_unique"),
            models.CheckConstraint(
                condition=(models.Q(kind="unit", unit__isnull=False, category__isnull=True,
                                    user__isnull=True)
                           | models.Q(kind="category", category__isnull=False,
                                      unit__isnull=True, user__isnull=True)
                           | models.Q(kind="leader", user__isnull=False, unit__isnull=True,
                                      category__isnull=True)),
                name="name_alias_one_target"),
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.target}"

    @property
    def target(self):
        return self.unit or self.category or self.user
