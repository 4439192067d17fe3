"""The working-day calendar at its edges (issue 23, mutation run): next and previous working
day, the index's span and its refusals, make-up days. Pure: no database."""

from datetime import date

import pytest

from diaodu.core.calendar import INDEX_FIRST, INDEX_LAST, WorkCalendar

# National Day 2022: 10-01..10-07 off; Saturday 10-08 and Sunday 10-09 make-up workdays.
CAL = WorkCalendar({**{date(2022, 10, d): False for d in range(1, 8)},
                    date(2022, 10, 8): True, date(2022, 10, 9): True})


def test_next_and_previous_workday_keep_a_workday_and_skip_days_off():
    assert CAL.next_workday(date(2022, 9, 30)) == date(2022, 9, 30)
    assert CAL.previous_workday(date(2022, 9, 30)) == date(2022, 9, 30)
    assert CAL.next_workday(date(2022, 10, 1)) == date(2022, 10, 8)     # make-up Saturday
    assert CAL.previous_workday(date(2022, 10, 7)) == date(2022, 9, 30)
    assert CAL.next_workday(date(2022, 10, 15)) == date(2022, 10, 17)   # ordinary weekend
    assert CAL.previous_workday(date(2022, 10, 16)) == date(2022, 10, 14)


def test_is_workday_follows_overrides_then_monday_to_friday():
    assert CAL.is_workday(date(2022, 10, 8)) and CAL.is_workday(date(2022, 10, 9))
    assert not CAL.is_workday(date(2022, 10, 3))                         # a Monday off
    assert CAL.is_workday(date(2022, 10, 14)) and not CAL.is_workday(date(2022, 10, 15))
    assert [WorkCalendar().is_workday(date(2022, 10, d)) for d in range(10, 17)] == [
        True, True, True, True, True, False, False]


def test_add_workdays_backwards_and_zero():
    assert CAL.add_workdays(date(2022, 10, 8), 0) == date(2022, 10, 8)
    assert CAL.add_workdays(date(2022, 10, 8), -1) == date(2022, 9, 30)
    assert CAL.add_workdays(date(2022, 9, 30), 1) == date(2022, 10, 8)
    assert CAL.add_workdays(date(2022, 10, 10), -2) == date(2022, 10, 8)


def test_workdays_between_counts_the_end_not_the_start_and_is_signed():
    assert CAL.workdays_between(date(2022, 9, 30), date(2022, 9, 30)) == 0
    assert CAL.workdays_between(date(2022, 9, 29), date(2022, 9, 30)) == 1
    assert CAL.workdays_between(date(2022, 9, 30), date(2022, 10, 8)) == 1
    assert CAL.workdays_between(date(2022, 10, 8), date(2022, 9, 30)) == -1
    assert CAL.workdays_between(date(2022, 10, 1), date(2022, 10, 7)) == 0


def test_index_span_is_inclusive_at_both_ends():
    assert WorkCalendar.in_index_range(INDEX_FIRST) and WorkCalendar.in_index_range(INDEX_LAST)
    assert not WorkCalendar.in_index_range(date(1999, 12, 31))
    assert not WorkCalendar.in_index_range(date(2061, 1, 1))
    plain = WorkCalendar()
    # 2000-01-01 was a Saturday: the first working day is Monday the 3rd, index 0.
    assert plain.index_on_or_after(INDEX_FIRST) == 0
    assert plain.day_at(0) == date(2000, 1, 3)
    assert plain.index_on_or_before(date(2000, 1, 3)) == 0
    assert plain.index_on_or_before(date(2000, 1, 4)) == 1
    assert plain.day_at(len(plain._ordinals) - 1) == date(2060, 12, 31)  # a Friday


def test_out_of_span_and_days_off_are_refused_with_the_reason():
    with pytest.raises(ValueError, match=r"^1999-12-31 is outside the working-day index "
                                         r"\(2000-01-01–2060-12-31\)$"):
        CAL.index_on_or_after(date(1999, 12, 31))
    with pytest.raises(ValueError, match="outside the working-day index"):
        CAL.index_on_or_before(date(2061, 1, 1))
    with pytest.raises(ValueError, match=r"^2022-10-03 is not a working day$"):
        CAL.index_of(date(2022, 10, 3))
    with pytest.raises(ValueError, match=r"^working-day index -1 is outside the calendar$"):
        CAL.day_at(-1)
    with pytest.raises(ValueError, match="is outside the calendar"):
        CAL.day_at(len(CAL._ordinals))


def test_indices_around_national_day():
    before = CAL.index_of(date(2022, 9, 30))
    assert CAL.index_of(date(2022, 10, 8)) == before + 1
    assert CAL.index_on_or_after(date(2022, 10, 3)) == before + 1
    assert CAL.index_on_or_before(date(2022, 10, 3)) == before
    assert CAL.day_at(before + 2) == date(2022, 10, 9)


def test_the_package_gives_2022_as_the_state_council_notice():
    from diaodu.core.calendar import package_exceptions, package_years

    exceptions = package_exceptions(2022)
    make_up = sorted(d for d, (work, _name) in exceptions.items() if work)
    assert make_up == [date(2022, 1, 29), date(2022, 1, 30), date(2022, 4, 2), date(2022, 4, 24),
                       date(2022, 5, 7), date(2022, 10, 8), date(2022, 10, 9)]
    assert exceptions[date(2022, 1, 3)] == (False, "元旦")          # the first weekday off
    assert exceptions[date(2022, 10, 8)] == (True, "国庆节调休上班")
    assert exceptions[date(2022, 10, 7)] == (False, "国庆节")
    assert all(d.year == 2022 for d in exceptions)
    assert package_exceptions(2021)[date(2021, 1, 1)] == (False, "元旦")  # a Friday off
    # Weekdays off and weekends worked only: a plain Saturday is no exception.
    assert date(2022, 10, 15) not in exceptions
    years = package_years()
    assert 2022 in years and years.start <= 2021
    assert package_exceptions(years[-1])  # the last year the package knows is included
    assert years[-1] >= 2026  # chinesecalendar holds 2026 (FACTS.md)
