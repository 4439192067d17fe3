"""Reminders, overdue marks and escalation street → district for grid events, in working
hours. Runs inside the 督办 sweep (cases registers it: `cases.services.sweep.register`) and on
its own every quarter hour (cityops/tasks.py), since an event's limits are hours, not days.
Idempotent: each mark has a key per event and limit (CaseAction.key)."""

from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from diaodu.cases.models import ActionKind, CaseAction
from diaodu.cases.services.base import log, unit_users
from diaodu.core import audit, clock
from diaodu.core.models import User
from diaodu.core.notify import NotificationKind, notify
from diaodu.core.phrases import phrase

from .. import policy
from ..models import Event, Stage
from .events import _local, centre_users
from .settings import settings_get, working_hours


def owing(event: Event) -> list[User]:
    """Who owes the step the event waits for."""
    if event.stage == Stage.DISPATCHED and event.case.lead_unit_id:
        return unit_users([event.case.lead_unit], list(policy.UNIT_ROLES))
    if event.stage == Stage.HANDLED:
        return unit_users([event.grid], list(policy.GRID_WORKERS))
    return centre_users(event)


def district_users() -> list[User]:
    return list(User.objects.filter(role__in=list(policy.DISTRICT_OPERATORS), is_active=True))


def events_sweep(*, now: datetime | None = None, today: date | None = None) -> dict[str, int]:
    """The marks owed at `now` (or, from the daily 督办 sweep, at the end of `today`)."""
    if now is None:
        now = clock.now() if today is None or today == clock.today() else \
            timezone.make_aware(datetime.combine(today, time(23, 59)))
    settings = settings_get()
    wh = working_hours(settings)
    escalate_after = round(float(settings.escalate_after_hours) * 60)
    counts = {"event_remind": 0, "event_overdue": 0, "event_escalate": 0}
    candidates = list(Event.objects.filter(stage__in=policy.OPEN_STAGES, warn_at__lte=now)
                      .select_related("case__lead_unit", "grid", "street").order_by("pk"))
    if not candidates:
        return counts
    written = set(CaseAction.objects.filter(case_id__in=[e.pk for e in candidates])
                  .exclude(key="").values_list("case_id", "key"))
    district: list[User] | None = None
    for event in candidates:
        due = event.step_due_at
        tag = f"{event.stage}:{due.isoformat() if due else ''}"
        late = wh.between(_local(due), _local(now)) if due and now > due else None
        steps = []
        if late is None or late <= 0:
            steps.append(("event_remind", f"ev-remind:{tag}"))
        else:
            steps.append(("event_overdue", f"ev-overdue:{tag}"))
            if event.escalation < 1 and late >= escalate_after:
                steps.append(("event_escalate", f"ev-escalate:{tag}"))
        steps = [(kind, key) for kind, key in steps if (event.pk, key) not in written]
        if not steps:
            continue
        with transaction.atomic():
            locked = Event.objects.select_for_update().get(pk=event.pk)
            if locked.stage != event.stage or locked.step_due_at != due:
                continue
            for kind, key in steps:
                counts[kind] += 1
                if kind == "event_escalate" and district is None:
                    district = district_users()
                _mark(event, locked, kind, key, now, district or [])
    return counts


def _mark(event: Event, locked: Event, kind: str, key: str, now: datetime,
          district: list[User]) -> None:
    case = event.case
    due = _local(event.step_due_at).strftime("%Y-%m-%d %H:%M")
    if kind == "event_remind":
        text = phrase(gettext_noop("本环节将于 %(due)s 到期。"), due=due)
        log(case, ActionKind.REMIND, None, on=_local(now).date(), text=text, key=key)
        notify(owing(event), kind=NotificationKind.REMINDER, about=case,
               key=f"{case.pk}:{key}", body=text,
               title=phrase(gettext_noop("事件临期：%(title)s"), title=case.title))
        return
    if kind == "event_overdue":
        text = phrase(gettext_noop("本环节已超过时限 %(due)s。"), due=due)
        log(case, ActionKind.OVERDUE, None, on=_local(now).date(), text=text, key=key)
        notify([*owing(event), *centre_users(event)], kind=NotificationKind.OVERDUE,
               about=case, key=f"{case.pk}:{key}", body=text,
               title=phrase(gettext_noop("事件超时：%(title)s"), title=case.title))
        audit.record(None, "event.overdue", case, {"stage": event.stage, "due": due})
        return
    locked.escalation = 1
    locked.save(update_fields=["escalation"])
    text = phrase(gettext_noop("超时未办，升级至区城运中心。"))
    log(case, ActionKind.ESCALATE, None, on=_local(now).date(), text=text, key=key)
    notify(district, kind=NotificationKind.ESCALATION, about=case, key=f"{case.pk}:{key}",
           body=text,
           title=phrase(gettext_noop("事件升级（区城运中心）：%(title)s"), title=case.title))
    audit.record(None, "event.escalate", case, {"level": 1, "stage": event.stage})
