"""Approval items (审批/核准/备案) and their time limits."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from diaodu.core import audit
from diaodu.core.calendar import WorkCalendar, load_calendar
from diaodu.core.errors import UserError
from diaodu.core.models import User
from diaodu.projects.models import Project

from .. import policy, rules
from ..models import (
    Approval,
    ApprovalKind,
)
from .base import (
    choice,
    clean_text,
    today_or_local,
)

# Default legal time limits in working days (国务院令第673号: 核准 20; 备案 on receipt). The
# 审批 and 备案 limits are the district's service commitments (sample values, editable per item).
DEFAULT_TIME_LIMITS = {ApprovalKind.APPROVAL: 20, ApprovalKind.RATIFICATION: 20,
                       ApprovalKind.FILING: 3, ApprovalKind.NOTIFICATION_FILING: 0}


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
    today = today_or_local(today)
    policy.require_approval_keeper(actor)
    item = clean_text(item, field="item", label=_("事项"), limit=200)
    choice(kind, ApprovalKind, field="kind", label=_("类型"))
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
    today = today_or_local(today)
    policy.require_approval_keeper(actor)
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
