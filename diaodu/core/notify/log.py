"""Reads and writes behind the delivery-log and preference pages: the log for dispatchers
(keyset pages on the id, filters on indexed columns, never a COUNT over the table), each user's
channel choices and the service that saves them."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_noop

from diaodu.core import audit
from diaodu.core.models_notify import (
    Channel,
    Delivery,
    DeliveryStatus,
    NotificationKind,
    NotifyPreference,
)
from diaodu.core.roles import Role, require_role

from .rules import default_enabled

LOG_READERS = frozenset({Role.DISPATCHER})
PAGE_SIZE = 50
EXTERNAL = [c for c in Channel.values if c != Channel.INBOX]


@dataclass
class LogPage:
    rows: list[Delivery]
    next_before: int | None


def delivery_log(*, user, channel: str = "", status: str = "", kind: str = "",
                 before: int | None = None, size: int = PAGE_SIZE) -> LogPage:
    """The delivery log, newest first, `size` rows older than id `before`; dispatchers only."""
    require_role(user, LOG_READERS, gettext_noop("只有调度员可以查看发送记录。"))
    rows = Delivery.objects.select_related("user", "notification").order_by("-id")
    if channel in Channel.values:
        rows = rows.filter(channel=channel)
    if status in DeliveryStatus.values:
        rows = rows.filter(status=status)
    if kind in NotificationKind.values:
        rows = rows.filter(kind=kind)
    if before:
        rows = rows.filter(id__lt=before)
    found = list(rows[:size + 1])
    more = len(found) > size
    found = found[:size]
    return LogPage(found, found[-1].pk if more else None)


def preferences_of(*, user) -> dict[tuple[str, str], bool]:
    """The user's choice per (kind, channel) of the channels beyond the inbox."""
    chosen = {(k, c): default_enabled(k, c) for k in NotificationKind.values for c in EXTERNAL}
    chosen.update({(k, c): on for k, c, on in NotifyPreference.objects.filter(user=user)
                   .values_list("kind", "channel", "enabled")})
    return chosen


def preferences_save(*, actor, enabled: set[tuple[str, str]]) -> int:
    """Save the actor's own choices: `enabled` holds the (kind, channel) pairs switched on.
    Returns how many changed."""
    with transaction.atomic():
        before = preferences_of(user=actor)
        changed = {pair: pair in enabled for pair, on in before.items()
                   if (pair in enabled) != on}
        for (kind, channel), on in changed.items():
            NotifyPreference.objects.update_or_create(
                user=actor, kind=kind, channel=channel, defaults={"enabled": on})
        if changed:
            audit.record(actor, "notify.preferences", actor,
                         {f"{k}.{c}": on for (k, c), on in sorted(changed.items())})
    return len(changed)
