"""Investment dispatch (实时调度): annual plans, reporting rounds, progress reports, corrections
after locking, and the monthly rollups the dashboards read."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from diaodu.core import clock
from diaodu.core.models import OrgUnit
from diaodu.projects.models import Category, Project

MONEY = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0.00")


class DispatchSettings(models.Model):
    """One row of settings the dispatchers tune (the data-quality thresholds and the monthly
    round's calendar)."""

    overrun_tolerance_pct = models.PositiveIntegerField(
        _("累计完成超总投资容差（%）"), default=10,
        help_text=_("累计完成超过总投资但在容差内时标记复核，超出容差则拒绝。"))
    jump_factor = models.DecimalField(
        _("环比跳增倍数"), max_digits=5, decimal_places=2, default=Decimal("3.00"),
        help_text=_("本期完成超过上期的该倍数时标记复核。"))
    round_open_day = models.PositiveSmallIntegerField(_("月度调度开启日"), default=18)
    round_due_day = models.PositiveSmallIntegerField(
        _("月度填报截止日"), default=24, help_text=_("郑州市要求每月25日前报送，默认24日截止。"))
    round_due_hour = models.PositiveSmallIntegerField(_("截止时刻（时）"), default=18)

    class Meta:
        verbose_name = _("调度设置")
        verbose_name_plural = _("调度设置")

    def __str__(self) -> str:
        return str(_("调度设置"))

    @classmethod
    def current(cls) -> "DispatchSettings":
        return cls.objects.order_by("pk").first() or cls()


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    APPROVED = "approved", _("已批准")


class AnnualPlan(models.Model):
    """A project's planned investment for one year, with 12 cumulative monthly targets."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="annual_plans")
    year = models.PositiveIntegerField(_("年度"))
    planned_investment = models.DecimalField(_("年度计划投资（万元）"), **MONEY)
    # Cumulative 万元 targets for January..December as exact decimal strings.
    monthly_targets = models.JSONField(_("月度累计目标"), default=list)
    status = models.CharField(_("状态"), max_length=16, choices=PlanStatus.choices,
                              default=PlanStatus.DRAFT)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("批准人"),
                                    on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度投资计划")
        verbose_name_plural = _("年度投资计划")
        ordering = ["-year", "project_id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="annual_plan_unique"),
            models.CheckConstraint(condition=models.Q(planned_investment__gte=0),
                                   name="annual_plan_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.project}"

    def target(self, month: int) -> Decimal:
        """Cumulative target at the end of `month` (1–12)."""
        return Decimal(self.monthly_targets[month - 1]) if self.monthly_targets else ZERO


class PlanAdjustment(models.Model):
    """A change to an approved plan: who, why, from what to what."""

    plan = models.ForeignKey(AnnualPlan, verbose_name=_("年度计划"), on_delete=models.PROTECT,
                             related_name="adjustments")
    reason = models.TextField(_("调整原因"))
    previous_investment = models.DecimalField(_("调整前（万元）"), **MONEY)
    new_investment = models.DecimalField(_("调整后（万元）"), **MONEY)
    previous_targets = models.JSONField(_("调整前月度目标"), default=list)
    adjusted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("调整人"),
                                    on_delete=models.PROTECT, null=True, related_name="+")
    adjusted_at = models.DateTimeField(_("调整时间"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("计划调整")
        verbose_name_plural = _("计划调整")
        ordering = ["-adjusted_at"]

    def __str__(self) -> str:
        return f"{self.plan}: {self.previous_investment} → {self.new_investment}"


class Cadence(models.TextChoices):
    MONTHLY = "monthly", _("月报")
    WEEKLY = "weekly", _("周报")
    AD_HOC = "ad_hoc", _("专项调度")


class ReportingRound(models.Model):
    """One dispatch period: every active project in scope reports once."""

    cadence = models.CharField(_("频次"), max_length=16, choices=Cadence.choices,
                               default=Cadence.MONTHLY)
    # Empty: the name is derived from cadence and period in the reader's language.
    title = models.CharField(_("名称"), max_length=100, blank=True)
    period_start = models.DateField(_("期间开始"))
    period_end = models.DateField(_("期间结束"))
    opens_at = models.DateTimeField(_("开启时间"))
    due_at = models.DateTimeField(_("截止时间"))
    locked_at = models.DateTimeField(_("锁定时间"), null=True, blank=True)
    locked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("锁定人"),
                                  on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发起人"),
                                   on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("创建时间"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("调度轮次")
        verbose_name_plural = _("调度轮次")
        ordering = ["-period_end", "-id"]
        constraints = [
            # One monthly round per month; weekly and ad hoc rounds may overlap.
            models.UniqueConstraint(fields=["period_start"],
                                    condition=models.Q(cadence="monthly"),
                                    name="one_monthly_round_per_month"),
        ]

    def __str__(self) -> str:
        if self.title:
            return self.title
        if self.cadence == Cadence.MONTHLY:
            return _("%(y)s年%(m)s月重点项目调度") % {"y": self.period_end.year,
                                                    "m": self.period_end.month}
        if self.cadence == Cadence.WEEKLY:
            return _("%(d)s周调度") % {"d": self.period_start.isoformat()}
        return _("专项调度（%(d)s）") % {"d": self.period_end.isoformat()}

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("investment:round", args=[self.pk])

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    @property
    def year(self) -> int:
        return self.period_end.year

    @property
    def month(self) -> int:
        return self.period_end.month


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("待填报")
    SUBMITTED = "submitted", _("已提交")
    UNIT_APPROVED = "unit_approved", _("单位已审核")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已审定")


class ProgressReport(models.Model):
    """A project's report for one round. YTD is derived by the services, never typed."""

    # No index of their own: one_report_per_round leads with the project and the
    # (round, status) index with the round. Every index is written again on each submit.
    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="reports", db_index=False)
    round = models.ForeignKey(ReportingRound, verbose_name=_("调度轮次"),
                              on_delete=models.PROTECT, related_name="reports", db_index=False)
    completed_in_period = models.DecimalField(_("本期完成投资（万元）"), default=ZERO, **MONEY)
    cumulative_completed = models.DecimalField(_("开工累计完成（万元）"), default=ZERO, **MONEY)
    ytd_completed = models.DecimalField(_("年度累计完成（万元）"), default=ZERO, **MONEY)
    physical_progress = models.TextField(_("形象进度"), blank=True)
    issues = models.TextField(_("存在问题"), blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=ReportStatus.choices,
                              default=ReportStatus.DRAFT)
    # Codes of data-quality flags raised on submit for the reviewer's attention.
    review_flags = models.JSONField(_("复核提示"), default=list, blank=True)
    is_overdue = models.BooleanField(_("逾期"), default=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("填报人"),
                                     on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    unit_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("单位审核人"),
                                         on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+")
    unit_approved_at = models.DateTimeField(_("单位审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审定人"),
                                    on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    reviewed_at = models.DateTimeField(_("审定时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    # The history is read by report (`id`) and date only; every other index on it would be
    # one more entry written per save and never read.
    history = HistoricalRecords(excluded_fields=["updated_at"], no_db_index=[
        "project", "round", "status", "submitted_by", "unit_approved_by", "reviewed_by"])

    class Meta:
        verbose_name = _("进度填报")
        verbose_name_plural = _("进度填报")
        ordering = ["round", "project_id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "round"], name="one_report_per_round"),
            models.CheckConstraint(condition=models.Q(completed_in_period__gte=0),
                                   name="report_period_non_negative"),
        ]
        indexes = [
            models.Index(fields=["round", "status"]),
            # The statuses still to act on across rounds (marking overdue). A plain index:
            # the `_like` twin db_index adds serves no LIKE anyone runs.
            models.Index(fields=["status"], name="report_status"),
            # Overdue reports are a handful among millions of approved ones: the dashboard's
            # count and list read this small index (SQLite's planner otherwise scanned the
            # status index, ≈ 250 ms at 720,000 reports).
            models.Index(fields=["project"], condition=models.Q(is_overdue=True),
                         name="report_overdue_project"),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.project}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("investment:report", args=[self.pk])


class ReportAdjustment(models.Model):
    """A correction to a report of a locked round. KPIs and rollups include it."""

    report = models.ForeignKey(ProgressReport, verbose_name=_("填报"), on_delete=models.PROTECT,
                               related_name="adjustments")
    delta_completed = models.DecimalField(_("本期完成调整额（万元）"), **MONEY)
    reason = models.TextField(_("调整原因"))
    adjusted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("调整人"),
                                    on_delete=models.PROTECT, null=True, related_name="+")
    adjusted_at = models.DateTimeField(_("调整时间"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("数据更正")
        verbose_name_plural = _("数据更正")
        ordering = ["-adjusted_at"]

    def __str__(self) -> str:
        return f"{self.report}: {self.delta_completed:+}"


class Reminder(models.Model):
    """催报: a dispatcher reminded a unit to report for a round."""

    round = models.ForeignKey(ReportingRound, verbose_name=_("调度轮次"),
                              on_delete=models.PROTECT, related_name="reminders")
    unit = models.ForeignKey(OrgUnit, verbose_name=_("单位"), on_delete=models.PROTECT,
                             related_name="+")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("催报人"),
                                on_delete=models.PROTECT, null=True, related_name="+")
    sent_at = models.DateTimeField(_("催报时间"), default=clock.now, editable=False)
    pending = models.PositiveIntegerField(_("未报数量"))

    class Meta:
        verbose_name = _("催报记录")
        verbose_name_plural = _("催报记录")
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.round} · {self.unit}"


class RegistrationPlan(models.Model):
    """拟入库: a project to be registered in the official statistics by a due month."""

    project = models.OneToOneField(Project, verbose_name=_("项目"), on_delete=models.PROTECT,
                                   related_name="registration_plan")
    due_month = models.DateField(_("计划入库月份"))
    responsible_unit = models.ForeignKey(OrgUnit, verbose_name=_("责任单位"),
                                         on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"),
                                   on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("拟入库项目")
        verbose_name_plural = _("拟入库项目")
        ordering = ["due_month", "project_id"]

    def __str__(self) -> str:
        return f"{self.due_month:%Y-%m} {self.project}"


class MonthFigures(models.Model):
    """The figures a month's bucket adds up, shared by the rollups and their summaries."""

    planned_cumulative = models.DecimalField(_("计划累计（万元）"), default=ZERO, **MONEY)
    planned_annual = models.DecimalField(_("年度计划（万元）"), default=ZERO, **MONEY)
    completed_in_month = models.DecimalField(_("当月完成（万元）"), default=ZERO, **MONEY)
    completed_ytd = models.DecimalField(_("年度累计完成（万元）"), default=ZERO, **MONEY)
    project_count = models.PositiveIntegerField(_("计划项目数"), default=0)
    reported_count = models.PositiveIntegerField(_("已审定填报数"), default=0)

    class Meta:
        abstract = True


class MonthlyRollup(MonthFigures):
    """Totals per month and bucket (unit, street, level, category). Maintained by the services
    in the same transaction as each approval, plan change and correction; dashboards read
    these rows only."""

    year = models.PositiveIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"))
    unit = models.ForeignKey(OrgUnit, verbose_name=_("责任单位"), on_delete=models.PROTECT,
                             related_name="+")
    street = models.ForeignKey(OrgUnit, verbose_name=_("属地街道"), on_delete=models.PROTECT,
                               null=True, related_name="+")
    level = models.CharField(_("级别"), max_length=16)
    category = models.ForeignKey(Category, verbose_name=_("类别"), on_delete=models.PROTECT,
                                 related_name="+")

    class Meta:
        verbose_name = _("月度汇总")
        verbose_name_plural = _("月度汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "month", "unit", "street", "level", "category"],
                name="rollup_bucket_unique"),
            # NULL streets are distinct in a plain unique index; this one covers them.
            models.UniqueConstraint(
                fields=["year", "month", "unit", "level", "category"],
                condition=models.Q(street__isnull=True), name="rollup_bucket_unique_no_street"),
        ]
        indexes = [models.Index(fields=["year", "month"])]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.unit} {self.level}"


class SummaryAxis(models.TextChoices):
    UNIT = "unit", _("责任单位")
    STREET = "street", _("属地街道")


class MonthlySummary(MonthFigures):
    """MonthlyRollup summed per month and level over one organisation axis: axis "unit" sums
    the streets and categories of a responsible unit, axis "street" the units and categories
    of a street (org empty = projects without a street). A few hundred rows a month whatever
    the number of projects, so district-wide figures come from here; kept by rollups.refresh
    in the same transaction as the rollup rows it sums, and only district-wide readers may
    see it (core.scoping)."""

    year = models.PositiveIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"))
    axis = models.CharField(_("汇总维度"), max_length=8, choices=SummaryAxis.choices)
    org = models.ForeignKey(OrgUnit, verbose_name=_("单位"), on_delete=models.PROTECT,
                            null=True, related_name="+")
    level = models.CharField(_("级别"), max_length=16)

    class Meta:
        verbose_name = _("月度分级汇总")
        verbose_name_plural = _("月度分级汇总")
        constraints = [
            models.UniqueConstraint(fields=["year", "month", "axis", "org", "level"],
                                    name="summary_key_unique"),
            models.UniqueConstraint(fields=["year", "month", "axis", "level"],
                                    condition=models.Q(org__isnull=True),
                                    name="summary_key_unique_no_org"),
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.axis} {self.org_id} {self.level}"
