"""save_audited: the create-or-update-then-audit step that services of reference data share
(task forces, mediation's committees' people and places, duty lists). The service keeps its
own checks (who, what is valid, what clashes) and its transaction; this writes and audits."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import models

from . import audit
from .models import User


def _pks(objs: Sequence[models.Model]) -> list[Any]:
    return sorted(o.pk for o in objs)


def save_audited[M: models.Model](
        actor: User | None, model: type[M], obj: M | None, fields: Mapping[str, Any], *,
        action: str | tuple[str, str],
        m2m: Mapping[str, Sequence[models.Model]] | None = None) -> M:
    """Create `model` from `fields` (obj None) or update `obj`, locked, with them; then set the
    many-to-many fields in `m2m`. Audited as `<action>.create` / `<action>.update` (or the
    pair given): a new object with every field, a change with the fields that changed
    (many-to-many as sorted primary keys). Call it inside the caller's transaction, after its
    checks."""
    create_action, update_action = (
        (f"{action}.create", f"{action}.update") if isinstance(action, str) else action)
    related = dict(m2m or {})
    after = {**fields, **{name: _pks(objs) for name, objs in related.items()}}
    if obj is None:
        obj = model._default_manager.create(**fields)
        for name, objs in related.items():
            getattr(obj, name).set(objs)
        audit.record(actor, create_action, obj, after)
        return obj
    obj = model._default_manager.select_for_update().get(pk=obj.pk)
    before = {name: getattr(obj, name) for name in fields}
    before.update({name: sorted(getattr(obj, name).values_list("pk", flat=True))
                   for name in related})
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save()
    for name, objs in related.items():
        getattr(obj, name).set(objs)
    audit.record(actor, update_action, obj, audit.diff(before, after))
    return obj
