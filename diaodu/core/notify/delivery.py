"""Queueing deliveries for new inbox messages: one row per message and chosen channel in one
bulk insert, and one wake-up of the delivery task after commit."""

from functools import partial

from django.db import transaction
from django.utils import timezone

from diaodu.core.models_notify import Delivery, DeliveryStatus, NotifyPreference

from .channels import configured
from .rows import write
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


def deliveries_queue(messages: list[tuple[int, int]], *, kind: str, urgent: bool) -> int:
    """Queue new messages — (message id, user id) of one kind — on the channels each user
    chose for the kind; returns the rows written."""
    channels = configured()
    if not messages or not channels:
        return 0
    chosen = chosen_channels(sorted({user for _, user in messages}), kind, channels)
    now = timezone.now()
    quiet = quiet_until(timezone.localtime(now))
    rows = []
    for message, user in messages:
        for channel in channels:
            if not chosen.get((user, channel), default_enabled(kind, channel)):
                continue
            due = quiet if (channel == "sms" and quiet and not urgent) else now
            rows.append((message, user, kind, channel, urgent, DeliveryStatus.QUEUED.value,
                         0, "", "", now, due, None))
    write(Delivery, ["notification", "user", "kind", "channel", "urgent", "status", "attempts",
                     "provider_id", "error", "created_at", "due_at", "sent_at"], rows)
    for due in sorted({row[10] for row in rows}):
        transaction.on_commit(partial(wake_at, deliver_pending, due))
    return len(rows)
