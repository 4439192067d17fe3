"""Working days on the Chinese calendar.

The database holds the exceptions to Monday–Friday (CalendarDay): statutory holidays that fall
on weekdays and 调休 make-up workdays that fall on weekends. WorkCalendar is pure and takes
those exceptions as a dict, so schedules and tests can use it without a database.
"""

from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

# The span the working-day index covers; schedules outside it are refused by the services.
INDEX_FIRST = date(2000, 1, 1)
INDEX_LAST = date(2060, 12, 31)


@dataclass(frozen=True)
class WorkCalendar:
    overrides: Mapping[date, bool] = field(default_factory=dict)

    def is_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        return day.weekday() < 5

    def add_workdays(self, start: date, days: int) -> date:
        """The date `days` working days after `start` (before it when negative).

        `start` itself is not counted: add_workdays(Fri, 1) is the next workday.
        """
        step = 1 if days >= 0 else -1
        remaining = abs(days)
        current = start
        while remaining:
            current += timedelta(days=step)
            if self.is_workday(current):
                remaining -= 1
        return current

    def workdays_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: how many working days pass from start to end."""
        if end < start:
            return -self.workdays_between(end, start)
        count = 0
        current = start
        while current < end:
            current += timedelta(days=1)
            if self.is_workday(current):
                count += 1
        return count

    def next_workday(self, day: date) -> date:
        """`day` itself if it is a workday, else the next one."""
        while not self.is_workday(day):
            day += timedelta(days=1)
        return day

    def previous_workday(self, day: date) -> date:
        """`day` itself if it is a workday, else the one before."""
        while not self.is_workday(day):
            day -= timedelta(days=1)
        return day

    # Working-day indices: the n-th working day since INDEX_FIRST is index n (0-based). Built
    # once per calendar as a sorted list of ordinals; each lookup is one bisect.

    @cached_property
    def _ordinals(self) -> list[int]:
        first, last = INDEX_FIRST.toordinal(), INDEX_LAST.toordinal()
        overrides = {d.toordinal(): w for d, w in self.overrides.items()}
        # date.weekday() == (ordinal + 6) % 7
        return [o for o in range(first, last + 1)
                if overrides.get(o, (o + 6) % 7 < 5)]

    @staticmethod
    def in_index_range(day: date) -> bool:
        return INDEX_FIRST <= day <= INDEX_LAST

    def _check(self, day: date) -> int:
        if not self.in_index_range(day):
            raise ValueError(f"{day} is outside the working-day index ({INDEX_FIRST}–{INDEX_LAST})")
        return day.toordinal()

    def index_on_or_after(self, day: date) -> int:
        """Index of `day` when it is a working day, else of the next working day."""
        return bisect_left(self._ordinals, self._check(day))

    def index_on_or_before(self, day: date) -> int:
        """Index of `day` when it is a working day, else of the previous working day."""
        return bisect_right(self._ordinals, self._check(day)) - 1

    def index_of(self, day: date) -> int:
        """Index of a working day; ValueError for a day off."""
        i = self.index_on_or_after(day)
        if self.day_at(i) != day:
            raise ValueError(f"{day} is not a working day")
        return i

    def day_at(self, index: int) -> date:
        """The working day with this index."""
        if not 0 <= index < len(self._ordinals):
            raise ValueError(f"working-day index {index} is outside the calendar")
        return date.fromordinal(self._ordinals[index])


def load_calendar() -> WorkCalendar:
    """The district calendar from the database (a few hundred rows)."""
    from .models import CalendarDay

    return WorkCalendar(dict(CalendarDay.objects.values_list("date", "is_workday")))


# chinesecalendar names holidays in English; the calendar shows the Chinese names.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def package_years() -> range:
    """The years chinesecalendar has holiday data for."""
    from chinese_calendar.constants import holidays

    years = {day.year for day in holidays}
    return range(min(years), max(years) + 1)


def package_exceptions(year: int) -> dict[date, tuple[bool, str]]:
    """Exceptions to Monday–Friday for one year, from chinesecalendar.

    Only for years in package_years(): the package refuses years it has no data for.
    """
    import chinese_calendar

    exceptions: dict[date, tuple[bool, str]] = {}
    day = date(year, 1, 1)
    while day.year == year:
        is_holiday, holiday_name = chinese_calendar.get_holiday_detail(day)
        is_workday = not is_holiday
        if is_workday != (day.weekday() < 5):
            label = HOLIDAY_NAMES.get(holiday_name or "", holiday_name or "")
            exceptions[day] = (is_workday, label if is_holiday else f"{label}调休上班")
        day += timedelta(days=1)
    return exceptions
