"""Delivery rules with no database: quiet hours, retry backoff and the default channels per
kind. Plain values in and out (tested on the boundaries)."""

from datetime import datetime, time, timedelta

QUIET_START = time(22, 0)
QUIET_END = time(7, 0)

# Without a preference row: the inbox always; email for every kind; SMS for what cannot wait;
# the group robots for what a unit's group should see together.
SMS_KINDS = frozenset({"overdue", "escalation", "chase", "case_assigned", "event_dispatched"})
ROBOT_KINDS = frozenset({"overdue", "escalation", "chase", "event_dispatched"})


def default_enabled(kind: str, channel: str) -> bool:
    if channel in ("inbox", "email"):
        return True
    if channel == "sms":
        return kind in SMS_KINDS
    return kind in ROBOT_KINDS


def quiet_until(local: datetime) -> datetime | None:
    """For a local (Asia/Shanghai) time in the quiet hours 22:00–07:00, the 07:00 it waits for;
    otherwise None. 21:59 and 07:00 are outside, 22:00 and 06:59 inside."""
    moment = local.time()
    if QUIET_END <= moment < QUIET_START:
        return None
    day = local.date() if moment < QUIET_END else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_END, tzinfo=local.tzinfo)


def backoff(attempts: int, *, base: float, cap: float = 3600.0) -> timedelta:
    """Wait before the next try after `attempts` failed tries: base, 2×base, 4×base … ≤ cap."""
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))
