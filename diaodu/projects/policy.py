"""Who may write the project ledger, task forces and 入库 — written once. Pure (no Django).

The ledger has no workflow states; one group keeps it (core/roles.LEDGER_EDITORS). The
services call the `require_*` functions; pages, admin and the API ask the `may_*` ones.
"""

from typing import Any

from diaodu.core.roles import LEDGER_EDITORS, Role, gettext_noop, require_role, role_of
from diaodu.core.user_errors import Forbidden

# Keep the project ledger: create, edit, change stage, campaigns, task forces (专班).
LEDGER_KEEPERS = LEDGER_EDITORS
# 入库: the statistics bureau records the registration date (the DRC may correct it).
STATS_REGISTRARS = frozenset({Role.STATS, *LEDGER_EDITORS})


def may_keep_ledger(actor: Any) -> bool:
    return actor is None or role_of(actor) in LEDGER_KEEPERS


def require_ledger_keeper(actor: Any) -> None:
    require_role(actor, LEDGER_KEEPERS, gettext_noop("只有调度员可以维护项目台账。"))


def require_stats_registrar(actor: Any) -> None:
    require_role(actor, STATS_REGISTRARS, gettext_noop("只有统计人员或调度员可以登记入库。"))


def may_keep_evidence(actor: Any, project: Any) -> bool:
    """入库 evidence photos: the project's responsible unit (its reporters; a unit head for the
    units below), the statistics bureau and the DRC."""
    if actor is None:
        return True
    role = role_of(actor)
    if role in STATS_REGISTRARS:
        return True
    unit = project.responsible_unit
    if role == Role.REPORTER:
        return bool(unit.pk == actor.unit_id)
    if role == Role.UNIT_HEAD:
        return bool(actor.unit_id and unit.path.startswith(actor.unit.path))
    return False


def require_evidence_keeper(actor: Any, project: Any) -> None:
    if not may_keep_evidence(actor, project):
        raise Forbidden("project.evidence_forbidden", gettext_noop(
            "只有项目责任单位、统计人员或调度员可以上传或删除入库佐证照片。"))
