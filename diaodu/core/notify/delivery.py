"""Queueing deliveries for new inbox messages: one row per message and chosen channel in one
bulk insert, and one wake-up of the delivery task after commit."""

from functools import partial

from django.db import transaction
from django.utils import timezone

from diaodu.core import bulk
from diaodu.core.models_notify import Delivery, Notification, NotifyPreference

from .channels import configured
from .rules import default_enabled, quiet_until
from .tasks import deliver_pending
from .wake import wake_at

CHUNK = 900  # ids per IN (…) on SQLite


def chosen_channels(user_ids: list[int], kind: str, channels: list[str]) -> dict:
    """{(user id, channel): enabled} from the users' preference rows (missing: default)."""
    chosen: dict[tuple[int, str], bool] = {}
    for start in range(0, len(user_ids), CHUNK):
        rows = NotifyPreference.objects.filter(
            user_id__in=user_ids[start:start + CHUNK], kind=kind, channel__in=channels
        ).values_list("user_id", "channel", "enabled")
        chosen.update({(user, channel): enabled for user, channel, enabled in rows})
    return chosen


def deliveries_queue(messages: list[Notification]) -> int:
    """Queue each message on the channels its user chose for its kind; returns the rows."""
    channels = configured()
    if not messages or not channels:
        return 0
    kind = messages[0].kind
    chosen = chosen_channels(sorted({m.user_id for m in messages}), kind, channels)
    now = timezone.now()
    quiet = quiet_until(timezone.localtime(now))
    rows = []
    for message in messages:
        for channel in channels:
            if not chosen.get((message.user_id, channel), default_enabled(kind, channel)):
                continue
            due = quiet if (channel == "sms" and quiet and not message.urgent) else now
            rows.append(Delivery(notification=message, user_id=message.user_id, kind=kind,
                                 channel=channel, urgent=message.urgent, created_at=now,
                                 due_at=due))
    bulk.insert(rows)
    for due in sorted({row.due_at for row in rows}):
        transaction.on_commit(partial(wake_at, deliver_pending, due))
    return len(rows)
