"""The one overdue rule (issue 23). A deadline is met all through its day or up to its moment:
a case due on a date is overdue from the next day, a report due at a moment is overdue one
instant after it. The sweep, the models, the report service, the selectors and the dashboard
all ask here, so "due today" cannot mean overdue in one place and on time in another.

Pure: `today`/`now` are parameters (the business clock decides them), no Django.
"""

from datetime import date, datetime
from typing import Protocol


class Calendar(Protocol):
    def workdays_between(self, start: date, end: date) -> int: ...


def is_overdue(due: date | datetime | None, at: date | datetime) -> bool:
    """Whether `at` (a day, or a moment) is past the deadline `due` (of the same kind).

    No deadline is never overdue. A date and a moment are not compared: Python refuses it
    with TypeError, which is what a caller mixing them deserves.
    """
    if due is None:
        return False
    if isinstance(due, datetime) is not isinstance(at, datetime):
        raise TypeError("compare a date deadline with a day and a moment with a moment")
    return at > due


def overdue_lookup(field: str, today: date) -> dict[str, date]:
    """`is_overdue` as a queryset filter on a date field: due before today."""
    return {f"{field}__lt": today}


def workdays_late(due_on: date | None, today: date, calendar: Calendar) -> int:
    """Working days past a date deadline: 0 while not overdue, 1 on the first working day
    after it (a weekend right after a Friday deadline is overdue but 0 working days late)."""
    if due_on is None or not is_overdue(due_on, today):
        return 0
    return calendar.workdays_between(due_on, today)
