"""Who may take which step on a grid event, in which stage — written once, here.

Pure (no Django). An actor is anything with `role`, `unit_id` and `unit.path` (a User); an
event anything with `stage`, `grid` (with `path`), `street_id` and `case` (its lead unit). The
services call `require`; the event page, the API's `allowed_steps` and Open311 follow
`allowed_steps`. `actor` None is the system (demo loader, Open311 intake): any role, the stage
still has to allow the step.

The flow (FACTS.md): 上报 → 受理/立案 (or 不予立案) → 派遣 → 处置 → 核查 → 结案 → 评价;
"上报市级" hands an open event to the city level.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from diaodu.core import user_errors
from diaodu.core.roles import Role, gettext_noop, role_of
from diaodu.core.user_errors import Forbidden, UserError

# Stages (cityops/models.Stage).
REPORTED, ACCEPTED, REJECTED, DISPATCHED = "reported", "accepted", "rejected", "dispatched"
HANDLED, VERIFIED, CLOSED, EVALUATED = "handled", "verified", "closed", "evaluated"
OPEN_STAGES = (REPORTED, ACCEPTED, DISPATCHED, HANDLED, VERIFIED)
DONE_STAGES = (CLOSED, EVALUATED)

# Steps, in page order.
ACCEPT, REJECT, DISPATCH, HANDLE = "accept", "reject", "dispatch", "handle"
VERIFY, CLOSE, EVALUATE, ESCALATE_CITY = "verify", "close", "evaluate", "city"
STEPS = (ACCEPT, REJECT, DISPATCH, HANDLE, VERIFY, CLOSE, EVALUATE, ESCALATE_CITY)
REPORT = "report"

# The step each open stage waits for, and the category field that holds its limit.
OWED_STEP = {REPORTED: ACCEPT, ACCEPTED: DISPATCH, DISPATCHED: HANDLE, HANDLED: VERIFY,
             VERIFIED: CLOSE}
LIMIT_FIELD = {ACCEPT: "accept", DISPATCH: "dispatch", HANDLE: "handle", VERIFY: "verify",
               CLOSE: "close"}

GRID_WORKERS = frozenset({Role.GRID_WORKER})
STREET_OPERATORS = frozenset({Role.STREET_OPS})
DISTRICT_OPERATORS = frozenset({Role.DISTRICT_OPS})
CENTRE_OPERATORS = STREET_OPERATORS | DISTRICT_OPERATORS
UNIT_ROLES = frozenset({Role.REPORTER, Role.UNIT_HEAD})  # the units events are dispatched to
# Who reads every street's events besides the district centre.
DISTRICT_READERS = frozenset({*DISTRICT_OPERATORS, Role.DISPATCHER, Role.LEADER})


def _path(unit: Any) -> str:
    return getattr(unit, "path", "") or ""


def in_grid(actor: Any, event: Any) -> bool:
    """A grid worker of the event's grid (the grid of its micro-grid)."""
    return (actor is not None and role_of(actor) in GRID_WORKERS and bool(actor.unit_id)
            and _path(event.grid).startswith(_path(actor.unit)))


def street_centre(actor: Any, event: Any) -> bool:
    """The street centre the event's grid belongs to (or the district centre)."""
    if actor is None:
        return True
    role = role_of(actor)
    if role in DISTRICT_OPERATORS:
        return True
    return (role in STREET_OPERATORS and bool(actor.unit_id)
            and _path(event.grid).startswith(_path(actor.unit)))


def district_centre(actor: Any, event: Any) -> bool:
    return actor is None or role_of(actor) in DISTRICT_OPERATORS


def handling_unit(actor: Any, event: Any) -> bool:
    """The lead unit the event was dispatched to (a unit head also above it), or the street
    centre when it keeps the event itself."""
    if actor is None:
        return True
    lead = event.case.lead_unit
    if lead is None:
        return False
    role = role_of(actor)
    if role in UNIT_ROLES and actor.unit_id:
        return actor.unit_id == lead.pk or (
            role == Role.UNIT_HEAD and _path(lead).startswith(_path(actor.unit)))
    return street_centre(actor, event) and _path(lead).startswith(_path(actor.unit)) \
        if role in STREET_OPERATORS else role in DISTRICT_OPERATORS


def verifier(actor: Any, event: Any) -> bool:
    """核查 on site: the grid worker of the grid, or the street centre for a grid without one."""
    return in_grid(actor, event) or street_centre(actor, event)


def may_report(actor: Any, grid: Any) -> bool:
    """上报 in `grid`: its grid worker, or the street centre of the grid's street."""
    if actor is None:
        return True
    role = role_of(actor)
    if role in GRID_WORKERS:
        return bool(actor.unit_id) and _path(grid).startswith(_path(actor.unit))
    if role in STREET_OPERATORS:
        return bool(actor.unit_id) and _path(grid).startswith(_path(actor.unit))
    return role in DISTRICT_OPERATORS


def require_report(actor: Any, grid: Any) -> None:
    if actor is not None and role_of(actor) not in (GRID_WORKERS | CENTRE_OPERATORS):
        raise Forbidden("permission.denied", gettext_noop("您的角色不能上报网格事件。"))
    if not may_report(actor, grid):
        raise UserError("event.grid_not_yours",
                        user_errors.translate(gettext_noop("网格“%(grid)s”不属于您负责的范围，不能上报该网格的事件。"))
                        % {"grid": grid}, "grid")


@dataclass(frozen=True)
class _Rule:
    who: Callable[[Any, Any], bool]
    refused: str  # msgid when `who` fails
    stages: tuple[str, ...]


RULES: dict[str, _Rule] = {
    ACCEPT: _Rule(street_centre, gettext_noop("只有该街道城运中心可以受理立案。"), (REPORTED,)),
    REJECT: _Rule(street_centre, gettext_noop("只有该街道城运中心可以决定不予立案。"),
                  (REPORTED,)),
    DISPATCH: _Rule(street_centre, gettext_noop("只有该街道城运中心可以派遣。"),
                    (ACCEPTED, DISPATCHED)),
    HANDLE: _Rule(handling_unit, gettext_noop("只有承办单位可以报处置结果。"), (DISPATCHED,)),
    VERIFY: _Rule(verifier, gettext_noop("只有该网格的网格员或街道城运中心可以核查。"),
                  (HANDLED,)),
    CLOSE: _Rule(street_centre, gettext_noop("只有该街道城运中心可以结案。"), (VERIFIED,)),
    EVALUATE: _Rule(street_centre, gettext_noop("只有城运中心可以登记评价。"), (CLOSED,)),
    ESCALATE_CITY: _Rule(district_centre, gettext_noop("只有区城运中心可以上报市级。"),
                         OPEN_STAGES),
}

STEP_LABELS = {ACCEPT: gettext_noop("受理立案"), REJECT: gettext_noop("不予立案"),
               DISPATCH: gettext_noop("派遣"), HANDLE: gettext_noop("处置"),
               VERIFY: gettext_noop("核查"), CLOSE: gettext_noop("结案"),
               EVALUATE: gettext_noop("评价"), ESCALATE_CITY: gettext_noop("上报市级")}


def _when(event: Any, step: str) -> bool:
    if step == ESCALATE_CITY and getattr(event, "city_reported_at", None) is not None:
        return False
    return event.stage in RULES[step].stages


def may(actor: Any, event: Any, step: str) -> bool:
    return RULES[step].who(actor, event) and _when(event, step)


def allowed_steps(actor: Any, event: Any) -> list[str]:
    """The steps `actor` may take on `event` now, in page order."""
    return [step for step in STEPS if may(actor, event, step)]


def require(actor: Any, event: Any, step: str) -> None:
    """Forbidden (403) when the actor may not take the step at all; a UserError naming the
    current stage (400) when the event is not at that step."""
    rule = RULES[step]
    if not rule.who(actor, event):
        raise Forbidden("permission.denied", rule.refused)
    if not _when(event, step):
        if step == ESCALATE_CITY and event.stage in OPEN_STAGES:
            raise UserError("event.city_already",
                            user_errors.translate(gettext_noop("该事件已上报市级。")))
        raise UserError("event.out_of_order",
                        user_errors.translate(gettext_noop("该事件当前环节为“%(stage)s”，不能%(step)s。"))
                        % {"stage": event.get_stage_display(),
                           "step": user_errors.translate(STEP_LABELS[step])})
