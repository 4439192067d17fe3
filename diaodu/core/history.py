"""Words for a stale edit: who changed which field since the version a user opened."""

from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.utils import timezone
from django.utils.translation import gettext as _

from . import bulk


def changes_since(obj: Any, expected_version: int, *,
                  excluded_fields: tuple[str, ...] = ("version",)) -> str:
    """From `obj`'s field history (django-simple-history, with a `version` field): "X 于 T
    修改了 字段：旧 → 新" for every save after `expected_version`, or "" when unknown."""
    records = list(obj.history.filter(version__gte=expected_version)
                   .select_related("history_user").order_by("version", "history_id"))
    empty = _("空")
    lines = []
    for older, newer in pairwise(records):
        delta = newer.diff_against(older, excluded_fields=list(excluded_fields))
        fields = "、".join(
            _("%(field)s：%(old)s → %(new)s") % {
                "field": obj._meta.get_field(c.field).verbose_name,
                "old": c.old if c.old not in (None, "") else empty,
                "new": c.new if c.new not in (None, "") else empty}
            for c in delta.changes)
        who = newer.history_user or _("系统")
        when = timezone.localtime(newer.history_date).strftime("%Y-%m-%d %H:%M")
        lines.append(_("%(who)s 于 %(when)s 修改了 %(fields)s")
                     % {"who": who, "when": when, "fields": fields or _("（无字段变化）")})
    return "；".join(lines)


OTHERS = ("history_date", "history_type", "history_user_id", "history_change_reason")


@dataclass(frozen=True)
class _Shape:
    model: Any  # the history model
    tracked: list[str]  # attnames
    copy: tuple[str, str, tuple[str, ...], tuple[str, ...]]  # bulk.Copy's but the values


@cache
def _tracked(model: type[models.Model]) -> _Shape:
    # `Model.history` builds a new manager class on every access (simple_history's
    # descriptor): worked out once per model, with the quoted names of a bulk.Copy.
    history_model = model.history.model  # type: ignore[attr-defined]
    tracked = [f.attname for f in history_model.tracked_fields]
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    opts = history_model._meta
    return _Shape(history_model, tracked, (
        quote(model._meta.db_table), quote(opts.db_table),
        tuple(quote(opts.get_field(name).column) for name in tracked),
        tuple(quote(opts.get_field(name).column) for name in OTHERS)))


def history_write(obj: models.Model, actor: Any, history_type: str = "~") -> bulk.Write:
    """The field-history row django-simple-history's post_save writes for `obj` (its tracked
    fields, `_history_date` or now, the actor, `_change_reason`), for a service that writes
    the row itself with `bulk.update_one_write` (no post_save). No model here has receivers
    of simple_history's own pre/post-create signals; tests/core/test_rowread.py holds the row
    equal to simple_history's."""
    shape = _tracked(type(obj))
    others = [getattr(obj, "_history_date", None) or timezone.now(), history_type,
              actor.pk if actor is not None else None, getattr(obj, "_change_reason", None)]
    write = bulk.insert_one_write(shape.model, [*shape.tracked, *OTHERS],
                                  [*(getattr(obj, name) for name in shape.tracked), *others])
    # Right after the write of `obj`'s own row, on PostgreSQL the tracked values are taken
    # from the row as stored (bulk.Copy): the same values, fewer sent.
    copy = bulk.Copy(*shape.copy, params=write.params[len(shape.tracked):])
    return bulk.Write(write.sql, write.params, write.label, copy=copy)
