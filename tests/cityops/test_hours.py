"""Working hours: limits count office periods of working days only; at the deadline is on
time, one minute past is overdue."""

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diaodu.cityops import hours
from diaodu.core.calendar import WorkCalendar

# 2023-04-05 清明 (a Wednesday holiday); 2023-04-23 a 调休 Sunday workday.
CAL = WorkCalendar({date(2023, 4, 5): False, date(2023, 4, 23): True})
WH = hours.WorkingHours(CAL, hours.parse_periods("08:30-12:00,14:00-17:30"))


def dt(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_two_hours_inside_a_morning():
    assert WH.deadline(dt("2023-03-13 09:00"), 2) == dt("2023-03-13 11:00")


def test_a_limit_that_ends_at_noon_stays_at_noon():
    assert WH.deadline(dt("2023-03-13 10:00"), 2) == dt("2023-03-13 12:00")


def test_lunch_break_does_not_count():
    assert WH.deadline(dt("2023-03-13 11:00"), 2) == dt("2023-03-13 15:00")


def test_evening_report_counts_from_next_morning():
    assert WH.deadline(dt("2023-03-13 19:40"), 2) == dt("2023-03-14 10:30")


def test_friday_afternoon_runs_into_monday():
    assert WH.deadline(dt("2023-03-17 17:00"), 2) == dt("2023-03-20 10:00")


def test_holiday_skipped_and_make_up_sunday_counted():
    assert WH.deadline(dt("2023-04-04 17:00"), 1) == dt("2023-04-06 09:00")
    assert WH.deadline(dt("2023-04-22 10:00"), 1) == dt("2023-04-23 09:30")


def test_seconds_round_up_to_the_next_minute():
    assert WH.deadline(dt("2023-03-13 09:00:30"), 1) == dt("2023-03-13 10:01")


def test_exactly_at_the_limit_is_on_time_one_minute_over_is_overdue():
    due = WH.deadline(dt("2023-03-13 09:00"), 2)
    assert not hours.is_overdue(dt("2023-03-13 11:00"), due)
    assert not hours.is_overdue(dt("2023-03-13 11:00:59"), due)
    assert hours.is_overdue(dt("2023-03-13 11:01"), due)


def test_between_counts_working_minutes():
    assert WH.between(dt("2023-03-13 11:00"), dt("2023-03-13 15:00")) == 120
    assert WH.between(dt("2023-03-17 17:00"), dt("2023-03-20 10:00")) == 120
    assert WH.between(dt("2023-03-20 10:00"), dt("2023-03-17 17:00")) == -120


def test_periods_parse_and_refuse():
    assert hours.parse_periods("09:00-12:00，13:30-17:30") == ((540, 720), (810, 1050))
    for bad in ("", "12:00-09:00", "09:00-12:00,11:00-13:00", "9-12", "08:61-09:00"):
        with pytest.raises(ValueError):
            hours.parse_periods(bad)


@given(st.datetimes(min_value=dt("2023-01-01 00:00"), max_value=dt("2023-12-25 00:00")),
       st.integers(min_value=0, max_value=60 * 40))
def test_deadline_and_between_agree(start, minutes):
    start = start.replace(second=0, microsecond=0)
    due = WH.add(start, minutes)
    assert due >= start
    assert WH.between(start, due) == minutes
