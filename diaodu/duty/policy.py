"""Who may do what on the duty watch (one policy, STYLE.md): services call `require_*`, pages
render buttons from the same predicates.

The district duty office (区值班室) is the dispatcher role: it calls spot checks, keeps the
plans and sees every unit. A unit head manages the rosters of the unit and the units below; the
unit's staff write handover logs, ask for swaps and answer spot checks."""

from django.utils.translation import gettext as _

from diaodu.core.errors import UserError
from diaodu.core.roles import Role, role_of

BUSINESS_ROLES = frozenset({Role.REPORTER, Role.UNIT_HEAD, Role.DISPATCHER, Role.STATS,
                            Role.LEADER, Role.TASKFORCE})
DUTY_OFFICE = frozenset({Role.DISPATCHER})
WARNING_ISSUERS = frozenset({Role.DISPATCHER, Role.LEADER})


def _inside(actor, unit) -> bool:
    return bool(actor.unit_id) and (actor.unit_id == unit.pk
                                    or unit.path.startswith(actor.unit.path))


def may_manage(actor, unit) -> bool:
    """Rosters, duty lists, swaps, posts and drills of `unit`. None = the system (demo, tasks)."""
    if actor is None:
        return True
    role = role_of(actor)
    return role in DUTY_OFFICE or (role == Role.UNIT_HEAD and _inside(actor, unit))


def may_act_for(actor, unit) -> bool:
    """Handover logs, swap requests and spot-check answers: the unit's own staff."""
    if actor is None:
        return True
    role = role_of(actor)
    if role == Role.REPORTER:
        return actor.unit_id == unit.pk
    return role == Role.UNIT_HEAD and _inside(actor, unit)


def is_duty_office(actor) -> bool:
    return actor is None or role_of(actor) in DUTY_OFFICE


def may_issue_warning(actor) -> bool:
    return actor is None or role_of(actor) in WARNING_ISSUERS


def require(allowed: bool) -> None:
    if not allowed:
        raise UserError("permission.denied", _("您没有权限进行此操作。"))
