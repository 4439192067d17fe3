"""Reads of the inbox: a user's own messages only."""

from django.core.cache import cache
from django.db.models import QuerySet

from diaodu.core.models_notify import Notification

UNREAD_TTL = 60  # seconds; writes clear the key, the TTL bounds what another process may miss


def inbox(*, user) -> QuerySet[Notification]:
    """The user's own messages, newest first, with their subjects (one query per kind of
    subject on the page)."""
    return Notification.objects.filter(user=user).prefetch_related("subject")


def unread_count(*, user) -> int:
    if not (user and user.is_authenticated):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def unread_key(user_id: int) -> str:
    return f"notify:unread:{user_id}"


def unread_count_cached(*, user) -> int:
    """The sidebar badge: shown on every page, so it is cached rather than counted each time
    (the services clear the key when they write or read a user's messages)."""
    if not (user and user.is_authenticated):
        return 0
    count = cache.get(unread_key(user.pk))
    if count is None:
        count = unread_count(user=user)
        cache.set(unread_key(user.pk), count, UNREAD_TTL)
    return count
