"""audit.record(...) — called by every service inside its transaction, so a write and its audit
row commit or roll back together."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models

from .context import NO_REQUEST, current_request
from .models import AuditEvent, User


def _plain(value: Any) -> Any:
    """JSON-safe form of a field value (Decimal keeps its exact text)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value.pk)
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changed."""
    return {
        name: [_plain(before.get(name)), _plain(value)]
        for name, value in after.items()
        if before.get(name) != value
    }


def record(
    actor: User | None,
    action: str,
    obj: models.Model,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    info = current_request.get() or NO_REQUEST
    return AuditEvent.objects.create(
        actor=actor,
        actor_name=str(actor) if actor else "system",
        unit_id=getattr(actor, "unit_id", None),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        changes={k: _plain(v) if not isinstance(v, list) else [_plain(x) for x in v]
                 for k, v in (changes or {}).items()},
        ip=info.ip,
        request_id=info.request_id,
    )
