"""Sending what is due: each delivery is claimed with a lease (its `due_at` moved forward, so
a second worker passes it by and a worker that dies leaves it due again — nothing lost), sent
outside any transaction, and its outcome written to the log: sent, retrying (with backoff, or
the provider's Retry-After), failed after NOTIFY_MAX_ATTEMPTS, or skipped (no phone, the
day's limit). SMS waits out the quiet hours unless urgent."""

from collections import Counter
from datetime import datetime, timedelta

import httpx
from django.conf import settings
from django.db.models import F
from django.utils import timezone, translation

from diaodu.core.models_notify import Delivery, DeliveryStatus

from .channels import CHANNELS, Refused, Retry
from .rules import backoff, quiet_until
from .templates import render

PENDING = (DeliveryStatus.QUEUED, DeliveryStatus.RETRYING)
LEASE = timedelta(minutes=5)
RATE_LIMITED = "rate_limited"  # an outcome: retrying, as the provider asked
SKIP_REASONS = {
    "no_phone": "未登记手机号，已跳过",
    "no_email": "未登记电子邮箱，已跳过",
    "no_robot": "所在单位及上级单位均未配置群机器人，已跳过",
    "daily_limit": "已达每日发送上限（%s 条），已跳过",
}


def deliver_due(*, now: datetime | None = None, limit: int = 200,
                client: httpx.Client | None = None) -> Counter:
    """Send up to `limit` deliveries that are due; returns the count per outcome."""
    now = now or timezone.now()
    due = list(Delivery.objects.filter(status__in=PENDING, due_at__lte=now)
               .order_by("due_at", "id").values_list("id", "channel")[:limit])
    outcomes: Counter = Counter()
    paused: set[str] = set()  # channels whose provider said "too fast": the rest wait too
    own = client is None
    client = client or httpx.Client(timeout=settings.NOTIFY_TIMEOUT)
    try:
        for pk, channel in due:
            if channel in paused:
                continue
            claimed = (Delivery.objects.filter(pk=pk, status__in=PENDING, due_at__lte=now)
                       .update(due_at=now + LEASE, attempts=F("attempts") + 1))
            if not claimed:
                continue  # another worker has it
            delivery = (Delivery.objects.select_related("notification", "user")
                        .get(pk=pk))
            outcome = _attempt(delivery, client, now)
            outcomes[outcome] += 1
            if outcome == RATE_LIMITED:
                paused.add(channel)
    finally:
        if own:
            client.close()
    return outcomes


def next_due() -> datetime | None:
    """When the earliest waiting delivery falls due (None: nothing waits)."""
    first = (Delivery.objects.filter(status__in=PENDING).order_by("due_at")
             .values_list("due_at", flat=True).first())
    return first


def _write(delivery: Delivery, **fields) -> str:
    Delivery.objects.filter(pk=delivery.pk).update(**fields)
    return str(fields.get("status", delivery.status))


def _wait(delivery: Delivery, until: datetime, error: str = "") -> str:
    """Not an attempt: give the claim back and wait."""
    return _write(delivery, due_at=until, attempts=F("attempts") - 1, error=error[:500])


def _attempt(delivery: Delivery, client: httpx.Client, now: datetime) -> str:
    spec = CHANNELS[delivery.channel]
    if delivery.channel == "sms" and not delivery.urgent:
        until = quiet_until(timezone.localtime(now))
        if until is not None:
            return _wait(delivery, until, "免打扰时段（22:00—07:00），07:00 后发送")
    address = spec.address(delivery.user)
    if address is None:
        return _write(delivery, status=DeliveryStatus.SKIPPED,
                      error=SKIP_REASONS[spec.missing])
    sent = Delivery.objects.filter(user_id=delivery.user_id, channel=delivery.channel,
                                   status=DeliveryStatus.SENT)
    day_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    if sent.filter(sent_at__gte=day_start).count() >= settings.NOTIFY_USER_DAILY_LIMIT:
        return _write(delivery, status=DeliveryStatus.SKIPPED,
                      error=SKIP_REASONS["daily_limit"] % settings.NOTIFY_USER_DAILY_LIMIT)
    hour = [at for at in sent.filter(sent_at__gt=now - timedelta(hours=1)).order_by("sent_at")
            .values_list("sent_at", flat=True)[:settings.NOTIFY_USER_HOURLY_LIMIT] if at]
    if len(hour) >= settings.NOTIFY_USER_HOURLY_LIMIT:
        return _wait(delivery, hour[0] + timedelta(hours=1),
                     f"已达每小时发送上限（{settings.NOTIFY_USER_HOURLY_LIMIT} 条），稍后发送")
    with translation.override(settings.LANGUAGE_CODE):
        rendered = render(delivery.kind, delivery.channel, _values(delivery))
    try:
        provider_id = spec.send(client, address, delivery.kind, rendered, delivery.urgent)
    except Retry as exc:
        if exc.after is not None:  # the provider's rate limit: wait as told, not a failure
            _write(delivery, status=DeliveryStatus.RETRYING, error=str(exc)[:500],
                   due_at=now + timedelta(seconds=exc.after), attempts=F("attempts") - 1)
            return RATE_LIMITED
        if delivery.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
            return _write(delivery, status=DeliveryStatus.FAILED, error=str(exc)[:500])
        return _write(delivery, status=DeliveryStatus.RETRYING, error=str(exc)[:500],
                      due_at=now + backoff(delivery.attempts,
                                           base=settings.NOTIFY_RETRY_BASE))
    except Refused as exc:
        return _write(delivery, status=DeliveryStatus.FAILED, error=str(exc)[:500])
    return _write(delivery, status=DeliveryStatus.SENT, provider_id=provider_id[:100],
                  sent_at=now, error="")


def _values(delivery: Delivery) -> dict[str, str]:
    message, user = delivery.notification, delivery.user
    name = (getattr(user, "display_name", "") or user.get_full_name() or user.username)
    link = message.link
    return {"name": name, "title": message.shown_title, "body": message.shown_body,
            "link": f"{settings.NOTIFY_SITE_URL}{link}" if link else settings.NOTIFY_SITE_URL,
            "site": settings.NOTIFY_SITE_NAME}
