"""Writes of the 督办 engine, one module per subject: cases and their notices (`cases`), the
daily sweep (`sweep`), visits and instructions (`visits`), approvals (`approvals`), the
reminder and escalation settings (`settings`); task forces are the projects app's
(`projects.services.task_force_*`) and messages go through core.notify. Each function
validates, writes and records audit in one transaction (DESIGN §4); `today` is a parameter so
tests move time instead of sleeping. Callers use the names below (`services.case_create`), not
the modules."""

from .approvals import DEFAULT_TIME_LIMITS, approval_complete, approval_create
from .base import TASKABLE_KINDS, max_attachment_bytes
from .cases import (
    case_assign,
    case_close,
    case_comment,
    case_create,
    case_reply,
    case_resolve,
    case_verify,
    in_case_units,
    may_task,
    notice_issue,
)
from .settings import MAX_DUE_WORKDAYS, POLICY_FIELDS, policy_get, policy_update
from .sweep import LEVEL_NAMES, supervision_sweep
from .visits import VISIT_FIELDS, instruction_to_case, visit_create, visit_update

__all__ = [
    "DEFAULT_TIME_LIMITS", "LEVEL_NAMES", "MAX_DUE_WORKDAYS", "POLICY_FIELDS", "TASKABLE_KINDS",
    "VISIT_FIELDS", "approval_complete", "approval_create", "case_assign", "case_close",
    "case_comment", "case_create", "case_reply", "case_resolve", "case_verify",
    "in_case_units", "instruction_to_case", "max_attachment_bytes", "may_task", "notice_issue",
    "policy_get", "policy_update", "supervision_sweep", "visit_create", "visit_update",
]
