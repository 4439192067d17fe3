"""Messages to people: `notify(users, kind=..., title=..., body=..., key=..., about=...)` is the
one door every app uses (督办 steps, the sweep, 催报, later grid events). It writes the inbox
message and queues its delivery on the channels each user chose (SMS, 企业微信/钉钉 group
robots, email; docs/notify.md)."""

from diaodu.core.models_notify import Channel, Notification, NotificationKind

from .service import notification_mark_read, notify

__all__ = ["Channel", "Notification", "NotificationKind", "notification_mark_read", "notify"]
