"""Cases and their steps: register, assign, reply, resolve, verify, close, comment; notices."""

from collections.abc import Sequence
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from diaodu.core import audit
from diaodu.core.calendar import WorkCalendar, load_calendar
from diaodu.core.errors import NotFound, UserError
from diaodu.core.models import OrgUnit, User
from diaodu.core.notify import NotificationKind, notify
from diaodu.core.phrases import phrase
from diaodu.core.roles import CASE_SUPERVISORS, Role, role_of
from diaodu.core.scoping import scope_for
from diaodu.projects.models import Project, TaskForce

from .. import notices, policy
from ..models import (
    PENDING_STATUSES,
    ActionKind,
    Case,
    CaseAction,
    CaseCategory,
    CaseKind,
    CaseSource,
    CaseStatus,
    Notice,
    NoticeKind,
    Priority,
    Visit,
)
from .base import (
    TASKABLE_KINDS,
    attach,
    check_files,
    choice,
    clean_text,
    ensure_case_version,
    log,
    today_or_local,
    unit_users,
    visible_case,
)
from .settings import MAX_DUE_WORKDAYS, policy_get


def may_task(actor: User | None, unit: OrgUnit) -> bool:
    """Whether `actor` may give a case to `unit`: supervisors any unit, a unit head the units
    below their own, a task-force member the units of their task forces."""
    if not unit.active or unit.kind not in TASKABLE_KINDS:
        return False
    if actor is None:
        return True
    role = role_of(actor)
    if role in CASE_SUPERVISORS:
        return True
    if role == Role.UNIT_HEAD and actor.unit_id:
        return unit.path.startswith(actor.unit.path)
    if role == Role.TASKFORCE:
        forces = TaskForce.objects.filter(members=actor, active=True)
        return (forces.filter(lead_unit=unit).exists()
                or forces.filter(member_units=unit).exists())
    return False


in_case_units = policy.in_case_units  # the rule lives in policy.py; callers kept this name


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
    log(case, ActionKind.ASSIGN, actor, on=today, text=text)
    notify(unit_users([case.lead_unit, *case.co_units.all()], policy.UNIT_ROLES),
           kind=NotificationKind.CASE_ASSIGNED, about=case,
           title=phrase(gettext_noop("新交办事项：%(title)s"), title=case.title), body=text)


def case_create(*, actor: User | None, kind: str = CaseKind.PROBLEM, title: str,
                detail: str = "", category: str = CaseCategory.OTHER,
                source: str = CaseSource.LEADER, project: Project | None = None,
                lead_unit: OrgUnit | None = None, co_units: Sequence[OrgUnit] = (),
                priority: str = Priority.NORMAL, due_workdays: int | None = None,
                due_on: date | None = None, visit: Visit | None = None,
                task_force: TaskForce | None = None, today: date | None = None) -> Case:
    """Register a case. With a lead unit it is assigned at once; without one it waits for a
    dispatcher (e.g. a problem raised from a progress report, source="report")."""
    today = today_or_local(today)
    title = clean_text(title, field="title", label=_("标题"), limit=200)
    detail = clean_text(detail, field="detail", label=_("具体内容"), required=False)
    choice(kind, CaseKind, field="kind", label=_("类型"))
    choice(category, CaseCategory, field="category", label=_("问题类别"))
    choice(source, CaseSource, field="source", label=_("来源"))
    choice(priority, Priority, field="priority", label=_("紧急程度"))
    role = role_of(actor)
    policy.require_raise(actor)
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
        log(case, ActionKind.CREATE, actor, on=today, text=detail)
        if case.status == CaseStatus.ASSIGNED:
            _announce_assignment(case, actor, today)
        else:
            notify(User.objects.filter(role=Role.DISPATCHER, is_active=True), about=case,
                   kind=NotificationKind.OTHER,
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
    today = today_or_local(today)
    calendar = load_calendar()
    with transaction.atomic():
        case = visible_case(actor, case)
        policy.require(actor, case, policy.ASSIGN, when=False)
        ensure_case_version(case, expected_version)
        policy.require(actor, case, policy.ASSIGN, who=False)
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
    today = today_or_local(today)
    with transaction.atomic():
        case = visible_case(actor, case)
        if not policy.in_case_units(actor, case):
            raise NotFound  # the reply box exists only for the case's units
        text = clean_text(text, field="text", label=_("回复内容"), limit=4000)
        policy.require(actor, case, policy.REPLY)
        check_files(files)
        action = log(case, ActionKind.REPLY, actor, on=today, text=text)
        attach(action, files)
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
    today = today_or_local(today)
    resolved_on = resolved_on or today
    with transaction.atomic():
        case = visible_case(actor, case)
        if not policy.in_case_units(actor, case):
            raise NotFound
        policy.require(actor, case, policy.RESOLVE, when=False)
        ensure_case_version(case, expected_version)
        text = clean_text(text, field="text", label=_("办结情况"), limit=4000)
        policy.require(actor, case, policy.RESOLVE, who=False)
        if resolved_on < case.assigned_on:
            raise UserError("case.date_before_assignment",
                            _("办结日期 %(on)s 早于交办日期 %(assigned)s。")
                            % {"on": resolved_on, "assigned": case.assigned_on}, "resolved_on")
        if resolved_on > today:
            raise UserError("case.date_in_future", _("办结日期不能晚于今天。"), "resolved_on")
        check_files(files)
        action = log(case, ActionKind.RESOLVE, actor, on=resolved_on, text=text)
        attach(action, files)
        case.status = CaseStatus.RESOLVED
        case.resolved_on = resolved_on
        case.version += 1
        case.save()
        supervisors = [case.raised_by] if case.raised_by and \
            role_of(case.raised_by) in CASE_SUPERVISORS else []
        supervisors += list(User.objects.filter(role=Role.DISPATCHER, is_active=True))
        notify(supervisors, about=case, kind=NotificationKind.OTHER,
                     title=phrase(gettext_noop("待核查：%(title)s"), title=case.title), body=text)
        audit.record(actor, "case.resolve", case, {"resolved_on": resolved_on})
    return case


def case_verify(*, actor: User | None, case: Case, passed: bool, note: str = "",
                expected_version: int | None = None, today: date | None = None) -> Case:
    """核查: confirm the unit's result, or return the case with a reason."""
    today = today_or_local(today)
    policy.require_step_role(actor, policy.VERIFY)
    with transaction.atomic():
        case = visible_case(actor, case)
        ensure_case_version(case, expected_version)
        policy.require(actor, case, policy.VERIFY, who=False)
        note = clean_text(note, field="note", label=_("退回原因"), limit=2000,
                          required=not passed)
        if passed:
            case.status = CaseStatus.VERIFIED
            log(case, ActionKind.VERIFY, actor, on=today, text=note)
        else:
            case.status = CaseStatus.RETURNED
            case.resolved_on = None
            log(case, ActionKind.RETURN, actor, on=today, text=note)
            notify(unit_users([case.lead_unit], policy.UNIT_ROLES), about=case,
                   kind=NotificationKind.OTHER,
                         title=phrase(gettext_noop("核查退回：%(title)s"), title=case.title),
                         body=note)
        case.version += 1
        case.save()
        audit.record(actor, "case.verify", case, {"passed": passed, "note": note})
    return case


def case_close(*, actor: User | None, case: Case, note: str = "",
               expected_version: int | None = None, today: date | None = None) -> Case:
    """销号: close a verified case."""
    today = today_or_local(today)
    policy.require_step_role(actor, policy.CLOSE)
    with transaction.atomic():
        case = visible_case(actor, case)
        ensure_case_version(case, expected_version)
        policy.require(actor, case, policy.CLOSE, who=False)
        note = clean_text(note, field="note", label=_("销号说明"), limit=2000, required=False)
        case.status = CaseStatus.CLOSED
        case.closed_on = today
        case.version += 1
        case.save()
        log(case, ActionKind.CLOSE, actor, on=today, text=note)
        notify(unit_users([case.lead_unit], policy.UNIT_ROLES), about=case,
                   kind=NotificationKind.OTHER,
                     title=phrase(gettext_noop("已销号：%(title)s"), title=case.title))
        audit.record(actor, "case.close", case, {"closed_on": today})
    return case


def case_comment(*, actor: User | None, case: Case, text: str,
                 today: date | None = None) -> CaseAction:
    """批示意见 of a leader, dispatcher or task-force member on a case they can see."""
    today = today_or_local(today)
    policy.require_step_role(actor, policy.COMMENT)
    with transaction.atomic():
        case = visible_case(actor, case)
        text = clean_text(text, field="text", label=_("意见"), limit=2000)
        action = log(case, ActionKind.COMMENT, actor, on=today, text=text)
        if case.lead_unit_id:
            notify(unit_users([case.lead_unit], policy.UNIT_ROLES), about=case,
                   kind=NotificationKind.OTHER,
                         title=phrase(gettext_noop("新批示：%(title)s"), title=case.title),
                         body=text)
        audit.record(actor, "case.comment", case, {"action": action.pk})
    return action


def _official(render, *args):
    """Letters are official Chinese documents whatever language the issuer's screen uses."""
    with translation.override(settings.LANGUAGE_CODE):
        return render(*args)


def _next_notice_number(kind: str, year: int) -> int:
    return (Notice.objects.filter(kind=kind, year=year).aggregate(m=Max("number"))["m"] or 0) + 1


def notice_issue(*, actor: User | None, case: Case, kind: str, today: date | None = None,
                 calendar: WorkCalendar | None = None) -> Notice:
    """印发 a 交办函, 提醒函 or 督办函 for a case, with the year's next running number."""
    today = today_or_local(today)
    policy.require_step_role(actor, policy.NOTICE)
    choice(kind, NoticeKind, field="kind", label=_("函件类型"))
    with transaction.atomic():
        case = visible_case(actor, case)
        policy.require(actor, case, policy.NOTICE, who=False)
        if kind != NoticeKind.ASSIGN and case.status not in PENDING_STATUSES:
            raise UserError("notice.not_pending", _("事项已办结，无需提醒或督办。"), "kind")
        notice = Notice.objects.create(
            case=case, kind=kind, year=today.year, number=_next_notice_number(kind, today.year),
            addressee=case.lead_unit, issued_on=today, deadline=case.due_on,
            body=_official(notices.notice_body, case, kind, today, calendar), issued_by=actor)
        log(case, ActionKind.NOTICE, actor, on=today, text=str(notice))
        audit.record(actor, "notice.issue", notice, {"case": case, "kind": kind,
                                                     "reference": notice.reference})
    return notice
