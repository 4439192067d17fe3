"""Pure rules of supervision: which reminder or escalation is due on a day, approval timing and
attachment checks. No ORM here; the services and the daily task feed plain values."""

from dataclasses import dataclass
from datetime import date

from diaodu.core.calendar import WorkCalendar
from diaodu.core.overdue import is_overdue, workdays_late

# Allowed attachment types: extension → the leading bytes a genuine file of that type starts
# with. Office 2007+ files are zip archives; the older ones OLE compound files.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    "xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    "ofd": (b"PK\x03\x04",),
}
CONTENT_TYPES = {
    "pdf": "application/pdf", "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "doc": "application/msword", "xls": "application/vnd.ms-excel", "ofd": "application/ofd",
}
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


def attachment_problem(name: str, size: int, head: bytes,
                       max_bytes: int = MAX_ATTACHMENT_BYTES) -> str | None:
    """Why a file may not be attached ("too_large", "type", "content", "empty"), or None."""
    if size <= 0:
        return "empty"
    if size > max_bytes:
        return "too_large"
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in SIGNATURES:
        return "type"
    if not any(head.startswith(sig) for sig in SIGNATURES[extension]):
        return "content"
    return None


@dataclass(frozen=True)
class SweepStep:
    """One scheduled step for a case on a day: a reminder, the overdue mark or a tier."""

    kind: str  # "remind" | "overdue" | "escalate"
    key: str  # unique per case: the same step is never written twice
    level: int = 0


def due_steps(*, due_on: date, today: date, escalation_level: int, calendar: WorkCalendar,
              remind_before: int, tiers: list[tuple[int, int]]) -> list[SweepStep]:
    """The steps a pending case owes on `today`, in order.

    Keys name the due date, so a new deadline (re-assignment) reminds again while the same
    deadline never reminds twice, whatever day the task runs.
    """
    steps: list[SweepStep] = []
    tag = due_on.isoformat()
    if not is_overdue(due_on, today):
        if calendar.workdays_between(today, due_on) <= remind_before:
            steps.append(SweepStep("remind", f"remind:{tag}"))
        return steps
    steps.append(SweepStep("overdue", f"overdue:{tag}"))
    late = workdays_late(due_on, today, calendar)
    for level, after in tiers:
        if level > escalation_level and late >= max(after, 1):
            steps.append(SweepStep("escalate", f"escalate:{tag}:{level}", level))
    return steps


def approval_timing(*, received_on: date, completed_on: date, time_limit: int,
                    calendar: WorkCalendar) -> tuple[int, bool]:
    """(working days used, on time). The day of receipt does not count."""
    used = calendar.workdays_between(received_on, completed_on)
    return used, used <= time_limit
