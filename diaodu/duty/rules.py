"""Pure rules of the duty watch (值班值守), flood control, drills and tracing: no Django, plain
values in and out, so they are tested with plain dates and hypothesis.

- day_kinds: each day of a span as a workday, rest day, statutory holiday or 调休 workday, from
  the calendar's exceptions to Monday–Friday (the database calendar, core/calendar.py).
- rotate: a 24-hour roster over those days — one leader on duty (带班领导) and n staff a day,
  leaders and staff each taking turns; holiday days keep their own turn so holiday duty is
  shared evenly instead of falling on whoever the ordinary turn reaches.
- roster_problems: what makes a roster unacceptable (a day with no leader, a person twice in a
  day, too few staff).
- duty_day: which 24-hour shift is on at a moment (shifts change at SHIFT_CHANGE).
- warning levels, drill coverage and the choice of tracing groups by echelon.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

# 24-hour shifts change at 08:30 (the usual 交接班 time): before it, yesterday's shift is on.
SHIFT_CHANGE = time(8, 30)


class DayKind(StrEnum):
    WORKDAY = "workday"
    REST = "rest"
    HOLIDAY = "holiday"
    MAKEUP = "makeup"  # 调休上班: a weekend day worked in exchange for a holiday


def duty_day(moment: datetime) -> date:
    """The date of the shift on duty at `moment` (local time): a shift runs from SHIFT_CHANGE
    on its date to SHIFT_CHANGE on the next day."""
    day = moment.date()
    return day if moment.time() >= SHIFT_CHANGE else day - timedelta(days=1)


def _is_rest(day: date, overrides: Mapping[date, bool]) -> bool:
    if day in overrides:
        return not overrides[day]
    return day.weekday() >= 5


def day_kinds(start: date, end: date, overrides: Mapping[date, bool]) -> list[tuple[date, DayKind]]:
    """Each day of [start, end] with its kind. A holiday is a run of consecutive rest days that
    contains a weekday given off by the calendar (春节 Saturday counts as 春节); weekends with no
    such weekday are ordinary rest days. The calendar stores only exceptions, so the runs are
    read a little beyond the span's ends."""
    if end < start:
        return []
    margin = timedelta(days=12)
    first, last = start - margin, end + margin
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    kinds: dict[date, DayKind] = {}
    run: list[date] = []

    def close_run() -> None:
        holiday = any(d in overrides and not overrides[d] and d.weekday() < 5 for d in run)
        for d in run:
            kinds[d] = DayKind.HOLIDAY if holiday else DayKind.REST
        run.clear()

    for day in days:
        if _is_rest(day, overrides):
            run.append(day)
            continue
        close_run()
        kinds[day] = DayKind.MAKEUP if day.weekday() >= 5 else DayKind.WORKDAY
    close_run()
    return [(d, kinds[d]) for d in days if start <= d <= end]


@dataclass(frozen=True)
class Cursor:
    """Where each turn stands: the next leader and staff index for ordinary and holiday days."""

    leader: int = 0
    staff: int = 0
    holiday_leader: int = 0
    holiday_staff: int = 0


@dataclass(frozen=True)
class PlannedShift:
    day: date
    kind: DayKind
    leader: int | None
    staff: tuple[int, ...]


class RosterError(ValueError):
    """A roster that cannot be made; `code` and `params` become the service's message."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


def rotate(days: Sequence[tuple[date, DayKind]], leaders: Sequence[int], staff: Sequence[int],
           *, staff_per_shift: int, holiday_staff: int | None = None,
           cursor: Cursor = Cursor()) -> tuple[list[PlannedShift], Cursor]:
    """A roster for `days`: leaders in turn, `staff_per_shift` staff in turn (holiday_staff on
    holidays). Returns the shifts and the cursor to continue from."""
    if days and not leaders:
        raise RosterError("no_leader", day=days[0][0])
    holiday_n = staff_per_shift if holiday_staff is None else holiday_staff
    pool = [p for p in staff if p not in set(leaders)]
    for n in (staff_per_shift, holiday_n):
        if n < 0 or n > len(pool):
            raise RosterError("too_few_staff", needed=n, available=len(pool))
    lc, sc, hlc, hsc = cursor.leader, cursor.staff, cursor.holiday_leader, cursor.holiday_staff
    shifts = []
    for day, kind in days:
        if kind == DayKind.HOLIDAY:
            leader = leaders[hlc % len(leaders)]
            picked = tuple(pool[(hsc + i) % len(pool)] for i in range(holiday_n)) if pool else ()
            hlc, hsc = hlc + 1, hsc + holiday_n
        else:
            leader = leaders[lc % len(leaders)]
            picked = tuple(pool[(sc + i) % len(pool)] for i in range(staff_per_shift)) \
                if pool else ()
            lc, sc = lc + 1, sc + staff_per_shift
        shifts.append(PlannedShift(day, kind, leader, picked))
    return shifts, Cursor(lc % max(len(leaders), 1), sc % max(len(pool), 1),
                          hlc % max(len(leaders), 1), hsc % max(len(pool), 1))


def cursor_after(leaders: Sequence[int], staff: Sequence[int], *, last_leader: int | None,
                 last_staff: Sequence[int], last_holiday_leader: int | None,
                 last_holiday_staff: Sequence[int]) -> Cursor:
    """The cursor that continues a unit's rotation after its last ordinary and holiday shifts
    (people who left the lists are skipped: the turn starts again from the top)."""
    pool = [p for p in staff if p not in set(leaders)]

    def after(items: Sequence[int], last: int | None) -> int:
        return (items.index(last) + 1) % len(items) if last in items else 0

    return Cursor(after(leaders, last_leader), after(pool, last_staff[-1] if last_staff else None),
                  after(leaders, last_holiday_leader),
                  after(pool, last_holiday_staff[-1] if last_holiday_staff else None))


@dataclass(frozen=True)
class Problem:
    code: str
    day: date
    person: int | None = None


def roster_problems(shifts: Iterable[PlannedShift], *, min_staff: int = 0) -> list[Problem]:
    """Everything that makes a roster unacceptable, in date order: a day with no leader, a day
    listed twice, a person twice on one day, fewer staff than `min_staff`."""
    problems = []
    seen_days: set[date] = set()
    for shift in sorted(shifts, key=lambda s: s.day):
        if shift.day in seen_days:
            problems.append(Problem("day_twice", shift.day))
        seen_days.add(shift.day)
        if shift.leader is None:
            problems.append(Problem("no_leader", shift.day))
        people = [p for p in (shift.leader, *shift.staff) if p is not None]
        for person in {p for p in people if people.count(p) > 1}:
            problems.append(Problem("person_twice", shift.day, person))
        if len(shift.staff) < min_staff:
            problems.append(Problem("too_few_staff", shift.day))
    return problems


# Flood warning levels, lowest first, and what each asks of a unit the plan names: extra staff
# on each shift and whether the leader on duty stays in the office the whole 24 hours.
class WarningLevel(StrEnum):
    BLUE = "blue"
    YELLOW = "yellow"
    ORANGE = "orange"
    RED = "red"


LEVEL_ORDER = [WarningLevel.BLUE, WarningLevel.YELLOW, WarningLevel.ORANGE, WarningLevel.RED]


@dataclass(frozen=True)
class DutyLevel:
    extra_staff: int
    leader_24h: bool


DUTY_LEVELS = {
    "": DutyLevel(0, False),
    WarningLevel.BLUE: DutyLevel(0, True),
    WarningLevel.YELLOW: DutyLevel(1, True),
    WarningLevel.ORANGE: DutyLevel(2, True),
    WarningLevel.RED: DutyLevel(3, True),
}


def rank(level: str) -> int:
    """0 for no warning, 1 for blue … 4 for red."""
    return LEVEL_ORDER.index(WarningLevel(level)) + 1 if level else 0


def raised_level(warning: str, from_level: str) -> str:
    """The duty level a unit keeps under `warning` when the plan raises it from `from_level`:
    the warning's level when it reaches `from_level`, else none."""
    return warning if warning and rank(warning) >= rank(from_level) else ""


def highest(levels: Iterable[str]) -> str:
    return max(levels, key=rank, default="")


def required_staff(base: int, level: str) -> int:
    return base + DUTY_LEVELS[level].extra_staff


def in_season(day: date, season: tuple[date, date]) -> bool:
    return season[0] <= day <= season[1]


def default_flood_season(year: int) -> tuple[date, date]:
    """Henan's flood season, 1 June – 30 September, when no other period has been entered."""
    return date(year, 6, 1), date(year, 9, 30)


# Drills: the yearly coverage check.
def coverage_gaps(required: Mapping[int, Iterable[int]],
                  drilled: Iterable[tuple[int, int]]) -> dict[int, list[int]]:
    """{plan: [streets that have not drilled it]} for the plans with gaps; `required` maps a
    plan to the streets that must drill it, `drilled` lists (plan, street) pairs of the year."""
    done = set(drilled)
    gaps = {plan: [s for s in streets if (plan, s) not in done]
            for plan, streets in required.items()}
    return {plan: streets for plan, streets in gaps.items() if streets}


# Tracing: which groups an activation calls.
@dataclass(frozen=True)
class GroupState:
    pk: int
    echelon: int
    number: int
    on_call: int
    busy: bool


def pick_groups(groups: Iterable[GroupState], needed: int, *, min_on_call: int) -> list[int]:
    """The groups to call, first echelon first: free groups with at least `min_on_call`
    members on call, by echelon then group number. Fewer than `needed` when not enough are."""
    ready = sorted((g for g in groups if not g.busy and g.on_call >= min_on_call),
                   key=lambda g: (g.echelon, g.number))
    return [g.pk for g in ready[:needed]]
