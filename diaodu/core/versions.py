"""Settings kept as versions (the dashboard's warning rules and scoring scheme, cityops' grid
scoring scheme): `VersionedSettings`, the abstract model, and `version_create`, the one way a
change becomes the next version. A version is never edited; a change is a new version, active
at once, and the one before stays as history for what it decided (the warnings it raised, the
months it ranked)."""

import zlib
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from . import audit
from .models import User


class VersionedSettings(models.Model):
    """Settings kept as versions: never edited, a change is a new version, and a partial unique
    constraint in each subclass keeps exactly one version active."""

    version = models.PositiveIntegerField(_("版本"), unique=True)
    note = models.CharField(_("修改说明"), max_length=200, blank=True)
    is_active = models.BooleanField(_("生效"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("修改人"),
                                   on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("修改时间"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version}"


# pg_advisory_xact_lock namespace of the versioned settings ("Vs"); the second key is the
# model's label, so each model's changes queue on their own.
VERSIONS_LOCK = 0x5673


def _lock_versions(model: type[VersionedSettings]) -> None:
    """Make changes to `model` take turns until the transaction ends. The lock is on the model
    (a transaction-scoped advisory lock keyed by its label), not on the active row: a row lock
    is no queue for the very first version (there is no row yet), and a change that waited on
    the active row would find it no longer active once the first committed, and record its
    "before" as None. SQLite needs nothing: its IMMEDIATE transactions admit one writer at a
    time."""
    if connection.vendor == "postgresql":
        key = zlib.crc32(model._meta.label_lower.encode()) - 2**31  # into int4's range
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [VERSIONS_LOCK, key])


def version_create[V: VersionedSettings](
        actor: User | None, model: type[V], values: Mapping[str, Any], *, note: str,
        action: str, audited: Sequence[str]) -> V:
    """The next version of `model` with `values`, active at once; the active one is
    deactivated and kept. Two changes at once take turns (`_lock_versions`), and each reads
    the active version and the highest number after its turn comes, so the second replaces
    the first's new version and numbers itself after it. Audited as `action` on the new
    version with [before, after] of each field in `audited` ("version" among them when the
    caller names it), before being None when there was no active version. The service keeps
    its own checks (who, what is valid) and calls this after them."""
    manager = model._default_manager
    with transaction.atomic():
        _lock_versions(model)
        current = manager.filter(is_active=True).first()
        version = (manager.aggregate(latest=Max("version"))["latest"] or 0) + 1
        manager.filter(is_active=True).update(is_active=False)
        created = manager.create(version=version, is_active=True, note=note.strip()[:200],
                                 created_by=actor, **values)
        after = {"version": version, **values}
        audit.record(actor, action, created, {
            name: [getattr(current, name) if current else None, after[name]]
            for name in audited})
    return created
