"""Writes of the 督办 engine: cases and their steps, visits and instructions, approvals, notices,
the inbox and task forces. Each function validates, writes and records audit in one
transaction (DESIGN §4); `today` is a parameter so tests move time instead of sleeping."""

import secrets
from collections.abc import Iterable, Sequence
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from diaodu.core import audit, clock
from diaodu.core.calendar import WorkCalendar, load_calendar
from diaodu.core.errors import ConflictError, NotFound, UserError
from diaodu.core.models import OrgUnit, UnitKind, User
from diaodu.core.phrases import phrase, words
from diaodu.core.roles import APPROVAL_EDITORS, CASE_SUPERVISORS, Role
from diaodu.core.scoping import scope_for
from diaodu.projects.models import Project
from diaodu.projects.services import ensure_ledger_editor

from . import rules, selectors
from .models import (
    PENDING_STATUSES,
    ActionKind,
    Approval,
    ApprovalKind,
    Case,
    CaseAction,
    CaseAttachment,
    CaseCategory,
    CaseKind,
    CaseSource,
    CaseStatus,
    Instruction,
    Notice,
    NoticeKind,
    Notification,
    Priority,
    SupervisionPolicy,
    TaskForce,
    Visit,
)

TASKABLE_KINDS = (UnitKind.DEPARTMENT, UnitKind.STREET, UnitKind.COMMUNITY, UnitKind.GRID)
# Default legal time limits in working days (国务院令第673号: 核准 20; 备案 on receipt). The
# 审批 and 备案 limits are the district's service commitments (sample values, editable per item).
DEFAULT_TIME_LIMITS = {ApprovalKind.APPROVAL: 20, ApprovalKind.RATIFICATION: 20,
                       ApprovalKind.FILING: 3, ApprovalKind.NOTIFICATION_FILING: 0}
MAX_DUE_WORKDAYS = 250


# ---------------------------------------------------------------------------------------------
# Helpers


def _today(today: date | None) -> date:
    return today or clock.today()


def _role(actor: User | None) -> str:
    return getattr(actor, "role", "") or ""


def policy_get() -> SupervisionPolicy:
    """The reminder and escalation settings (created with the defaults on first use)."""
    policy, _created = SupervisionPolicy.objects.get_or_create(pk=1)
    return policy


def may_task(actor: User | None, unit: OrgUnit) -> bool:
    """Whether `actor` may give a case to `unit`: supervisors any unit, a unit head the units
    below their own, a task-force member the units of their task forces."""
    if not unit.active or unit.kind not in TASKABLE_KINDS:
        return False
    if actor is None:
        return True
    role = _role(actor)
    if role in CASE_SUPERVISORS:
        return True
    if role == Role.UNIT_HEAD and actor.unit_id:
        return unit.path.startswith(actor.unit.path)
    if role == Role.TASKFORCE:
        forces = TaskForce.objects.filter(members=actor, active=True)
        return (forces.filter(lead_unit=unit).exists()
                or forces.filter(member_units=unit).exists())
    return False


def in_case_units(actor: User | None, case: Case) -> bool:
    """Whether `actor` works in the case's lead or co-operating units (a unit head also for the
    units below their own). Only they reply and resolve."""
    if actor is None:
        return True
    if not actor.unit_id or _role(actor) not in (Role.REPORTER, Role.UNIT_HEAD):
        return False
    units = [u for u in [case.lead_unit, *case.co_units.all()] if u is not None]
    if _role(actor) == Role.UNIT_HEAD:
        return any(u.path.startswith(actor.unit.path) for u in units)
    return any(u.pk == actor.unit_id for u in units)


def _visible_case(actor: User | None, case: Case) -> Case:
    """The case locked for update, or NotFound when `actor` may not see it."""
    qs = Case.objects.select_for_update()
    if actor is not None and not scope_for(actor, Case).filter(pk=case.pk).exists():
        raise NotFound
    try:
        return qs.get(pk=case.pk)
    except Case.DoesNotExist:
        raise NotFound from None


def _ensure_version(case: Case, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != case.version:
        last = case.actions.exclude(actor=None).select_related("actor").order_by("-at").first()
        who = last.actor if last else _("其他用户")
        raise ConflictError("case.conflict",
                            _("该事项已被 %(who)s 更新（%(what)s），请刷新后重试。")
                            % {"who": who, "what": last.get_kind_display() if last else "—"})


def _require_supervisor(actor: User | None) -> None:
    if actor is not None and _role(actor) not in CASE_SUPERVISORS:
        raise UserError("permission.denied", _("只有调度员或区领导可以进行此操作。"))


def _unit_users(units: Iterable[OrgUnit], roles: Sequence[str]) -> list[User]:
    return list(User.objects.filter(unit__in=list(units), role__in=roles, is_active=True))


def _notify(users: Iterable[User], *, case: Case | None, title: str | dict,
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
    _forget_unread(list(users))
    return len(users)


def _forget_unread(user_ids: list[int]) -> None:
    """Clear the cached unread badges now and again once the transaction commits (a reader in
    between may have cached the old count)."""
    keys = [selectors.unread_key(pk) for pk in user_ids]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def _log(case: Case, kind: str, actor: User | None, *, on: date, text: str | dict = "",
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


def _check_files(files: Sequence) -> None:
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


def _attach(action: CaseAction, files: Sequence) -> list[CaseAttachment]:
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


def _clean_text(value: str, *, field: str, label: str, limit: int | None = None,
                required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise UserError(f"case.{field}_required", _("请填写%(label)s。") % {"label": label},
                        field)
    if limit and len(value) > limit:
        raise UserError("case.text_too_long", _("%(label)s不能超过%(n)s个字。")
                        % {"label": label, "n": limit}, field)
    return value


def _choice(value: str, choices, *, field: str, label: str) -> str:
    if value not in choices.values:
        raise UserError(f"case.{field}_invalid", _("%(label)s无效：%(value)s")
                        % {"label": label, "value": value}, field)
    return value


# ---------------------------------------------------------------------------------------------
# Cases


def _apply_assignment(case: Case, *, actor: User | None, lead_unit: OrgUnit,
                      co_units: Sequence[OrgUnit], due_workdays: int | None,
                      due_on: date | None, today: date, calendar: WorkCalendar) -> None:
    for unit in [lead_unit, *co_units]:
        if not may_task(actor, unit):
            raise UserError("case.unit_not_taskable",
                            _("您不能向“%(unit)s”交办事项。") % {"unit": unit},
                            "lead_unit" if unit == lead_unit else "co_units")
    if any(u.pk == lead_unit.pk for u in co_units):
        raise UserError("case.lead_in_co_units", _("牵头单位不能同时是配合单位。"), "co_units")
    if due_on is not None:
        if due_on < today:
            raise UserError("case.due_before_assignment",
                            _("办结期限 %(due)s 早于交办日期 %(on)s。")
                            % {"due": due_on, "on": today}, "due_on")
        due_workdays = calendar.workdays_between(today, due_on)
    else:
        if due_workdays is None:
            due_workdays = policy_get().default_due_workdays
        if not 1 <= int(due_workdays) <= MAX_DUE_WORKDAYS:
            raise UserError("case.due_workdays_invalid",
                            _("办理时限应为 1 至 %(n)s 个工作日。") % {"n": MAX_DUE_WORKDAYS},
                            "due_workdays")
        due_on = calendar.add_workdays(today, int(due_workdays))
    case.lead_unit = lead_unit
    case.assigned_on = today
    case.due_workdays = due_workdays
    case.due_on = due_on
    case.overdue_since = None
    case.escalation_level = 0
    case.status = CaseStatus.ASSIGNED


def _announce_assignment(case: Case, actor: User | None, today: date) -> None:
    text = _("交办%(lead)s牵头办理，办结期限 %(due)s（%(n)s 个工作日）。") % {
        "lead": case.lead_unit, "due": case.due_on, "n": case.due_workdays}
    co = "、".join(str(u) for u in case.co_units.all())
    if co:
        text += _("配合单位：%(co)s。") % {"co": co}
    _log(case, ActionKind.ASSIGN, actor, on=today, text=text)
    _notify(_unit_users([case.lead_unit, *case.co_units.all()], (Role.REPORTER, Role.UNIT_HEAD)),
            case=case, title=phrase(gettext_noop("新交办事项：%(title)s"), title=case.title),
            body=text)


def case_create(*, actor: User | None, kind: str = CaseKind.PROBLEM, title: str,
                detail: str = "", category: str = CaseCategory.OTHER,
                source: str = CaseSource.LEADER, project: Project | None = None,
                lead_unit: OrgUnit | None = None, co_units: Sequence[OrgUnit] = (),
                priority: str = Priority.NORMAL, due_workdays: int | None = None,
                due_on: date | None = None, visit: Visit | None = None,
                task_force: TaskForce | None = None, today: date | None = None) -> Case:
    """Register a case. With a lead unit it is assigned at once; without one it waits for a
    dispatcher (e.g. a problem raised from a progress report, source="report")."""
    today = _today(today)
    title = _clean_text(title, field="title", label=_("标题"), limit=200)
    detail = _clean_text(detail, field="detail", label=_("具体内容"), required=False)
    _choice(kind, CaseKind, field="kind", label=_("类型"))
    _choice(category, CaseCategory, field="category", label=_("问题类别"))
    _choice(source, CaseSource, field="source", label=_("来源"))
    _choice(priority, Priority, field="priority", label=_("紧急程度"))
    role = _role(actor)
    if actor is not None and role not in (*CASE_SUPERVISORS, Role.REPORTER, Role.UNIT_HEAD,
                                          Role.TASKFORCE):
        raise UserError("permission.denied", _("您的角色不能登记督办事项。"))
    if project is not None and actor is not None and \
            not scope_for(actor, Project).filter(pk=project.pk).exists():
        raise NotFound
    if task_force is not None and actor is not None and role == Role.TASKFORCE and \
            not task_force.members.filter(pk=actor.pk).exists():
        raise NotFound
    calendar = load_calendar()
    with transaction.atomic():
        serial = (Case.objects.filter(year=today.year).aggregate(m=Max("serial"))["m"] or 0) + 1
        case = Case(year=today.year, serial=serial, kind=kind, title=title, detail=detail,
                    category=category, source=source, project=project, priority=priority,
                    visit=visit, task_force=task_force, raised_by=actor, raised_on=today,
                    status=CaseStatus.OPEN)
        if lead_unit is not None:
            _apply_assignment(case, actor=actor, lead_unit=lead_unit, co_units=co_units,
                              due_workdays=due_workdays, due_on=due_on, today=today,
                              calendar=calendar)
        elif co_units:
            raise UserError("case.lead_unit_required", _("请先选择牵头单位。"), "lead_unit")
        case.save()
        case.co_units.set(co_units)
        _log(case, ActionKind.CREATE, actor, on=today, text=detail)
        if case.status == CaseStatus.ASSIGNED:
            _announce_assignment(case, actor, today)
        else:
            _notify(User.objects.filter(role=Role.DISPATCHER, is_active=True), case=case,
                    title=phrase(gettext_noop("待交办事项：%(title)s"), title=title))
        audit.record(actor, "case.create", case, {
            "kind": kind, "title": title, "category": category, "source": source,
            "project": project, "lead_unit": lead_unit, "co_units": [u.pk for u in co_units],
            "due_on": case.due_on})
    return case


def case_assign(*, actor: User | None, case: Case, lead_unit: OrgUnit,
                co_units: Sequence[OrgUnit] = (), due_workdays: int | None = None,
                due_on: date | None = None, expected_version: int | None = None,
                today: date | None = None) -> Case:
    """交办 (or re-assign) a case to a lead unit with co-operating units and a deadline."""
    today = _today(today)
    calendar = load_calendar()
    with transaction.atomic():
        case = _visible_case(actor, case)
        if actor is not None and _role(actor) not in (*CASE_SUPERVISORS, Role.UNIT_HEAD,
                                                      Role.TASKFORCE):
            raise UserError("permission.denied", _("您不能交办事项。"))
        _ensure_version(case, expected_version)
        if case.status not in (CaseStatus.OPEN, *PENDING_STATUSES):
            raise UserError("case.not_assignable", _("已办结的事项不能再交办。"), "lead_unit")
        before = {"lead_unit": case.lead_unit, "due_on": case.due_on, "status": case.status}
        _apply_assignment(case, actor=actor, lead_unit=lead_unit, co_units=co_units,
                          due_workdays=due_workdays, due_on=due_on, today=today,
                          calendar=calendar)
        case.version += 1
        case.save()
        case.co_units.set(co_units)
        _announce_assignment(case, actor, today)
        audit.record(actor, "case.assign", case, {
            **audit.diff(before, {"lead_unit": case.lead_unit, "due_on": case.due_on,
                                  "status": case.status}),
            "co_units": [u.pk for u in co_units]})
    return case


def case_reply(*, actor: User | None, case: Case, text: str, files: Sequence = (),
               today: date | None = None) -> CaseAction:
    """A lead or co-operating unit reports progress (with attachments)."""
    today = _today(today)
    with transaction.atomic():
        case = _visible_case(actor, case)
        if not in_case_units(actor, case):
            raise NotFound
        text = _clean_text(text, field="text", label=_("回复内容"), limit=4000)
        if case.status not in PENDING_STATUSES:
            raise UserError("case.not_pending", _("该事项当前状态为“%(s)s”，不能回复。")
                            % {"s": case.get_status_display()}, "text")
        _check_files(files)
        action = _log(case, ActionKind.REPLY, actor, on=today, text=text)
        _attach(action, files)
        if case.status != CaseStatus.IN_PROGRESS:
            case.status = CaseStatus.IN_PROGRESS
            case.version += 1
            case.save(update_fields=["status", "version"])
        audit.record(actor, "case.reply", case, {"action": action.pk, "files": len(files)})
    return action


def case_resolve(*, actor: User | None, case: Case, text: str, resolved_on: date | None = None,
                 files: Sequence = (), expected_version: int | None = None,
                 today: date | None = None) -> Case:
    """The lead unit reports the matter settled; a dispatcher or leader verifies next."""
    today = _today(today)
    resolved_on = resolved_on or today
    with transaction.atomic():
        case = _visible_case(actor, case)
        if not in_case_units(actor, case):
            raise NotFound
        if actor is not None and not (actor.unit_id == case.lead_unit_id or (
                _role(actor) == Role.UNIT_HEAD
                and case.lead_unit.path.startswith(actor.unit.path))):
            raise UserError("case.only_lead_unit", _("只有牵头单位可以报办结。"))
        _ensure_version(case, expected_version)
        text = _clean_text(text, field="text", label=_("办结情况"), limit=4000)
        if case.status not in PENDING_STATUSES:
            raise UserError("case.not_pending", _("该事项当前状态为“%(s)s”，不能报办结。")
                            % {"s": case.get_status_display()}, "text")
        if resolved_on < case.assigned_on:
            raise UserError("case.date_before_assignment",
                            _("办结日期 %(on)s 早于交办日期 %(assigned)s。")
                            % {"on": resolved_on, "assigned": case.assigned_on}, "resolved_on")
        if resolved_on > today:
            raise UserError("case.date_in_future", _("办结日期不能晚于今天。"), "resolved_on")
        _check_files(files)
        action = _log(case, ActionKind.RESOLVE, actor, on=resolved_on, text=text)
        _attach(action, files)
        case.status = CaseStatus.RESOLVED
        case.resolved_on = resolved_on
        case.version += 1
        case.save()
        supervisors = [case.raised_by] if case.raised_by and \
            _role(case.raised_by) in CASE_SUPERVISORS else []
        supervisors += list(User.objects.filter(role=Role.DISPATCHER, is_active=True))
        _notify(supervisors, case=case,
                title=phrase(gettext_noop("待核查：%(title)s"), title=case.title), body=text)
        audit.record(actor, "case.resolve", case, {"resolved_on": resolved_on})
    return case


def case_verify(*, actor: User | None, case: Case, passed: bool, note: str = "",
                expected_version: int | None = None, today: date | None = None) -> Case:
    """核查: confirm the unit's result, or return the case with a reason."""
    today = _today(today)
    _require_supervisor(actor)
    with transaction.atomic():
        case = _visible_case(actor, case)
        _ensure_version(case, expected_version)
        if case.status != CaseStatus.RESOLVED:
            raise UserError("case.not_resolved", _("只有已报办结的事项可以核查。"))
        note = _clean_text(note, field="note", label=_("退回原因"), limit=2000,
                           required=not passed)
        if passed:
            case.status = CaseStatus.VERIFIED
            _log(case, ActionKind.VERIFY, actor, on=today, text=note)
        else:
            case.status = CaseStatus.RETURNED
            case.resolved_on = None
            _log(case, ActionKind.RETURN, actor, on=today, text=note)
            _notify(_unit_users([case.lead_unit], (Role.REPORTER, Role.UNIT_HEAD)), case=case,
                    title=phrase(gettext_noop("核查退回：%(title)s"), title=case.title), body=note)
        case.version += 1
        case.save()
        audit.record(actor, "case.verify", case, {"passed": passed, "note": note})
    return case


def case_close(*, actor: User | None, case: Case, note: str = "",
               expected_version: int | None = None, today: date | None = None) -> Case:
    """销号: close a verified case."""
    today = _today(today)
    _require_supervisor(actor)
    with transaction.atomic():
        case = _visible_case(actor, case)
        _ensure_version(case, expected_version)
        if case.status != CaseStatus.VERIFIED:
            raise UserError("case.not_verified", _("事项未经核查，不能销号。"))
        note = _clean_text(note, field="note", label=_("销号说明"), limit=2000, required=False)
        case.status = CaseStatus.CLOSED
        case.closed_on = today
        case.version += 1
        case.save()
        _log(case, ActionKind.CLOSE, actor, on=today, text=note)
        _notify(_unit_users([case.lead_unit], (Role.REPORTER, Role.UNIT_HEAD)), case=case,
                title=phrase(gettext_noop("已销号：%(title)s"), title=case.title))
        audit.record(actor, "case.close", case, {"closed_on": today})
    return case


def case_comment(*, actor: User | None, case: Case, text: str,
                 today: date | None = None) -> CaseAction:
    """批示意见 of a leader, dispatcher or task-force member on a case they can see."""
    today = _today(today)
    if actor is not None and _role(actor) not in (*CASE_SUPERVISORS, Role.TASKFORCE):
        raise UserError("permission.denied", _("只有区领导、调度员和专班成员可以填写意见。"))
    with transaction.atomic():
        case = _visible_case(actor, case)
        text = _clean_text(text, field="text", label=_("意见"), limit=2000)
        action = _log(case, ActionKind.COMMENT, actor, on=today, text=text)
        if case.lead_unit_id:
            _notify(_unit_users([case.lead_unit], (Role.REPORTER, Role.UNIT_HEAD)), case=case,
                    title=phrase(gettext_noop("新批示：%(title)s"), title=case.title), body=text)
        audit.record(actor, "case.comment", case, {"action": action.pk})
    return action


# ---------------------------------------------------------------------------------------------
# Notices


def notice_body(case: Case, kind: str, today: date,
                calendar: WorkCalendar | None = None) -> str:
    """The letter's body text, from the case's facts."""
    project = _("（%(p)s）") % {"p": case.project} if case.project_id else ""
    facts = case.detail or case.title
    if kind == NoticeKind.ASSIGN:
        return _("现将“%(title)s”%(project)s交由你单位牵头办理。具体情况：%(facts)s请于 "
                 "%(due)s 前办结，并将办理结果书面报送区发展和改革委员会。") % {
            "title": case.title, "project": project, "facts": _sentence(facts),
            "due": _cn_date(case.due_on)}
    if kind == NoticeKind.REMIND:
        return _("你单位牵头办理的“%(title)s”%(project)s（%(number)s）将于 %(due)s 到期。"
                 "请抓紧推进，按期办结，并及时报送办理情况。") % {
            "title": case.title, "project": project, "number": case.number,
            "due": _cn_date(case.due_on)}
    calendar = calendar or load_calendar()
    late = calendar.workdays_between(case.due_on, today) if case.due_on else 0
    return _("你单位牵头办理的“%(title)s”%(project)s（%(number)s），办结期限为 %(due)s，"
             "现已逾期 %(late)s 个工作日。请高度重视，立即组织力量办理，于 3 个工作日内将办理"
             "情况及未按期办结原因书面报送区发展和改革委员会。") % {
        "title": case.title, "project": project, "number": case.number,
        "due": _cn_date(case.due_on), "late": late}


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith(("。", "！", "；")) else text + "。"


def _cn_date(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "—"


def _official(render, *args):
    """Letters are official Chinese documents whatever language the issuer's screen uses."""
    with translation.override(settings.LANGUAGE_CODE):
        return render(*args)


def _next_notice_number(kind: str, year: int) -> int:
    return (Notice.objects.filter(kind=kind, year=year).aggregate(m=Max("number"))["m"] or 0) + 1


def notice_issue(*, actor: User | None, case: Case, kind: str, today: date | None = None,
                 calendar: WorkCalendar | None = None) -> Notice:
    """印发 a 交办函, 提醒函 or 督办函 for a case, with the year's next running number."""
    today = _today(today)
    _require_supervisor(actor)
    _choice(kind, NoticeKind, field="kind", label=_("函件类型"))
    with transaction.atomic():
        case = _visible_case(actor, case)
        if case.lead_unit_id is None or case.status == CaseStatus.OPEN:
            raise UserError("notice.not_assigned", _("事项尚未交办，不能印发函件。"), "kind")
        if kind != NoticeKind.ASSIGN and case.status not in PENDING_STATUSES:
            raise UserError("notice.not_pending", _("事项已办结，无需提醒或督办。"), "kind")
        notice = Notice.objects.create(
            case=case, kind=kind, year=today.year, number=_next_notice_number(kind, today.year),
            addressee=case.lead_unit, issued_on=today, deadline=case.due_on,
            body=_official(notice_body, case, kind, today, calendar), issued_by=actor)
        _log(case, ActionKind.NOTICE, actor, on=today, text=str(notice))
        audit.record(actor, "notice.issue", notice, {"case": case, "kind": kind,
                                                     "reference": notice.reference})
    return notice


# ---------------------------------------------------------------------------------------------
# The daily reminder and escalation sweep


# msgids: stored in phrases and put into words when read.
LEVEL_NAMES = {1: gettext_noop("单位负责人"), 2: gettext_noop("包联领导"),
               3: gettext_noop("区领导")}


class _Recipients:
    """Who hears about a case during one sweep, each group looked up once per sweep."""

    def __init__(self) -> None:
        self._units: dict[int, list[User]] = {}
        self._role: dict[str, list[User]] = {}

    def role(self, role: str) -> list[User]:
        if role not in self._role:
            self._role[role] = list(User.objects.filter(role=role, is_active=True))
        return self._role[role]

    def unit(self, unit: OrgUnit, roles=(Role.REPORTER, Role.UNIT_HEAD)) -> list[User]:
        if unit.pk not in self._units:
            self._units[unit.pk] = _unit_users([unit], (Role.REPORTER, Role.UNIT_HEAD))
        return [u for u in self._units[unit.pk] if u.role in roles]

    def escalation(self, case: Case, level: int) -> list[User]:
        if level == 1:
            heads = self.unit(case.lead_unit, (Role.UNIT_HEAD,))
            parent = OrgUnit.objects.get_parent(case.lead_unit) if not heads else None
            return self.unit(parent, (Role.UNIT_HEAD,)) if parent is not None else heads
        if level == 2:
            in_charge = case.project.leader if case.project_id and case.project.leader_id \
                else None
            if in_charge is None and case.raised_by and _role(case.raised_by) == Role.LEADER:
                in_charge = case.raised_by
            return [in_charge] if in_charge else self.role(Role.DISPATCHER)
        return self.role(Role.LEADER)


def supervision_sweep(*, today: date | None = None) -> dict[str, int]:
    """Reminders, overdue marks and escalations owed today. Idempotent: every step has a key
    per case (CaseAction.key, unique), so a second run on the same day writes nothing."""
    today = _today(today)
    policy = policy_get()
    calendar = load_calendar()
    recipients = _Recipients()
    counts = {"remind": 0, "overdue": 0, "escalate": 0, "notifications": 0}
    pending = (Case.objects.filter(status__in=PENDING_STATUSES, due_on__isnull=False)
               .select_related("lead_unit", "project__leader", "raised_by")
               .prefetch_related("co_units").order_by("pk"))
    # The keys already written, in one query: a day with nothing new locks no case.
    written = set(CaseAction.objects.filter(case__status__in=PENDING_STATUSES)
                  .exclude(key="").values_list("case_id", "key"))
    for case in pending:
        steps = [step for step in rules.due_steps(
            due_on=case.due_on, today=today, escalation_level=case.escalation_level,
            calendar=calendar, remind_before=policy.remind_before, tiers=policy.tiers())
            if (case.pk, step.key) not in written]
        if not steps:
            continue
        with transaction.atomic():
            locked = Case.objects.select_for_update().get(pk=case.pk)
            if locked.status not in PENDING_STATUSES or locked.due_on != case.due_on:
                continue
            # Re-read under the lock: another worker may have run the same steps meanwhile.
            done = set(locked.actions.exclude(key="").values_list("key", flat=True))
            for step in steps:
                if step.key in done:
                    continue
                counts[step.kind] += 1
                counts["notifications"] += _sweep_step(case, locked, step, today, calendar,
                                                       recipients)
    return counts


def _sweep_step(case: Case, locked: Case, step: rules.SweepStep, today: date,
                calendar: WorkCalendar, recipients: _Recipients) -> int:
    unit_users = [u for unit in [case.lead_unit, *case.co_units.all()]
                  for u in recipients.unit(unit)]
    key = f"{case.pk}:{step.key}"
    if step.kind == "remind":
        text = phrase(gettext_noop("距办结期限 %(due)s 还有 %(n)s 个工作日。"),
                      due=case.due_on, n=calendar.workdays_between(today, case.due_on))
        _log(locked, ActionKind.REMIND, None, on=today, text=text, key=step.key)
        sent = _notify(unit_users, case=locked, key=key, body=text,
                       title=phrase(gettext_noop("到期提醒：%(title)s"), title=case.title))
        notice_issue(actor=None, case=locked, kind=NoticeKind.REMIND, today=today)
        audit.record(None, "case.remind", locked, {"due_on": case.due_on})
        return sent
    if step.kind == "overdue":
        locked.overdue_since = today
        locked.save(update_fields=["overdue_since"])
        text = phrase(gettext_noop("已超过办结期限 %(due)s。"), due=case.due_on)
        _log(locked, ActionKind.OVERDUE, None, on=today, text=text, key=step.key)
        sent = _notify([*unit_users, *recipients.role(Role.DISPATCHER)], case=locked, key=key,
                       body=text, title=phrase(gettext_noop("已逾期：%(title)s"), title=case.title))
        audit.record(None, "case.overdue", locked, {"due_on": case.due_on})
        return sent
    level_name = LEVEL_NAMES[step.level]
    text = phrase(gettext_noop("逾期未办结，升级督办至%(level)s。"), translated=("level",),
                  level=level_name)
    locked.escalation_level = step.level
    locked.save(update_fields=["escalation_level"])
    _log(locked, ActionKind.ESCALATE, None, on=today, text=text, key=step.key)
    sent = _notify(recipients.escalation(case, step.level), case=locked, key=key, body=text,
                   title=phrase(gettext_noop("升级督办（%(level)s）：%(title)s"),
                                translated=("level",), level=level_name, title=case.title))
    if step.level == 1:
        notice_issue(actor=None, case=locked, kind=NoticeKind.SUPERVISE, today=today,
                     calendar=calendar)
    audit.record(None, "case.escalate", locked, {"level": step.level})
    return sent


# ---------------------------------------------------------------------------------------------
# Inbox


def notification_mark_read(*, actor: User, ids: Sequence[int] | None = None) -> int:
    """Mark the actor's own messages read (all when `ids` is None)."""
    with transaction.atomic():
        qs = Notification.objects.filter(user=actor, read_at__isnull=True)
        if ids is not None:
            qs = qs.filter(pk__in=list(ids))
        count = qs.update(read_at=clock.now())
        _forget_unread([actor.pk])
        return count


# ---------------------------------------------------------------------------------------------
# Visits and instructions


def _visit_checked(actor: User | None, *, visited_on: date, kind: str, title: str,
                   leaders: str, today: date | None) -> tuple[str, str]:
    """What a visit's record must be, whoever writes it: the title and leaders, cleaned."""
    _require_supervisor(actor)
    title = _clean_text(title, field="title", label=_("标题"), limit=200)
    leaders = _clean_text(leaders, field="leaders", label=_("带队及陪同领导"), limit=300)
    _choice(kind, Visit.Kind, field="kind", label=_("类型"))
    if visited_on > _today(today):
        raise UserError("visit.date_in_future", _("调研日期不能晚于今天。"), "visited_on")
    return title, leaders


def visit_create(*, actor: User | None, visited_on: date, kind: str, title: str, leaders: str,
                 projects: Sequence[Project] = (), notes: str = "",
                 instructions: Sequence[str | tuple[str, Project | None]] = (),
                 lead_user: User | None = None, today: date | None = None) -> Visit:
    """Record a leaders' visit with the instructions given on it."""
    title, leaders = _visit_checked(actor, visited_on=visited_on, kind=kind, title=title,
                                    leaders=leaders, today=today)
    items = [(i, None) if isinstance(i, str) else i for i in instructions]
    items = [(text.strip(), project) for text, project in items if text and text.strip()]
    with transaction.atomic():
        visit = Visit.objects.create(visited_on=visited_on, kind=kind, title=title,
                                     leaders=leaders, notes=notes.strip(), lead_user=lead_user,
                                     created_by=actor)
        visit.projects.set(projects)
        Instruction.objects.bulk_create(
            [Instruction(visit=visit, sort=n, text=text, project=project)
             for n, (text, project) in enumerate(items, start=1)])
        audit.record(actor, "visit.create", visit, {
            "visited_on": visited_on, "kind": kind, "projects": [p.pk for p in projects],
            "instructions": len(items)})
    return visit


VISIT_FIELDS = ("visited_on", "kind", "title", "leaders", "notes")


def _visit_record(visit: Visit) -> dict:
    return {**{f: getattr(visit, f) for f in VISIT_FIELDS},
            "projects": sorted(visit.projects.values_list("pk", flat=True))}


def visit_update(*, actor: User | None, visit: Visit, expected_version: int | None,
                 visited_on: date, kind: str, title: str, leaders: str,
                 projects: Sequence[Project] = (), notes: str = "",
                 new_instructions: Sequence[str] = (), today: date | None = None) -> Visit:
    """Correct a visit's record and add instructions given on it that were not written down.
    The instructions already recorded stay as they are: those turned into cases are those
    cases' origin, and a leader's words are not rewritten afterwards."""
    title, leaders = _visit_checked(actor, visited_on=visited_on, kind=kind, title=title,
                                    leaders=leaders, today=today)
    added = [text.strip() for text in new_instructions if text and text.strip()]
    with transaction.atomic():
        visit = Visit.objects.select_for_update().get(pk=visit.pk)
        if expected_version is not None and int(expected_version) != visit.version:
            raise ConflictError("visit.version_conflict",
                                _("您打开此页面后，该记录已被他人修改。您的修改未保存，"
                                  "请刷新后重新填写。"), "version")
        before = _visit_record(visit)
        visit.visited_on, visit.kind, visit.title = visited_on, kind, title
        visit.leaders, visit.notes = leaders, notes.strip()
        after = {**{f: getattr(visit, f) for f in VISIT_FIELDS},
                 "projects": sorted(p.pk for p in projects)}
        changes = audit.diff(before, after)
        if not changes and not added:
            return visit  # the same form sent again: nothing to record
        visit.version += 1
        visit.save()
        visit.projects.set(projects)
        last = visit.instructions.aggregate(last=Max("sort"))["last"] or 0
        Instruction.objects.bulk_create(
            [Instruction(visit=visit, sort=n, text=text)
             for n, text in enumerate(added, start=last + 1)])
        audit.record(actor, "visit.update", visit,
                     {**changes, "instructions_added": len(added)} if added else changes)
    return visit


def instruction_to_case(*, actor: User | None, instruction: Instruction, lead_unit: OrgUnit,
                        co_units: Sequence[OrgUnit] = (), due_workdays: int | None = None,
                        category: str = CaseCategory.OTHER, priority: str = Priority.NORMAL,
                        today: date | None = None) -> Case:
    """转为督办: the instruction becomes an assigned case (one click on the visit page)."""
    _require_supervisor(actor)
    with transaction.atomic():
        instruction = Instruction.objects.select_for_update().select_related("visit").get(
            pk=instruction.pk)
        if instruction.case_id:
            raise UserError("instruction.already_case", _("该指示已转为督办事项。"))
        visit = instruction.visit
        case = case_create(
            actor=actor, kind=CaseKind.INSTRUCTION, source=CaseSource.VISIT, visit=visit,
            title=instruction.text[:60], detail=instruction.text, category=category,
            project=instruction.project, lead_unit=lead_unit, co_units=co_units,
            priority=priority, due_workdays=due_workdays, today=today)
        if visit.lead_user_id and case.raised_by_id is None:
            case.raised_by = visit.lead_user
            case.save(update_fields=["raised_by"])
        instruction.case = case
        instruction.save(update_fields=["case"])
        audit.record(actor, "instruction.to_case", instruction, {"case": case})
    return case


# ---------------------------------------------------------------------------------------------
# Approvals


def _require_approval_editor(actor: User | None) -> None:
    if actor is not None and _role(actor) not in APPROVAL_EDITORS:
        raise UserError("permission.denied", _("只有调度员可以登记审批事项。"))


def _complete(approval: Approval, completed_on: date, calendar: WorkCalendar) -> None:
    used, on_time = rules.approval_timing(received_on=approval.received_on,
                                          completed_on=completed_on,
                                          time_limit=approval.time_limit, calendar=calendar)
    approval.completed_on, approval.workdays_used, approval.on_time = completed_on, used, on_time


def approval_create(*, actor: User | None, item: str, kind: str, received_on: date,
                    project: Project | None = None, applicant: str = "",
                    time_limit: int | None = None, completed_on: date | None = None,
                    result: str = "", document_no: str = "",
                    today: date | None = None) -> Approval:
    """Register an approval item; a notification filing (告知性备案) completes on receipt."""
    today = _today(today)
    _require_approval_editor(actor)
    item = _clean_text(item, field="item", label=_("事项"), limit=200)
    _choice(kind, ApprovalKind, field="kind", label=_("类型"))
    if received_on > today:
        raise UserError("approval.date_in_future", _("受理日期不能晚于今天。"), "received_on")
    if time_limit is None:
        time_limit = DEFAULT_TIME_LIMITS[kind]
    if not 0 <= int(time_limit) <= 120:
        raise UserError("approval.time_limit_invalid", _("法定时限应为 0 至 120 个工作日。"),
                        "time_limit")
    if result and result not in Approval.Result.values:
        raise UserError("approval.result_invalid", _("办理结果无效。"), "result")
    calendar = load_calendar()
    with transaction.atomic():
        approval = Approval(year=received_on.year, item=item, kind=kind,
                            received_on=received_on, project=project,
                            applicant=applicant.strip(), time_limit=int(time_limit),
                            due_on=calendar.add_workdays(received_on, int(time_limit)),
                            document_no=document_no.strip(), result=result)
        if kind == ApprovalKind.NOTIFICATION_FILING:
            completed_on, approval.result = received_on, Approval.Result.FILED
        if completed_on is not None:
            _check_completion(approval, completed_on, today)
            _complete(approval, completed_on, calendar)
            if not approval.result:
                raise UserError("approval.result_required", _("请填写办理结果。"), "result")
        approval.save()
        audit.record(actor, "approval.create", approval, {
            "item": item, "kind": kind, "received_on": received_on,
            "time_limit": time_limit, "completed_on": completed_on})
    return approval


def _check_completion(approval: Approval, completed_on: date, today: date) -> None:
    if completed_on < approval.received_on:
        raise UserError("approval.completed_before_received",
                        _("办结日期 %(on)s 早于受理日期 %(received)s。")
                        % {"on": completed_on, "received": approval.received_on},
                        "completed_on")
    if completed_on > today:
        raise UserError("approval.date_in_future", _("办结日期不能晚于今天。"), "completed_on")


def approval_complete(*, actor: User | None, approval: Approval, completed_on: date,
                      result: str, document_no: str = "",
                      today: date | None = None) -> Approval:
    """办结 an approval item; working days used and on-time are computed."""
    today = _today(today)
    _require_approval_editor(actor)
    if result not in Approval.Result.values:
        raise UserError("approval.result_invalid", _("办理结果无效。"), "result")
    with transaction.atomic():
        approval = Approval.objects.select_for_update().get(pk=approval.pk)
        if approval.completed_on is not None:
            raise UserError("approval.already_completed", _("该事项已办结。"), "completed_on")
        _check_completion(approval, completed_on, today)
        _complete(approval, completed_on, load_calendar())
        approval.result = result
        approval.document_no = document_no.strip() or approval.document_no
        approval.save()
        audit.record(actor, "approval.complete", approval, {
            "completed_on": completed_on, "workdays_used": approval.workdays_used,
            "on_time": approval.on_time, "result": result})
    return approval


# ---------------------------------------------------------------------------------------------
# Policy and task forces


POLICY_FIELDS = ("remind_before", "escalate_unit_head_after", "escalate_leader_after",
                 "escalate_district_after", "default_due_workdays")


def policy_update(*, actor: User | None, expected_version: int | None = None,
                  **values: int) -> SupervisionPolicy:
    """Change the reminder and escalation settings."""
    if actor is not None and _role(actor) != Role.DISPATCHER:
        raise UserError("permission.denied", _("只有调度员可以修改督办规则。"))
    unknown = set(values) - set(POLICY_FIELDS)
    if unknown:
        raise UserError("policy.field_unknown", _("不能修改这些字段：%(f)s")
                        % {"f": "、".join(sorted(unknown))})
    with transaction.atomic():
        policy = SupervisionPolicy.objects.select_for_update().get(pk=policy_get().pk)
        if expected_version is not None and expected_version != policy.version:
            raise ConflictError("policy.conflict", _("督办规则已被他人修改，请刷新后重试。"))
        before = {f: getattr(policy, f) for f in POLICY_FIELDS}
        for field, value in values.items():
            setattr(policy, field, int(value))
        if not (policy.escalate_unit_head_after <= policy.escalate_leader_after
                <= policy.escalate_district_after):
            raise UserError("policy.tiers_out_of_order",
                            _("升级时限应依次为：单位负责人 ≤ 包联领导 ≤ 区领导。"),
                            "escalate_leader_after")
        if not 1 <= policy.default_due_workdays <= MAX_DUE_WORKDAYS:
            raise UserError("case.due_workdays_invalid",
                            _("办理时限应为 1 至 %(n)s 个工作日。") % {"n": MAX_DUE_WORKDAYS},
                            "default_due_workdays")
        policy.version += 1
        policy.save()
        audit.record(actor, "policy.update", policy,
                     audit.diff(before, {f: getattr(policy, f) for f in POLICY_FIELDS}))
    return policy


def task_force_create(*, actor: User | None, name: str, lead_unit: OrgUnit,
                      members: list[User], projects: list[Project], duties: str = "",
                      leader: User | None = None,
                      member_units: Sequence[OrgUnit] = ()) -> TaskForce:
    """Set up a task force for some projects."""
    ensure_ledger_editor(actor)
    name = name.strip()
    if not name:
        raise UserError("task_force.name_required", _("请填写专班名称。"), "name")
    with transaction.atomic():
        if TaskForce.objects.filter(name=name).exists():
            raise UserError("task_force.duplicate", _("专班 %(name)s 已存在。") % {"name": name},
                            "name")
        task_force = TaskForce.objects.create(name=name, lead_unit=lead_unit, duties=duties,
                                              leader=leader)
        task_force.members.set(members)
        task_force.projects.set(projects)
        task_force.member_units.set(member_units)
        audit.record(actor, "task_force.create", task_force, {
            "lead_unit": lead_unit, "members": [m.pk for m in members],
            "projects": [p.pk for p in projects],
            "member_units": [u.pk for u in member_units], "leader": leader})
    return task_force


def task_force_update(*, actor: User | None, task_force: TaskForce, name: str,
                      lead_unit: OrgUnit, members: Sequence[User], projects: Sequence[Project],
                      duties: str = "", leader: User | None = None,
                      member_units: Sequence[OrgUnit] = (), active: bool = True) -> TaskForce:
    """Change a task force's leader, members, member units, projects or duties."""
    ensure_ledger_editor(actor)
    name = name.strip()
    if not name:
        raise UserError("task_force.name_required", _("请填写专班名称。"), "name")
    with transaction.atomic():
        task_force = TaskForce.objects.select_for_update().get(pk=task_force.pk)
        if TaskForce.objects.filter(name=name).exclude(pk=task_force.pk).exists():
            raise UserError("task_force.duplicate", _("专班 %(name)s 已存在。") % {"name": name},
                            "name")
        before = {"name": task_force.name, "lead_unit": task_force.lead_unit,
                  "leader": task_force.leader, "duties": task_force.duties,
                  "active": task_force.active,
                  "members": sorted(task_force.members.values_list("pk", flat=True)),
                  "member_units": sorted(task_force.member_units.values_list("pk", flat=True)),
                  "projects": sorted(task_force.projects.values_list("pk", flat=True))}
        task_force.name, task_force.lead_unit, task_force.leader = name, lead_unit, leader
        task_force.duties, task_force.active = duties, active
        task_force.save()
        task_force.members.set(members)
        task_force.member_units.set(member_units)
        task_force.projects.set(projects)
        after = {"name": name, "lead_unit": lead_unit, "leader": leader, "duties": duties,
                 "active": active, "members": sorted(m.pk for m in members),
                 "member_units": sorted(u.pk for u in member_units),
                 "projects": sorted(p.pk for p in projects)}
        audit.record(actor, "task_force.update", task_force, audit.diff(before, after))
    return task_force
