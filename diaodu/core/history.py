"""Words for a stale edit: who changed which field since the version a user opened."""

from itertools import pairwise
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _


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
