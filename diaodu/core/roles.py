"""Roles of DESIGN §1 and what each may see.

Visibility is decided by one of three reaches: the user's own unit, the unit's subtree, or the
whole district. 三员分立: the three administrators see no project data at all.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    REPORTER = "reporter", _("填报员")
    UNIT_HEAD = "unit_head", _("单位负责人")
    DISPATCHER = "dispatcher", _("调度员")
    STATS = "stats", _("统计人员")
    LEADER = "leader", _("区领导")
    TASKFORCE = "taskforce", _("专班成员")
    SYSADMIN = "sysadmin", _("系统管理员")
    SECADMIN = "secadmin", _("安全管理员")
    AUDITOR = "auditor", _("安全审计员")


class Reach(models.TextChoices):
    UNIT = "unit", _("本单位")
    SUBTREE = "subtree", _("本单位及下级")
    ALL = "all", _("全区")
    TASKFORCE = "taskforce", _("所在专班")
    NONE = "none", _("无业务数据")


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
BUSINESS_ROLES = frozenset(Role.values) - ADMIN_ROLES
# Who may read the audit log.
AUDIT_READERS = frozenset({Role.AUDITOR})
# Who may edit the working-day calendar.
CALENDAR_EDITORS = frozenset({Role.SYSADMIN, Role.DISPATCHER})


def role_of(user) -> str:
    """The user's role, "" for anonymous visitors and accounts without one."""
    return getattr(user, "role", "") or ""
# 督办 (cases): who may task units, verify and close cases, and who keeps the approval register.
CASE_SUPERVISORS = frozenset({Role.DISPATCHER, Role.LEADER})
APPROVAL_EDITORS = frozenset({Role.DISPATCHER})
# Who must sign in with a second factor (TOTP): those who change the ledger and every
# administrator. Others may enrol a device by choice; once enrolled, it is always asked for.
TWO_FACTOR_ROLES = frozenset({Role.DISPATCHER, Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})
