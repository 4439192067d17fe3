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
