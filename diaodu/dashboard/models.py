"""Warning rules and warnings, scoring schemes and the monthly unit ranking (DESIGN §5)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from diaodu.core.models import OrgUnit
from diaodu.core.versions import VersionedSettings
from diaodu.projects.models import Project


class WarningLevel(models.TextChoices):
    RED = "red", _("红色预警")
    AMBER = "amber", _("黄色预警")


class WarningMetric(models.TextChoices):
    COMPLETION_VS_TIME = "completion_vs_time", _("投资完成率与应完成进度")
    FORECAST_SHORTFALL = "forecast_shortfall", _("年末预测完成")
    MILESTONE_LATE = "milestone_late", _("节点滞后")
    NEGATIVE_FLOAT = "negative_float", _("浮动时间为负")
    REPORT_OVERDUE = "report_overdue", _("填报逾期")
    CASE_OVERDUE = "case_overdue", _("督办逾期")
    STALE = "stale", _("数据未更新")
    START_OVERDUE = "start_overdue", _("逾期未开工")


class WarningRuleSet(VersionedSettings):
    """One version of the warning rules. Versions are never edited: a change is a new version,
    and exactly one version is active."""

    rules = models.JSONField(_("规则"), default=list)

    class Meta(VersionedSettings.Meta):
        verbose_name = _("预警规则")
        verbose_name_plural = _("预警规则")
        constraints = [models.UniqueConstraint(fields=["is_active"],
                                               condition=models.Q(is_active=True),
                                               name="one_active_warning_rule_set")]


class Warning(models.Model):
    """A project's warning for one metric, open from `since` until `cleared_on`. A level change
    closes the old row and opens a new one, so the history shows each colour's period."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="warnings")
    metric = models.CharField(_("指标"), max_length=32, choices=WarningMetric.choices)
    level = models.CharField(_("等级"), max_length=8, choices=WarningLevel.choices)
    value = models.DecimalField(_("指标值"), max_digits=14, decimal_places=2)
    reason = models.CharField(_("原因"), max_length=300)
    rule_set = models.ForeignKey(WarningRuleSet, verbose_name=_("规则版本"),
                                 on_delete=models.PROTECT, related_name="+")
    since = models.DateField(_("预警日期"))
    cleared_on = models.DateField(_("解除日期"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        ordering = ["-since", "-id"]
        constraints = [models.UniqueConstraint(
            fields=["project", "metric"], condition=models.Q(cleared_on__isnull=True),
            name="one_open_warning_per_metric")]
        indexes = [
            models.Index(fields=["cleared_on", "level"]),
            # The dashboard's red and amber lists: the first ten open warnings of a level in
            # list order, read from the index instead of sorting a join with every project.
            models.Index(fields=["level", "since", "project", "metric"],
                         condition=models.Q(cleared_on__isnull=True), name="open_warning_list"),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_metric_display()}"

    @property
    def is_open(self) -> bool:
        return self.cleared_on is None


class ScoringScheme(VersionedSettings):
    """One version of the ranking weights (sum 100) and the size of the 第一方阵."""

    weights = models.JSONField(_("权重"), default=dict)
    top_group_size = models.PositiveSmallIntegerField(_("第一方阵名额"), default=5)

    class Meta(VersionedSettings.Meta):
        verbose_name = _("评分方案")
        verbose_name_plural = _("评分方案")
        constraints = [models.UniqueConstraint(fields=["is_active"],
                                               condition=models.Q(is_active=True),
                                               name="one_active_scoring_scheme")]


class RankingKind(models.TextChoices):
    UNIT = "unit", _("责任单位")
    STREET = "street", _("属地街道")


class UnitRanking(models.Model):
    """A unit's (or street's) score and place in one month, under the scheme then active."""

    year = models.PositiveIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"))
    kind = models.CharField(_("类型"), max_length=8, choices=RankingKind.choices)
    unit = models.ForeignKey(OrgUnit, verbose_name=_("单位"), on_delete=models.PROTECT,
                             related_name="+")
    scheme = models.ForeignKey(ScoringScheme, verbose_name=_("评分方案"),
                               on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1)
    rank = models.PositiveIntegerField(_("名次"))
    top_group = models.BooleanField(_("第一方阵"), default=False)
    metrics = models.JSONField(_("分项指标"), default=dict)
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)

    class Meta:
        verbose_name = _("单位排名")
        verbose_name_plural = _("单位排名")
        ordering = ["year", "month", "kind", "rank"]
        constraints = [models.UniqueConstraint(fields=["year", "month", "kind", "unit"],
                                               name="one_ranking_per_unit_month")]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.unit} #{self.rank}"
