"""Who may write the project ledger, task forces and 入库 — written once. Pure (no Django).

The ledger has no workflow states; one group keeps it (core/roles.LEDGER_EDITORS). The
services call the `require_*` functions; pages, admin and the API ask the `may_*` ones.
"""

from typing import Any

from diaodu.core.roles import LEDGER_EDITORS, Role, gettext_noop, require_role, role_of

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
