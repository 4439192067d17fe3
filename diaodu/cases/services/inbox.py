"""The inbox: messages to users."""

from collections.abc import Iterable, Sequence

from django.core.cache import cache
from django.db import transaction

from diaodu.core import clock
from diaodu.core.models import User
from diaodu.core.phrases import words

from .. import selectors
from ..models import (
    Case,
    Notification,
)


def store(users: Iterable[User], *, title: str | dict, body: str | dict = "", key: str = "",
          about: object = None) -> int:
    """core.inbox's writer: messages about a case link to it (any other subject: none yet)."""
    return notify(users, case=about if isinstance(about, Case) else None, title=title,
                  body=body, key=key)


def notify(users: Iterable[User], *, case: Case | None, title: str | dict,
           body: str | dict = "", key: str = "") -> int:
    """Write inbox messages; with a key, a user already holding that key gets nothing new.
    `title` and `body`: a person's words, or a phrase (core/phrases.py) shown in the reader's
    language."""
    users = {u.pk: u for u in users if u is not None}
    if key:
        have = set(Notification.objects.filter(user_id__in=users, key=key)
                   .values_list("user_id", flat=True))
        users = {pk: u for pk, u in users.items() if pk not in have}
    # Put into words once, not once per recipient.
    (title, title_phrase), (body, body_phrase) = words(title), words(body)
    stored = {field: kept for field, kept in (("title", title_phrase), ("body", body_phrase))
              if kept is not None}
    Notification.objects.bulk_create(
        [Notification(user=u, case=case, title=title[:200], body=body, key=key,
                      phrases=dict(stored))
         for u in users.values()])
    forget_unread(list(users))
    return len(users)


def forget_unread(user_ids: list[int]) -> None:
    """Clear the cached unread badges now and again once the transaction commits (a reader in
    between may have cached the old count)."""
    keys = [selectors.unread_key(pk) for pk in user_ids]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def notification_mark_read(*, actor: User, ids: Sequence[int] | None = None) -> int:
    """Mark the actor's own messages read (all when `ids` is None)."""
    with transaction.atomic():
        qs = Notification.objects.filter(user=actor, read_at__isnull=True)
        if ids is not None:
            qs = qs.filter(pk__in=list(ids))
        count = qs.update(read_at=clock.now())
        forget_unread([actor.pk])
        return count
