"""Reads of the operations centres: events in scope, one event, and the consoles' counters.

The counters are two aggregate queries over the indexed `Event` table (never a walk over the
cases): one for the totals and rates, one grouped by street, grid and category for the open
and today's events (docs/cityops.md)."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from diaodu.core import clock, scenarios
from diaodu.core.errors import NotFound
from diaodu.core.models import OrgUnit, UnitKind
from diaodu.core.roles import role_of
from diaodu.core.scoping import scope_for

from . import policy
from .models import Event, EventCategory, Stage

OPEN = Q(stage__in=policy.OPEN_STAGES)
DONE = Q(stage__in=policy.DONE_STAGES)


@dataclass
class EventFilters:
    street: int | None = None
    grid: int | None = None
    stage: str = ""
    category: str = ""
    overdue: bool = False
    flagged: bool = False
    q: str = ""


def event_list(*, user, filters: EventFilters | None = None,
               now: datetime | None = None) -> QuerySet[Event]:
    """Events the user may see (their grid, their street, the units they were dispatched to;
    the district centre, dispatchers and leaders all), newest first."""
    f = filters or EventFilters()
    visible = scope_for(user, Event)
    qs = Event.objects.filter(pk__in=visible.values("pk")) if role_of(user) not in \
        policy.DISTRICT_READERS else visible
    if f.street:
        qs = qs.filter(street_id=f.street)
    if f.grid:
        qs = qs.filter(grid_id=f.grid)
    if f.stage:
        qs = qs.filter(stage=f.stage)
    if f.category:
        qs = qs.filter(category__code=f.category)
    if f.overdue:
        qs = qs.filter(OPEN, step_due_at__lt=now or clock.now())
    if f.flagged:
        qs = qs.filter(Q(gps_outside_grid=True) | Q(exif_missing=True))
    if f.q:
        qs = qs.filter(Q(case__title__icontains=f.q) | Q(address__icontains=f.q))
    return qs.select_related("case", "case__lead_unit", "category", "grid", "street") \
        .order_by("-reported_at", "-pk")


def event_get(*, user, pk: int) -> Event:
    """One event with what its page shows, or NotFound outside the user's scope (or beyond
    what the database can number)."""
    if not 0 < pk < 2**63:
        raise NotFound
    event = (event_list(user=user).filter(pk=pk)
             .prefetch_related("case__co_units", "case__actions__actor").first())
    if event is None:
        raise NotFound
    return event


def categories() -> QuerySet[EventCategory]:
    return EventCategory.objects.filter(active=True).order_by("kind", "sort", "code")


# --- Consoles --------------------------------------------------------------------------------

def console_streets(*, user, street: int | None = None) -> list[OrgUnit] | None:
    """The streets a console shows: a street centre its own street; the district centre (and
    dispatchers, leaders) every street, or one chosen (`street`). None = the whole district.
    Anyone else, or another street's centre asking for a street not theirs: NotFound."""
    role = role_of(user)
    if role in policy.STREET_OPERATORS:
        if not user.unit_id or user.unit.kind != UnitKind.STREET or \
                (street and street != user.unit_id):
            raise NotFound
        return [user.unit]
    if role in policy.DISTRICT_READERS:
        if street:
            chosen = OrgUnit.objects.filter(pk=street, kind=UnitKind.STREET).first()
            if chosen is None:
                raise NotFound
            return [chosen]
        return None
    raise NotFound


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Console:
    now: datetime
    today: date
    totals: dict[str, Any]
    by_category: list[dict[str, Any]] = field(default_factory=list)
    by_street: list[dict[str, Any]] = field(default_factory=list)
    by_grid: list[dict[str, Any]] = field(default_factory=list)
    widgets: list[dict[str, Any]] = field(default_factory=list)


def console(*, streets: list[OrgUnit] | None, now: datetime | None = None,
            widgets: bool = True) -> Console:
    """Today's intake, open, overdue, near the limit, escalated, flagged; this month's closure
    and satisfaction rates; open and today's events by category, street and grid."""
    now = now or clock.now()
    today = timezone.localtime(now).date()
    month_start = today.replace(day=1)
    base = Event.objects.all()
    if streets is not None:
        base = base.filter(street__in=[s.pk for s in streets])
    overdue = OPEN & Q(step_due_at__lt=now)
    near = OPEN & Q(warn_at__lte=now, step_due_at__gte=now)
    month = Q(reported_on__gte=month_start)
    closed_month = Q(closed_on__gte=month_start) & DONE
    totals = base.filter(OPEN | month | Q(closed_on__gte=month_start)).aggregate(
        today=Count("pk", filter=Q(reported_on=today)),
        open=Count("pk", filter=OPEN),
        overdue=Count("pk", filter=overdue),
        near=Count("pk", filter=near),
        escalated=Count("pk", filter=OPEN & Q(escalation__gte=1)),
        city=Count("pk", filter=OPEN & Q(city_reported_at__isnull=False)),
        flagged=Count("pk", filter=OPEN & (Q(gps_outside_grid=True) | Q(exif_missing=True))),
        month=Count("pk", filter=month),
        month_accepted=Count("pk", filter=month & ~Q(stage__in=[Stage.REPORTED,
                                                               Stage.REJECTED])),
        month_done=Count("pk", filter=month & DONE),
        closed=Count("pk", filter=closed_month),
        closed_on_time=Count("pk", filter=closed_month & Q(overdue_steps=0)),
        evaluated=Count("pk", filter=closed_month & Q(satisfaction__isnull=False)),
        satisfied=Count("pk", filter=closed_month & Q(satisfaction__gte=2)),
    )
    totals["closure_rate"] = _rate(totals["month_done"], totals["month_accepted"])
    totals["on_time_rate"] = _rate(totals["closed_on_time"], totals["closed"])
    totals["satisfaction_rate"] = _rate(totals["satisfied"], totals["evaluated"])
    rows = list(base.filter(OPEN | Q(reported_on=today)).order_by()
                .values("street_id", "street__name", "grid_id", "grid__name",
                        "category__code", "category__name")
                .annotate(today=Count("pk", filter=Q(reported_on=today)),
                          open=Count("pk", filter=OPEN),
                          overdue=Count("pk", filter=overdue),
                          near=Count("pk", filter=near)))
    result = Console(now=now, today=today, totals=totals,
                     by_category=_fold(rows, ("category__code", "category__name")),
                     by_street=_fold(rows, ("street_id", "street__name")),
                     by_grid=_fold(rows, ("grid_id", "grid__name", "street__name")))
    if widgets:
        ids = None if streets is None else [s.pk for s in streets]
        for scenario, widget in scenarios.widgets():
            result.widgets.append({"scenario": scenario.title, "title": widget.title,
                                   "key": f"{scenario.code}.{widget.key}",
                                   "rows": widget.render(streets=ids, now=now)})
    return result


def _fold(rows: list[dict[str, Any]], key: tuple[str, ...]) -> list[dict[str, Any]]:
    folded: dict[tuple, dict[str, Any]] = {}
    for row in rows:
        k = tuple(row[name] for name in key)
        entry = folded.setdefault(k, {**{name: row[name] for name in key},
                                      "today": 0, "open": 0, "overdue": 0, "near": 0})
        for name in ("today", "open", "overdue", "near"):
            entry[name] += row[name]
    return sorted(folded.values(), key=lambda e: (-e["open"], -e["today"], str(e[key[0]])))


# --- Ranking -------------------------------------------------------------------------------

@dataclass
class RankedStreet:
    street: OrgUnit
    score: Decimal
    rank: int
    top_group: bool
    metrics: dict[str, Any]
    previous_rank: int | None
    movement: int | None  # places gained since last month (+ up, − down)
    gap: Decimal  # points to the last place of the 第一方阵 (0 when in it)


def street_ranking(*, user, year: int, month: int) -> list[RankedStreet]:
    """One month's ranking with each street's move since the month before and its distance
    to the 第一方阵 (two queries)."""
    from .models import StreetRanking

    prev_year, prev_month = (year, month - 1) if month > 1 else (year - 1, 12)
    qs = scope_for(user, StreetRanking).select_related("street", "scheme")
    rows = list(qs.filter(year=year, month=month).order_by("rank", "street__sort"))
    before = dict(qs.filter(year=prev_year, month=prev_month).values_list("street_id", "rank"))
    top = [r.score for r in rows if r.top_group]
    threshold = min(top) if top else Decimal(0)
    return [RankedStreet(street=r.street, score=r.score, rank=r.rank, top_group=r.top_group,
                         metrics=r.metrics, previous_rank=before.get(r.street_id),
                         movement=(before[r.street_id] - r.rank) if r.street_id in before
                         else None,
                         gap=Decimal(0) if r.top_group else max(Decimal(0), threshold - r.score))
            for r in rows]


def map_points(grid_ids: list[int]):
    """The open events with a position in these grids (ids), as points of the grid map."""
    from diaodu.grids.geo import MapPoint

    rows = (Event.objects.filter(OPEN, grid__in=grid_ids, lat__isnull=False)
            .values_list("pk", "lat", "lon", "grid_id", "category__name"))
    # One reverse for the map, not one per point (10,000 points on the district map).
    href = reverse("cityops:event", args=[0]).removesuffix("0/")
    return [MapPoint(lat=float(lat), lon=float(lon), grid_id=grid, label=name,
                     href=f"{href}{pk}/") for pk, lat, lon, grid, name in rows]
