"""Reporting rounds: opening (by hand or by the daily job), reminders, locking, overdue marks."""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_create_with_history

from diaodu.core import audit, clock
from diaodu.core.errors import UserError
from diaodu.core.models import OrgUnit, User
from diaodu.core.notify import NotificationKind, notify
from diaodu.core.phrases import phrase
from diaodu.projects.models import Project, Stage

from .. import policy
from ..models import (
    Cadence,
    DispatchSettings,
    ProgressReport,
    Reminder,
    ReportingRound,
)
from .guards import (
    EDITABLE,
    _require_dispatcher,
)


def active_projects():
    """Projects that report: in preparation or under construction."""
    return Project.objects.filter(stage__in=[Stage.PREPARATION, Stage.CONSTRUCTION])


def round_open(*, actor: User | None, cadence: str, period_start: date, period_end: date,
               due_at: datetime, title: str = "", opens_at: datetime | None = None,
               projects: list[Project] | None = None) -> ReportingRound:
    """Open a round and create one draft report per active project (or for the given subset,
    e.g. the 三个一批 projects of an ad-hoc round)."""
    _require_dispatcher(actor)
    if cadence not in Cadence.values:
        raise UserError("round.cadence_invalid", _("调度频次无效。"), "cadence")
    if period_end < period_start:
        raise UserError("round.period_order", _("期间结束不能早于期间开始。"), "period_end")
    opens_at = opens_at or clock.now()
    if due_at <= opens_at:
        raise UserError("round.due_before_open", _("截止时间应晚于开启时间。"), "due_at")
    if cadence == Cadence.MONTHLY and (period_start.day != 1 or
                                       (period_end + timedelta(days=1)).day != 1 or
                                       period_start.month != period_end.month):
        raise UserError("round.monthly_period", _("月报的期间应为一个自然月。"), "period_start")
    title = title.strip()
    with transaction.atomic():
        if cadence == Cadence.MONTHLY and ReportingRound.objects.filter(
                cadence=Cadence.MONTHLY, period_start=period_start).exists():
            raise UserError("round.duplicate", _("%(y)s年%(m)s月的月度调度已开启。")
                            % {"y": period_end.year, "m": period_end.month}, "period_start")
        chosen = active_projects() if projects is None else \
            Project.objects.filter(pk__in=[p.pk for p in projects])
        chosen = list(chosen.only("pk"))
        if not chosen:
            raise UserError("round.no_projects", _("没有需要填报的项目。"), "projects")
        round_ = ReportingRound.objects.create(
            cadence=cadence, title=title, period_start=period_start, period_end=period_end,
            opens_at=opens_at, due_at=due_at, created_by=actor)
        bulk_create_with_history(
            [ProgressReport(project_id=p.pk, round=round_) for p in chosen], ProgressReport,
            default_user=actor)
        audit.record(actor, "round.open", round_,
                     {"cadence": cadence, "period": [period_start, period_end],
                      "reports": len(chosen)})
    return round_


def monthly_round_due(today: date, settings_row: DispatchSettings | None = None
                      ) -> tuple[date, date, datetime] | None:
    """The (period start, period end, due time) of this month's round if it should be open by
    `today`, else None."""
    config = settings_row or DispatchSettings.current()
    if today.day < config.round_open_day:
        return None
    start = today.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    due_day = min(config.round_due_day, end.day)
    due = timezone.make_aware(datetime.combine(today.replace(day=due_day),
                                               time(config.round_due_hour)))
    return start, end, due


def round_open_monthly_if_due(*, today: date | None = None) -> ReportingRound | None:
    """The scheduled job: open this month's round once its opening day has come. Running it
    again changes nothing."""
    today = today or clock.today()
    due = monthly_round_due(today)
    if due is None:
        return None
    start, end, due_at = due
    if ReportingRound.objects.filter(cadence=Cadence.MONTHLY, period_start=start).exists():
        return None
    opens_at = timezone.make_aware(datetime.combine(today, time(0)))
    return round_open(actor=None, cadence=Cadence.MONTHLY, period_start=start, period_end=end,
                      due_at=max(due_at, opens_at + timedelta(hours=1)), opens_at=opens_at)


def round_lock(*, actor: User | None, round_: ReportingRound,
               at: datetime | None = None) -> ReportingRound:
    """Close a round after review: from now on every edit is refused."""
    _require_dispatcher(actor)
    with transaction.atomic():
        round_ = ReportingRound.objects.select_for_update().get(pk=round_.pk)
        if round_.is_locked:
            return round_
        round_.locked_at, round_.locked_by = at or clock.now(), actor
        round_.save(update_fields=["locked_at", "locked_by"])
        audit.record(actor, "round.lock", round_, {})
    return round_


def round_remind(*, actor: User | None, round_: ReportingRound, unit: OrgUnit) -> Reminder:
    """催报: remind a unit of its reports still not submitted in this round."""
    _require_dispatcher(actor)
    with transaction.atomic():
        pending = round_.reports.filter(project__responsible_unit=unit,
                                        status__in=EDITABLE).count()
        if not pending:
            raise UserError("round.nothing_pending",
                            _("%(unit)s 本轮已无待报项目。") % {"unit": unit}, "unit")
        reminder = Reminder.objects.create(round=round_, unit=unit, sent_by=actor,
                                           pending=pending)
        # The unit's people who fill in hear it in their inbox, not only on the report page.
        notify(
            User.objects.filter(unit=unit, role__in=policy.FILLERS, is_active=True),
            kind=NotificationKind.CHASE, about=round_,
            title=phrase(gettext_noop("催报：%(round)s"), round=str(round_)),
            body=phrase(gettext_noop("本轮尚有 %(n)s 个项目未报送，请抓紧填报。"), n=pending),
            key=f"round-remind:{reminder.pk}")
        audit.record(actor, "round.remind", reminder, {"unit": unit, "pending": pending})
    return reminder




def reports_mark_overdue(*, now: datetime | None = None) -> int:
    """Mark reports not yet submitted after their round's due time as overdue (idempotent)."""
    now = now or clock.now()
    with transaction.atomic():
        late = ProgressReport.objects.filter(status__in=EDITABLE, is_overdue=False,
                                             round__due_at__lt=now, round__locked_at__isnull=True)
        ids = list(late.values_list("pk", flat=True))
        ProgressReport.objects.filter(pk__in=ids).update(is_overdue=True)
        if ids:
            audit.record(None, "report.mark_overdue", ReportingRound.objects.filter(
                reports__pk=ids[0]).first(), {"reports": len(ids)})
    return len(ids)
