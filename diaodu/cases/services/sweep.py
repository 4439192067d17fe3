"""The daily reminder and escalation sweep."""

from collections.abc import Callable
from datetime import date

from django.db import transaction
from django.utils.translation import gettext_noop

from diaodu.core import audit
from diaodu.core.calendar import WorkCalendar, load_calendar
from diaodu.core.models import OrgUnit, User
from diaodu.core.notify import NotificationKind, notify
from diaodu.core.phrases import phrase
from diaodu.core.roles import Role, role_of

from .. import policy, rules
from ..models import (
    PENDING_STATUSES,
    ActionKind,
    Case,
    CaseAction,
    NoticeKind,
)
from .base import (
    log,
    today_or_local,
    unit_users,
)
from .cases import notice_issue
from .settings import policy_get

# msgids: stored in phrases and put into words when read.
LEVEL_NAMES = {1: gettext_noop("单位负责人"), 2: gettext_noop("包联领导"),
               3: gettext_noop("区领导")}


class _Recipients:
    """Who hears about a case during one sweep, each group looked up once per sweep."""

    def __init__(self) -> None:
        self._units: dict[int, list[User]] = {}
        self._role: dict[str, list[User]] = {}

    def role(self, role: str) -> list[User]:
        if role not in self._role:
            self._role[role] = list(User.objects.filter(role=role, is_active=True))
        return self._role[role]

    def unit(self, unit: OrgUnit, roles=policy.UNIT_ROLES) -> list[User]:
        if unit.pk not in self._units:
            self._units[unit.pk] = unit_users([unit], policy.UNIT_ROLES)
        return [u for u in self._units[unit.pk] if u.role in roles]

    def escalation(self, case: Case, level: int) -> list[User]:
        if level == 1:
            heads = self.unit(case.lead_unit, (Role.UNIT_HEAD,))
            parent = OrgUnit.objects.get_parent(case.lead_unit) if not heads else None
            return self.unit(parent, (Role.UNIT_HEAD,)) if parent is not None else heads
        if level == 2:
            in_charge = case.project.leader if case.project_id and case.project.leader_id \
                else None
            if in_charge is None and case.raised_by and role_of(case.raised_by) == Role.LEADER:
                in_charge = case.raised_by
            return [in_charge] if in_charge else self.role(Role.DISPATCHER)
        return self.role(Role.LEADER)


# Sweeps of other kinds of case (grid events count in working hours: cityops registers its
# own), run after the 督办 marks with the same day; each returns its counts.
_EXTRA: dict[str, Callable[..., dict[str, int]]] = {}


def register(name: str, sweep: Callable[..., dict[str, int]]) -> None:
    """Add a kind's sweep to the daily run (called from the kind's AppConfig.ready)."""
    _EXTRA[name] = sweep


def supervision_sweep(*, today: date | None = None) -> dict[str, int]:
    """Reminders, overdue marks and escalations owed today. Idempotent: every step has a key
    per case (CaseAction.key, unique), so a second run on the same day writes nothing."""
    today = today_or_local(today)
    policy = policy_get()
    calendar = load_calendar()
    recipients = _Recipients()
    counts = {"remind": 0, "overdue": 0, "escalate": 0, "notifications": 0}
    pending = (Case.objects.filter(status__in=PENDING_STATUSES, due_on__isnull=False)
               .select_related("lead_unit", "project__leader", "raised_by")
               .prefetch_related("co_units").order_by("pk"))
    # The keys already written, in one query: a day with nothing new locks no case.
    written = set(CaseAction.objects.filter(case__status__in=PENDING_STATUSES)
                  .exclude(key="").values_list("case_id", "key"))
    for case in pending:
        steps = [step for step in rules.due_steps(
            due_on=case.due_on, today=today, escalation_level=case.escalation_level,
            calendar=calendar, remind_before=policy.remind_before, tiers=policy.tiers())
            if (case.pk, step.key) not in written]
        if not steps:
            continue
        with transaction.atomic():
            locked = Case.objects.select_for_update().get(pk=case.pk)
            if locked.status not in PENDING_STATUSES or locked.due_on != case.due_on:
                continue
            # Re-read under the lock: another worker may have run the same steps meanwhile.
            done = set(locked.actions.exclude(key="").values_list("key", flat=True))
            for step in steps:
                if step.key in done:
                    continue
                counts[step.kind] += 1
                counts["notifications"] += _sweep_step(case, locked, step, today, calendar,
                                                       recipients)
    for extra in _EXTRA.values():
        for key, value in extra(today=today).items():
            counts[key] = counts.get(key, 0) + value
    return counts


def _sweep_step(case: Case, locked: Case, step: rules.SweepStep, today: date,
                calendar: WorkCalendar, recipients: _Recipients) -> int:
    unit_users = [u for unit in [case.lead_unit, *case.co_units.all()]
                  for u in recipients.unit(unit)]
    key = f"{case.pk}:{step.key}"
    if step.kind == "remind":
        text = phrase(gettext_noop("距办结期限 %(due)s 还有 %(n)s 个工作日。"),
                      due=case.due_on, n=calendar.workdays_between(today, case.due_on))
        log(locked, ActionKind.REMIND, None, on=today, text=text, key=step.key)
        sent = notify(unit_users, kind=NotificationKind.REMINDER, about=locked, key=key, body=text,
                            title=phrase(gettext_noop("到期提醒：%(title)s"), title=case.title))
        notice_issue(actor=None, case=locked, kind=NoticeKind.REMIND, today=today)
        audit.record(None, "case.remind", locked, {"due_on": case.due_on})
        return sent
    if step.kind == "overdue":
        locked.overdue_since = today
        locked.save(update_fields=["overdue_since"])
        text = phrase(gettext_noop("已超过办结期限 %(due)s。"), due=case.due_on)
        log(locked, ActionKind.OVERDUE, None, on=today, text=text, key=step.key)
        sent = notify([*unit_users, *recipients.role(Role.DISPATCHER)], about=locked,
                      kind=NotificationKind.OVERDUE,
                            key=key, body=text,
                            title=phrase(gettext_noop("已逾期：%(title)s"), title=case.title))
        audit.record(None, "case.overdue", locked, {"due_on": case.due_on})
        return sent
    level_name = LEVEL_NAMES[step.level]
    text = phrase(gettext_noop("逾期未办结，升级督办至%(level)s。"), translated=("level",),
                  level=level_name)
    locked.escalation_level = step.level
    locked.save(update_fields=["escalation_level"])
    log(locked, ActionKind.ESCALATE, None, on=today, text=text, key=step.key)
    sent = notify(recipients.escalation(case, step.level), about=locked, key=key, body=text,
                  kind=NotificationKind.ESCALATION, urgent=True,
                        title=phrase(gettext_noop("升级督办（%(level)s）：%(title)s"),
                                translated=("level",), level=level_name, title=case.title))
    if step.level == 1:
        notice_issue(actor=None, case=locked, kind=NoticeKind.SUPERVISE, today=today,
                     calendar=calendar)
    audit.record(None, "case.escalate", locked, {"level": step.level})
    return sent
