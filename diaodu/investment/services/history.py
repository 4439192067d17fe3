"""A past month recorded in one step: its reports filled, submitted and approved as they were
(taking over a district's history from the provincial 四库 platform or a spreadsheet, and
the demo's 2021–2023). Each report is checked as report_save and report_submit check it."""

from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from diaodu.core import audit
from diaodu.core.errors import UserError
from diaodu.core.models import User
from diaodu.core.money import CENT, parse_wan
from diaodu.projects.models import Stage

from .. import quality, rollups
from ..models import (
    ZERO,
    Cadence,
    DispatchSettings,
    ProgressReport,
    ReportAdjustment,
    ReportingRound,
    ReportStatus,
)
from .guards import EDITABLE, _require_dispatcher

FIELDS = ["completed_in_period", "cumulative_completed", "ytd_completed", "physical_progress",
          "status", "review_flags", "submitted_by", "submitted_at", "is_overdue", "reviewed_by",
          "reviewed_at", "version"]


def round_record_approved(*, actor: User | None, round_: ReportingRound,
                          figures: dict[int, dict[str, Any]]) -> int:
    """Record {project id: {completed_in_period, cumulative_completed, physical_progress,
    submitted_at, reviewed_at}} as approved reports of an open monthly round; all or nothing
    (a refused figure names its project). Returns the number of reports recorded."""
    _require_dispatcher(actor)
    with transaction.atomic():
        round_ = ReportingRound.objects.select_for_update().get(pk=round_.pk)
        if round_.is_locked or round_.cadence != Cadence.MONTHLY:
            raise UserError("round.locked",
                            _("“%(round)s”已锁定，不能再修改；如需更正请联系区发改委做数据更正。")
                            % {"round": round_})
        reports = list(round_.reports.select_for_update(of=("self",))
                       .select_related("project").filter(project_id__in=list(figures)))
        previous, ytd = _earlier(round_, [r.project_id for r in reports])
        limits = quality.Thresholds.of(DispatchSettings.current())
        events = []
        for report in reports:
            values = figures[report.project_id]
            try:
                _fill(report, values, previous.get(report.project_id),
                      ytd[report.project_id], limits, actor)
            except UserError as error:
                raise UserError(error.code, _("%(project)s：%(message)s")
                                % {"project": report.project.name, "message": error.message},
                                error.field) from None
            events.append(("report.record_approved", report, {
                "completed_in_period": report.completed_in_period,
                "cumulative_completed": report.cumulative_completed,
                "flags": report.review_flags}))
        bulk_update_with_history(reports, ProgressReport, FIELDS, batch_size=500,
                                 default_user=actor)
        audit.record_many(actor, events)
        for bucket in {rollups.Bucket.of(r.project) for r in reports}:
            rollups.refresh(bucket, round_.year)
    return len(reports)


def _earlier(round_: ReportingRound, project_ids: list[int]):
    """Per project: the latest earlier monthly report submitted at least once, and the
    year's earlier approved-or-not monthly figures plus corrections (as ytd_of adds them)."""
    previous: dict[int, ProgressReport] = {}
    for report in (ProgressReport.objects
                   .filter(project_id__in=project_ids, round__cadence=Cadence.MONTHLY,
                           round__period_end__lt=round_.period_start)
                   .exclude(status=ReportStatus.DRAFT).order_by("round__period_end")):
        previous[report.project_id] = report
    ytd: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for pid, amount in ProgressReport.objects.filter(
            project_id__in=project_ids, round__cadence=Cadence.MONTHLY,
            round__period_end__year=round_.year,
            round__period_end__lt=round_.period_start).values_list("project_id",
                                                                   "completed_in_period"):
        ytd[pid] += amount
    for pid, delta in ReportAdjustment.objects.filter(
            report__project_id__in=project_ids, report__round__cadence=Cadence.MONTHLY,
            report__round__period_end__year=round_.year,
            report__round__period_end__lte=round_.period_end).values_list(
            "report__project_id", "delta_completed"):
        ytd[pid] += delta
    return previous, ytd


def _fill(report: ProgressReport, values: dict[str, Any], previous: ProgressReport | None,
          earlier: Decimal, limits: quality.Thresholds, actor: User | None) -> None:
    if report.status not in EDITABLE:
        raise UserError("report.not_editable", _("该填报已提交（%(s)s），不能再修改。")
                        % {"s": report.get_status_display()})
    period = parse_wan(values["completed_in_period"], field="completed_in_period",
                       label=_("本期完成投资"))
    cumulative = parse_wan(values["cumulative_completed"], field="cumulative_completed",
                           label=_("开工累计完成"))
    submitted: datetime = values["submitted_at"]
    reviewed: datetime = values["reviewed_at"]
    if reviewed < submitted:
        raise UserError("report.reviewed_before_submitted", _("审定时间不能早于提交时间。"),
                        "reviewed_at")
    report.completed_in_period, report.cumulative_completed = period, cumulative
    report.physical_progress = (values.get("physical_progress") or "").strip()
    report.ytd_completed = (earlier + period).quantize(CENT)
    report.review_flags = quality.check(
        quality.ReportFigures(completed_in_period=period, cumulative_completed=cumulative,
                              ytd_completed=report.ytd_completed,
                              physical_progress=report.physical_progress,
                              under_construction=report.project.stage == Stage.CONSTRUCTION),
        quality.History(
            previous_cumulative=previous.cumulative_completed if previous else None,
            previous_period=previous.completed_in_period if previous else None,
            total_investment=report.project.total_investment),
        limits)
    report.status = ReportStatus.APPROVED
    report.submitted_by, report.submitted_at = actor, submitted
    report.is_overdue = submitted > report.round.due_at
    report.reviewed_by, report.reviewed_at = actor, reviewed
    report.return_reason = ""
    report.version += 1
