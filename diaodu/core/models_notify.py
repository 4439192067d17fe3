"""Messages to people and their delivery (core/notify): the inbox, the delivery log per message
and channel, and each user's choice of channels per kind.

A message's subject is generic (content type + id): a case, a report, a round or a grid event;
the inbox links to `subject.get_absolute_url()`. Imported by core/models.py so Django finds it.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import clock
from .phrases import Phrased


class NotificationKind(models.TextChoices):
    REMINDER = "reminder", _("到期提醒")
    OVERDUE = "overdue", _("逾期")
    ESCALATION = "escalation", _("升级督办")
    CHASE = "chase", _("催报")
    REPORT_RETURNED = "report_returned", _("报告退回")
    CASE_ASSIGNED = "case_assigned", _("交办")
    EVENT_DISPATCHED = "event_dispatched", _("事件派遣")
    OTHER = "other", _("其他")


class Channel(models.TextChoices):
    INBOX = "inbox", _("站内消息")
    SMS = "sms", _("短信")
    WECOM = "wecom", _("企业微信群")
    DINGTALK = "dingtalk", _("钉钉群")
    EMAIL = "email", _("电子邮件")


class NotificationQuerySet(models.QuerySet):
    def about(self, subject: models.Model) -> "NotificationQuerySet":
        return self.filter(subject_type=ContentType.objects.get_for_model(subject),
                           subject_id=subject.pk)


class Notification(Phrased):
    """An in-app message to one user (inbox). `key` keeps an event from reaching a user twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("接收人"),
                             on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("类别"), max_length=20, choices=NotificationKind.choices,
                            default=NotificationKind.OTHER)
    urgent = models.BooleanField(_("紧急"), default=False)
    subject_type = models.ForeignKey(ContentType, verbose_name=_("关于（类型）"),
                                     on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="+")
    subject_id = models.PositiveBigIntegerField(_("关于（编号）"), null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    key = models.CharField(_("去重键"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("时间"), default=clock.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], condition=~Q(key=""),
                                               name="core_notification_unique_key")]
        indexes = [models.Index(fields=["user", "read_at"], name="core_notif_user_read"),
                   models.Index(fields=["subject_type", "subject_id"],
                                name="core_notif_subject")]

    def __str__(self) -> str:
        return self.title

    @property
    def shown_title(self) -> str:
        return self.shown("title")

    @property
    def shown_body(self) -> str:
        return self.shown("body")

    @property
    def link(self) -> str:
        """Where the message points: its subject's page, if the subject has one."""
        subject = self.subject if self.subject_id else None
        url = getattr(subject, "get_absolute_url", None)
        return url() if callable(url) else ""


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RETRYING = "retrying", _("重试中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("失败")
    SKIPPED = "skipped", _("已跳过")


class Delivery(models.Model):
    """One message on one channel: the delivery log. `due_at` is when it may go next (quiet
    hours, backoff, a provider's rate limit, or a worker's lease while sending)."""

    notification = models.ForeignKey(Notification, verbose_name=_("消息"),
                                     on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("接收人"),
                             on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("类别"), max_length=20, choices=NotificationKind.choices)
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    urgent = models.BooleanField(_("紧急"), default=False)
    status = models.CharField(_("状态"), max_length=16, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    provider_id = models.CharField(_("服务商回执"), max_length=100, blank=True)
    error = models.CharField(_("错误"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    due_at = models.DateTimeField(_("计划发送时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("发送记录")
        verbose_name_plural = _("发送记录")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["notification", "channel"],
                                               name="delivery_once_per_channel")]
        indexes = [
            # The worker's pick; the log page's filters, newest first (keyset on id).
            models.Index(fields=["status", "due_at"], name="delivery_due"),
            models.Index(fields=["status", "-id"], name="delivery_status_id"),
            models.Index(fields=["channel", "status", "-id"], name="delivery_channel_id"),
            models.Index(fields=["kind", "-id"], name="delivery_kind_id"),
            models.Index(fields=["user", "channel", "sent_at"], name="delivery_user_sent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} #{self.notification_id}"


class NotifyPreference(models.Model):
    """A user's choice for one kind on one channel; without a row the default applies
    (notify/rules.default_enabled)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"),
                             on_delete=models.CASCADE, related_name="notify_preferences")
    kind = models.CharField(_("类别"), max_length=20, choices=NotificationKind.choices)
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    enabled = models.BooleanField(_("接收"), default=True)

    class Meta:
        verbose_name = _("通知偏好")
        verbose_name_plural = _("通知偏好")
        constraints = [models.UniqueConstraint(fields=["user", "kind", "channel"],
                                               name="notify_preference_once")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.channel}"


class RobotPlatform(models.TextChoices):
    WECOM = "wecom", _("企业微信")
    DINGTALK = "dingtalk", _("钉钉")


class UnitRobot(models.Model):
    """A unit's group robot on one platform: the group messages to the unit's people (and the
    units below it without a robot of their own) are posted there; the settings' webhook is the
    district-wide default (notify/robots.py). Written through robots.unit_robot_save."""

    unit = models.ForeignKey("core.OrgUnit", verbose_name=_("单位"), on_delete=models.PROTECT,
                             related_name="robots")
    platform = models.CharField(_("平台"), max_length=16, choices=RobotPlatform.choices)
    webhook = models.CharField(_("Webhook 地址"), max_length=500)
    secret = models.CharField(_("加签密钥"), max_length=200, blank=True,
                              help_text=_("仅钉钉；留空表示不加签。"))
    active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("单位群机器人")
        verbose_name_plural = _("单位群机器人")
        ordering = ["unit__path", "platform"]
        constraints = [models.UniqueConstraint(fields=["unit", "platform"],
                                               condition=Q(active=True),
                                               name="unit_robot_one_active")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_platform_display()}"
