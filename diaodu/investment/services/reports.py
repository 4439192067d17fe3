"""Progress reports: fill in, submit, unit approval, review, corrections after locking,
and raising their problems as 督办 cases."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from diaodu.cases.models import Case, CaseSource
from diaodu.cases.services import case_create
from diaodu.core import audit, clock
from diaodu.core.errors import NotFound, UserError
from diaodu.core.models import User
from diaodu.core.money import CENT, parse_wan
from diaodu.core.overdue import is_overdue
from diaodu.projects.models import Stage

from .. import policy, quality, rollups
from ..models import (
    ZERO,
    Cadence,
    DispatchSettings,
    ProgressReport,
    ReportAdjustment,
    ReportStatus,
)
from .guards import (
    EDITABLE,
    _ensure_open,
    _ensure_version,
    _locked_report,
    _locked_to_fill,
    _require_dispatcher,
    _save,
    _write_filled,
)
from .months import Before, months_before
from .returned import report_returned_notify


def _previous(report: ProgressReport) -> ProgressReport | None:
    """The project's latest earlier monthly report that was submitted at least once."""
    return (ProgressReport.objects
            .filter(project_id=report.project_id, round__cadence=Cadence.MONTHLY,
                    round__period_end__lt=report.round.period_start)
            .exclude(status=ReportStatus.DRAFT)
            .order_by("-round__period_end").first())


def ytd_of(report: ProgressReport, completed_in_period: Decimal,
           known: Before | None = None) -> Decimal:
    """Year-to-date completion: this period plus the year's earlier monthly reports and their
    corrections. Derived here, never typed. `known`: `months_before(report)` if read."""
    if report.round.cadence == Cadence.MONTHLY and known is not None:
        return (sum(known.earlier, ZERO) + completed_in_period
                + sum(known.corrections, ZERO)).quantize(CENT)
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


def report_save(*, actor: User | None, report: ProgressReport | int,
                expected_version: int | None,
                completed_in_period: Any, cumulative_completed: Any,
                physical_progress: str = "", issues: str = "", submit: bool = False,
                at: datetime | None = None) -> ProgressReport:
    """Fill in (or correct a returned) report; with `submit`, also submit it in the same
    transaction (the form's 提交 button). Amounts are checked now, the rest on submit.
    `report`: the report or its id (the form's POST has not read it)."""
    period = parse_wan(completed_in_period, field="completed_in_period", label=_("本期完成投资"))
    cumulative = parse_wan(cumulative_completed, field="cumulative_completed",
                           label=_("开工累计完成"))
    with transaction.atomic():
        report, known = _locked_to_fill(actor, report)
        return fill(actor, report, expected_version, period, cumulative, physical_progress,
                    issues, submit=submit, at=at, action="report.save", known=known)


def fill(actor: User | None, report: ProgressReport, expected_version: int | None,
         period: Decimal, cumulative: Decimal, physical_progress: str, issues: str, *,
         submit: bool, at: datetime | None, action: str,
         extra: dict[str, Any] | None = None, known: Before | None = None) -> ProgressReport:
    """The figures of a report locked by the caller's transaction, who has checked the actor
    may fill it (a unit's save, the DRC's recording from a ledger): the round open, the
    version, the state; year-to-date from the months before; one write, history row and
    audit record (`action`, or the submission's with `submit`; `extra` joins its changes;
    `known`: the months before, if the caller read them with the lock)."""
    _ensure_open(report)
    _ensure_version(report, expected_version)
    policy.require_state(actor, report, policy.FILL)
    before = (report.completed_in_period, report.cumulative_completed)
    report.completed_in_period, report.cumulative_completed = period, cumulative
    report.physical_progress, report.issues = physical_progress.strip(), issues.strip()
    if known is None and report.round.cadence == Cadence.MONTHLY:
        known = months_before(report)
    report.ytd_completed = ytd_of(report, period, known)
    figures = {"completed_in_period": [before[0], period],
               "cumulative_completed": [before[1], cumulative], **(extra or {})}
    if submit:
        # One write, one history row and one audit record carry both the figures and the
        # submission (the month-end surge is mostly this path).
        report = _submit(actor, report, at, figures, known)
    else:
        report = _write_filled(report, actor, action, figures)
    if period != before[0] and (known is None or known.later):
        # A month filled late or corrected after its return: the later reports' stored
        # year-to-date figures add this one up. Skipped when `known` found none: a later
        # round still being opened by another transaction is unseen either way (the
        # locking query would not see its uncommitted rows).
        _refresh_ytd_after(report)
    return report


def _refresh_ytd_after(report: ProgressReport, *, itself: bool = False) -> None:
    """Recompute the stored YTD of the project's reports of the same year that end after
    `report` (and of `report` itself with `itself`), in period order, so a weekly report
    reads the refreshed total of the month before it."""
    end = report.round.period_end
    later = ProgressReport.objects.filter(
        project_id=report.project_id, round__period_end__year=report.round.year,
        **({"round__period_end__gte": end} if itself else {"round__period_end__gt": end}),
    ).select_related("round").order_by("round__period_end").select_for_update(of=("self",))
    # Locked before they are read: a reporter saving one of them meanwhile is waited for, and
    # their figure is then read as saved.
    for each in later:
        ytd = ytd_of(each, each.completed_in_period)
        if ytd != each.ytd_completed:
            each.ytd_completed = ytd
            each.save(update_fields=["ytd_completed"])


def _thresholds() -> quality.Thresholds:
    return quality.Thresholds.of(DispatchSettings.current())


def _check_quality(report: ProgressReport, known: Before | None = None) -> list[str]:
    previous = known.previous if known is not None else _previous(report)
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
        known.thresholds if known is not None else _thresholds())


def _submit(actor: User | None, report: ProgressReport, at: datetime | None,
            figures: dict | None = None, known: Before | None = None) -> ProgressReport:
    """Submit a locked, editable report whose YTD is current (`figures`: the amounts changed
    in the same step, for the audit record; `known`: what was read of the months before)."""
    report.review_flags = _check_quality(report, known)
    now = at or clock.now()
    report.status = ReportStatus.SUBMITTED
    report.submitted_by, report.submitted_at = actor, now
    report.is_overdue = is_overdue(report.round.due_at, now)
    report.return_reason = ""
    return _write_filled(report, actor, "report.submit", {
        **(figures or {}), "flags": report.review_flags, "overdue": report.is_overdue})


def report_submit(*, actor: User | None, report: ProgressReport | int,
                  expected_version: int | None, at: datetime | None = None) -> ProgressReport:
    """Submit for review (`report`: the report or its id). Submitting an already-submitted
    report again changes nothing.

    `at` is the submission time when loading historical reports (default: now); overdue is
    judged against it.
    """
    with transaction.atomic():
        report, known = _locked_to_fill(actor, report)
        if report.status not in EDITABLE and report.submitted_at is not None and (
                expected_version is None or int(expected_version) == report.version):
            return report  # a double click or a retried request
        _ensure_open(report)
        _ensure_version(report, expected_version)
        if report.status not in EDITABLE:
            raise UserError("report.not_editable", _("该填报已提交，不能重复提交。"))
        if known is None and report.round.cadence == Cadence.MONTHLY:
            known = months_before(report)
        report.ytd_completed = ytd_of(report, report.completed_in_period, known)
        return _submit(actor, report, at, known=known)


def report_unit_approve(*, actor: User, report: ProgressReport,
                        expected_version: int | None) -> ProgressReport:
    """The unit head approves a submitted report before the DRC's review."""
    with transaction.atomic():
        report = _locked_report(actor, report)
        if not policy.may_take(actor, report, policy.UNIT_APPROVE):
            raise NotFound
        _ensure_open(report)
        _ensure_version(report, expected_version)
        policy.require_state(actor, report, policy.UNIT_APPROVE)
        report.status = ReportStatus.UNIT_APPROVED
        report.unit_approved_by, report.unit_approved_at = actor, clock.now()
        return _save(report, actor, "report.unit_approve", {})


def report_return(*, actor: User, report: ProgressReport, reason: str,
                  expected_version: int | None) -> ProgressReport:
    """Send a report back to its reporter with the reason (unit head or dispatcher)."""
    if not reason.strip():
        raise UserError("report.return_needs_reason", _("退回须填写原因。"), "reason")
    with transaction.atomic():
        report = _locked_report(actor, report)
        if not policy.may_take(actor, report, policy.RETURN):
            raise NotFound
        _ensure_open(report)
        _ensure_version(report, expected_version)
        policy.require_state(actor, report, policy.RETURN)
        report.status = ReportStatus.RETURNED
        report.return_reason = reason.strip()
        report.reviewed_by, report.reviewed_at = actor, clock.now()
        report = _save(report, actor, "report.return", {"reason": reason.strip()})
        report_returned_notify(report, actor)
        return report


def report_approve(*, actor: User | None, report: ProgressReport,
                   expected_version: int | None, at: datetime | None = None) -> ProgressReport:
    """The dispatcher's final approval: the figures now count in the rollups and KPIs.
    (`at`: the review time when loading historical reports.)"""
    _require_dispatcher(actor)
    with transaction.atomic():
        report = _locked_report(actor, report)
        _ensure_open(report)
        _ensure_version(report, expected_version)
        policy.require_state(actor, report, policy.APPROVE)
        report.status = ReportStatus.APPROVED
        report.reviewed_by, report.reviewed_at = actor, at or clock.now()
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
        _refresh_ytd_after(report, itself=True)
        audit.record(actor, "report.adjust", adjustment,
                     {"delta_completed": delta, "reason": reason.strip()})
        rollups.refresh_project(report.project, report.round.year)
    return adjustment




def report_raise_case(*, actor: User | None, report: ProgressReport):
    """Turn the problems a unit wrote in its report (存在问题) into a 督办 case led by the
    project's responsible unit. Raising the same text again returns the existing case."""

    policy.require_case_raiser(actor)
    with transaction.atomic():
        report = _locked_report(actor, report)
        policy.require_state(actor, report, policy.RAISE_CASE)
        text = report.issues.strip()
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
