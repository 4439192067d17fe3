"""Who may take which step on a progress report, a round and an annual plan — written once.

Pure (no Django): an actor is anything with `role`, `unit_id`, `unit.path`; a report anything
with `status`, `round.is_locked`, `issues` and `project.responsible_unit`. The services call
`require`; the report page builds its buttons from `allowed_steps` (tests/investment/
test_policy.py checks both ways).

Refusals keep the shape the services always had: a unit outside the report's project gets
404 (the services raise NotFound when `fills` fails), a role that may never take the step 403
(Forbidden), a report in the wrong state 400 naming the state.
"""

from typing import Any

from diaodu.core.roles import (
    CASE_SUPERVISORS,
    LEDGER_EDITORS,
    Role,
    gettext_noop,
    require_role,
    role_of,
)
from diaodu.core.user_errors import UserError, translate

# ReportStatus values (investment/models.py; the policy test keeps the two in step).
DRAFT, SUBMITTED, UNIT_APPROVED = "draft", "submitted", "unit_approved"
RETURNED, APPROVED = "returned", "approved"
EDITABLE = frozenset({DRAFT, RETURNED})
REVIEWABLE = frozenset({SUBMITTED, UNIT_APPROVED})

# Report steps, in page order ("fill" is the form's 保存 and 提交).
FILL, UNIT_APPROVE, APPROVE, RETURN, RAISE_CASE = (
    "fill", "unit_approve", "approve", "return", "raise_case")
STEPS = (FILL, UNIT_APPROVE, APPROVE, RETURN, RAISE_CASE)

FILLERS = frozenset({Role.REPORTER, Role.UNIT_HEAD})  # the responsible unit fills in
REVIEWERS = LEDGER_EDITORS  # the DRC's final review, rounds and plans
CASE_RAISERS = CASE_SUPERVISORS  # turn a report's problems into a 督办 case
REGISTRARS = frozenset({Role.STATS, *LEDGER_EDITORS})  # 拟入库 registration
# The DRC records the month's figures of a ledger it collected from the units (a project
# ledger's progress columns, imported with it): the units' own fill step stays theirs.
RECORDERS = LEDGER_EDITORS


def fills(actor: Any, report_project: Any) -> bool:
    """The responsible unit fills in its projects' reports; a unit head also those of the
    units below."""
    if actor is None:
        return True
    role = role_of(actor)
    if role == Role.REPORTER:  # by the key alone: the unit row is read only for a head
        return bool(report_project.responsible_unit_id == actor.unit_id)
    if role == Role.UNIT_HEAD and actor.unit is not None:
        return bool(report_project.responsible_unit.path.startswith(actor.unit.path))
    return False


def return_states(actor: Any, report: Any) -> frozenset[str]:
    """The states from which `actor` may send `report` back (none: not theirs to return)."""
    role = role_of(actor)
    if actor is None or role in REVIEWERS:
        return REVIEWABLE
    if role == Role.UNIT_HEAD and fills(actor, report.project):
        return frozenset({SUBMITTED})
    return frozenset()


def _who(actor: Any, report: Any, step: str) -> bool:
    role = role_of(actor)
    if step == FILL:
        return fills(actor, report.project)
    if step == UNIT_APPROVE:
        return actor is None or (role == Role.UNIT_HEAD and fills(actor, report.project))
    if step == APPROVE:
        return actor is None or role in REVIEWERS
    if step == RETURN:
        return bool(return_states(actor, report))
    return actor is None or role in CASE_RAISERS


def _when(actor: Any, report: Any, step: str) -> bool:
    if step == RAISE_CASE:
        return bool(report.issues.strip()) and report.status != DRAFT
    if report.round.is_locked:
        return False
    if step == FILL:
        return report.status in EDITABLE
    if step == UNIT_APPROVE:
        return report.status == SUBMITTED
    if step == APPROVE:
        return report.status in REVIEWABLE
    return report.status in return_states(actor, report)


def may_take(actor: Any, report: Any, step: str) -> bool:
    """The actor half: whether this step is `actor`'s to take on this report at all."""
    return _who(actor, report, step)


def may(actor: Any, report: Any, step: str) -> bool:
    return _who(actor, report, step) and _when(actor, report, step)


def allowed_steps(actor: Any, report: Any) -> list[str]:
    """The steps `actor` may take on `report` now, in page order."""
    return [step for step in STEPS if may(actor, report, step)]


def _state_error(report: Any, code: str, msgid: str) -> UserError:
    return UserError(code, translate(msgid) % {"s": report.get_status_display()})


def require_state(actor: Any, report: Any, step: str) -> None:
    """The state half (the round's lock is checked by the services first, with its own
    message)."""
    if _when(actor, report, step):
        return
    if step == RAISE_CASE:
        if not report.issues.strip():
            raise UserError("report.no_issues", translate(gettext_noop("该填报没有填写存在问题。")),
                            "issues")
        raise UserError("report.not_submitted",
                        translate(gettext_noop("该填报尚未提交，不能转为督办。")))
    if step == FILL:
        raise _state_error(report, "report.not_editable",
                           gettext_noop("该填报已提交（%(s)s），不能再修改。"))
    if step == UNIT_APPROVE:
        raise UserError("report.not_submitted",
                        translate(gettext_noop("只有已提交的填报可以审核。")))
    if step == APPROVE:
        raise _state_error(report, "report.not_approvable",
                           gettext_noop("当前状态（%(s)s）不能审定。"))
    raise _state_error(report, "report.not_returnable",
                       gettext_noop("当前状态（%(s)s）不能退回。"))


def require_reviewer(actor: Any) -> None:
    """Approve reports, adjust them, open, lock and 催报 rounds, keep annual plans."""
    require_role(actor, REVIEWERS, gettext_noop("只有调度员可以执行此操作。"))


def require_case_raiser(actor: Any) -> None:
    require_role(actor, CASE_RAISERS, gettext_noop("只有调度员或区领导可以将问题转为督办。"))


def require_registrar(actor: Any) -> None:
    require_role(actor, REGISTRARS, gettext_noop("只有统计人员或调度员可以安排拟入库项目。"))


def may_register(actor: Any) -> bool:
    return actor is None or role_of(actor) in REGISTRARS


def may_review(actor: Any) -> bool:
    return actor is None or role_of(actor) in REVIEWERS


def require_recorder(actor: Any) -> None:
    """Record a report's figures from the DRC's collected ledger (台账导入), and add a
    project to an open round for it."""
    require_role(actor, RECORDERS, gettext_noop("只有调度员可以从台账录入项目进度。"))
