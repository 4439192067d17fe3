"""三级人民调解 and the public legal-service network (公共法律服务).

Committees sit at three levels, each tied to an org unit; a dispute belongs to the committee
handling it now and remembers the one that received it. Parties keep only what a mediation
register needs (name, kind, phone, address); pages mask them for roles that do not handle the
case (rules.py). The legal network's places, advisers and 法律明白人 are a public directory."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from diaodu.core.models import OrgUnit, User


class Level(models.TextChoices):
    DISTRICT = "district", _("区级")
    STREET = "street", _("街道级")
    COMMUNITY = "community", _("社区（村）级")


class Committee(models.Model):
    """人民调解委员会: the district's, a street's or a community's (village's)."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    unit = models.ForeignKey(OrgUnit, verbose_name=_("所在单位"), on_delete=models.PROTECT,
                             related_name="mediation_committees")
    # The street a committee belongs to (its own unit for a street committee; none for the
    # district's): statistics by street group on it without walking the tree.
    street = models.ForeignKey(OrgUnit, verbose_name=_("所属街道"), on_delete=models.PROTECT,
                               null=True, blank=True, related_name="+")
    parent = models.ForeignKey("self", verbose_name=_("上一级调委会"), on_delete=models.PROTECT,
                               null=True, blank=True, related_name="children")
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("人民调解委员会")
        verbose_name_plural = _("人民调解委员会")
        ordering = ["level", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["unit", "level"],
                                               name="mediation_committee_unit_level")]

    def __str__(self) -> str:
        return self.name


class Mediator(models.Model):
    """人民调解员; 金牌调解员 is a title the district awards (with the date)."""

    name = models.CharField(_("姓名"), max_length=40)
    committee = models.ForeignKey(Committee, verbose_name=_("所在调委会"),
                                  on_delete=models.PROTECT, related_name="mediators")
    gold = models.BooleanField(_("金牌调解员"), default=False)
    gold_since = models.DateField(_("评定日期"), null=True, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    active = models.BooleanField(_("在岗"), default=True)

    class Meta:
        verbose_name = _("人民调解员")
        verbose_name_plural = _("人民调解员")
        ordering = ["committee__level", "committee__unit__path", "name"]
        constraints = [models.UniqueConstraint(fields=["committee", "name"],
                                               name="mediation_mediator_name")]

    def __str__(self) -> str:
        return self.name


class Category(models.TextChoices):
    """纠纷类型, after the categories of the 人民调解 statistics forms."""

    FAMILY = "family", _("婚姻家庭纠纷")
    NEIGHBOUR = "neighbour", _("邻里纠纷")
    HOUSING = "housing", _("房屋宅基地纠纷")
    CONTRACT = "contract", _("合同纠纷")
    BUSINESS = "business", _("生产经营纠纷")
    DAMAGES = "damages", _("损害赔偿纠纷")
    LABOUR = "labour", _("劳动争议纠纷")
    PROPERTY = "property", _("物业纠纷")
    TRAFFIC = "traffic", _("道路交通事故纠纷")
    DEMOLITION = "demolition", _("征地拆迁纠纷")
    OTHER = "other", _("其他纠纷")


class Outcome(models.TextChoices):
    PENDING = "pending", _("调解中")
    SETTLED = "settled", _("调成")
    FAILED = "failed", _("未调成")
    LITIGATION = "litigation", _("转诉讼")


class Source(models.TextChoices):
    APPLICATION = "application", _("当事人申请")
    SCREENING = "screening", _("矛盾纠纷排查")
    REFERRAL = "referral", _("部门移交")


class Dispute(models.Model):
    """One 矛盾纠纷 in the mediation register (人民调解登记)."""

    year = models.PositiveSmallIntegerField(_("年度"))
    serial = models.PositiveIntegerField(_("序号"))
    committee = models.ForeignKey(Committee, verbose_name=_("承办调委会"),
                                  on_delete=models.PROTECT, related_name="disputes")
    received_by = models.ForeignKey(Committee, verbose_name=_("受理调委会"),
                                    on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("纠纷类型"), max_length=16, choices=Category.choices)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices,
                              default=Source.APPLICATION)
    summary = models.TextField(_("纠纷简要情况"))
    received_on = models.DateField(_("受理日期"))
    mediator = models.ForeignKey(Mediator, verbose_name=_("调解员"), on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="disputes")
    amount = models.DecimalField(_("涉及金额（万元）"), max_digits=14, decimal_places=2,
                                 default=0)
    outcome = models.CharField(_("调解结果"), max_length=16, choices=Outcome.choices,
                               default=Outcome.PENDING)
    concluded_on = models.DateField(_("办结日期"), null=True, blank=True)
    terms = models.TextField(_("协议内容"), blank=True)
    performance = models.CharField(_("履行方式及期限"), max_length=200, blank=True)
    # The 排查 ledger's own number of the row, so importing the same ledger twice finds it.
    screening_ref = models.CharField(_("排查编号"), max_length=40, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    class Meta:
        verbose_name = _("矛盾纠纷")
        verbose_name_plural = _("矛盾纠纷")
        ordering = ["-year", "-serial"]
        constraints = [
            models.UniqueConstraint(fields=["year", "serial"], name="mediation_dispute_number"),
            models.UniqueConstraint(fields=["received_by", "screening_ref"],
                                    condition=~models.Q(screening_ref=""),
                                    name="mediation_dispute_screening_ref"),
            models.CheckConstraint(condition=models.Q(amount__gte=0),
                                   name="mediation_dispute_amount_nonnegative"),
        ]
        indexes = [models.Index(fields=["year", "received_on"]),
                   models.Index(fields=["committee", "outcome"])]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("mediation:detail", args=[self.pk])

    @property
    def number(self) -> str:
        return f"调〔{self.year}〕{self.serial:05d}号"


class Side(models.TextChoices):
    APPLICANT = "applicant", _("申请人")
    RESPONDENT = "respondent", _("被申请人")


class PartyKind(models.TextChoices):
    PERSON = "person", _("自然人")
    ORGANISATION = "organisation", _("单位")


class Party(models.Model):
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="parties")
    side = models.CharField(_("当事人类别"), max_length=16, choices=Side.choices)
    kind = models.CharField(_("主体类型"), max_length=16, choices=PartyKind.choices,
                            default=PartyKind.PERSON)
    name = models.CharField(_("姓名或名称"), max_length=100)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    address = models.CharField(_("住所"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")
        ordering = ["dispute", "side", "id"]

    def __str__(self) -> str:
        return self.name


class Referral(models.Model):
    """A dispute handed to the committee one level up (上交) or down (下交)."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="referrals")
    from_committee = models.ForeignKey(Committee, verbose_name=_("移交单位"),
                                       on_delete=models.PROTECT, related_name="+")
    to_committee = models.ForeignKey(Committee, verbose_name=_("接收单位"),
                                     on_delete=models.PROTECT, related_name="+")
    referred_on = models.DateField(_("移交日期"))
    reason = models.CharField(_("移交理由"), max_length=200)

    class Meta:
        verbose_name = _("纠纷移交")
        verbose_name_plural = _("纠纷移交")
        ordering = ["dispute", "referred_on", "id"]

    def __str__(self) -> str:
        return f"{self.from_committee_id} → {self.to_committee_id}"


class Performance(models.TextChoices):
    DONE = "done", _("已履行")
    PARTLY = "partly", _("部分履行")
    NOT_DONE = "not_done", _("未履行")


class FollowUp(models.Model):
    """回访: whether the agreement is being kept."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="follow_ups")
    visited_on = models.DateField(_("回访日期"))
    performance = models.CharField(_("履行情况"), max_length=16, choices=Performance.choices)
    note = models.CharField(_("回访情况"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("回访")
        verbose_name_plural = _("回访")
        ordering = ["dispute", "visited_on", "id"]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.performance}"


# ------------------------------------------------------------- 公共法律服务 (legal network)

class PlaceKind(models.TextChoices):
    CENTRE = "centre", _("公共法律服务中心")
    STATION = "station", _("公共法律服务站")
    ROOM = "room", _("公共法律服务室")


class LegalPlace(models.Model):
    """The district's centre, a street's station or a community's (village's) room."""

    kind = models.CharField(_("类型"), max_length=16, choices=PlaceKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    unit = models.ForeignKey(OrgUnit, verbose_name=_("所在单位"), on_delete=models.PROTECT,
                             related_name="legal_places")
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    hours = models.CharField(_("服务时间"), max_length=60, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("公共法律服务场所")
        verbose_name_plural = _("公共法律服务场所")
        ordering = ["kind", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["kind", "unit"],
                                               name="mediation_place_kind_unit")]

    def __str__(self) -> str:
        return self.name


class Adviser(models.Model):
    """法律顾问: a lawyer (or legal worker) who serves communities."""

    name = models.CharField(_("姓名"), max_length=40)
    firm = models.CharField(_("执业机构"), max_length=100)
    licence_no = models.CharField(_("执业证号"), max_length=40, unique=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    active = models.BooleanField(_("在职"), default=True)

    class Meta:
        verbose_name = _("法律顾问")
        verbose_name_plural = _("法律顾问")
        ordering = ["name", "licence_no"]

    def __str__(self) -> str:
        return f"{self.name}（{self.firm}）"


class Assignment(models.Model):
    """一村（社区）一法律顾问: an adviser serving a community from `starts_on` to `ends_on`
    (open-ended when empty)."""

    adviser = models.ForeignKey(Adviser, verbose_name=_("法律顾问"), on_delete=models.PROTECT,
                                related_name="assignments")
    community = models.ForeignKey(OrgUnit, verbose_name=_("社区（村）"),
                                  on_delete=models.PROTECT, related_name="adviser_assignments")
    starts_on = models.DateField(_("聘任起始"))
    ends_on = models.DateField(_("聘任截止"), null=True, blank=True)

    class Meta:
        verbose_name = _("法律顾问聘任")
        verbose_name_plural = _("法律顾问聘任")
        ordering = ["community__path", "starts_on"]
        constraints = [models.CheckConstraint(
            condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
            name="mediation_assignment_period")]

    def __str__(self) -> str:
        return f"{self.adviser.name} → {self.community}"


class Liaison(models.Model):
    """法律明白人: a resident trained to explain the law to neighbours, one or more per
    community."""

    name = models.CharField(_("姓名"), max_length=40)
    community = models.ForeignKey(OrgUnit, verbose_name=_("社区（村）"),
                                  on_delete=models.PROTECT, related_name="legal_liaisons")
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    trained_on = models.DateField(_("培训日期"), null=True, blank=True)
    active = models.BooleanField(_("在册"), default=True)

    class Meta:
        verbose_name = _("法律明白人")
        verbose_name_plural = _("法律明白人")
        ordering = ["community__path", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"],
                                               name="mediation_liaison_name")]

    def __str__(self) -> str:
        return self.name
