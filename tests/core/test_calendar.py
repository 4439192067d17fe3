from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diaodu.core import services
from diaodu.core.calendar import WorkCalendar, load_calendar
from diaodu.core.errors import UserError
from diaodu.core.models import AuditEvent, CalendarDay

# 2022 make-up workdays (FACTS.md): 01-29, 01-30, 04-02, 04-24, 05-07, 10-08, 10-09.
MAKE_UP_2022 = [date(2022, 1, 29), date(2022, 1, 30), date(2022, 4, 2), date(2022, 4, 24),
                date(2022, 5, 7), date(2022, 10, 8), date(2022, 10, 9)]


@pytest.mark.django_db
def test_seeded_calendar_counts_make_up_days_as_workdays():
    calendar = load_calendar()
    assert all(calendar.is_workday(day) for day in MAKE_UP_2022)
    assert not calendar.is_workday(date(2022, 10, 3))  # National Day on a Monday
    assert CalendarDay.objects.get(date=date(2022, 10, 8)).name == "国庆节调休上班"


@pytest.mark.django_db
def test_working_day_arithmetic_over_national_day_2022():
    calendar = load_calendar()
    # Fri 30 Sep + 1 working day = Sat 8 Oct (a make-up day), not Mon 3 Oct.
    assert calendar.add_workdays(date(2022, 9, 30), 1) == date(2022, 10, 8)
    assert calendar.workdays_between(date(2022, 9, 30), date(2022, 10, 10)) == 3
    assert calendar.add_workdays(date(2022, 10, 8), -1) == date(2022, 9, 30)


@pytest.mark.django_db
def test_administrator_enters_next_years_notice(sysadmin, street_a_reporter):
    day = date(2027, 1, 1)
    with pytest.raises(UserError):
        services.calendar_set_day(actor=street_a_reporter, day=day, is_workday=False, name="元旦")
    services.calendar_set_day(actor=sysadmin, day=day, is_workday=False, name="元旦")
    assert not load_calendar().is_workday(day)
    assert AuditEvent.objects.filter(action="calendar.set_day").count() == 1
    # Seeding again from the package keeps what the administrator entered.
    services.calendar_set_day(actor=sysadmin, day=date(2022, 10, 8), is_workday=False,
                              name="区内停工日")
    assert services.calendar_seed_from_package(actor=sysadmin) == 0
    assert not load_calendar().is_workday(date(2022, 10, 8))


@pytest.mark.django_db
def test_missing_next_year_is_reported_from_november():
    assert services.calendar_missing_next_year(date(2026, 6, 1)) is None
    assert services.calendar_missing_next_year(date(2026, 11, 25)) == 2027


@given(start=st.dates(date(2020, 1, 1), date(2026, 12, 31)), n=st.integers(0, 300))
def test_add_then_count_round_trips(start, n):
    holidays = {date(2022, 10, d): False for d in range(3, 8)} | {date(2022, 10, 8): True}
    calendar = WorkCalendar(holidays)
    end = calendar.add_workdays(start, n)
    assert calendar.workdays_between(start, end) == n
    assert n == 0 or calendar.is_workday(end)


# Working-day indices (schedules): date ↔ index over the Chinese calendar.

NATIONAL_DAY_2022 = {date(2022, 10, d): False for d in range(3, 8)} | {
    date(2022, 10, 8): True, date(2022, 10, 9): True}


def test_index_skips_holidays_and_counts_make_up_saturdays():
    calendar = WorkCalendar(NATIONAL_DAY_2022)
    friday = calendar.index_of(date(2022, 9, 30))
    assert calendar.day_at(friday + 1) == date(2022, 10, 8)  # a 调休 Saturday
    assert calendar.day_at(friday + 2) == date(2022, 10, 9)  # and Sunday
    assert calendar.day_at(friday + 3) == date(2022, 10, 10)
    assert calendar.index_on_or_after(date(2022, 10, 3)) == friday + 1
    assert calendar.index_on_or_before(date(2022, 10, 3)) == friday
    with pytest.raises(ValueError):
        calendar.index_of(date(2022, 10, 4))


def test_stop_work_days_entered_by_the_district_are_days_off():
    # An administrator enters a district stop-work day (e.g. heavy pollution) on a Wednesday.
    calendar = WorkCalendar({date(2026, 12, 2): False})
    assert calendar.index_on_or_after(date(2026, 12, 2)) == \
        calendar.index_of(date(2026, 12, 1)) + 1 == calendar.index_of(date(2026, 12, 3))


def test_index_outside_the_supported_span_is_refused():
    calendar = WorkCalendar()
    with pytest.raises(ValueError):
        calendar.index_on_or_after(date(1999, 12, 31))
    with pytest.raises(ValueError):
        calendar.day_at(-1)


@pytest.mark.django_db
def test_database_calendar_indices_follow_the_2022_notice():
    calendar = load_calendar()
    assert [calendar.day_at(calendar.index_of(d)) for d in MAKE_UP_2022] == MAKE_UP_2022
    assert calendar.index_of(date(2022, 10, 8)) == calendar.index_of(date(2022, 9, 30)) + 1


@given(day=st.dates(date(2000, 1, 1), date(2060, 12, 31)))
def test_date_and_index_round_trip(day):
    calendar = WorkCalendar(NATIONAL_DAY_2022)
    after = calendar.day_at(calendar.index_on_or_after(day)) if day < date(2060, 12, 30) \
        else None
    before = calendar.day_at(calendar.index_on_or_before(day)) if day > date(2000, 1, 3) \
        else None
    if calendar.is_workday(day):
        assert after == before == day
    else:
        assert after is None or (after > day and calendar.is_workday(after))
        assert before is None or (before < day and calendar.is_workday(before))
        if after and before:
            assert calendar.index_of(after) == calendar.index_of(before) + 1


@given(start=st.dates(date(2001, 1, 1), date(2058, 12, 31)), n=st.integers(1, 300))
def test_index_arithmetic_agrees_with_add_workdays(start, n):
    # (add_workdays(day, 0) is the day itself, working or not; indices only name working days.)
    calendar = WorkCalendar(NATIONAL_DAY_2022)
    expected = calendar.add_workdays(start, n)
    assert calendar.day_at(calendar.index_on_or_before(start) + n) == expected
