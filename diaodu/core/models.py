"""Organisation tree, users, audit events and the working-day calendar."""

from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from .roles import ROLE_LABELS, Role


class UnitKind(models.TextChoices):
    DISTRICT = "district", _("区")
    DEPARTMENT = "department", _("区直部门")
    STREET = "street", _("街道")
    COMMUNITY = "community", _("社区/村")
    GRID = "grid", _("网格")
    # 微网格: 50–70 households below a grid (FACTS.md), so scoping by the tree reaches them.
    MICRO_GRID = "micro_grid", _("微网格")


class OrgUnit(MP_Node):
    """A node of the district tree: district → departments / streets → communities → grids."""

    code = models.CharField(_("单位代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    kind = models.CharField(_("类型"), max_length=16, choices=UnitKind.choices)
    sort = models.PositiveIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    node_order_by = ["sort", "code"]

    class Meta:
        verbose_name = _("组织单位")
        verbose_name_plural = _("组织单位")
        indexes = [models.Index(fields=["kind", "sort"])]

    def __str__(self) -> str:
        return self.short_name or self.name


class User(AbstractUser):
    """A person who signs in. Belongs to one unit; the role says what they may see and do."""

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("所属单位"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="users",
    )
    role = models.CharField(_("角色"), max_length=16, blank=True,
                            choices=[(r.value, _(ROLE_LABELS[r])) for r in Role])
    # 三员分立, two people: the role the system administrator asked for when opening the
    # account. It grants nothing until the security administrator confirms it.
    pending_role = models.CharField(_("待确认角色"), max_length=16, blank=True,
                                    choices=[(r.value, _(ROLE_LABELS[r])) for r in Role])
    display_name = models.CharField(_("显示名称"), max_length=60, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    must_change_password = models.BooleanField(_("须修改密码"), default=False)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username


class AuditEvent(models.Model):
    """One recorded write, sign-in or audit query. Append-only: the model refuses updates and
    deletes, database triggers refuse them below the ORM, and a hash chain (`seq`, `prev_hash`,
    `hash`; core/audit_chain.py) shows any row changed or removed behind the triggers' back.
    A write stores its event unsealed (no `seq`, empty hashes); the sealer gives it its place
    in the chain after commit (core/audit_seal.py) — the one update the triggers allow."""

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, verbose_name=_("操作人"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人名称"), max_length=150, blank=True)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("操作人单位"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    action = models.CharField(_("操作"), max_length=64)
    object_type = models.CharField(_("对象类型"), max_length=64)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)
    seq = models.PositiveBigIntegerField(_("序号"), unique=True, null=True, blank=True)
    prev_hash = models.CharField(_("前一条摘要"), max_length=64, blank=True)
    hash = models.CharField(_("摘要"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            # Filtered by exact action only: a plain index, without db_index's `_like` twin
            # (each event's index entries are written twice, on insert and on sealing).
            models.Index(fields=["action"], name="audit_action"),
            # The sealer's queue: only the few events not yet in the chain.
            models.Index(fields=["id"], condition=models.Q(seq__isnull=True),
                         name="core_auditevent_unsealed"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("AuditEvent is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("AuditEvent is append-only")


class AuditCheckpoint(models.Model):
    """Where the live audit log begins after older events were archived (`diaodu
    audit_archive`): the last archived event's `seq` and `hash`, and the archive file's digest.
    The events up to `seq` may be deleted (the triggers allow exactly those); verification
    starts from the latest checkpoint. Append-only like the log itself."""

    seq = models.PositiveBigIntegerField(_("归档至序号"), unique=True)
    hash = models.CharField(_("归档末条摘要"), max_length=64)
    first_seq = models.PositiveBigIntegerField(_("归档起始序号"))
    event_count = models.PositiveIntegerField(_("归档条数"))
    archived_before = models.DateTimeField(_("归档截止时间"))
    file_name = models.CharField(_("归档文件"), max_length=200)
    file_sha256 = models.CharField(_("归档文件摘要"), max_length=64)
    created_at = models.DateTimeField(_("归档时间"), default=timezone.now)

    class Meta:
        verbose_name = _("审计归档点")
        verbose_name_plural = _("审计归档点")
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"{self.first_seq}–{self.seq} {self.file_name}"


class CalendarDay(models.Model):
    """A day that differs from the Monday–Friday rule: a holiday on a weekday or a 调休 workday
    on a weekend. Seeded from chinesecalendar; administrators enter each year's State Council
    notice (FACTS.md) before the package knows it."""

    class Source(models.TextChoices):
        PACKAGE = "package", _("节假日数据包")
        ADMIN = "admin", _("管理员录入")

    date = models.DateField(_("日期"), primary_key=True)
    is_workday = models.BooleanField(_("是否工作日"))
    name = models.CharField(_("说明"), max_length=60, blank=True)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)

    class Meta:
        verbose_name = _("工作日历")
        verbose_name_plural = _("工作日历")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'班' if self.is_workday else '休'} {self.name}"


class CalendarYear(models.Model):
    """A year whose holidays are complete in the database (the notice has been entered)."""

    year = models.PositiveIntegerField(_("年份"), primary_key=True)
    complete = models.BooleanField(_("已录入完整"), default=False)
    source_note = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("日历年度")
        verbose_name_plural = _("日历年度")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class PasswordHistory(models.Model):
    """Hashes of a user's recent passwords, so a change cannot reuse one (core/passwords.py)."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE,
                             related_name="password_history")
    password = models.CharField(_("密码摘要"), max_length=128)
    created_at = models.DateTimeField(_("设置时间"), default=timezone.now)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d}"


def photo_path(instance: "Photo", filename: str) -> str:
    # `filename` is made by the service (token + extension); the user's file name is kept in
    # `name` only, so nothing a user typed reaches the file system.
    return f"photos/{instance.uploaded_at:%Y/%m}/{filename}"


class Photo(models.Model):
    """A photo attached to any owner (a progress report, a project's 入库 evidence, a grid
    event), with what its EXIF says and the checks the reviewer sees. Read through
    core/photo_services.py, which follows the owner's scope; files only through its view."""

    owner_type = models.ForeignKey(ContentType, verbose_name=_("所属类型"),
                                   on_delete=models.PROTECT, related_name="+")
    owner_id = models.PositiveBigIntegerField(_("所属对象"))
    owner = GenericForeignKey("owner_type", "owner_id")
    # What the photo shows (a project, a grid), so "the latest photo of each" is one query
    # across owners (a project's reports and its 入库 evidence).
    subject_type = models.ForeignKey(ContentType, verbose_name=_("拍摄对象类型"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField(_("拍摄对象"), null=True, blank=True)
    unit = models.ForeignKey(OrgUnit, verbose_name=_("责任单位"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    token = models.CharField(max_length=40, unique=True)
    file = models.FileField(_("照片"), upload_to=photo_path, max_length=200)
    thumbnail = models.FileField(_("缩略图"), upload_to=photo_path, max_length=200)
    name = models.CharField(_("文件名"), max_length=200)
    caption = models.CharField(_("说明"), max_length=200, blank=True)
    content_type = models.CharField(_("类型"), max_length=50)
    size = models.PositiveIntegerField(_("大小（字节）"))
    width = models.PositiveIntegerField(_("宽（像素）"))
    height = models.PositiveIntegerField(_("高（像素）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    taken_at = models.DateTimeField(_("拍摄时间"), null=True, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True,
                                   blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True,
                                    blank=True)
    distance_m = models.PositiveIntegerField(_("距项目点（米）"), null=True, blank=True)
    no_exif = models.BooleanField(_("无拍摄时间"), default=False)
    no_location = models.BooleanField(_("无位置"), default=False)
    outside_period = models.BooleanField(_("不在期间内"), default=False)
    too_far = models.BooleanField(_("距离过远"), default=False)
    sample = models.BooleanField(_("演示样例"), default=False)
    uploaded_by = models.ForeignKey(User, verbose_name=_("上传人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("现场照片")
        verbose_name_plural = _("现场照片")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner_type", "owner_id", "sha256"],
                                    name="photo_once_per_owner"),
        ]
        indexes = [
            models.Index(fields=["owner_type", "owner_id"], name="photo_owner"),
            models.Index(fields=["subject_type", "subject_id", "taken_at"],
                         name="photo_subject_taken"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def flagged(self) -> bool:
        return self.no_exif or self.no_location or self.outside_period or self.too_far
from .models_notify import (  # noqa: E402,F401
    Channel,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationKind,
    NotifyPreference,
    RobotPlatform,
    UnitRobot,
)
