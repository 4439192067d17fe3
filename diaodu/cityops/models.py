"""城运中心: grid events (a kind of 督办 case with its own steps), their categories and limits,
the working hours the limits count in, and the streets' monthly grid-governance ranking.

An event is a `cases.Case(kind=event)`; what only events have lives in `Event`, one-to-one
with the case (docs/design.md, "a new kind of case"). `Event.street` repeats the grid's street
so the consoles count by street from one indexed table without walking the unit tree.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from diaodu.cases.models import Case
from diaodu.core.models import OrgUnit
from diaodu.core.versions import VersionedSettings

from . import policy


class CategoryKind(models.TextChoices):
    EVENT = "event", _("事件")
    COMPONENT = "component", _("部件")


class EventCategory(models.Model):
    """One class of the managed list (GB/T 30428.2: 大类 + 小类), with its limits in working
    hours per step."""

    code = models.CharField(_("代码"), max_length=16, unique=True)
    kind = models.CharField(_("类别"), max_length=16, choices=CategoryKind.choices,
                            default=CategoryKind.EVENT)
    major_code = models.CharField(_("大类代码"), max_length=4)
    major_name = models.CharField(_("大类"), max_length=40)
    name = models.CharField(_("小类"), max_length=60)
    scenario = models.CharField(_("应用场景"), max_length=32, default="grid_events")
    accept_hours = models.DecimalField(_("立案时限（工作小时）"), max_digits=5, decimal_places=2,
                                       default=2)
    dispatch_hours = models.DecimalField(_("派遣时限（工作小时）"), max_digits=5,
                                         decimal_places=2, default=1)
    handle_hours = models.DecimalField(_("处置时限（工作小时）"), max_digits=5, decimal_places=2,
                                       default=24)
    verify_hours = models.DecimalField(_("核查时限（工作小时）"), max_digits=5, decimal_places=2,
                                       default=4)
    close_hours = models.DecimalField(_("结案时限（工作小时）"), max_digits=5, decimal_places=2,
                                      default=2)
    sort = models.PositiveIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("事件类别")
        verbose_name_plural = _("事件类别")
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def hours_for(self, step: str):
        return getattr(self, f"{policy.LIMIT_FIELD[step]}_hours")


class OpsSettings(models.Model):
    """The one set of working hours and escalation settings of the operations centres."""

    periods = models.CharField(_("工作时段"), max_length=100, default="08:30-12:00,14:00-17:30",
                               help_text=_("如 08:30-12:00,14:00-17:30；只在工作日计时"))
    near_percent = models.PositiveSmallIntegerField(_("临期提醒（剩余时限百分比）"), default=25)
    escalate_after_hours = models.DecimalField(_("超时后升级至区城运中心（工作小时）"),
                                               max_digits=5, decimal_places=2, default=2)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("城运时限设置")
        verbose_name_plural = _("城运时限设置")

    def __str__(self) -> str:
        return str(_("城运时限设置"))


class Stage(models.TextChoices):
    REPORTED = policy.REPORTED, _("待立案")
    ACCEPTED = policy.ACCEPTED, _("已立案待派遣")
    REJECTED = policy.REJECTED, _("不予立案")
    DISPATCHED = policy.DISPATCHED, _("处置中")
    HANDLED = policy.HANDLED, _("已处置待核查")
    VERIFIED = policy.VERIFIED, _("已核查待结案")
    CLOSED = policy.CLOSED, _("已结案")
    EVALUATED = policy.EVALUATED, _("已评价")


class Source(models.TextChoices):
    GRID = "grid", _("网格员上报")
    OPEN311 = "open311", _("接口上报（Open311）")
    HOTLINE = "hotline", _("12345热线")


class Satisfaction(models.IntegerChoices):
    SATISFIED = 3, _("满意")
    BASIC = 2, _("基本满意")
    UNSATISFIED = 1, _("不满意")


class Event(models.Model):
    """What only an event has beside its case: where (grid, point), what (category), where it
    stands (stage, the limit of the step it waits for) and how it ended."""

    case = models.OneToOneField(Case, verbose_name=_("督办事项"), on_delete=models.CASCADE,
                                primary_key=True, related_name="event")
    category = models.ForeignKey(EventCategory, verbose_name=_("事件类别"),
                                 on_delete=models.PROTECT, related_name="events")
    grid = models.ForeignKey(OrgUnit, verbose_name=_("网格"), on_delete=models.PROTECT,
                             related_name="grid_events")
    street = models.ForeignKey(OrgUnit, verbose_name=_("街道"), on_delete=models.PROTECT,
                               related_name="street_events")
    stage = models.CharField(_("环节"), max_length=16, choices=Stage.choices,
                             default=Stage.REPORTED)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices,
                              default=Source.GRID)
    address = models.CharField(_("位置描述"), max_length=200, blank=True)
    lat = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    lon = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    gps_outside_grid = models.BooleanField(_("定位不在网格内"), null=True, blank=True)
    exif_missing = models.BooleanField(_("照片无拍摄信息"), default=False)
    reported_at = models.DateTimeField(_("上报时间"))
    reported_on = models.DateField(_("上报日期"))
    step_due_at = models.DateTimeField(_("本环节时限"), null=True, blank=True)
    warn_at = models.DateTimeField(_("临期时间"), null=True, blank=True)
    overdue_steps = models.PositiveSmallIntegerField(_("超时环节数"), default=0)
    escalation = models.PositiveSmallIntegerField(_("升级层级"), default=0,
                                                  help_text=_("0 街道，1 区城运中心"))
    city_reported_at = models.DateTimeField(_("上报市级时间"), null=True, blank=True)
    reject_reason = models.CharField(_("不予立案理由"), max_length=200, blank=True)
    handled_at = models.DateTimeField(_("处置时间"), null=True, blank=True)
    verified_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("满意度"), choices=Satisfaction.choices,
                                                    null=True, blank=True)
    evaluated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("网格事件")
        verbose_name_plural = _("网格事件")
        ordering = ["-reported_at"]
        indexes = [
            # The consoles: open events of a street by stage and limit, today's intake, the
            # month's closures (docs/cityops.md, "counters").
            models.Index(fields=["street", "stage", "step_due_at"], name="event_street_stage"),
            models.Index(fields=["stage", "step_due_at"], name="event_stage_due"),
            models.Index(fields=["reported_on", "street"], name="event_reported_on"),
            models.Index(fields=["closed_on", "street"], name="event_closed_on"),
            models.Index(fields=["grid", "stage"], name="event_grid_stage"),
            models.Index(fields=["warn_at"], condition=Q(stage__in=policy.OPEN_STAGES),
                         name="event_open_warn"),
        ]

    def __str__(self) -> str:
        return str(self.case)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("cityops:event", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.stage in policy.OPEN_STAGES

    # The policy reads these (pure: it sees attributes, not the ORM).
    @property
    def status(self) -> str:
        return self.stage


class GridScoringScheme(VersionedSettings):
    """One version of the weights of the streets' grid-governance ranking (sum 100) and the
    size of the 第一方阵 — versioned like the key-project ScoringScheme."""

    weights = models.JSONField(_("权重"), default=dict)
    top_group_size = models.PositiveSmallIntegerField(_("第一方阵名额"), default=5)

    class Meta(VersionedSettings.Meta):
        verbose_name = _("网格治理评分方案")
        verbose_name_plural = _("网格治理评分方案")
        constraints = [models.UniqueConstraint(fields=["is_active"], condition=Q(is_active=True),
                                               name="one_active_grid_scheme")]


class StreetRanking(models.Model):
    """A street's grid-governance score and place in one month, under the scheme then active."""

    year = models.PositiveIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"))
    street = models.ForeignKey(OrgUnit, verbose_name=_("街道"), on_delete=models.PROTECT,
                               related_name="+")
    scheme = models.ForeignKey(GridScoringScheme, verbose_name=_("评分方案"),
                               on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1)
    rank = models.PositiveIntegerField(_("名次"))
    top_group = models.BooleanField(_("第一方阵"), default=False)
    metrics = models.JSONField(_("分项指标"), default=dict)
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("计算人"),
                                    on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    class Meta:
        verbose_name = _("街道网格治理排名")
        verbose_name_plural = _("街道网格治理排名")
        ordering = ["year", "month", "rank"]
        constraints = [models.UniqueConstraint(fields=["year", "month", "street"],
                                               name="one_street_ranking_per_month")]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.street}"
