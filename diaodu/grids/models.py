"""Grid profiles (households, population, boundary), the 多格合一 duties a grid carries, grid
workers and their training, and the sizing standard. A grid IS an OrgUnit (kind grid, or
micro_grid below it, GLOSSARY.md); what the tree does not hold lives here."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from diaodu.core.models import OrgUnit, User


class GridSettings(models.Model):
    """The sizing standard and the yearly training minimum (one row, pk 1). Zhengzhou: 300–500
    households per community grid, 50–70 per micro-grid (FACTS.md)."""

    grid_min = models.PositiveIntegerField(_("网格户数下限"), default=300)
    grid_max = models.PositiveIntegerField(_("网格户数上限"), default=500)
    micro_min = models.PositiveIntegerField(_("微网格户数下限"), default=50)
    micro_max = models.PositiveIntegerField(_("微网格户数上限"), default=70)
    training_hours = models.DecimalField(_("年度培训学时下限"), max_digits=5, decimal_places=1,
                                         default=Decimal("24.0"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("网格设置")
        verbose_name_plural = _("网格设置")

    def __str__(self) -> str:
        return str(_("网格设置"))


class GridProfile(models.Model):
    """What a grid (or micro-grid) holds: households, population, its boundary (GeoJSON
    Polygon, WGS-84 lon/lat) and the area computed from it."""

    unit = models.OneToOneField(OrgUnit, verbose_name=_("网格"), on_delete=models.CASCADE,
                                related_name="grid_profile")
    households = models.PositiveIntegerField(_("户数"), default=0)
    population = models.PositiveIntegerField(_("人口"), default=0)
    polygon = models.JSONField(_("边界（GeoJSON）"), null=True, blank=True)
    polygon_sample = models.BooleanField(_("示例边界"), default=False)
    area_km2 = models.DecimalField(_("面积（平方公里）"), max_digits=9, decimal_places=4,
                                   null=True, blank=True)
    # The polygon's bounding box and a point inside it: the map and locate() read these
    # without parsing every polygon.
    min_lon = models.FloatField(null=True, blank=True)
    min_lat = models.FloatField(null=True, blank=True)
    max_lon = models.FloatField(null=True, blank=True)
    max_lat = models.FloatField(null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("网格档案")
        verbose_name_plural = _("网格档案")

    def __str__(self) -> str:
        return str(self.unit)


class DutyType(models.Model):
    """多格合一: a specialised duty a comprehensive grid carries (党建, 综治, 城管 …)."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=40, unique=True)
    department = models.CharField(_("对口部门"), max_length=60, blank=True)
    sort = models.PositiveIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("网格职责")
        verbose_name_plural = _("网格职责")
        ordering = ("sort", "code")

    def __str__(self) -> str:
        return self.name


class WorkerKind(models.TextChoices):
    FULL_TIME = "full_time", _("专职")
    PART_TIME = "part_time", _("兼职")


class GridWorker(models.Model):
    """A person serving a grid: 专职 or 兼职, the grid's head (网格长) or a member."""

    grid = models.ForeignKey(OrgUnit, verbose_name=_("网格"), on_delete=models.PROTECT,
                             related_name="grid_workers")
    user = models.OneToOneField(User, verbose_name=_("登录账号"), on_delete=models.SET_NULL,
                                null=True, blank=True, related_name="grid_worker")
    name = models.CharField(_("姓名"), max_length=40)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    kind = models.CharField(_("类别"), max_length=16, choices=WorkerKind.choices,
                            default=WorkerKind.FULL_TIME)
    is_head = models.BooleanField(_("网格长"), default=False)
    active = models.BooleanField(_("在岗"), default=True)

    class Meta:
        verbose_name = _("网格员")
        verbose_name_plural = _("网格员")
        ordering = ("grid__path", "-is_head", "name")
        constraints = [models.UniqueConstraint(fields=["grid", "name"],
                                               name="grids_worker_unique_name")]

    def __str__(self) -> str:
        return self.name


class GridDuty(models.Model):
    """One duty a grid carries and the person responsible for it there."""

    grid = models.ForeignKey(OrgUnit, verbose_name=_("网格"), on_delete=models.CASCADE,
                             related_name="grid_duties")
    duty = models.ForeignKey(DutyType, verbose_name=_("职责"), on_delete=models.PROTECT)
    worker = models.ForeignKey(GridWorker, verbose_name=_("网格员"), on_delete=models.SET_NULL,
                               null=True, blank=True)
    person = models.CharField(_("责任人"), max_length=40)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("网格职责分工")
        verbose_name_plural = _("网格职责分工")
        ordering = ("grid__path", "duty__sort")
        constraints = [models.UniqueConstraint(fields=["grid", "duty"],
                                               name="grids_duty_once_per_grid")]

    def __str__(self) -> str:
        return f"{self.grid} · {self.duty}"


class TrainingRecord(models.Model):
    """A course a grid worker took: date, hours and whether they passed."""

    worker = models.ForeignKey(GridWorker, verbose_name=_("网格员"), on_delete=models.CASCADE,
                               related_name="trainings")
    course = models.CharField(_("课程"), max_length=100)
    held_on = models.DateField(_("培训日期"))
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1)
    passed = models.BooleanField(_("考核合格"), default=True)

    class Meta:
        verbose_name = _("培训记录")
        verbose_name_plural = _("培训记录")
        ordering = ("-held_on", "course")
        indexes = [models.Index(fields=["worker", "held_on"])]

    def __str__(self) -> str:
        return f"{self.worker} · {self.course}"
