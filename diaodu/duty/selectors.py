"""Reads of the duty app for users: every query starts from core.scoping, so another unit's
shift, post, drill or activation is "not found"; joins decided here keep query counts flat."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Prefetch, QuerySet

from diaodu.core.errors import NotFound
from diaodu.core.models import CalendarDay, OrgUnit
from diaodu.core.scoping import scope_for

from . import rules
from .models import (
    Drill,
    DrillFinding,
    DrillPlan,
    DutyAssignment,
    DutyPerson,
    DutyShift,
    DutySwap,
    FloodPost,
    FloodSeason,
    FloodWarning,
    SpotCheck,
    TracingActivation,
    TracingGroup,
    TracingMember,
    TracingTeam,
)


def _scoped(user, model) -> QuerySet:
    """scope_for without duplicate rows from many-to-many scope paths."""
    return model._default_manager.filter(pk__in=scope_for(user, model).values("pk"))


def _get(qs: QuerySet, pk):
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise NotFound from None


def _people() -> Prefetch:
    return Prefetch("assignments", queryset=DutyAssignment.objects.select_related("person")
                    .order_by("role", "id"))


# ---------------------------------------------------------------------------------------------
# Rosters


def duty_units(*, user) -> QuerySet[OrgUnit]:
    """Units with a duty list the user may see (the roster pages' unit choice)."""
    return OrgUnit.objects.filter(
        pk__in=scope_for(user, DutyPerson).values("unit_id")).order_by("path")


@dataclass
class BoardRow:
    unit: OrgUnit
    shift: DutyShift | None
    leader: DutyPerson | None = None
    staff: list[DutyPerson] = field(default_factory=list)
    required: int = 0

    @property
    def short(self) -> int:
        return max(self.required - len(self.staff), 0)


def duty_board(*, user, day: date) -> list[BoardRow]:
    """Every unit in scope on `day`: who leads, who is on, the duty level and any shortfall;
    a unit with a duty list and no shift that day is listed as not rostered. Three queries."""
    shifts = list(scope_for(user, DutyShift).filter(date=day)
                  .select_related("unit", "leader").prefetch_related(_people())
                  .order_by("unit__path"))
    rows = []
    for shift in shifts:
        staff = [a.person for a in shift.assignments.all()
                 if a.role == DutyAssignment.Role.STAFF]
        rows.append(BoardRow(shift.unit, shift, shift.leader, staff,
                             rules.required_staff(shift.base_staff, shift.level)))
    missing = duty_units(user=user).exclude(pk__in=[s.unit_id for s in shifts])
    rows.extend(BoardRow(unit, None) for unit in missing)
    rows.sort(key=lambda r: r.unit.path)
    return rows


def roster_month(*, user, unit: OrgUnit, month: date) -> list[DutyShift]:
    """A unit's shifts in the month of `month`, people prefetched."""
    first = month.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return list(scope_for(user, DutyShift).filter(unit=unit, date__range=(first, last))
                .select_related("leader").prefetch_related(_people()).order_by("date"))


def duty_unit_get(*, user, pk) -> OrgUnit:
    return _get(duty_units(user=user), pk)


def shift_get(*, user, pk) -> DutyShift:
    return _get(scope_for(user, DutyShift).select_related("unit", "leader")
                .prefetch_related(_people()), pk)


def shift_people(*, shift: DutyShift) -> QuerySet[DutyPerson]:
    """The shift's unit's active people (the swap form's choice)."""
    return DutyPerson.objects.filter(unit_id=shift.unit_id, active=True)


def swap_list(*, user, status: str = "") -> QuerySet[DutySwap]:
    qs = scope_for(user, DutySwap).select_related("shift__unit", "from_person", "to_person",
                                                  "requested_by")
    return qs.filter(status=status) if status else qs


def swap_get(*, user, pk) -> DutySwap:
    return _get(scope_for(user, DutySwap).select_related("shift__unit"), pk)


@dataclass(frozen=True)
class HolidayPeriod:
    name: str
    start: date
    end: date


def holiday_periods(*, year: int) -> list[HolidayPeriod]:
    """The year's statutory holiday periods (runs of rest days around the calendar's days off),
    named from the calendar."""
    overrides = dict(CalendarDay.objects.filter(date__year__in=(year - 1, year, year + 1))
                     .values_list("date", "is_workday"))
    names = dict(CalendarDay.objects.filter(date__year=year, is_workday=False)
                 .values_list("date", "name"))
    kinds = rules.day_kinds(date(year, 1, 1), date(year, 12, 31), overrides)
    periods: list[list[date]] = []
    for day, kind in kinds:
        if kind != rules.DayKind.HOLIDAY:
            continue
        if periods and periods[-1][-1] == day - timedelta(days=1):
            periods[-1].append(day)
        else:
            periods.append([day])
    return [HolidayPeriod(next((names[d] for d in days if names.get(d)), ""), days[0], days[-1])
            for days in periods]


def holiday_table(*, user, start: date, end: date, unit: OrgUnit | None = None
                  ) -> list[DutyShift]:
    """The shifts of [start, end] in scope (one unit or all), by unit then date."""
    qs = scope_for(user, DutyShift).filter(date__range=(start, end))
    if unit is not None:
        qs = qs.filter(unit=unit)
    return list(qs.select_related("unit", "leader").prefetch_related(_people())
                .order_by("unit__path", "date"))


# ---------------------------------------------------------------------------------------------
# Spot checks


def spot_check_list(*, user, since: datetime | None = None) -> QuerySet[SpotCheck]:
    qs = scope_for(user, SpotCheck).select_related("unit", "answered_by")
    return qs.filter(called_at__gte=since) if since else qs


def spot_check_get(*, user, pk) -> SpotCheck:
    return _get(scope_for(user, SpotCheck).select_related("unit"), pk)


@dataclass(frozen=True)
class CheckRank:
    unit: OrgUnit
    checks: int
    answered: int
    missed: int
    pending: int
    average_seconds: int | None


def spot_check_ranking(*, user, start: datetime, end: datetime, now: datetime) -> list[CheckRank]:
    """Units by missed checks (fewest first), then by average answer time: what the unit
    ranking counts. A check still inside its window is pending, neither answered nor missed."""
    checks = scope_for(user, SpotCheck).filter(called_at__gte=start, called_at__lt=end) \
        .select_related("unit")
    by_unit: dict[int, list[SpotCheck]] = {}
    units: dict[int, OrgUnit] = {}
    for check in checks:
        by_unit.setdefault(check.unit_id, []).append(check)
        units[check.unit_id] = check.unit
    ranking = []
    for unit_id, rows in by_unit.items():
        answered = [c.answer_seconds for c in rows if c.answered_at is not None]
        missed = sum(1 for c in rows if c.missed(now))
        ranking.append(CheckRank(units[unit_id], len(rows), len(answered), missed,
                                 len(rows) - len(answered) - missed,
                                 sum(answered) // len(answered) if answered else None))
    ranking.sort(key=lambda r: (r.missed, r.average_seconds is None, r.average_seconds or 0,
                                r.unit.path))
    return ranking


# ---------------------------------------------------------------------------------------------
# Flood control


def flood_season(*, year: int) -> tuple[date, date]:
    season = FloodSeason.objects.filter(year=year).first()
    return (season.starts_on, season.ends_on) if season else rules.default_flood_season(year)


def flood_post_list(*, user) -> QuerySet[FloodPost]:
    return scope_for(user, FloodPost).select_related("street").annotate(
        member_count=Count("members", distinct=True),
        material_count=Count("materials", distinct=True)).order_by("street__path", "id")


def flood_post_get(*, user, pk) -> FloodPost:
    return _get(scope_for(user, FloodPost).select_related("street")
                .prefetch_related("members", "materials"), pk)


def active_warnings(*, user) -> QuerySet[FloodWarning]:
    return scope_for(user, FloodWarning).filter(lifted_at__isnull=True).select_related("plan")


def warning_get(*, user, pk) -> FloodWarning:
    return _get(scope_for(user, FloodWarning), pk)


# ---------------------------------------------------------------------------------------------
# Drills


def drill_plan_list(*, user) -> QuerySet[DrillPlan]:
    return _scoped(user, DrillPlan).filter(active=True).select_related("unit") \
        .order_by("tier", "unit__path", "id")


def drill_list(*, user, year: int) -> QuerySet[Drill]:
    return _scoped(user, Drill).filter(held_on__year=year).select_related("plan", "unit") \
        .annotate(finding_count=Count("findings")).order_by("-held_on", "-id")


def drill_get(*, user, pk) -> Drill:
    return _get(_scoped(user, Drill).select_related("plan", "unit").prefetch_related(
        "units", Prefetch("findings", queryset=DrillFinding.objects.select_related(
            "unit", "case"))), pk)


def finding_get(*, user, pk) -> DrillFinding:
    return _get(_scoped(user, DrillFinding).select_related("drill__unit", "unit"), pk)


@dataclass(frozen=True)
class CoverageGap:
    plan: DrillPlan
    streets: list[OrgUnit]


def drill_coverage(*, user, year: int) -> list[CoverageGap]:
    """Plans in scope that some street has not drilled in `year`: a district plan is owed by
    every street, a street plan by its own street. A street counts when it organised the
    drill or took part in it."""
    from diaodu.core.models import UnitKind

    plans = list(drill_plan_list(user=user))
    streets = {u.pk: u for u in OrgUnit.objects.filter(kind=UnitKind.STREET, active=True)}
    required = {p.pk: (list(streets) if p.tier == DrillPlan.Tier.DISTRICT else [p.unit_id])
                for p in plans}
    drills = Drill.objects.filter(plan__in=plans, held_on__year=year)
    drilled = set(drills.values_list("plan_id", "unit_id"))
    drilled |= set(drills.filter(units__isnull=False).values_list("plan_id", "units"))
    gaps = rules.coverage_gaps(required, drilled)
    by_pk = {p.pk: p for p in plans}
    return [CoverageGap(by_pk[pk], [streets[s] for s in missing if s in streets])
            for pk, missing in gaps.items()]


# ---------------------------------------------------------------------------------------------
# Tracing


def tracing_teams(*, user) -> QuerySet[TracingTeam]:
    return scope_for(user, TracingTeam).select_related("unit")


def tracing_groups(*, user, team: TracingTeam) -> list[TracingGroup]:
    """The team's groups by echelon with their members (two queries)."""
    return list(scope_for(user, TracingGroup).filter(team=team).prefetch_related(
        Prefetch("members", queryset=TracingMember.objects.select_related("unit")))
        .order_by("echelon", "number"))


def tracing_member_counts(*, user, team: TracingTeam) -> dict[str, int]:
    qs = scope_for(user, TracingMember).filter(team=team)
    counts = {row["source"]: row["n"] for row in qs.values("source").annotate(n=Count("id"))}
    counts["on_call"] = qs.filter(status=TracingMember.Status.ON_CALL).count()
    counts["total"] = sum(v for k, v in counts.items() if k != "on_call")
    return counts


def tracing_members(*, user) -> QuerySet[TracingMember]:
    return scope_for(user, TracingMember).select_related("unit", "group")


def activation_list(*, user) -> QuerySet[TracingActivation]:
    return scope_for(user, TracingActivation).select_related("team") \
        .annotate(group_count=Count("groups"))


def activation_get(*, user, pk) -> TracingActivation:
    return _get(scope_for(user, TracingActivation).select_related("team").prefetch_related(
        Prefetch("groups", queryset=TracingGroup.objects.order_by("echelon", "number"))), pk)

