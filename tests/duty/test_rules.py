"""The pure rules: day kinds from calendar exceptions, rotation, roster problems, duty day,
warning levels, coverage and the choice of tracing groups."""

from datetime import date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from diaodu.core.calendar import package_exceptions
from diaodu.duty import rules
from diaodu.duty.rules import DayKind


def overrides(year):
    return {d: w for d, (w, _n) in package_exceptions(year).items()}


def test_qingming_2022_weekend_inside_the_holiday_is_holiday_and_saturday_before_is_makeup():
    kinds = dict(rules.day_kinds(date(2022, 4, 1), date(2022, 4, 10), overrides(2022)))
    assert kinds[date(2022, 4, 2)] == DayKind.MAKEUP        # Saturday worked (调休)
    assert kinds[date(2022, 4, 3)] == DayKind.HOLIDAY       # Sunday inside 清明 3–5
    assert kinds[date(2022, 4, 4)] == DayKind.HOLIDAY
    assert kinds[date(2022, 4, 5)] == DayKind.HOLIDAY
    assert kinds[date(2022, 4, 6)] == DayKind.WORKDAY
    assert kinds[date(2022, 4, 9)] == DayKind.REST          # an ordinary weekend


def test_holiday_run_is_found_when_the_span_starts_inside_it():
    # 2022 National Day: 1–7 October; the span starts on Sunday 2 October.
    kinds = rules.day_kinds(date(2022, 10, 2), date(2022, 10, 2), overrides(2022))
    assert kinds == [(date(2022, 10, 2), DayKind.HOLIDAY)]


def test_rotation_takes_turns_and_holidays_keep_their_own_turn():
    days = [(date(2022, 4, 1) + timedelta(days=i), k) for i, k in enumerate(
        [DayKind.WORKDAY, DayKind.HOLIDAY, DayKind.WORKDAY, DayKind.HOLIDAY])]
    shifts, cursor = rules.rotate(days, [1, 2], [10, 11, 12], staff_per_shift=1)
    assert [s.leader for s in shifts] == [1, 1, 2, 2]
    assert [s.staff for s in shifts] == [(10,), (10,), (11,), (11,)]
    assert cursor == rules.Cursor(0, 2, 0, 2)


def test_rotation_continues_after_the_last_shift():
    cursor = rules.cursor_after([1, 2, 3], [10, 11], last_leader=2, last_staff=[11],
                                last_holiday_leader=None, last_holiday_staff=[])
    shifts, _c = rules.rotate([(date(2022, 1, 3), DayKind.WORKDAY)], [1, 2, 3], [10, 11],
                              staff_per_shift=1, cursor=cursor)
    assert shifts[0].leader == 3 and shifts[0].staff == (10,)


def test_rotation_without_leaders_names_the_first_day():
    try:
        rules.rotate([(date(2022, 3, 28), DayKind.WORKDAY)], [], [1], staff_per_shift=1)
    except rules.RosterError as error:
        assert error.code == "no_leader" and error.params["day"] == date(2022, 3, 28)
    else:
        raise AssertionError("a roster without leaders was made")


def test_rotation_needs_enough_staff_exactly():
    day = [(date(2022, 3, 28), DayKind.WORKDAY)]
    rules.rotate(day, [1], [2, 3], staff_per_shift=2)
    try:
        rules.rotate(day, [1], [2, 3], staff_per_shift=3)
    except rules.RosterError as error:
        assert error.code == "too_few_staff"
    else:
        raise AssertionError("three staff drawn from two")


@given(st.integers(1, 4), st.integers(0, 6), st.integers(0, 3), st.integers(1, 60))
def test_rotated_rosters_have_no_problems(n_leaders, n_staff, per_shift, n_days):
    per_shift = min(per_shift, n_staff)
    kinds = rules.day_kinds(date(2022, 1, 1), date(2022, 1, 1) + timedelta(days=n_days - 1),
                            overrides(2022))
    shifts, _c = rules.rotate(kinds, list(range(n_leaders)), list(range(100, 100 + n_staff)),
                              staff_per_shift=per_shift)
    assert len(shifts) == n_days
    assert rules.roster_problems(shifts, min_staff=per_shift) == []


def test_roster_problems_name_each_fault():
    day = date(2022, 3, 28)
    shifts = [rules.PlannedShift(day, DayKind.WORKDAY, None, (5,)),
              rules.PlannedShift(day, DayKind.WORKDAY, 1, (1,))]
    codes = [p.code for p in rules.roster_problems(shifts, min_staff=2)]
    assert codes == ["no_leader", "too_few_staff", "day_twice", "person_twice", "too_few_staff"]


def test_duty_day_changes_exactly_at_0830():
    assert rules.duty_day(datetime(2022, 3, 29, 8, 29, 59)) == date(2022, 3, 28)
    assert rules.duty_day(datetime(2022, 3, 29, 8, 30)) == date(2022, 3, 29)


def test_warning_raises_units_from_their_level_up():
    assert rules.raised_level("yellow", "yellow") == "yellow"
    assert rules.raised_level("blue", "yellow") == ""
    assert rules.raised_level("red", "blue") == "red"
    assert rules.highest(["", "orange", "yellow"]) == "orange"
    assert rules.required_staff(2, "") == 2
    assert rules.required_staff(2, "red") == 5
    assert rules.DUTY_LEVELS["orange"].leader_24h


def test_flood_season_bounds():
    season = rules.default_flood_season(2022)
    assert not rules.in_season(date(2022, 5, 31), season)
    assert rules.in_season(date(2022, 6, 1), season)
    assert rules.in_season(date(2022, 9, 30), season)
    assert not rules.in_season(date(2022, 10, 1), season)


def test_coverage_gaps_list_streets_that_have_not_drilled():
    gaps = rules.coverage_gaps({1: [10, 11], 2: [10]}, [(1, 10), (2, 10), (2, 11)])
    assert gaps == {1: [11]}


def test_groups_are_picked_first_echelon_first_and_need_enough_on_call():
    groups = [rules.GroupState(1, 2, 1, 5, False), rules.GroupState(2, 1, 3, 5, False),
              rules.GroupState(3, 1, 2, 2, False), rules.GroupState(4, 1, 1, 5, True),
              rules.GroupState(5, 3, 1, 3, False)]
    assert rules.pick_groups(groups, 2, min_on_call=3) == [2, 1]
    assert rules.pick_groups(groups, 9, min_on_call=3) == [2, 1, 5]
