"""Who may change a project's schedule, save its baseline and keep the templates — written
once. Pure (no Django): whether the project is in the actor's scope is a fact the caller reads
through the scoped selectors (`in_scope`); this module decides what follows from it.
"""

from typing import Any

from diaodu.core.roles import LEDGER_EDITORS, Role, gettext_noop, require_role, role_of
from diaodu.core.user_errors import Forbidden

# Edit activities, links and settings of a project in scope.
SCHEDULE_EDITORS = frozenset({Role.REPORTER, Role.UNIT_HEAD, Role.DISPATCHER})
# Save a baseline: the unit head commits the unit's plan, the DRC any plan.
BASELINE_EDITORS = frozenset({Role.UNIT_HEAD, Role.DISPATCHER})
# Milestone types and schedule templates (reference data, kept in the admin).
TEMPLATE_KEEPERS = LEDGER_EDITORS


def may_edit(actor: Any, *, in_scope: bool) -> bool:
    return actor is None or (role_of(actor) in SCHEDULE_EDITORS and in_scope)


def may_baseline(actor: Any, *, in_scope: bool) -> bool:
    return actor is None or (role_of(actor) in BASELINE_EDITORS and in_scope)


def may_keep_templates(actor: Any) -> bool:
    return actor is None or role_of(actor) in TEMPLATE_KEEPERS


def require_edit(actor: Any, *, in_scope: bool) -> None:
    if not may_edit(actor, in_scope=in_scope):
        raise Forbidden("schedule.permission_denied",
                        gettext_noop("您不能修改此项目的进度计划。"))


def require_baseline(actor: Any, *, in_scope: bool) -> None:
    if not may_baseline(actor, in_scope=in_scope):
        raise Forbidden("schedule.permission_denied",
                        gettext_noop("只有单位负责人和调度员可以保存进度基线。"))


def require_template_keeper(actor: Any) -> None:
    require_role(actor, TEMPLATE_KEEPERS, gettext_noop("只有调度员可以维护节点类型和进度模板。"),
                 code="schedule.permission_denied")
