"""督办: cases with their action log, leader visits and instructions, approvals with legal time
limits, notices and the in-app inbox (task forces live in projects)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from diaodu.core import clock, overdue
from diaodu.core.models import OrgUnit
from diaodu.core.phrases import Phrased
from diaodu.projects.models import Project, TaskForce


class CaseKind(models.TextChoices):
    PROBLEM = "problem", _("难点堵点")
    INSTRUCTION = "instruction", _("领导交办")
    EVENT = "event", _("事件")


class CaseCategory(models.TextChoices):
    LAND = "land", _("土地")
    FUNDS = "funds", _("资金")
    DEMOLITION = "demolition", _("拆迁")
    PROCEDURES = "procedures", _("手续办理")
    PLANNING = "planning", _("规划/控规调整")
    LAND_RESERVE = "land_reserve", _("土地收储")
    ENVIRONMENT = "environment", _("环境")
    OTHER = "other", _("其他")


class CaseSource(models.TextChoices):
    REPORT = "report", _("调度填报")
    VISIT = "visit", _("领导督导调研")
    LEADER = "leader", _("领导交办")
    TASK_FORCE = "task_force", _("服务专班")
    HOTLINE = "hotline", _("热线")
    GRID = "grid", _("网格上报")


class Priority(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")
    CRITICAL = "critical", _("特急")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("待交办")
    ASSIGNED = "assigned", _("已交办")
    IN_PROGRESS = "in_progress", _("办理中")
    RESOLVED = "resolved", _("已办结待核查")
    VERIFIED = "verified", _("已核查")
    CLOSED = "closed", _("已销号")
    RETURNED = "returned", _("核查退回")


# Statuses in which the unit still owes work: reminders, overdue marks and escalation apply.
PENDING_STATUSES = (CaseStatus.ASSIGNED, CaseStatus.IN_PROGRESS, CaseStatus.RETURNED)
DONE_STATUSES = (CaseStatus.RESOLVED, CaseStatus.VERIFIED, CaseStatus.CLOSED)


class Visit(models.Model):
    """督导 / 调研 / 现场办公: a leaders' visit to projects, whose instructions become cases."""

    class Kind(models.TextChoices):
        INSPECTION = "inspection", _("督导")
        ONSITE_OFFICE = "onsite_office", _("现场办公")
        RESEARCH = "research", _("调研")

    visited_on = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    leaders = models.CharField(_("带队及陪同领导"), max_length=300,
                               help_text=_("填写职务，如：区委书记、常务副区长"))
    lead_user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("带队领导账号"),
                                  on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="led_visits")
    projects = models.ManyToManyField(Project, verbose_name=_("调研项目"), related_name="visits",
                                      blank=True)
    notes = models.TextField(_("情况记录"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"),
                                   on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("登记时间"), default=clock.now, editable=False)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("督导调研")
        verbose_name_plural = _("督导调研")
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.visited_on:%Y-%m-%d} {self.title}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("cases:visit_detail", args=[self.pk])


class Case(models.Model):
    """One supervised matter (督办事项): a problem, a leader's instruction or an event."""

    year = models.PositiveIntegerField(_("年度"))
    serial = models.PositiveIntegerField(_("序号"))
    kind = models.CharField(_("类型"), max_length=16, choices=CaseKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    detail = models.TextField(_("具体内容"), blank=True)
    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT,
                                null=True, blank=True, related_name="cases")
    category = models.CharField(_("问题类别"), max_length=16, choices=CaseCategory.choices)
    source = models.CharField(_("来源"), max_length=16, choices=CaseSource.choices)
    visit = models.ForeignKey(Visit, verbose_name=_("督导调研"), on_delete=models.PROTECT,
                              null=True, blank=True, related_name="cases")
    task_force = models.ForeignKey(TaskForce, verbose_name=_("服务专班"),
                                   on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="cases")
    lead_unit = models.ForeignKey(OrgUnit, verbose_name=_("牵头单位"), on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="led_cases")
    co_units = models.ManyToManyField(OrgUnit, verbose_name=_("配合单位"), blank=True,
                                      related_name="co_cases")
    priority = models.CharField(_("紧急程度"), max_length=16, choices=Priority.choices,
                                default=Priority.NORMAL)
    status = models.CharField(_("状态"), max_length=16, choices=CaseStatus.choices,
                              default=CaseStatus.OPEN)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提出人"),
                                  on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="raised_cases")
    raised_on = models.DateField(_("提出日期"))
    assigned_on = models.DateField(_("交办日期"), null=True, blank=True)
    due_workdays = models.PositiveIntegerField(_("办理时限（工作日）"), null=True, blank=True)
    due_on = models.DateField(_("办结期限"), null=True, blank=True)
    overdue_since = models.DateField(_("逾期日期"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("升级层级"), default=0)
    resolved_on = models.DateField(_("办结日期"), null=True, blank=True)
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    # Its inbox messages (core.Notification's generic subject): deleted with the case, and
    # `Notification.objects.filter(case=…)` reads them.
    notifications = GenericRelation("core.Notification", content_type_field="subject_type",
                                    object_id_field="subject_id", related_query_name="case")
    created_at = models.DateTimeField(_("创建时间"), default=clock.now)

    class Meta:
        verbose_name = _("督办事项")
        verbose_name_plural = _("督办事项")
        ordering = ["-year", "-serial"]
        constraints = [models.UniqueConstraint(fields=["year", "serial"], name="case_serial")]
        indexes = [models.Index(fields=["status", "due_on"]),
                   models.Index(fields=["category", "status"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        # A grid event has its own page (cityops), with its own steps.
        if self.kind == CaseKind.EVENT:
            return reverse("cityops:event", args=[self.pk])
        return reverse("cases:detail", args=[self.pk])

    @property
    def number(self) -> str:
        return f"DB{self.year}-{self.serial:04d}"

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_STATUSES

    def is_overdue(self, today) -> bool:
        return self.is_pending and overdue.is_overdue(self.due_on, today)


class ActionKind(models.TextChoices):
    CREATE = "create", _("登记")
    ASSIGN = "assign", _("交办")
    REPLY = "reply", _("回复")
    RESOLVE = "resolve", _("办结")
    VERIFY = "verify", _("核查通过")
    RETURN = "return", _("核查退回")
    CLOSE = "close", _("销号")
    COMMENT = "comment", _("批示意见")
    REMIND = "remind", _("到期提醒")
    OVERDUE = "overdue", _("逾期")
    ESCALATE = "escalate", _("升级督办")
    NOTICE = "notice", _("印发函件")
    # Grid events (cityops): the steps only events take.
    REPORT = "report", _("上报")
    ACCEPT = "accept", _("受理立案")
    REJECT = "reject", _("不予立案")
    DISPATCH = "dispatch", _("派遣")
    HANDLE = "handle", _("处置")
    EVALUATE = "evaluate", _("评价")
    CITY = "city", _("上报市级")


class CaseAction(Phrased):
    """One step in a case's life. `key` makes scheduled steps idempotent: the daily task writes
    a reminder or escalation only when its key is not there yet."""

    case = models.ForeignKey(Case, verbose_name=_("督办事项"), on_delete=models.CASCADE,
                             related_name="actions")
    kind = models.CharField(_("类型"), max_length=16, choices=ActionKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"),
                              on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    actor_unit = models.ForeignKey(OrgUnit, verbose_name=_("操作人单位"),
                                   on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    text = models.TextField(_("内容"), blank=True)
    on = models.DateField(_("日期"))
    key = models.CharField(_("去重键"), max_length=64, blank=True)
    at = models.DateTimeField(_("时间"), default=clock.now)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "key"], condition=~Q(key=""),
                                               name="case_action_unique_key")]

    def __str__(self) -> str:
        return f"{self.case.number} {self.get_kind_display()}"

    @property
    def shown_text(self) -> str:
        return self.shown("text")


def attachment_path(instance: "CaseAttachment", filename: str) -> str:
    # `filename` is generated by the service (token + extension); the user's file name is
    # kept in `name` only, so nothing a user typed reaches the file system.
    return f"cases/{instance.action.case.year}/{instance.action.case_id}/{filename}"


class CaseAttachment(models.Model):
    action = models.ForeignKey(CaseAction, verbose_name=_("办理记录"), on_delete=models.CASCADE,
                               related_name="attachments")
    token = models.CharField(max_length=40)
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=200)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("类型"), max_length=100)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Instruction(models.Model):
    """A leader's instruction given on a visit; becomes a case with one click."""

    visit = models.ForeignKey(Visit, verbose_name=_("督导调研"), on_delete=models.CASCADE,
                              related_name="instructions")
    sort = models.PositiveIntegerField(_("序号"), default=1)
    text = models.TextField(_("指示内容"))
    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT,
                                null=True, blank=True, related_name="instructions")
    case = models.OneToOneField(Case, verbose_name=_("督办事项"), on_delete=models.SET_NULL,
                                null=True, blank=True, related_name="instruction")

    class Meta:
        verbose_name = _("领导指示")
        verbose_name_plural = _("领导指示")
        ordering = ["visit", "sort", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class ApprovalKind(models.TextChoices):
    APPROVAL = "approval", _("审批")
    RATIFICATION = "ratification", _("核准")
    FILING = "filing", _("备案")
    NOTIFICATION_FILING = "notification_filing", _("告知性备案")


class Approval(models.Model):
    """One approval item handled against its legal time limit (国务院令第673号)."""

    class Result(models.TextChoices):
        APPROVED = "approved", _("准予")
        REJECTED = "rejected", _("不予")
        FILED = "filed", _("已备案")

    year = models.PositiveIntegerField(_("年度"))
    item = models.CharField(_("事项"), max_length=200)
    applicant = models.CharField(_("申请单位"), max_length=200, blank=True)
    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT,
                                null=True, blank=True, related_name="approvals")
    kind = models.CharField(_("类型"), max_length=24, choices=ApprovalKind.choices)
    received_on = models.DateField(_("受理日期"))
    time_limit = models.PositiveIntegerField(_("法定时限（工作日）"))
    due_on = models.DateField(_("办结期限"))
    completed_on = models.DateField(_("办结日期"), null=True, blank=True)
    workdays_used = models.PositiveIntegerField(_("用时（工作日）"), null=True, blank=True)
    on_time = models.BooleanField(_("按时办结"), null=True, blank=True)
    result = models.CharField(_("办理结果"), max_length=16, choices=Result.choices, blank=True)
    document_no = models.CharField(_("批复文号"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("登记时间"), default=clock.now)

    class Meta:
        verbose_name = _("审批事项")
        verbose_name_plural = _("审批事项")
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["year", "kind"])]

    def __str__(self) -> str:
        return self.item


class NoticeKind(models.TextChoices):
    ASSIGN = "assign", _("交办函")
    REMIND = "remind", _("提醒函")
    SUPERVISE = "supervise", _("督办函")


class Notice(models.Model):
    """A numbered letter about a case (〔2022〕N号, one running number per kind and year)."""

    case = models.ForeignKey(Case, verbose_name=_("督办事项"), on_delete=models.PROTECT,
                             related_name="notices")
    kind = models.CharField(_("函件类型"), max_length=16, choices=NoticeKind.choices)
    year = models.PositiveIntegerField(_("年度"))
    number = models.PositiveIntegerField(_("编号"))
    addressee = models.ForeignKey(OrgUnit, verbose_name=_("主送单位"), on_delete=models.PROTECT,
                                  related_name="+")
    issued_on = models.DateField(_("印发日期"))
    deadline = models.DateField(_("办理期限"), null=True, blank=True)
    body = models.TextField(_("正文"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("印发人"),
                                  on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")

    class Meta:
        verbose_name = _("督办函件")
        verbose_name_plural = _("督办函件")
        ordering = ["-year", "-number"]
        constraints = [models.UniqueConstraint(fields=["kind", "year", "number"],
                                               name="notice_running_number")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"

    PREFIX = {"assign": "中原重点督交", "remind": "中原重点督提", "supervise": "中原重点督办"}

    @property
    def reference(self) -> str:
        return f"{self.PREFIX[self.kind]}〔{self.year}〕{self.number}号"


class SupervisionPolicy(models.Model):
    """The one set of reminder and escalation settings (editable by dispatchers)."""

    remind_before = models.PositiveSmallIntegerField(
        _("到期前提醒（工作日）"), default=2)
    escalate_unit_head_after = models.PositiveSmallIntegerField(
        _("逾期后升级至单位负责人（工作日）"), default=0)
    escalate_leader_after = models.PositiveSmallIntegerField(
        _("逾期后升级至包联领导（工作日）"), default=3)
    escalate_district_after = models.PositiveSmallIntegerField(
        _("逾期后升级至区领导（工作日）"), default=5)
    default_due_workdays = models.PositiveSmallIntegerField(_("默认办理时限（工作日）"),
                                                            default=10)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("督办规则")
        verbose_name_plural = _("督办规则")

    def __str__(self) -> str:
        return str(_("督办规则"))

    def tiers(self) -> list[tuple[int, int]]:
        """(level, working days overdue) in escalation order."""
        return [(1, self.escalate_unit_head_after), (2, self.escalate_leader_after),
                (3, self.escalate_district_after)]
