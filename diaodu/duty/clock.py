"""Business time for the duty watch: the project's clock (core/clock.py, pinnable for the
demo) once it exists, else the real local time. One place, so switching is one edit."""

from datetime import date, datetime

from django.utils import timezone

try:  # core/clock.py lands with the demo story; until then duty reads the real clock
    from diaodu.core import clock as _clock
except ImportError:  # pragma: no cover - depends on the branch
    _clock = None


def now() -> datetime:
    return _clock.now() if _clock is not None else timezone.now()


def today() -> date:
    return _clock.today() if _clock is not None else timezone.localdate()
