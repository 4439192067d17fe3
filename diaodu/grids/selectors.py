"""Reads of grids for users, scoped through core.scoping (a street sees its grids, a grid
worker their grid): the register, one grid, sizing, training and the map's shapes."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from diaodu.core.errors import NotFound
from diaodu.core.models import OrgUnit, UnitKind, User
from diaodu.core.scoping import scope_for

from . import geo, rules
from .models import GridDuty, GridProfile, GridSettings, GridWorker, TrainingRecord
from .services import settings_get


def grid_profiles(*, user: User, kind: str = UnitKind.GRID, street: int | None = None,
                  community: int | None = None) -> QuerySet[GridProfile]:
    """The grids (or micro-grids) the user sees, in tree order."""
    qs = scope_for(user, GridProfile).filter(unit__kind=kind, unit__active=True)
    for pk in (street, community):
        if pk:
            parent = OrgUnit.objects.filter(pk=pk).first()
            qs = qs.filter(unit__path__startswith=parent.path) if parent else qs.none()
    return qs.select_related("unit").order_by("unit__path")


def ancestors(units: list[OrgUnit]) -> dict[str, OrgUnit]:
    """The units above the given ones, by path, in one query (community and street names)."""
    step = OrgUnit.steplen
    paths = {u.path[:n] for u in units for n in range(step, len(u.path), step)}
    return {a.path: a for a in OrgUnit.objects.filter(path__in=paths)} if paths else {}


@dataclass
class GridRow:
    profile: GridProfile
    community: OrgUnit | None
    street: OrgUnit | None
    status: str
    workers: int = 0
    micro_grids: int = 0
    head: str = ""

    @property
    def unit(self) -> OrgUnit:
        return self.profile.unit


def _parent_of(unit: OrgUnit, above: dict[str, OrgUnit], kind: str) -> OrgUnit | None:
    step = OrgUnit.steplen
    for n in range(step, len(unit.path), step):
        a = above.get(unit.path[:n])
        if a is not None and a.kind == kind:
            return a
    return None


def standard(settings: GridSettings, kind: str = UnitKind.GRID) -> rules.Standard:
    if kind == UnitKind.MICRO_GRID:
        return rules.Standard(settings.micro_min, settings.micro_max)
    return rules.Standard(settings.grid_min, settings.grid_max)


def grid_register(*, user: User, street: int | None = None,
                  community: int | None = None) -> list[GridRow]:
    """The grid register: each grid with its community, street, sizing status, workers and
    micro-grids (four queries whatever the number of grids)."""
    settings = settings_get()
    profiles = list(grid_profiles(user=user, street=street, community=community))
    above = ancestors([p.unit for p in profiles])
    ids = [p.unit_id for p in profiles]
    workers = dict(GridWorker.objects.filter(grid_id__in=ids, active=True)
                   .values("grid_id").annotate(n=Count("pk")).values_list("grid_id", "n"))
    heads = dict(GridWorker.objects.filter(grid_id__in=ids, active=True, is_head=True)
                 .values_list("grid_id", "name"))
    micro: dict[int, int] = {}
    by_path = {p.unit.path: p.unit_id for p in profiles}
    paths = OrgUnit.objects.filter(kind=UnitKind.MICRO_GRID, active=True) \
        .values_list("path", flat=True) if profiles else []
    for path in paths:
        owner = by_path.get(path[:-OrgUnit.steplen])
        if owner:
            micro[owner] = micro.get(owner, 0) + 1
    grid_standard = standard(settings)
    return [GridRow(p, _parent_of(p.unit, above, UnitKind.COMMUNITY),
                    _parent_of(p.unit, above, UnitKind.STREET),
                    rules.size_status(p.households, grid_standard),
                    workers.get(p.unit_id, 0), micro.get(p.unit_id, 0),
                    heads.get(p.unit_id, ""))
            for p in profiles]


def grid_get(*, user: User, pk: int) -> GridProfile:
    """One grid or micro-grid the user sees (404 otherwise, also for an id no database holds)."""
    if not 0 < pk < 2**63:
        raise NotFound
    profile = scope_for(user, GridProfile).select_related("unit").filter(unit_id=pk).first()
    if profile is None:
        raise NotFound
    return profile


@dataclass
class GridPage:
    profile: GridProfile
    community: OrgUnit | None
    street: OrgUnit | None
    status: str
    standard: rules.Standard
    duties: list[GridDuty]
    workers: list[GridWorker]
    micro_grids: list[GridProfile]
    training: dict[int, Decimal] = field(default_factory=dict)


def grid_page(*, user: User, pk: int, year: int) -> GridPage:
    profile = grid_get(user=user, pk=pk)
    unit = profile.unit
    settings = settings_get()
    above = ancestors([unit])
    std = standard(settings, unit.kind)
    workers = list(GridWorker.objects.filter(grid=unit).prefetch_related("trainings"))
    hours = hours_by_worker([w.pk for w in workers], year)
    micro = list(GridProfile.objects.filter(unit__kind=UnitKind.MICRO_GRID,
                                            unit__path__startswith=unit.path)
                 .exclude(unit=unit).select_related("unit").order_by("unit__path"))
    return GridPage(profile, _parent_of(unit, above, UnitKind.COMMUNITY),
                    _parent_of(unit, above, UnitKind.STREET),
                    rules.size_status(profile.households, std), std,
                    list(GridDuty.objects.filter(grid=unit).select_related("duty", "worker")),
                    workers, micro, hours)


# ------------------------------------------------------------------ training

def hours_by_worker(worker_ids: list[int], year: int) -> dict[int, Decimal]:
    """Hours of passed courses per worker in the year."""
    rows = (TrainingRecord.objects.filter(worker_id__in=worker_ids, held_on__year=year,
                                          passed=True)
            .values("worker_id").annotate(h=Sum("hours")).values_list("worker_id", "h"))
    return {w: Decimal(str(h)).quantize(Decimal("0.1")) for w, h in rows}


@dataclass
class TrainingRow:
    worker: GridWorker
    hours: Decimal
    courses: int
    ok: bool
    short: Decimal


def training_check(*, user: User, year: int) -> tuple[list[TrainingRow], Decimal]:
    """Every grid worker the user sees with the year's hours against the minimum."""
    minimum = settings_get().training_hours
    workers = list(scope_for(user, GridWorker).filter(active=True).select_related("grid")
                   .annotate(courses=Count("trainings", filter=Q(trainings__held_on__year=year),
                                           distinct=True))
                   .order_by("grid__path", "-is_head", "name"))
    hours = hours_by_worker([w.pk for w in workers], year)
    rows = []
    for w in workers:
        h = hours.get(w.pk, Decimal("0.0"))
        rows.append(TrainingRow(w, h, w.courses, rules.training_ok(h, minimum),
                                rules.hours_short(h, minimum)))
    return rows, minimum


# ------------------------------------------------------------------ sizing

def sizing_check(*, user: User) -> tuple[list[rules.Suggestion], rules.Standard,
                                         dict[int, OrgUnit]]:
    """Grids outside the standard with split / merge suggestions; neighbours by touching
    boundaries (shapely), else by sort order within the community."""
    settings = settings_get()
    profiles = list(grid_profiles(user=user))
    above = ancestors([p.unit for p in profiles])
    sizes, shapes = [], {}
    for p in profiles:
        community = _parent_of(p.unit, above, UnitKind.COMMUNITY)
        sizes.append(rules.GridSize(p.unit_id, str(p.unit), community.pk if community else 0,
                                    p.households, p.unit.sort))
        if p.polygon:
            shapes[p.unit_id] = geo.polygon_of(p.polygon)

    def touching(a: int, b: int) -> bool:
        pa, pb = shapes.get(a), shapes.get(b)
        return pa is not None and pb is not None and pa.buffer(1e-6).intersects(pb)

    std = standard(settings)
    communities = {c.pk: c for c in above.values() if c.kind == UnitKind.COMMUNITY}
    return rules.suggestions(sizes, std, touching if shapes else None), std, communities


# ------------------------------------------------------------------ map

@dataclass(frozen=True)
class MapGrid:
    unit_id: int
    name: str
    polygon: dict
    sample: bool


def map_grids(*, user: User, street: int | None = None) -> list[MapGrid]:
    """Grids with a boundary, for the map (micro-grids are drawn on a grid's own page): plain
    rows, no model instances — the district's map has thousands of grids."""
    rows = grid_profiles(user=user, street=street).filter(polygon__isnull=False) \
        .values_list("unit_id", "unit__name", "polygon", "polygon_sample")
    return [MapGrid(*row) for row in rows]


def grid_event_counts(points: list[geo.MapPoint], grid_ids: set[int]) -> dict[int, int]:
    """Points per grid: their own grid when they carry one, else located by boundary."""
    counts: dict[int, int] = {}
    unknown = [pt for pt in points if pt.grid_id is None]
    located = geo.locate_ids([(pt.lat, pt.lon) for pt in unknown]) if unknown else []
    for grid_id in [pt.grid_id for pt in points if pt.grid_id is not None] + located:
        if grid_id in grid_ids:
            counts[grid_id] = counts.get(grid_id, 0) + 1
    return counts


def streets_for(*, user: User) -> list[OrgUnit]:
    """Streets the user sees grids in (the map's and register's street filter)."""
    profiles = grid_profiles(user=user).values_list("unit__path", flat=True)
    prefixes = {p[:OrgUnit.steplen * 2] for p in profiles}
    return list(OrgUnit.objects.filter(path__in=prefixes, kind=UnitKind.STREET)
                .order_by("path"))


def grid_units(*, user: User) -> QuerySet[OrgUnit]:
    """Grid and micro-grid units the user sees (form choices)."""
    return OrgUnit.objects.filter(
        pk__in=scope_for(user, GridProfile).values("unit_id"),
        kind__in=(UnitKind.GRID, UnitKind.MICRO_GRID), active=True).order_by("path")
