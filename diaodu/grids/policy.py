"""Who may keep grids (STYLE.md, one policy per workflow). Pure: no Django.

The street centre (街道城运中心值班员) keeps its own street's grids — profiles, duties, workers,
training, boundaries, the household import; the district centre keeps every street's. Whether
the grid is the street's own is scope (core/scoping.py: out of scope is 404 before this).
The sizing standard is the district centre's. A grid worker reads their grid."""

from diaodu.core.roles import GRID_KEEPERS, Role, gettext_noop, require_role

SETTINGS_KEEPERS = frozenset({Role.DISTRICT_OPS})


def may_keep(actor) -> bool:
    """Profiles, duties, workers, training and boundaries of grids in the actor's scope.
    None is the system (demo loader, imports run by tasks)."""
    return actor is None or getattr(actor, "role", "") in GRID_KEEPERS


def require_keeper(actor) -> None:
    require_role(actor, GRID_KEEPERS,
                 gettext_noop("只有街道或区城运中心值班员可以维护网格信息。"))


def require_settings(actor) -> None:
    require_role(actor, SETTINGS_KEEPERS,
                 gettext_noop("只有区城运中心值班员可以修改网格划分标准。"))
