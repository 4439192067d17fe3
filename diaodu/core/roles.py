"""Roles of DESIGN §1, what each may see, and the groups the rules name — declared once here.

Visibility is decided by one of three reaches: the user's own unit, the unit's subtree, or the
whole district. 三员分立: the three administrators see no project data at all.

Pure (no Django), so the policies (`<app>/policy.py`) can name roles. Adding a role: a member of
`Role`, its label in ROLE_LABELS, its reach in PROJECT_REACH, then the policies that let it act
(docs/design.md, "a new role"). User.role's choices are built from this list (core/models.py).
"""

from collections.abc import Collection
from enum import StrEnum

from .user_errors import Forbidden


def gettext_noop(text: str) -> str:
    """Marks a msgid for makemessages; the text is put into words where it is shown."""
    return text


class Role(StrEnum):
    REPORTER = "reporter"
    UNIT_HEAD = "unit_head"
    DISPATCHER = "dispatcher"
    STATS = "stats"
    LEADER = "leader"
    TASKFORCE = "taskforce"
    SYSADMIN = "sysadmin"
    SECADMIN = "secadmin"
    AUDITOR = "auditor"
    # City operations and grid governance (phase 2): a grid worker in their grid (or
    # micro-grid), the duty officers of a street's and of the district's 城运中心.
    GRID_WORKER = "grid_worker"
    STREET_OPS = "street_ops"
    DISTRICT_OPS = "district_ops"


ROLE_LABELS: dict[str, str] = {
    Role.REPORTER: gettext_noop("填报员"),
    Role.UNIT_HEAD: gettext_noop("单位负责人"),
    Role.DISPATCHER: gettext_noop("调度员"),
    Role.STATS: gettext_noop("统计人员"),
    Role.LEADER: gettext_noop("区领导"),
    Role.TASKFORCE: gettext_noop("专班成员"),
    Role.SYSADMIN: gettext_noop("系统管理员"),
    Role.SECADMIN: gettext_noop("安全管理员"),
    Role.AUDITOR: gettext_noop("安全审计员"),
    Role.GRID_WORKER: gettext_noop("网格员"),
    Role.STREET_OPS: gettext_noop("街道城运中心值班员"),
    Role.DISTRICT_OPS: gettext_noop("区城运中心值班员"),
}
ROLES = frozenset(Role)


class Reach(StrEnum):
    UNIT = "unit"
    SUBTREE = "subtree"
    ALL = "all"
    TASKFORCE = "taskforce"
    NONE = "none"


PROJECT_REACH: dict[str, str] = {
    Role.REPORTER: Reach.UNIT,
    Role.UNIT_HEAD: Reach.SUBTREE,
    Role.DISPATCHER: Reach.ALL,
    Role.STATS: Reach.ALL,
    Role.LEADER: Reach.ALL,
    Role.TASKFORCE: Reach.TASKFORCE,
    Role.SYSADMIN: Reach.NONE,
    Role.SECADMIN: Reach.NONE,
    Role.AUDITOR: Reach.NONE,
    # A grid worker's unit is their grid; the subtree adds its micro-grids (微网格).
    Role.GRID_WORKER: Reach.SUBTREE,
    # A street centre sees its street (communities, grids below); the district centre all.
    Role.STREET_OPS: Reach.SUBTREE,
    Role.DISTRICT_OPS: Reach.ALL,
}

# Who may write the project ledger itself (create, edit, change stage, campaigns).
LEDGER_EDITORS = frozenset({Role.DISPATCHER})
# Who may manage accounts and organisation (三员分立: the system administrator).
ACCOUNT_ADMINS = frozenset({Role.SYSADMIN})
# Who may assign roles (三员分立: the security administrator).
ROLE_ADMINS = frozenset({Role.SECADMIN})
# The three administrator roles (三员分立). They never hold a business role: an account is
# either an administrator's or a business account, and a role change never crosses over.
ADMIN_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})
BUSINESS_ROLES = frozenset(Role) - ADMIN_ROLES
# 城运中心 (city operations): who keeps a street's grids (profiles, duties, workers,
# training) — the street centre within its street, the district centre everywhere.
GRID_KEEPERS = frozenset({Role.STREET_OPS, Role.DISTRICT_OPS})
# Who reads grid work across the district (all streets' grids, workers and events).
CITY_OPS = frozenset({Role.STREET_OPS, Role.DISTRICT_OPS})
# Who may read the audit log.
AUDIT_READERS = frozenset({Role.AUDITOR})
# Who keeps the units' group robots (企业微信/钉钉 webhooks): system configuration, like
# accounts and the organisation (三员分立: the system administrator).
ROBOT_ADMINS = frozenset({Role.SYSADMIN})
# Who may edit the working-day calendar.
CALENDAR_EDITORS = frozenset({Role.SYSADMIN, Role.DISPATCHER})


def role_of(user: object) -> str:
    """The user's role, "" for anonymous visitors and accounts without one."""
    return getattr(user, "role", "") or ""


def require_role(actor: object | None, roles: Collection[str], message: str,
                 code: str = "permission.denied") -> None:
    """Refuse (Forbidden, 403) unless `actor` holds one of `roles`. `actor` None is the system
    (demo loader, scheduled tasks), which may do anything. `message` a msgid."""
    if actor is not None and role_of(actor) not in roles:
        raise Forbidden(code, message)


# 督办 (cases): who may task units, verify and close cases, and who keeps the approval register.
CASE_SUPERVISORS = frozenset({Role.DISPATCHER, Role.LEADER})
APPROVAL_EDITORS = frozenset({Role.DISPATCHER})
# Who must sign in with a second factor (TOTP): those who change the ledger and every
# administrator. Others may enrol a device by choice; once enrolled, it is always asked for.
TWO_FACTOR_ROLES = frozenset({Role.DISPATCHER, Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})
