"""The business clock: the date every business rule reads (overdue, reminders, escalation,
rounds, warnings, Gantt today line, 倒排工期, forecasts, briefings, dashboard default period).

In production it is the real date in Asia/Shanghai. `DIAODU_TODAY=YYYY-MM-DD` pins it — the
demo lives on one day so its story stays true whenever it is shown; the production profile
refuses a pinned clock (settings.py). Security time — sessions, TOTP, API tokens, lockout,
audit timestamps, job timings — reads `django.utils.timezone.now()`, never this module: a
pinned business day must not make a token or a lockout last for years.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

# Set by `as_of` for one block of code (the demo loader writes each part of its story on the
# day it happened); takes precedence over DIAODU_TODAY.
_as_of: ContextVar[date | None] = ContextVar("business_day", default=None)


@lru_cache(maxsize=8)
def parse_pin(value: str) -> date | None:
    """The pinned day of a DIAODU_TODAY value ('' = not pinned); ImproperlyConfigured when it
    is not a YYYY-MM-DD date."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"DIAODU_TODAY={value!r} is not a date (YYYY-MM-DD, e.g. 2023-03-31)") from None


def pinned() -> date | None:
    """The pinned business day, or None when the clock follows the real date."""
    day = _as_of.get()
    if day is not None:
        return day
    day = parse_pin(getattr(settings, "DIAODU_TODAY", ""))
    if day is not None and getattr(settings, "PRODUCTION", False):
        raise ImproperlyConfigured("DIAODU_TODAY is refused under DIAODU_PROFILE=production")
    return day


def today() -> date:
    """The business date (local, Asia/Shanghai)."""
    return pinned() or timezone.localdate()


def now() -> datetime:
    """The business moment, aware: the real time of day on the business date, so events of
    one session keep their order."""
    real = timezone.localtime()
    day = pinned()
    if day is None:
        return real
    return real.replace(year=day.year, month=day.month, day=day.day)


@contextmanager
def as_of(day: date) -> Iterator[None]:
    """Run a block as of the business day `day` (code only, never configuration: the demo
    loader records a case raised on 2023-03-30 as raised then)."""
    token = _as_of.set(day)
    try:
        yield
    finally:
        _as_of.reset(token)
