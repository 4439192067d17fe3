"""Duty watch (值班值守), flood control (防汛), drills (应急演练) and tracing teams (流调).

People on duty and tracing members are rows of their own, not accounts: most of them never
sign in; the unit's staff with accounts confirm spot checks and write handover logs."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from diaodu.core import clock
from diaodu.core.models import OrgUnit

from .rules import DayKind, WarningLevel


class DutyPerson(models.Model):
    """A person on a unit's duty list (值班人员); `can_lead` marks the leaders who take turns as
    带班领导."""

    unit = models.ForeignKey(OrgUnit, verbose_name=_("单位"), on_delete=models.PROTECT,
                             related_name="duty_people")
    name = models.CharField(_("姓名"), max_length=40)
    position = models.CharField(_("职务"), max_length=60, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    can_lead = models.BooleanField(_("带班领导"), default=False)
    active = models.BooleanField(_("在岗"), default=True)
    sort = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("值班人员")
        verbose_name_plural = _("值班人员")
        ordering = ["unit", "-can_lead", "sort", "id"]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="duty_person_name")]

    def __str__(self) -> str:
        return self.name


class DayKindChoice(models.TextChoices):
    WORKDAY = DayKind.WORKDAY.value, _("工作日")
    REST = DayKind.REST.value, _("休息日")
    HOLIDAY = DayKind.HOLIDAY.value, _("法定节假日")
    MAKEUP = DayKind.MAKEUP.value, _("调休上班")


class Level(models.TextChoices):
    BLUE = WarningLevel.BLUE.value, _("蓝色")
    YELLOW = WarningLevel.YELLOW.value, _("黄色")
    ORANGE = WarningLevel.ORANGE.value, _("橙色")
    RED = WarningLevel.RED.value, _("红色")


class DutyShift(models.Model):
    """One unit's 24-hour shift starting on `date` at rules.SHIFT_CHANGE. `level` is the flood
    warning level the unit's plan has raised the shift to ("" = ordinary duty)."""

    unit = models.ForeignKey(OrgUnit, verbose_name=_("单位"), on_delete=models.PROTECT,
                             related_name="duty_shifts")
    date = models.DateField(_("值班日期"))
    kind = models.CharField(_("日期类型"), max_length=8, choices=DayKindChoice.choices)
    leader = models.ForeignKey(DutyPerson, verbose_name=_("带班领导"), on_delete=models.PROTECT,
                               related_name="led_shifts")
    base_staff = models.PositiveSmallIntegerField(_("应到值班人数"), default=1)
    level = models.CharField(_("响应等级"), max_length=8, choices=Level.choices, blank=True)

    class Meta:
        verbose_name = _("值班班次")
        verbose_name_plural = _("值班班次")
        ordering = ["date", "unit"]
        constraints = [models.UniqueConstraint(fields=["unit", "date"], name="duty_shift_day")]
        # The board reads one date for every unit; the unique index serves one unit's month.
        indexes = [models.Index(fields=["date"], name="duty_shift_date")]

    def __str__(self) -> str:
        return f"{self.unit} {self.date:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("duty:shift", args=[self.pk])


class DutyAssignment(models.Model):
    """A person on a shift. `date` repeats the shift's date so the database itself refuses one
    person on two shifts of a day."""

    class Role(models.TextChoices):
        LEADER = "leader", _("带班领导")
        STAFF = "staff", _("值班人员")

    shift = models.ForeignKey(DutyShift, verbose_name=_("班次"), on_delete=models.CASCADE,
                              related_name="assignments")
    person = models.ForeignKey(DutyPerson, verbose_name=_("人员"), on_delete=models.PROTECT,
                               related_name="assignments")
    date = models.DateField(_("值班日期"))
    role = models.CharField(_("岗位"), max_length=8, choices=Role.choices)

    class Meta:
        verbose_name = _("值班安排")
        verbose_name_plural = _("值班安排")
        ordering = ["shift", "role", "id"]
        constraints = [models.UniqueConstraint(fields=["person", "date"],
                                               name="duty_one_shift_a_day")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.person}"


class SwapStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")


class DutySwap(models.Model):
    """A request to hand one's place on a shift to a colleague of the same unit (替班), approved
    by the unit head or the district duty office."""

    shift = models.ForeignKey(DutyShift, verbose_name=_("班次"), on_delete=models.CASCADE,
                              related_name="swaps")
    from_person = models.ForeignKey(DutyPerson, verbose_name=_("原值班人"),
                                    on_delete=models.PROTECT, related_name="+")
    to_person = models.ForeignKey(DutyPerson, verbose_name=_("替班人"),
                                  on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("事由"), max_length=200)
    status = models.CharField(_("状态"), max_length=8, choices=SwapStatus.choices,
                              default=SwapStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"),
                                     on_delete=models.PROTECT, null=True, related_name="+")
    requested_at = models.DateTimeField(_("申请时间"), default=clock.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审批人"),
                                   on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    note = models.CharField(_("审批意见"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("换班申请")
        verbose_name_plural = _("换班申请")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.shift} {self.from_person}→{self.to_person}"


class Handover(models.Model):
    """The handover log of a shift (交接班记录): what happened, calls taken, what is still open."""

    shift = models.OneToOneField(DutyShift, verbose_name=_("班次"), on_delete=models.CASCADE,
                                 related_name="handover")
    events = models.TextField(_("值班情况"), blank=True)
    calls = models.PositiveIntegerField(_("接听电话"), default=0)
    open_items = models.TextField(_("待办事项"), blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"),
                                   on_delete=models.PROTECT, null=True, related_name="+")
    written_at = models.DateTimeField(_("记录时间"), default=clock.now)

    class Meta:
        verbose_name = _("交接班记录")
        verbose_name_plural = _("交接班记录")

    def __str__(self) -> str:
        return str(self.shift)


class SpotCheck(models.Model):
    """查岗: the district duty office calls a unit; the unit confirms in the app before
    `deadline_at` (inclusive). Unanswered after the deadline = missed."""

    unit = models.ForeignKey(OrgUnit, verbose_name=_("被查单位"), on_delete=models.PROTECT,
                             related_name="spot_checks")
    called_at = models.DateTimeField(_("查岗时间"))
    deadline_at = models.DateTimeField(_("应答截止"))
    called_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("查岗人"),
                                  on_delete=models.PROTECT, null=True, related_name="+")
    answered_at = models.DateTimeField(_("应答时间"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("应答人"),
                                    on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    on_duty = models.CharField(_("在岗人员"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("查岗记录")
        verbose_name_plural = _("查岗记录")
        ordering = ["-called_at", "-id"]
        indexes = [models.Index(fields=["unit", "called_at"])]

    def __str__(self) -> str:
        return f"{self.unit} {timezone.localtime(self.called_at):%Y-%m-%d %H:%M}"

    def missed(self, now) -> bool:
        return self.answered_at is None and now > self.deadline_at

    @property
    def answer_seconds(self) -> int | None:
        if self.answered_at is None:
            return None
        return int((self.answered_at - self.called_at).total_seconds())


# ---------------------------------------------------------------------------------------------
# 防汛


class FloodSeason(models.Model):
    """The flood season of a year (汛期); without a row, 1 June – 30 September."""

    year = models.PositiveIntegerField(_("年度"), primary_key=True)
    starts_on = models.DateField(_("入汛日期"))
    ends_on = models.DateField(_("出汛日期"))

    class Meta:
        verbose_name = _("汛期")
        verbose_name_plural = _("汛期")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} {self.starts_on:%m-%d}—{self.ends_on:%m-%d}"


class FloodPost(models.Model):
    """A street's flood-control post (防汛值守点) with its people and materials."""

    street = models.ForeignKey(OrgUnit, verbose_name=_("街道"), on_delete=models.PROTECT,
                               related_name="flood_posts")
    name = models.CharField(_("名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("值守电话"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("防汛值守点")
        verbose_name_plural = _("防汛值守点")
        ordering = ["street", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("duty:flood_post", args=[self.pk])


class FloodPostMember(models.Model):
    post = models.ForeignKey(FloodPost, verbose_name=_("值守点"), on_delete=models.CASCADE,
                             related_name="members")
    name = models.CharField(_("姓名"), max_length=40)
    duty = models.CharField(_("职责"), max_length=60)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("值守人员")
        verbose_name_plural = _("值守人员")
        ordering = ["post", "id"]

    def __str__(self) -> str:
        return self.name


class FloodMaterial(models.Model):
    post = models.ForeignKey(FloodPost, verbose_name=_("值守点"), on_delete=models.CASCADE,
                             related_name="materials")
    item = models.CharField(_("物资名称"), max_length=60)
    quantity = models.PositiveIntegerField(_("数量"))
    measure = models.CharField(_("单位"), max_length=10)

    class Meta:
        verbose_name = _("防汛物资")
        verbose_name_plural = _("防汛物资")
        ordering = ["post", "id"]
        constraints = [models.UniqueConstraint(fields=["post", "item"], name="flood_material")]

    def __str__(self) -> str:
        return f"{self.item} {self.quantity}{self.measure}"


class FloodPlan(models.Model):
    """A flood-control plan (防汛应急预案) naming the units whose duty a warning raises."""

    name = models.CharField(_("预案名称"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("防汛应急预案")
        verbose_name_plural = _("防汛应急预案")

    def __str__(self) -> str:
        return self.name


class FloodPlanUnit(models.Model):
    """A unit the plan names and the lowest warning level at which its duty is raised."""

    plan = models.ForeignKey(FloodPlan, verbose_name=_("预案"), on_delete=models.CASCADE,
                             related_name="units")
    unit = models.ForeignKey(OrgUnit, verbose_name=_("单位"), on_delete=models.PROTECT,
                             related_name="+")
    from_level = models.CharField(_("启动等级"), max_length=8, choices=Level.choices)

    class Meta:
        verbose_name = _("预案响应单位")
        verbose_name_plural = _("预案响应单位")
        constraints = [models.UniqueConstraint(fields=["plan", "unit"], name="flood_plan_unit")]

    def __str__(self) -> str:
        return f"{self.plan} {self.unit}"


class FloodWarning(models.Model):
    """A warning issued under a plan; active until lifted. A higher or lower level is a new
    warning that lifts the previous one."""

    plan = models.ForeignKey(FloodPlan, verbose_name=_("预案"), on_delete=models.PROTECT,
                             related_name="warnings")
    level = models.CharField(_("预警等级"), max_length=8, choices=Level.choices)
    issued_at = models.DateTimeField(_("发布时间"))
    lifted_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发布人"),
                                  on_delete=models.PROTECT, null=True, related_name="+")
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("汛情预警")
        verbose_name_plural = _("汛情预警")
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return f"{self.plan} {self.get_level_display()}"


# ---------------------------------------------------------------------------------------------
# 应急演练


class DrillMode(models.TextChoices):
    SINGLE_CHAIN = "chain", _("单链条")
    SINGLE_ELEMENT = "element", _("单要素")
    FULL = "full", _("综合")


class DrillPlan(models.Model):
    """A drill plan (演练预案) of the district or of a street: the scenario, the chain or element
    it tests and the units that take part. District plans are drilled by every street."""

    class Tier(models.TextChoices):
        DISTRICT = "district", _("区级")
        STREET = "street", _("街道级")

    tier = models.CharField(_("层级"), max_length=8, choices=Tier.choices)
    unit = models.ForeignKey(OrgUnit, verbose_name=_("制定单位"), on_delete=models.PROTECT,
                             related_name="drill_plans")
    name = models.CharField(_("预案名称"), max_length=120)
    scenario = models.TextField(_("情景"))
    mode = models.CharField(_("演练形式"), max_length=8, choices=DrillMode.choices)
    tested = models.CharField(_("检验链条/要素"), max_length=120)
    units = models.ManyToManyField(OrgUnit, verbose_name=_("参演单位"), blank=True,
                                   related_name="+")
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("演练预案")
        verbose_name_plural = _("演练预案")
        ordering = ["tier", "unit", "id"]

    def __str__(self) -> str:
        return self.name


class Drill(models.Model):
    plan = models.ForeignKey(DrillPlan, verbose_name=_("预案"), on_delete=models.PROTECT,
                             related_name="drills")
    unit = models.ForeignKey(OrgUnit, verbose_name=_("组织单位"), on_delete=models.PROTECT,
                             related_name="drills")
    held_on = models.DateField(_("演练日期"))
    mode = models.CharField(_("演练形式"), max_length=8, choices=DrillMode.choices)
    units = models.ManyToManyField(OrgUnit, verbose_name=_("参演单位"), blank=True,
                                   related_name="+")
    participants = models.PositiveIntegerField(_("参演人数"))
    duration_minutes = models.PositiveIntegerField(_("时长（分钟）"))
    summary = models.TextField(_("演练情况"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"),
                                    on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("演练")
        verbose_name_plural = _("演练")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["held_on"])]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.plan}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("duty:drill", args=[self.pk])


class DrillFinding(models.Model):
    """A gap a drill found (以练找差); one click makes it a 督办 case led by `unit`."""

    drill = models.ForeignKey(Drill, verbose_name=_("演练"), on_delete=models.CASCADE,
                              related_name="findings")
    text = models.CharField(_("发现问题"), max_length=300)
    unit = models.ForeignKey(OrgUnit, verbose_name=_("整改单位"), on_delete=models.PROTECT,
                             related_name="+")
    case = models.OneToOneField("cases.Case", verbose_name=_("督办事项"), on_delete=models.PROTECT,
                                null=True, blank=True, related_name="drill_finding")

    class Meta:
        verbose_name = _("演练发现问题")
        verbose_name_plural = _("演练发现问题")
        ordering = ["drill", "id"]

    def __str__(self) -> str:
        return self.text


# ---------------------------------------------------------------------------------------------
# 流调


class TracingTeam(models.Model):
    """The district's tracing force (流调队伍), kept by `unit` (the health commission)."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    unit = models.ForeignKey(OrgUnit, verbose_name=_("牵头单位"), on_delete=models.PROTECT,
                             related_name="tracing_teams")
    min_on_call = models.PositiveSmallIntegerField(_("小组最少在岗人数"), default=3)

    class Meta:
        verbose_name = _("流调队伍")
        verbose_name_plural = _("流调队伍")

    def __str__(self) -> str:
        return self.name


class TracingGroup(models.Model):
    team = models.ForeignKey(TracingTeam, verbose_name=_("流调队伍"), on_delete=models.CASCADE,
                             related_name="groups")
    number = models.PositiveSmallIntegerField(_("组号"))
    echelon = models.PositiveSmallIntegerField(_("梯队"), choices=[(1, _("第一梯队")),
                                                                  (2, _("第二梯队")),
                                                                  (3, _("第三梯队"))])

    class Meta:
        verbose_name = _("流调小组")
        verbose_name_plural = _("流调小组")
        ordering = ["team", "echelon", "number"]
        constraints = [models.UniqueConstraint(fields=["team", "number"], name="tracing_group")]

    def __str__(self) -> str:
        return _("第%(n)s组") % {"n": self.number}


class TracingMember(models.Model):
    class Source(models.TextChoices):
        HEALTH = "health", _("卫生")
        POLICE = "police", _("公安")
        STREET = "street", _("街道")

    class Status(models.TextChoices):
        ON_CALL = "on_call", _("在岗待命")
        OFF = "off", _("轮休")
        LEAVE = "leave", _("请假")

    team = models.ForeignKey(TracingTeam, verbose_name=_("流调队伍"), on_delete=models.CASCADE,
                             related_name="members")
    group = models.ForeignKey(TracingGroup, verbose_name=_("流调小组"), on_delete=models.SET_NULL,
                              null=True, blank=True, related_name="members")
    name = models.CharField(_("姓名"), max_length=40)
    unit = models.ForeignKey(OrgUnit, verbose_name=_("派出单位"), on_delete=models.PROTECT,
                             related_name="tracing_members")
    source = models.CharField(_("来源"), max_length=8, choices=Source.choices)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    is_group_leader = models.BooleanField(_("组长"), default=False)
    status = models.CharField(_("待命状态"), max_length=8, choices=Status.choices,
                              default=Status.ON_CALL)

    class Meta:
        verbose_name = _("流调队员")
        verbose_name_plural = _("流调队员")
        ordering = ["team", "group", "-is_group_leader", "id"]

    def __str__(self) -> str:
        return self.name


class TracingActivation(models.Model):
    """A call-out of the tracing force for one event; groups are called by echelon."""

    team = models.ForeignKey(TracingTeam, verbose_name=_("流调队伍"), on_delete=models.PROTECT,
                             related_name="activations")
    title = models.CharField(_("事件"), max_length=200)
    started_at = models.DateTimeField(_("启动时间"))
    first_contact_at = models.DateTimeField(_("首次接触时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    groups = models.ManyToManyField(TracingGroup, verbose_name=_("调用小组"),
                                    related_name="activations")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("启动人"),
                                   on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("流调启动")
        verbose_name_plural = _("流调启动")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("duty:activation", args=[self.pk])

    @staticmethod
    def _minutes(start, end) -> int | None:
        return None if end is None else int((end - start).total_seconds() // 60)

    @property
    def minutes_to_contact(self) -> int | None:
        return self._minutes(self.started_at, self.first_contact_at)

    @property
    def minutes_to_close(self) -> int | None:
        return self._minutes(self.started_at, self.closed_at)
