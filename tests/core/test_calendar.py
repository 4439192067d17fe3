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
