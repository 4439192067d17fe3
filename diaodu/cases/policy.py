"""Who may take which step on a 督办 case, in which state — written once, here.

Pure (no Django; import-linter holds it to that): an actor is anything with `role`, `unit_id`
and `unit.path` (a User), a case anything with `status`, `lead_unit(_id)` and `co_units.all()`
(a Case). The services call `require` before they write; the pages and the API build their
buttons and forms from `allowed_steps`, so what a page offers and what a service accepts cannot
drift (tests/cases/test_policy.py checks both ways).

`actor` None is the system (scheduled sweep, demo loader): any role, any unit; the case's
state still has to allow the step.

A new kind of case (e.g. grid events) names its steps and roles here — a grid worker is one more
role in the sets below, nothing else (docs/design.md, "a new kind of case").
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from diaodu.core.roles import (
    APPROVAL_EDITORS,
    CASE_SUPERVISORS,
    Role,
    gettext_noop,
    require_role,
    role_of,
)
from diaodu.core.user_errors import Forbidden, UserError, translate

# CaseStatus values (cases/models.py; tests/cases/test_policy.py keeps the two in step).
OPEN, ASSIGNED, IN_PROGRESS = "open", "assigned", "in_progress"
RESOLVED, VERIFIED, CLOSED, RETURNED = "resolved", "verified", "closed", "returned"
PENDING = frozenset({ASSIGNED, IN_PROGRESS, RETURNED})

# The steps, as the pages, the API and the audit log name them.
CREATE, ASSIGN, REPLY, RESOLVE = "create", "assign", "reply", "resolve"
VERIFY, CLOSE, COMMENT, NOTICE = "verify", "close", "comment", "notice"
STEPS = (ASSIGN, REPLY, RESOLVE, VERIFY, CLOSE, NOTICE, COMMENT)  # on a case, in page order

# Roles per step (a role named nowhere here takes no step on a case).
RAISERS = frozenset({*CASE_SUPERVISORS, Role.REPORTER, Role.UNIT_HEAD, Role.TASKFORCE})
ASSIGNERS = frozenset({*CASE_SUPERVISORS, Role.UNIT_HEAD, Role.TASKFORCE})
COMMENTERS = frozenset({*CASE_SUPERVISORS, Role.TASKFORCE})
UNIT_ROLES = frozenset({Role.REPORTER, Role.UNIT_HEAD})  # work in the case's units


def _units(case: Any) -> list[Any]:
    return [u for u in [case.lead_unit, *case.co_units.all()] if u is not None]


def in_case_units(actor: Any, case: Any) -> bool:
    """Whether `actor` works in the case's lead or co-operating units (a unit head also for the
    units below their own). Only they reply and resolve; for others the case's reply box does
    not exist (the services answer 404)."""
    if actor is None:
        return True
    role = role_of(actor)
    if not actor.unit_id or role not in UNIT_ROLES:
        return False
    if role == Role.UNIT_HEAD:
        return any(u.path.startswith(actor.unit.path) for u in _units(case))
    return any(u.pk == actor.unit_id for u in _units(case))


def is_lead(actor: Any, case: Any) -> bool:
    """Whether `actor` works in the lead unit (a unit head: or above it)."""
    if actor is None:
        return True
    # The lead unit is one of the case's units, so this implies in_case_units (without
    # reading the co-operating units).
    role = role_of(actor)
    if not actor.unit_id or role not in UNIT_ROLES or case.lead_unit_id is None:
        return False
    return actor.unit_id == case.lead_unit_id or (
        role == Role.UNIT_HEAD and case.lead_unit.path.startswith(actor.unit.path))


@dataclass(frozen=True)
class _Rule:
    """One step: who (roles, or a test of the actor's place) and when (the case's state)."""

    who: Callable[[Any, Any], bool]
    refused: tuple[str, str]  # code, msgid when `who` fails
    when: Callable[[Any], bool]
    too_late: Callable[[Any], UserError]  # the refusal when `when` fails


def _role_in(roles: frozenset[str]) -> Callable[[Any, Any], bool]:
    return lambda actor, case: actor is None or role_of(actor) in roles


def _state_error(code: str, msgid: str, field: str | None = None,
                 with_status: bool = False) -> Callable[[Any], UserError]:
    def error(case: Any) -> UserError:
        text = translate(msgid)
        if with_status:
            text = text % {"s": case.get_status_display()}
        return UserError(code, text, field)
    return error


RULES: dict[str, _Rule] = {
    ASSIGN: _Rule(_role_in(ASSIGNERS), ("permission.denied", gettext_noop("您不能交办事项。")),
                  lambda case: case.status == OPEN or case.status in PENDING,
                  _state_error("case.not_assignable", gettext_noop("已办结的事项不能再交办。"),
                               "lead_unit")),
    REPLY: _Rule(in_case_units, ("case.not_in_units", gettext_noop("您不在该事项的办理单位。")),
                 lambda case: case.status in PENDING,
                 _state_error("case.not_pending",
                              gettext_noop("该事项当前状态为“%(s)s”，不能回复。"), "text",
                              with_status=True)),
    RESOLVE: _Rule(is_lead, ("case.only_lead_unit", gettext_noop("只有牵头单位可以报办结。")),
                   lambda case: case.status in PENDING,
                   _state_error("case.not_pending",
                                gettext_noop("该事项当前状态为“%(s)s”，不能报办结。"), "text",
                                with_status=True)),
    VERIFY: _Rule(_role_in(CASE_SUPERVISORS),
                  ("permission.denied", gettext_noop("只有调度员或区领导可以进行此操作。")),
                  lambda case: case.status == RESOLVED,
                  _state_error("case.not_resolved", gettext_noop("只有已报办结的事项可以核查。"))),
    CLOSE: _Rule(_role_in(CASE_SUPERVISORS),
                 ("permission.denied", gettext_noop("只有调度员或区领导可以进行此操作。")),
                 lambda case: case.status == VERIFIED,
                 _state_error("case.not_verified", gettext_noop("事项未经核查，不能销号。"))),
    NOTICE: _Rule(_role_in(CASE_SUPERVISORS),
                  ("permission.denied", gettext_noop("只有调度员或区领导可以进行此操作。")),
                  lambda case: case.lead_unit_id is not None and case.status != OPEN,
                  _state_error("notice.not_assigned", gettext_noop("事项尚未交办，不能印发函件。"),
                               "kind")),
    COMMENT: _Rule(_role_in(COMMENTERS),
                   ("permission.denied",
                    gettext_noop("只有区领导、调度员和专班成员可以填写意见。")),
                   lambda case: True, _state_error("", "")),
}


def may_raise(actor: Any) -> bool:
    """Whether `actor` may register cases (a reporter raises a problem for a dispatcher)."""
    return actor is None or role_of(actor) in RAISERS


def may_assign_when_raising(actor: Any) -> bool:
    """Whether the registration form offers the lead unit and deadline (assign at once)."""
    return actor is None or role_of(actor) in ASSIGNERS


def require_raise(actor: Any) -> None:
    if not may_raise(actor):
        raise Forbidden("permission.denied", gettext_noop("您的角色不能登记督办事项。"))


EVENT = "event"  # CaseKind.EVENT: grid events take their own steps (cityops/policy.py)


def _own_steps(case: Any, step: str) -> bool:
    """Whether the step belongs to the 督办 flow of this case: a grid event is only commented
    on here; its 立案, 派遣, 处置 … are cityops's."""
    return step == COMMENT or getattr(case, "kind", None) != EVENT


def may(actor: Any, case: Any, step: str) -> bool:
    rule = RULES[step]
    return _own_steps(case, step) and rule.who(actor, case) and rule.when(case)


def allowed_steps(actor: Any, case: Any) -> list[str]:
    """The steps `actor` may take on `case` now, in page order."""
    return [step for step in STEPS if may(actor, case, step)]


def require(actor: Any, case: Any, step: str, *, who: bool = True, when: bool = True) -> None:
    """Refuse the step: Forbidden (403) when the actor may not take it at all, the step's
    UserError (400, naming the state) when the case is not in a state for it. `who`/`when`
    False skip a half a service checks at another point (e.g. state after the input)."""
    rule = RULES[step]
    if who and not rule.who(actor, case):
        raise Forbidden(*rule.refused)
    if when and case is not None and not _own_steps(case, step):
        raise UserError("case.is_event",
                        translate(gettext_noop("该事项是网格事件，请在网格事件页面办理。")))
    if when and not rule.when(case):
        raise rule.too_late(case)


def require_step_role(actor: Any, step: str) -> None:
    """The role half of `require`, for services that check it before the case is loaded."""
    require(actor, None, step, when=False)



# The other 督办 records have no states to pass through: one group keeps each.
VISIT_KEEPERS = CASE_SUPERVISORS  # record visits, correct them, turn instructions into cases
APPROVAL_KEEPERS = APPROVAL_EDITORS  # the approval register
SETTINGS_KEEPERS = frozenset({Role.DISPATCHER})  # reminder and escalation settings


def may_keep_visits(actor: Any) -> bool:
    return actor is None or role_of(actor) in VISIT_KEEPERS


def may_keep_approvals(actor: Any) -> bool:
    return actor is None or role_of(actor) in APPROVAL_KEEPERS


def require_visit_keeper(actor: Any) -> None:
    require_role(actor, VISIT_KEEPERS, gettext_noop("只有调度员或区领导可以进行此操作。"))


def require_approval_keeper(actor: Any) -> None:
    require_role(actor, APPROVAL_KEEPERS, gettext_noop("只有调度员可以登记审批事项。"))


def require_settings_keeper(actor: Any) -> None:
    require_role(actor, SETTINGS_KEEPERS, gettext_noop("只有调度员可以修改督办规则。"))
