"""Writes of the dispatch loop. Each function: one transaction, permission and state checks,
the write, audit, and the rollup rows it affects (DESIGN §4, §6). One module per subject;
callers import from here."""

from .config import dispatch_settings_update, registration_plan_set
from .guards import EDITABLE, can_fill
from .history import round_record_approved
from .plans import annual_plan_adjust, annual_plan_approve, annual_plan_create, spread_targets
from .recording import report_record, round_add_project
from .reports import (
    report_adjust,
    report_approve,
    report_raise_case,
    report_return,
    report_save,
    report_submit,
    report_unit_approve,
    ytd_of,
)
from .rounds import (
    active_projects,
    monthly_round_due,
    reports_mark_overdue,
    round_lock,
    round_open,
    round_open_monthly_if_due,
    round_remind,
)

__all__ = [
    "EDITABLE",
    "active_projects",
    "annual_plan_adjust",
    "annual_plan_approve",
    "annual_plan_create",
    "can_fill",
    "dispatch_settings_update",
    "monthly_round_due",
    "registration_plan_set",
    "report_adjust",
    "report_approve",
    "report_raise_case",
    "report_record",
    "report_return",
    "report_save",
    "report_submit",
    "report_unit_approve",
    "reports_mark_overdue",
    "round_add_project",
    "round_lock",
    "round_open",
    "round_open_monthly_if_due",
    "round_record_approved",
    "round_remind",
    "spread_targets",
    "ytd_of",
]
