"""The DRC's collected ledger (台账) carrying the month's figures: a project added to an open
round, and the figures recorded into its report (submitted, as a unit's 提交 would, so the
review still follows). Used by the project ledger import (investment/imports.py)."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from diaodu.core import audit
from diaodu.core.models import User
from diaodu.core.money import parse_wan
from diaodu.projects.models import Project

from .. import policy
from ..models import Cadence, ProgressReport, ReportingRound
from .guards import _ensure_open, _ensure_version, _locked_report, _save
from .reports import _refresh_ytd_after, _submit, months_before, ytd_of


def round_add_project(*, actor: User | None, round_: ReportingRound,
                      project: Project) -> ProgressReport:
    """The project's report in an open round it was not opened with (a project the ledger
    brings in after the round opened). Its existing report is returned as it is."""
    policy.require_recorder(actor)
    with transaction.atomic():
        round_ = ReportingRound.objects.select_for_update().get(pk=round_.pk)
        existing = ProgressReport.objects.filter(round=round_, project=project).first()
        if existing is not None:
            return existing
        report = ProgressReport(round=round_, project=project)
        _ensure_open(report)  # a locked round takes no new report
        report._history_user = actor  # type: ignore[attr-defined]
        report.save()
        audit.record(actor, "round.add_project", report,
                     {"round": str(round_), "project": str(project)})
    return report


def report_record(*, actor: User | None, report: ProgressReport,
                  expected_version: int | None, completed_in_period: Any,
                  cumulative_completed: Any, physical_progress: str = "", issues: str = "",
                  submit: bool = True, source: str = "") -> ProgressReport:
    """Record a report's figures from the DRC's ledger: the same state, lock, version and
    data-quality checks as the unit's own save and submit (a locked round refuses, naming
    it; a report already submitted or approved is not overwritten)."""
    policy.require_recorder(actor)
    period = parse_wan(completed_in_period, field="completed_in_period", label=_("本期完成投资"))
    cumulative = parse_wan(cumulative_completed, field="cumulative_completed",
                           label=_("开工累计完成"))
    with transaction.atomic():
        report = _locked_report(actor, report)
        _ensure_open(report)
        _ensure_version(report, expected_version)
        policy.require_state(actor, report, policy.FILL)
        before = (report.completed_in_period, report.cumulative_completed)
        report.completed_in_period, report.cumulative_completed = period, cumulative
        report.physical_progress, report.issues = physical_progress.strip(), issues.strip()
        known = months_before(report) if report.round.cadence == Cadence.MONTHLY else None
        report.ytd_completed = ytd_of(report, period, known)
        figures = {"completed_in_period": [before[0], period],
                   "cumulative_completed": [before[1], cumulative], "source": source}
        if submit:
            report = _submit(actor, report, None, figures, known)
        else:
            report = _save(report, actor, "report.record", figures)
        if period != before[0] and (known is None or known.later):
            _refresh_ytd_after(report)
        return report
