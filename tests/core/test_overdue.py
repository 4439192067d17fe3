"""The one overdue rule (diaodu/core/overdue.py) at its boundary, in working days and in hours.
Pure: no database (tests/cases/test_rules.py holds the sweep's steps built on it)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from diaodu.core.calendar import WorkCalendar
from diaodu.core.overdue import is_overdue, overdue_lookup, workdays_late

SHANGHAI = ZoneInfo("Asia/Shanghai")
# National Day 2022: 10-01..10-07 off, Saturday 10-08 and Sunday 10-09 make-up workdays.
NATIONAL_DAY_2022 = {**{date(2022, 10, d): False for d in range(1, 8)},
                     date(2022, 10, 8): True, date(2022, 10, 9): True}
CALENDAR = WorkCalendar(NATIONAL_DAY_2022)


def test_a_date_deadline_is_met_all_through_its_day():
    due = date(2022, 9, 30)  # a Friday
    assert not is_overdue(due, date(2022, 9, 29))
    assert not is_overdue(due, due)
    assert is_overdue(due, date(2022, 10, 1))


def test_no_deadline_is_never_overdue():
    assert not is_overdue(None, date(2099, 1, 1))
    assert not is_overdue(None, datetime(2099, 1, 1, tzinfo=SHANGHAI))
    assert workdays_late(None, date(2099, 1, 1), CALENDAR) == 0


def test_a_moment_deadline_is_met_up_to_that_moment_not_one_second_after():
    due = datetime(2022, 10, 25, 0, 0, tzinfo=SHANGHAI)
    assert not is_overdue(due, due - timedelta(hours=1))
    assert not is_overdue(due, due)
    assert is_overdue(due, due + timedelta(seconds=1))
    assert is_overdue(due, due + timedelta(hours=1))


def test_moments_in_other_zones_compare_as_instants():
    due = datetime(2022, 10, 25, 8, 0, tzinfo=SHANGHAI)  # 00:00 UTC
    assert not is_overdue(due, datetime(2022, 10, 25, 0, 0, tzinfo=ZoneInfo("UTC")))
    assert is_overdue(due, datetime(2022, 10, 25, 0, 0, 1, tzinfo=ZoneInfo("UTC")))


@pytest.mark.parametrize(("due", "at"), [
    (date(2022, 10, 25), datetime(2022, 10, 26, tzinfo=SHANGHAI)),
    (datetime(2022, 10, 25, tzinfo=SHANGHAI), date(2022, 10, 26)),
])
def test_a_day_and_a_moment_are_not_compared(due, at):
    with pytest.raises(TypeError, match=r"^compare a date deadline with a day and a moment "
                                        r"with a moment$"):
        is_overdue(due, at)


def test_working_days_late_skip_the_holiday_and_count_make_up_days():
    due = date(2022, 9, 30)  # the last working day before National Day
    assert workdays_late(due, due, CALENDAR) == 0
    # Overdue from 10-01, but no working day has passed until the make-up Saturday.
    assert is_overdue(due, date(2022, 10, 7))
    assert workdays_late(due, date(2022, 10, 7), CALENDAR) == 0
    assert workdays_late(due, date(2022, 10, 8), CALENDAR) == 1
    assert workdays_late(due, date(2022, 10, 9), CALENDAR) == 2
    assert workdays_late(due, date(2022, 10, 10), CALENDAR) == 3


def test_a_deadline_of_n_working_days_is_overdue_the_day_after_the_nth():
    assigned = date(2022, 9, 28)  # Wednesday
    due = CALENDAR.add_workdays(assigned, 3)  # 09-29, 09-30, then 10-08 (make-up day)
    assert due == date(2022, 10, 8)
    assert not is_overdue(due, date(2022, 10, 8))
    assert is_overdue(due, date(2022, 10, 9))
    assert workdays_late(due, date(2022, 10, 9), CALENDAR) == 1


def test_not_yet_due_is_zero_days_late_not_negative():
    assert workdays_late(date(2022, 10, 10), date(2022, 9, 30), CALENDAR) == 0


def test_the_queryset_filter_is_the_same_rule():
    today = date(2022, 10, 8)
    assert overdue_lookup("due_on", today) == {"due_on__lt": today}
    # What the filter keeps (due before today) is exactly what is_overdue calls overdue.
    for due in (date(2022, 10, 7), today, date(2022, 10, 9)):
        assert (due < today) is is_overdue(due, today)
