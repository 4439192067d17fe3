"""One optimistic lock for every edit form: the form carries the `version` it was opened at;
a save against a newer version is refused with one message shape that names who changed what.

Models with field history (django-simple-history) say it field by field (core/history.py);
others pass `last_change`, a callable giving "who (what)" — only called on a conflict."""

from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import ConflictError
from .history import changes_since
from .models import AuditEvent


def check_version(obj: Any, expected_version: int | str | None, *, code: str, subject: str,
                  last_change: Callable[[], str] | None = None,
                  excluded_fields: tuple[str, ...] = ("version",),
                  field: str | None = "version") -> None:
    """Refuse with ConflictError when `obj.version` moved past `expected_version` (None: the
    caller does not lock, e.g. a task). `subject` names the record ("项目", "节点“A”")."""
    if expected_version is None or int(expected_version) == obj.version:
        return
    if last_change is not None:
        changes = last_change()
    elif hasattr(obj, "history"):
        changes = changes_since(obj, int(expected_version), excluded_fields=excluded_fields)
    else:
        changes = ""
    raise ConflictError(
        code,
        _("您打开此页面后，%(subject)s已被他人修改（%(changes)s）。您的修改未保存，请刷新后重试。")
        % {"subject": subject, "changes": changes or _("记录不可用")},
        field)


def last_audit(obj: Any) -> str:
    """"who 于 time 修改了 fields" from the newest audit event on `obj`, for models without field
    history (the audit log records every write with its diff)."""
    event = (AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
             .order_by("-seq").first())
    if event is None:
        return ""
    fields = "、".join(str(name) for name in event.changes) if isinstance(event.changes, dict) \
        else ""
    return _("%(who)s 于 %(when)s 修改了 %(fields)s") % {
        "who": event.actor_name or _("系统"),
        "when": timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M"),
        "fields": fields or _("（无字段变化）")}
