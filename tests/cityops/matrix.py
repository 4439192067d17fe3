"""Matrix rows of the operations centres' pages (tests/permissions.py imports them). The
matrix's nine roles hold no grid role: for them an event is seen like a street's grid — the
district-wide roles see all, street A's head (its subtree) street A's, a reporter (their own
unit only) none — and no step or report is theirs. The grid roles are checked on the same
pages in tests/cityops/test_pages.py."""

OK, FORBIDDEN, NOT_FOUND = 200, 403, 404
SEE_ALL = {"dispatcher", "stats_user", "leader"}


def grid_of(street):
    """A grid in the street (community + grid; reused: the builders are idempotent)."""
    from diaodu.core.models import OrgUnit, UnitKind

    code = f"{street.code}-MX"
    grid = OrgUnit.objects.filter(code=f"{code}-G1").first()
    if grid is not None:
        return grid
    community = OrgUnit.objects.add_child(OrgUnit.objects.get(pk=street.pk), {
        "code": code, "name": f"{street.name}矩阵社区", "kind": UnitKind.COMMUNITY})
    return OrgUnit.objects.add_child(community, {
        "code": f"{code}-G1", "name": f"{street.name}矩阵网格", "kind": UnitKind.GRID})


def event_of(project):
    """An event in a grid of the project's street (reported by the system)."""
    from diaodu.cityops import services
    from diaodu.cityops.models import Event

    grid = grid_of(project.street)
    found = Event.objects.filter(grid=grid).first()
    if found is not None:
        return found
    services.categories_ensure()
    return services.event_report(actor=None, grid=grid, category="S0502", detail="占道经营")


def event_args(project):
    return [event_of(project).pk]


def category_args(project):
    from diaodu.cityops import services
    from diaodu.cityops.models import EventCategory

    services.categories_ensure()
    return [EventCategory.objects.get(code="S0502").pk]


def settings_args(project):
    from diaodu.cityops import services

    return [services.settings_get().pk]


def event_page(role: str, which: str) -> int:
    return OK if role in SEE_ALL or (role == "street_a_head" and which == "own") else NOT_FOUND


def district_console(role: str, which: str) -> int:
    return OK if role in {"dispatcher", "leader"} else NOT_FOUND


def reporters_only(role: str, which: str) -> int:
    return FORBIDDEN  # grid workers and the centres; none of the matrix's roles


def listing(role: str, which: str) -> int:
    return OK


ROWS = {
    "cityops:console": (None, district_console),
    "cityops:events": (None, listing),
    "cityops:event_report": (None, reporters_only),
    "cityops:event": (event_args, event_page),
    "cityops:ranking": (None, listing),
}
