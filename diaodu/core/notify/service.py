"""Writing messages: the inbox rows, then their delivery on the other channels (delivery.py)."""

from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction

from diaodu.core import clock
from diaodu.core.models_notify import Notification, NotificationKind
from diaodu.core.phrases import words

from . import rows
from .delivery import deliveries_queue
from .selectors import unread_key


def notify(users: Iterable[Any], *, kind: str, title: str | dict, body: str | dict = "",
           key: str = "", about: Any = None, urgent: bool = False) -> int:
    """Write one inbox message per user and queue its delivery on the user's channels.
    `kind`: a NotificationKind. `title`/`body`: a person's words, or a phrase (core/phrases.py)
    shown in the reader's language. `about`: the subject (any model; the inbox links to its
    get_absolute_url). With a `key`, a user already holding a message with that key gets
    nothing new, on any channel (the same event twice sends once). Returns the number written."""
    kind = NotificationKind(kind)
    people = {u.pk: u for u in users if u is not None}
    if key:
        have = set(Notification.objects.filter(user_id__in=people, key=key)
                   .values_list("user_id", flat=True))
        people = {pk: u for pk, u in people.items() if pk not in have}
    if not people:
        return 0
    # Put into words once, not once per recipient.
    (title, title_phrase), (body, body_phrase) = words(title), words(body)
    stored = {field: kept for field, kept in (("title", title_phrase), ("body", body_phrase))
              if kept is not None}
    subject_type = ContentType.objects.get_for_model(about) if about is not None else None
    subject_id = about.pk if about is not None else None
    now = clock.now()
    type_id = subject_type.pk if subject_type else None
    user_ids = list(people)
    ids = rows.new_ids(Notification, len(user_ids))
    values = [(uid, kind.value, urgent, type_id, subject_id, title[:200], body, key,
               dict(stored), now, None) for uid in user_ids]
    columns = ["user", "kind", "urgent", "subject_type", "subject_id", "title", "body", "key",
               "phrases", "created_at", "read_at"]
    with transaction.atomic():
        # COPY or plain multi-row INSERTs (rows.py): 5,000 recipients in one go.
        if ids is not None:
            rows.write(Notification, ["id", *columns],
                       [(pk, *row) for pk, row in zip(ids, values, strict=True)])
        else:
            ids = rows.write(Notification, columns, values, returning_pk=True)
        deliveries_queue(list(zip(ids, user_ids, strict=True)), kind=kind, urgent=urgent)
    forget_unread(list(people))
    return len(user_ids)


def forget_unread(user_ids: list[int]) -> None:
    """Clear the cached unread badges now and again once the transaction commits (a reader in
    between may have cached the old count)."""
    keys = [unread_key(pk) for pk in user_ids]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def notification_mark_read(*, actor: Any, ids: Sequence[int] | None = None) -> int:
    """Mark the actor's own messages read (all when `ids` is None)."""
    with transaction.atomic():
        qs = Notification.objects.filter(user=actor, read_at__isnull=True)
        if ids is not None:
            qs = qs.filter(pk__in=list(ids))
        count = qs.update(read_at=clock.now())
        forget_unread([actor.pk])
        return count
