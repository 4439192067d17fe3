"""What every 督办 write shares: the case under lock, the log, text and choice checks,
attachments, the people of a unit."""

import secrets
from collections.abc import Iterable, Sequence
from datetime import date

from django.conf import settings
from django.utils.translation import gettext as _

from diaodu.core import clock
from diaodu.core.errors import NotFound, UserError
from diaodu.core.locking import check_version
from diaodu.core.models import OrgUnit, UnitKind, User
from diaodu.core.scoping import scope_for

from .. import rules
from ..models import (
    Case,
    CaseAction,
    CaseAttachment,
)

TASKABLE_KINDS = (UnitKind.DEPARTMENT, UnitKind.STREET, UnitKind.COMMUNITY, UnitKind.GRID)


def today_or_local(today: date | None) -> date:
    return today or clock.today()


def visible_case(actor: User | None, case: Case) -> Case:
    """The case locked for update, or NotFound when `actor` may not see it."""
    qs = Case.objects.select_for_update()
    if actor is not None and not scope_for(actor, Case).filter(pk=case.pk).exists():
        raise NotFound
    try:
        return qs.get(pk=case.pk)
    except Case.DoesNotExist:
        raise NotFound from None


def ensure_case_version(case: Case, expected_version: int | None) -> None:
    def last_change() -> str:
        # A case keeps no field history; its log says who took the last step.
        last = case.actions.exclude(actor=None).select_related("actor").order_by("-at").first()
        return f"{last.actor}：{last.get_kind_display()}" if last else ""

    check_version(case, expected_version, code="case.conflict", subject=_("该事项"),
                  last_change=last_change, field=None)




def unit_users(units: Iterable[OrgUnit], roles: Sequence[str]) -> list[User]:
    return list(User.objects.filter(unit__in=list(units), role__in=roles, is_active=True))


def log(case: Case, kind: str, actor: User | None, *, on: date, text: str | dict = "",
        key: str = "") -> CaseAction:
    """A step in the case's log; `text` a person's words or a phrase (core/phrases.py)."""
    action = CaseAction(case=case, kind=kind, actor=actor,
                        actor_unit_id=getattr(actor, "unit_id", None), on=on, key=key)
    action.write("text", text)
    action.save(force_insert=True)
    return action


def max_attachment_bytes() -> int:
    # Operators may lower or raise the limit in settings (CASES_MAX_ATTACHMENT_BYTES).
    return getattr(settings, "CASES_MAX_ATTACHMENT_BYTES", rules.MAX_ATTACHMENT_BYTES)


def check_files(files: Sequence) -> None:
    """Refuse the whole step when one file is too large or not an allowed type."""
    limit = max_attachment_bytes()
    for upload in files:
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        problem = rules.attachment_problem(upload.name, upload.size, head, limit)
        if problem == "too_large":
            raise UserError("attachment.too_large",
                            _("附件“%(name)s”超过 %(mb)s MB。")
                            % {"name": upload.name, "mb": round(limit / 1024 / 1024, 1)},
                            "files")
        if problem == "empty":
            raise UserError("attachment.empty", _("附件“%(name)s”是空文件。")
                            % {"name": upload.name}, "files")
        if problem in ("type", "content"):
            raise UserError("attachment.type",
                            _("附件“%(name)s”不是允许的类型（PDF、图片、Word、Excel、OFD）。")
                            % {"name": upload.name}, "files")


def attach(action: CaseAction, files: Sequence) -> list[CaseAttachment]:
    saved = []
    for upload in files:
        extension = upload.name.rsplit(".", 1)[-1].lower()
        attachment = CaseAttachment(action=action, token=secrets.token_hex(16),
                                    name=upload.name[:200], size=upload.size,
                                    content_type=rules.CONTENT_TYPES[extension])
        attachment.file.save(f"{attachment.token}.{extension}", upload, save=False)
        attachment.save()
        saved.append(attachment)
    return saved


def clean_text(value: str, *, field: str, label: str, limit: int | None = None,
               required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise UserError(f"case.{field}_required", _("请填写%(label)s。") % {"label": label},
                        field)
    if limit and len(value) > limit:
        raise UserError("case.text_too_long", _("%(label)s不能超过%(n)s个字。")
                        % {"label": label, "n": limit}, field)
    return value


def choice(value: str, choices, *, field: str, label: str) -> str:
    if value not in choices.values:
        raise UserError(f"case.{field}_invalid", _("%(label)s无效：%(value)s")
                        % {"label": label, "value": value}, field)
    return value
