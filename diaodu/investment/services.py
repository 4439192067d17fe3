"""Writes of the dispatch loop. Each function: one transaction, permission and state checks,
the write, audit, and the rollup rows it affects (DESIGN §4, §6)."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from diaodu.core import audit
from diaodu.core.errors import ConflictError, NotFound, UserError
from diaodu.core.models import OrgUnit, User
from diaodu.core.money import CENT, parse_wan
from diaodu.core.roles import CASE_SUPERVISORS, LEDGER_EDITORS, Role, role_of
from diaodu.core.scoping import scope_for
from diaodu.projects.models import Project, Stage

from . import quality, rollups
from .models import (
    ZERO,
    AnnualPlan,
    Cadence,
    DispatchSettings,
    PlanAdjustment,
    PlanStatus,
    ProgressReport,
    RegistrationPlan,
    Reminder,
    ReportAdjustment,
    ReportingRound,
    ReportStatus,
)

EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)


# ---------------------------------------------------------------- permissions and guards

def _require_dispatcher(actor: User | None) -> None:
    if actor is not None and role_of(actor) not in LEDGER_EDITORS:
        raise UserError("permission.denied", _("只有调度员可以执行此操作。"))


def can_fill(actor: User, project: Project) -> bool:
    """The responsible unit fills in its projects' reports; a unit head also those of the
    units below."""
    role = role_of(actor)
    unit = project.responsible_unit
    if role == Role.REPORTER:
        return unit.pk == actor.unit_id
    if role == Role.UNIT_HEAD and actor.unit is not None:
        return unit.path.startswith(actor.unit.path)
    return False


def _locked_report(actor: User | None, report: ProgressReport) -> ProgressReport:
    """Re-read the report under a row lock, within the actor's scope (else NotFound)."""
    source = ProgressReport.objects if actor is None else scope_for(actor, ProgressReport)
    try:
        return (source.select_for_update(of=("self",))
                .select_related("round", "project", "project__responsible_unit")
                .get(pk=report.pk))
    except ProgressReport.DoesNotExist:
        raise NotFound from None


def _ensure_open(report: ProgressReport) -> None:
    if report.round.is_locked:
        raise UserError("round.locked",
                        _("“%(round)s”已锁定，不能再修改；如需更正请联系区发改委做数据更正。")
                        % {"round": report.round})


def _ensure_version(report: ProgressReport, expected_version: int | None) -> None:
    if expected_version is None or int(expected_version) == report.version:
        return
    newer = (report.history.filter(version__gt=int(expected_version))
             .select_related("history_user").order_by("-history_id").first())
    who = (newer.history_user if newer and newer.history_user else _("他人"))
    when = timezone.localtime(newer.history_date).strftime("%Y-%m-%d %H:%M") if newer else ""
    raise ConflictError(
        "report.version_conflict",
        _("该填报已被 %(who)s 于 %(when)s 修改（状态：%(status)s，本期完成 %(period)s 万元，"
          "累计 %(cum)s 万元）。您的修改未保存，请刷新后重试。")
        % {"who": who, "when": when, "status": report.get_status_display(),
           "period": report.completed_in_period, "cum": report.cumulative_completed},
        "version")


def _save(report: ProgressReport, actor: User | None, action: str,
          changes: dict[str, Any]) -> ProgressReport:
    report.version += 1
    report._history_user = actor
    report.save()
    audit.record(actor, action, report, changes)
    return report


# ---------------------------------------------------------------- annual plans

def spread_targets(planned: Decimal) -> list[str]:
    """Cumulative monthly targets spread evenly over the year, exact to the cent; December
    equals the annual figure."""
    cents = int(planned * 100)
    return [str((Decimal(cents * month // 12) / 100).quantize(CENT)) for month in range(1, 13)]


def _clean_targets(targets: list[Any] | None, planned: Decimal) -> list[str]:
    if not targets:
        return spread_targets(planned)
    if len(targets) != 12:
        raise UserError("plan.targets_count", _("月度累计目标应为12个月。"), "monthly_targets")
    values = [parse_wan(v, field="monthly_targets", label=_("%(m)s月累计目标") % {"m": i})
              for i, v in enumerate(targets, start=1)]
    for month, (before, after) in enumerate(pairwise(values), start=2):
        if after < before:
            raise UserError("plan.targets_decrease",
                            _("%(m)s月累计目标不能小于上月。") % {"m": month}, "monthly_targets")
    if values[-1] != planned:
        raise UserError("plan.targets_total",
                        _("12月累计目标应等于年度计划投资 %(p)s 万元。") % {"p": planned},
                        "monthly_targets")
    return [str(v) for v in values]


def annual_plan_create(*, actor: User | None, project: Project, year: int,
                       planned_investment: Any, monthly_targets: list[Any] | None = None
                       ) -> AnnualPlan:
    """A draft plan; targets default to an even spread."""
    _require_dispatcher(actor)
    planned = parse_wan(planned_investment, field="planned_investment", label=_("年度计划投资"))
    targets = _clean_targets(monthly_targets, planned)
    with transaction.atomic():
        if AnnualPlan.objects.filter(project=project, year=year).exists():
            raise UserError("plan.duplicate", _("%(project)s 已有 %(year)s 年度计划。")
                            % {"project": project, "year": year}, "year")
        plan = AnnualPlan(project=project, year=year, planned_investment=planned,
                          monthly_targets=targets)
        plan._history_user = actor
        plan.save()
        audit.record(actor, "annual_plan.create", plan,
                     {"year": year, "planned_investment": planned})
    return plan


def annual_plan_approve(*, actor: User | None, plan: AnnualPlan) -> AnnualPlan:
    _require_dispatcher(actor)
    with transaction.atomic():
        plan = AnnualPlan.objects.select_for_update().select_related("project").get(pk=plan.pk)
        if plan.status == PlanStatus.APPROVED:
            return plan
        plan.status = PlanStatus.APPROVED
        plan.approved_by, plan.approved_at = actor, timezone.now()
        plan.version += 1
        plan._history_user = actor
        plan.save()
        audit.record(actor, "annual_plan.approve", plan, {})
        rollups.refresh_project(plan.project, plan.year)
    return plan


def annual_plan_adjust(*, actor: User | None, plan: AnnualPlan, planned_investment: Any,
                       reason: str, monthly_targets: list[Any] | None = None,
                       expected_version: int | None = None) -> AnnualPlan:
    """Change a plan. An approved plan changes only with a reason, kept as a PlanAdjustment."""
    _require_dispatcher(actor)
    planned = parse_wan(planned_investment, field="planned_investment", label=_("年度计划投资"))
    targets = _clean_targets(monthly_targets, planned)
    with transaction.atomic():
        plan = AnnualPlan.objects.select_for_update().select_related("project").get(pk=plan.pk)
        if expected_version is not None and int(expected_version) != plan.version:
            raise ConflictError("plan.version_conflict",
                                _("计划已被他人修改（现为 %(p)s 万元），请刷新后重试。")
                                % {"p": plan.planned_investment}, "version")
        if plan.status == PlanStatus.APPROVED:
            if not reason.strip():
                raise UserError("plan.adjust_needs_reason", _("调整已批准的计划须填写原因。"),
                                "reason")
            PlanAdjustment.objects.create(
                plan=plan, reason=reason.strip(), previous_investment=plan.planned_investment,
                new_investment=planned, previous_targets=plan.monthly_targets,
                adjusted_by=actor)
        before = plan.planned_investment
        plan.planned_investment, plan.monthly_targets = planned, targets
        plan.version += 1
        plan._history_user = actor
        plan.save()
        audit.record(actor, "annual_plan.adjust", plan, {
            "planned_investment": [before, planned], "reason": reason.strip()})
        rollups.refresh_project(plan.project, plan.year)
    return plan


# ---------------------------------------------------------------- rounds

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
    opens_at = opens_at or timezone.now()
    if due_at <= opens_at:
        raise UserError("round.due_before_open", _("截止时间应晚于开启时间。"), "due_at")
    if cadence == Cadence.MONTHLY and (period_start.day != 1 or
                                       (period_end + timedelta(days=1)).day != 1 or
                                       period_start.month != period_end.month):
        raise UserError("round.monthly_period", _("月报的期间应为一个自然月。"), "period_start")
    title = title.strip() or {
        Cadence.MONTHLY: _("%(y)s年%(m)s月重点项目调度") % {"y": period_end.year,
                                                          "m": period_end.month},
        Cadence.WEEKLY: _("%(d)s周调度") % {"d": period_start.isoformat()},
        Cadence.AD_HOC: _("专项调度（%(d)s）") % {"d": period_end.isoformat()},
    }[cadence]
    with transaction.atomic():
        if cadence == Cadence.MONTHLY and ReportingRound.objects.filter(
                cadence=Cadence.MONTHLY, period_start=period_start).exists():
            raise UserError("round.duplicate", _("%(t)s 已开启。") % {"t": title}, "period_start")
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
    today = today or timezone.localdate()
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
        round_.locked_at, round_.locked_by = at or timezone.now(), actor
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
        audit.record(actor, "round.remind", reminder, {"unit": unit, "pending": pending})
    return reminder


# ---------------------------------------------------------------- reports

def _previous(report: ProgressReport) -> ProgressReport | None:
    """The project's latest earlier monthly report that was submitted at least once."""
    return (ProgressReport.objects
            .filter(project_id=report.project_id, round__cadence=Cadence.MONTHLY,
                    round__period_end__lt=report.round.period_start)
            .exclude(status=ReportStatus.DRAFT)
            .order_by("-round__period_end").first())


def ytd_of(report: ProgressReport, completed_in_period: Decimal) -> Decimal:
    """Year-to-date completion: this period plus the year's earlier monthly reports and their
    corrections. Derived here, never typed."""
    if report.round.cadence != Cadence.MONTHLY:
        # A weekly or ad-hoc figure adds to the year's last monthly total.
        previous = _previous(report)
        base = previous.ytd_completed if previous and \
            previous.round.period_end.year == report.round.year else ZERO
        return (base + completed_in_period).quantize(CENT)
    earlier = list(ProgressReport.objects.filter(
        project_id=report.project_id, round__cadence=Cadence.MONTHLY,
        round__period_end__year=report.round.year,
        round__period_end__lt=report.round.period_start,
    ).values_list("completed_in_period", flat=True))
    corrections = ReportAdjustment.objects.filter(
        report__project_id=report.project_id, report__round__cadence=Cadence.MONTHLY,
        report__round__period_end__year=report.round.year,
        report__round__period_end__lte=report.round.period_end,
    ).values_list("delta_completed", flat=True)
    return (sum(earlier, ZERO) + completed_in_period + sum(corrections, ZERO)).quantize(CENT)


def report_save(*, actor: User | None, report: ProgressReport, expected_version: int | None,
                completed_in_period: Any, cumulative_completed: Any,
                physical_progress: str = "", issues: str = "", submit: bool = False,
                at: datetime | None = None) -> ProgressReport:
    """Fill in (or correct a returned) report; with `submit`, also submit it in the same
    transaction (the form's 提交 button). Amounts are checked now, the rest on submit."""
    period = parse_wan(completed_in_period, field="completed_in_period", label=_("本期完成投资"))
    cumulative = parse_wan(cumulative_completed, field="cumulative_completed",
                           label=_("开工累计完成"))
    with transaction.atomic():
        report = _locked_report(actor, report)
        if actor is not None and not can_fill(actor, report.project):
            raise NotFound
        _ensure_open(report)
        _ensure_version(report, expected_version)
        if report.status not in EDITABLE:
            raise UserError("report.not_editable",
                            _("该填报已提交（%(s)s），不能再修改。") % {
                                "s": report.get_status_display()})
        before = (report.completed_in_period, report.cumulative_completed)
        report.completed_in_period, report.cumulative_completed = period, cumulative
        report.physical_progress, report.issues = physical_progress.strip(), issues.strip()
        report.ytd_completed = ytd_of(report, period)
        report = _save(report, actor, "report.save", {
            "completed_in_period": [before[0], period],
            "cumulative_completed": [before[1], cumulative]})
        if submit:
            report = _submit(actor, report, at)
    return report


def _check_quality(report: ProgressReport) -> list[str]:
    config = DispatchSettings.current()
    previous = _previous(report)
    return quality.check(
        quality.ReportFigures(
            completed_in_period=report.completed_in_period,
            cumulative_completed=report.cumulative_completed,
            ytd_completed=report.ytd_completed,
            physical_progress=report.physical_progress,
            under_construction=report.project.stage == Stage.CONSTRUCTION),
        quality.History(
            previous_cumulative=previous.cumulative_completed if previous else None,
            previous_period=previous.completed_in_period if previous else None,
            total_investment=report.project.total_investment),
        quality.Thresholds(overrun_tolerance_pct=config.overrun_tolerance_pct,
                           jump_factor=config.jump_factor))


def _submit(actor: User | None, report: ProgressReport, at: datetime | None) -> ProgressReport:
    """Submit a locked, editable report whose YTD is current."""
    report.review_flags = _check_quality(report)
    now = at or timezone.now()
    report.status = ReportStatus.SUBMITTED
    report.submitted_by, report.submitted_at = actor, now
    report.is_overdue = now > report.round.due_at
    report.return_reason = ""
    return _save(report, actor, "report.submit",
                 {"flags": report.review_flags, "overdue": report.is_overdue})


def report_submit(*, actor: User | None, report: ProgressReport, expected_version: int | None,
                  at: datetime | None = None) -> ProgressReport:
    """Submit for review. Submitting an already-submitted report again changes nothing.

    `at` is the submission time when loading historical reports (default: now); overdue is
    judged against it.
    """
    with transaction.atomic():
        report = _locked_report(actor, report)
        if actor is not None and not can_fill(actor, report.project):
            raise NotFound
        if report.status not in EDITABLE and report.submitted_at is not None and (
                expected_version is None or int(expected_version) == report.version):
            return report  # a double click or a retried request
        _ensure_open(report)
        _ensure_version(report, expected_version)
        if report.status not in EDITABLE:
            raise UserError("report.not_editable", _("该填报已提交，不能重复提交。"))
        report.ytd_completed = ytd_of(report, report.completed_in_period)
        return _submit(actor, report, at)


def report_unit_approve(*, actor: User, report: ProgressReport,
                        expected_version: int | None) -> ProgressReport:
    """The unit head approves a submitted report before the DRC's review."""
    with transaction.atomic():
        report = _locked_report(actor, report)
        if role_of(actor) != Role.UNIT_HEAD or not can_fill(actor, report.project):
            raise NotFound
        _ensure_open(report)
        _ensure_version(report, expected_version)
        if report.status != ReportStatus.SUBMITTED:
            raise UserError("report.not_submitted", _("只有已提交的填报可以审核。"))
        report.status = ReportStatus.UNIT_APPROVED
        report.unit_approved_by, report.unit_approved_at = actor, timezone.now()
        return _save(report, actor, "report.unit_approve", {})


def report_return(*, actor: User, report: ProgressReport, reason: str,
                  expected_version: int | None) -> ProgressReport:
    """Send a report back to its reporter with the reason (unit head or dispatcher)."""
    if not reason.strip():
        raise UserError("report.return_needs_reason", _("退回须填写原因。"), "reason")
    with transaction.atomic():
        report = _locked_report(actor, report)
        role = role_of(actor)
        allowed = {ReportStatus.SUBMITTED} if role == Role.UNIT_HEAD and \
            can_fill(actor, report.project) else \
            {ReportStatus.SUBMITTED, ReportStatus.UNIT_APPROVED} if role in LEDGER_EDITORS \
            else set()
        if not allowed:
            raise NotFound
        _ensure_open(report)
        _ensure_version(report, expected_version)
        if report.status not in allowed:
            raise UserError("report.not_returnable",
                            _("当前状态（%(s)s）不能退回。") % {"s": report.get_status_display()})
        report.status = ReportStatus.RETURNED
        report.return_reason = reason.strip()
        report.reviewed_by, report.reviewed_at = actor, timezone.now()
        return _save(report, actor, "report.return", {"reason": reason.strip()})


def report_approve(*, actor: User | None, report: ProgressReport,
                   expected_version: int | None, at: datetime | None = None) -> ProgressReport:
    """The dispatcher's final approval: the figures now count in the rollups and KPIs.
    (`at`: the review time when loading historical reports.)"""
    _require_dispatcher(actor)
    with transaction.atomic():
        report = _locked_report(actor, report)
        _ensure_open(report)
        _ensure_version(report, expected_version)
        if report.status not in (ReportStatus.SUBMITTED, ReportStatus.UNIT_APPROVED):
            raise UserError("report.not_approvable",
                            _("当前状态（%(s)s）不能审定。") % {"s": report.get_status_display()})
        report.status = ReportStatus.APPROVED
        report.reviewed_by, report.reviewed_at = actor, at or timezone.now()
        _save(report, actor, "report.approve", {})
        rollups.refresh_project(report.project, report.round.year)
    return report


def report_adjust(*, actor: User | None, report: ProgressReport, delta_completed: Any,
                  reason: str) -> ReportAdjustment:
    """Correct an approved report of a locked round: a separate, audited record that the
    KPIs include; later reports' YTD follows."""
    _require_dispatcher(actor)
    if not reason.strip():
        raise UserError("adjustment.needs_reason", _("数据更正须填写原因。"), "reason")
    raw = str(delta_completed).strip()
    negative = raw.startswith("-")
    amount = parse_wan(raw[1:] if negative else raw, field="delta_completed",
                       label=_("调整额"))
    delta = -amount if negative else amount
    if not delta:
        raise UserError("adjustment.zero", _("调整额不能为0。"), "delta_completed")
    with transaction.atomic():
        report = _locked_report(actor, report)
        if not report.round.is_locked:
            raise UserError("adjustment.round_open",
                            _("本轮尚未锁定，请退回填报单位修改。"), "report")
        if report.status != ReportStatus.APPROVED:
            raise UserError("adjustment.not_approved", _("只能更正已审定的填报。"), "report")
        if report.completed_in_period + delta < 0:
            raise UserError("adjustment.negative_result",
                            _("更正后本期完成不能为负数。"), "delta_completed")
        adjustment = ReportAdjustment.objects.create(
            report=report, delta_completed=delta, reason=reason.strip(), adjusted_by=actor)
        later = ProgressReport.objects.filter(
            project_id=report.project_id, round__cadence=Cadence.MONTHLY,
            round__period_end__year=report.round.year,
            round__period_end__gte=report.round.period_end).select_related("round")
        for each in later:
            each.ytd_completed = ytd_of(each, each.completed_in_period)
            each.save(update_fields=["ytd_completed"])
        audit.record(actor, "report.adjust", adjustment,
                     {"delta_completed": delta, "reason": reason.strip()})
        rollups.refresh_project(report.project, report.round.year)
    return adjustment


# ---------------------------------------------------------------- statistics registration

def registration_plan_set(*, actor: User | None, project: Project, due_month: date,
                          responsible_unit: OrgUnit, note: str = "") -> RegistrationPlan:
    """拟入库: name the unit responsible for registering a project by a due month."""
    if actor is not None and role_of(actor) not in (Role.STATS, *LEDGER_EDITORS):
        raise UserError("permission.denied", _("只有统计人员或调度员可以安排拟入库项目。"))
    if project.stats_registered_on:
        raise UserError("registration.already", _("该项目已入库。"), "project")
    with transaction.atomic():
        plan, _created = RegistrationPlan.objects.update_or_create(
            project=project, defaults={"due_month": due_month.replace(day=1),
                                       "responsible_unit": responsible_unit,
                                       "note": note.strip(), "created_by": actor})
        audit.record(actor, "registration_plan.set", plan,
                     {"due_month": due_month.replace(day=1), "unit": responsible_unit})
    return plan


def reports_mark_overdue(*, now: datetime | None = None) -> int:
    """Mark reports not yet submitted after their round's due time as overdue (idempotent)."""
    now = now or timezone.now()
    with transaction.atomic():
        late = ProgressReport.objects.filter(status__in=EDITABLE, is_overdue=False,
                                             round__due_at__lt=now, round__locked_at__isnull=True)
        ids = list(late.values_list("pk", flat=True))
        ProgressReport.objects.filter(pk__in=ids).update(is_overdue=True)
        if ids:
            audit.record(None, "report.mark_overdue", ReportingRound.objects.filter(
                reports__pk=ids[0]).first(), {"reports": len(ids)})
    return len(ids)


def dispatch_settings_update(*, actor: User | None, **values: Any) -> DispatchSettings:
    """Change the quality thresholds or the monthly round's calendar."""
    _require_dispatcher(actor)
    limits = {"round_open_day": (1, 28), "round_due_day": (1, 28), "round_due_hour": (0, 23),
              "overrun_tolerance_pct": (0, 100)}
    for field, (low, high) in limits.items():
        if field in values and not low <= int(values[field]) <= high:
            label = DispatchSettings._meta.get_field(field).verbose_name
            raise UserError("settings.out_of_range", _("%(f)s应在 %(lo)s 到 %(hi)s 之间。")
                            % {"f": label, "lo": low, "hi": high}, field)
    if "jump_factor" in values and Decimal(str(values["jump_factor"])) <= 1:
        raise UserError("settings.jump_factor", _("跳增倍数应大于1。"), "jump_factor")
    with transaction.atomic():
        row = DispatchSettings.objects.select_for_update().order_by("pk").first() or \
            DispatchSettings()
        before = {f: getattr(row, f) for f in values}
        for field, value in values.items():
            setattr(row, field, value)
        if row.round_due_day < row.round_open_day:
            raise UserError("settings.due_before_open", _("截止日不能早于开启日。"),
                            "round_due_day")
        row.save()
        audit.record(actor, "dispatch_settings.update", row, audit.diff(before, values))
    return row


def report_raise_case(*, actor: User | None, report: ProgressReport):
    """Turn the problems a unit wrote in its report (存在问题) into a 督办 case led by the
    project's responsible unit. Raising the same text again returns the existing case."""
    from diaodu.cases.models import Case, CaseSource
    from diaodu.cases.services import case_create

    if actor is not None and role_of(actor) not in CASE_SUPERVISORS:
        raise UserError("permission.denied", _("只有调度员或区领导可以将问题转为督办。"))
    with transaction.atomic():
        report = _locked_report(actor, report)
        text = report.issues.strip()
        if not text:
            raise UserError("report.no_issues", _("该填报没有填写存在问题。"), "issues")
        existing = Case.objects.filter(project=report.project, source=CaseSource.REPORT,
                                       detail=text).first()
        if existing is not None:
            return existing
        first_line = text.splitlines()[0]
        title = first_line if len(first_line) <= 60 else first_line[:59] + "…"
        return case_create(
            actor=actor, title=f"{report.project.name}：{title}",
            detail=text, source=CaseSource.REPORT, project=report.project,
            lead_unit=report.project.responsible_unit)
