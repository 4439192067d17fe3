"""Working hours on top of the working-day calendar: an event's limits (立案 within 2 working
hours …) count only the office periods of working days.

Pure (no Django): naive local datetimes (Asia/Shanghai wall time), minutes as integers. The
services convert aware times to local wall time before calling in.

Boundaries: a limit is met when the step is taken at the deadline itself; one minute later is
overdue. A deadline that falls exactly at the end of a period stays there (12:00 is 12:00, not
the next period's start); counting from outside the periods starts at the next period's start.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from diaodu.core.calendar import WorkCalendar

Period = tuple[int, int]  # minutes after midnight: [start, end)


def parse_periods(text: str) -> tuple[Period, ...]:
    """'08:30-12:00,14:00-17:30' → ((510, 720), (840, 1050)); ValueError naming the fault."""
    periods: list[Period] = []
    for part in (p.strip() for p in text.replace("，", ",").split(",")):
        if not part:
            continue
        try:
            start_text, end_text = (x.strip() for x in part.replace("–", "-").split("-"))
            start, end = (_minutes(t) for t in (start_text, end_text))
        except ValueError:
            raise ValueError(f"period:{part}") from None
        if end <= start:
            raise ValueError(f"period:{part}")
        if periods and start < periods[-1][1]:
            raise ValueError(f"order:{part}")
        periods.append((start, end))
    if not periods:
        raise ValueError("empty")
    return tuple(periods)


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    value = int(hours) * 60 + int(minutes)
    if not 0 <= int(minutes) < 60 or not 0 <= value <= 24 * 60:
        raise ValueError(text)
    return value


def format_periods(periods: tuple[Period, ...]) -> str:
    return ",".join(f"{s // 60:02d}:{s % 60:02d}-{e // 60:02d}:{e % 60:02d}" for s, e in periods)


@dataclass(frozen=True)
class WorkingHours:
    calendar: WorkCalendar
    periods: tuple[Period, ...]

    @property
    def minutes_per_day(self) -> int:
        return sum(e - s for s, e in self.periods)

    def _at(self, day: date, minute: int) -> datetime:
        return datetime.combine(day, time()) + timedelta(minutes=minute)

    def add(self, start: datetime, minutes: int) -> datetime:
        """The moment when `minutes` working minutes have passed since `start`."""
        if minutes < 0:
            raise ValueError("minutes must be ≥ 0")
        day = start.date()
        minute = start.hour * 60 + start.minute + (1 if start.second or start.microsecond
                                                   else 0)
        left = minutes
        while True:
            if self.calendar.is_workday(day):
                for begin, end in self.periods:
                    if minute >= end:
                        continue
                    begin = max(begin, minute)
                    if left <= end - begin:
                        return self._at(day, begin + left)
                    left -= end - begin
                    minute = end
            day += timedelta(days=1)
            minute = 0

    def between(self, start: datetime, end: datetime) -> int:
        """Working minutes in [start, end) (negative when end is before start); seconds are
        dropped, so a limit is counted in whole minutes."""
        if end < start:
            return -self.between(end, start)
        start = start.replace(second=0, microsecond=0)
        end = end.replace(second=0, microsecond=0)
        total = 0
        day = start.date()
        while day <= end.date():
            if self.calendar.is_workday(day):
                lo = start.hour * 60 + start.minute if day == start.date() else 0
                hi = end.hour * 60 + end.minute if day == end.date() else 24 * 60
                for begin, finish in self.periods:
                    total += max(0, min(finish, hi) - max(begin, lo))
            day += timedelta(days=1)
        return total

    def deadline(self, start: datetime, hours: float) -> datetime:
        return self.add(start, round(hours * 60))

    def warn_at(self, start: datetime, hours: float, near_share: float) -> datetime:
        """When an open step counts as "near its limit": `near_share` of the limit left."""
        total = round(hours * 60)
        return self.add(start, total - round(total * near_share))


def is_overdue(now: datetime, due: datetime | None) -> bool:
    """Taken at the deadline = on time; one minute past = overdue."""
    return due is not None and now.replace(second=0, microsecond=0) > due
