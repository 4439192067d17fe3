"""The key-project ledger (台账): projects, categories and the 三个一批 campaigns."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from diaodu.core.models import OrgUnit


class Level(models.TextChoices):
    PROVINCE = "province", _("省重点")
    CITY = "city", _("市重点")
    DISTRICT = "district", _("区重点")


def level_rank() -> models.Case:
    """省 before 市 before 区 (the choice values sort alphabetically otherwise)."""
    return models.Case(
        *(models.When(level=value, then=rank) for rank, value in enumerate(Level.values)),
        output_field=models.IntegerField())


class Stage(models.TextChoices):
    PIPELINE = "pipeline", _("谋划")
    NEGOTIATING = "negotiating", _("在谈")
    SIGNED = "signed", _("签约")
    PREPARATION = "preparation", _("前期")
    CONSTRUCTION = "construction", _("在建")
    COMPLETED = "completed", _("竣工投产")


class Category(models.Model):
    """A managed list of project categories (城中村改造, 城市更新, 产业 …)."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=40, unique=True)
    sort = models.PositiveIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("项目类别")
        verbose_name_plural = _("项目类别")
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    code = models.CharField(_("项目代码"), max_length=24, unique=True, null=True, blank=True)
    name = models.CharField(_("项目名称"), max_length=200)
    level = models.CharField(_("级别"), max_length=16, choices=Level.choices)
    category = models.ForeignKey(Category, verbose_name=_("类别"), on_delete=models.PROTECT,
                                 related_name="projects")
    stage = models.CharField(_("阶段"), max_length=16, choices=Stage.choices,
                             default=Stage.PIPELINE)
    owner_name = models.CharField(_("建设单位"), max_length=200, blank=True)
    responsible_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("责任单位"), on_delete=models.PROTECT,
        related_name="responsible_projects")
    street = models.ForeignKey(
        OrgUnit, verbose_name=_("属地街道"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="street_projects")
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("包联领导"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="led_projects")
    # The 包联领导 as a ledger wrote it when no leader account matches (a post such as
    # 副区长（分管城建）, or a name without an account): kept beside the account link.
    leader_text = models.CharField(_("包联领导（文字）"), max_length=100, blank=True)
    total_investment = models.DecimalField(_("总投资（万元）"), max_digits=14, decimal_places=2)
    scope = models.TextField(_("建设内容及规模"), blank=True)
    planned_start = models.DateField(_("计划开工"), null=True, blank=True)
    planned_completion = models.DateField(_("计划竣工"), null=True, blank=True)
    actual_start = models.DateField(_("实际开工"), null=True, blank=True)
    actual_completion = models.DateField(_("实际竣工"), null=True, blank=True)
    reached_capacity_on = models.DateField(_("达产日期"), null=True, blank=True)
    fulfilled_on = models.DateField(_("履约日期"), null=True, blank=True)
    on_whitelist = models.BooleanField(_("白名单"), default=False)
    whitelisted_on = models.DateField(_("列入白名单日期"), null=True, blank=True)
    whitelist_note = models.CharField(_("白名单支持事项"), max_length=200, blank=True)
    stats_registered_on = models.DateField(_("统计入库日期"), null=True, blank=True)
    location = models.CharField(_("建设地点"), max_length=200, blank=True)
    # The site's point (WGS-84, as phones write it in EXIF): site photos are checked against it.
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True,
                                   blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True,
                                    blank=True)
    # Dates a ledger gave to the month only ({"planned_start": "month"}): stored as the 1st,
    # shown as 2022年4月 (Project.date_text), never passed off as a day.
    date_precision = models.JSONField(_("日期精度"), default=dict, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("重点项目")
        verbose_name_plural = _("重点项目")
        ordering = ["level", "-total_investment", "id"]
        indexes = [models.Index(fields=["stage", "level"]), models.Index(fields=["name"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(total_investment__gte=0),
                                   name="project_total_investment_non_negative"),
            # A point is both coordinates or none, each in its range.
            models.CheckConstraint(
                condition=(models.Q(latitude__isnull=True, longitude__isnull=True)
                           | models.Q(latitude__gte=-90, latitude__lte=90,
                                      longitude__gte=-180, longitude__lte=180)),
                name="project_point_in_range"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("projects:detail", args=[self.pk])

    def date_text(self, field: str) -> str:
        """A date as precise as it is known: 2022年4月 for a month, else 2022-04-15."""
        value = getattr(self, field)
        if value is None:
            return ""
        if (self.date_precision or {}).get(field) == "month":
            return _("%(y)s年%(m)s月") % {"y": value.year, "m": value.month}
        return value.isoformat()

    @property
    def dates_text(self) -> dict[str, str]:
        """The four schedule dates as date_text shows them (for templates)."""
        return {f: self.date_text(f) for f in ("planned_start", "planned_completion",
                                               "actual_start", "actual_completion")}

    @property
    def point(self) -> tuple[Decimal, Decimal] | None:
        if self.latitude is None or self.longitude is None:
            return None
        return (self.latitude, self.longitude)

    @property
    def leader_shown(self) -> str:
        """The leader account's name, else the text the ledger gave."""
        return str(self.leader) if self.leader_id else self.leader_text


class Campaign(models.Model):
    """One phase of 三个一批 (sign, start and production batches), e.g. 河南省第一期."""

    issuer_level = models.CharField(_("发布层级"), max_length=16, choices=Level.choices)
    year = models.PositiveIntegerField(_("年度"))
    phase = models.PositiveIntegerField(_("期数"))
    held_on = models.DateField(_("活动日期"), null=True, blank=True)
    name = models.CharField(_("名称"), max_length=100)

    class Meta:
        verbose_name = _("三个一批活动")
        verbose_name_plural = _("三个一批活动")
        ordering = ["-year", "-phase"]
        constraints = [models.UniqueConstraint(fields=["issuer_level", "phase"],
                                               name="campaign_unique_phase")]

    def __str__(self) -> str:
        return self.name


class Batch(models.TextChoices):
    SIGN = "sign", _("签约一批")
    START = "start", _("开工一批")
    PRODUCE = "produce", _("投产一批")


class CampaignEntry(models.Model):
    campaign = models.ForeignKey(Campaign, verbose_name=_("活动"), on_delete=models.PROTECT,
                                 related_name="entries")
    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="campaign_entries")
    batch = models.CharField(_("批次"), max_length=16, choices=Batch.choices)
    listed_on = models.DateField(_("列入日期"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("三个一批项目")
        verbose_name_plural = _("三个一批项目")
        ordering = ["-campaign__year", "-campaign__phase", "batch"]
        constraints = [models.UniqueConstraint(fields=["campaign", "project", "batch"],
                                               name="campaign_entry_unique")]

    def __str__(self) -> str:
        return f"{self.campaign} {self.get_batch_display()}：{self.project}"
