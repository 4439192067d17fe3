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
from ..models import ProgressReport, ReportingRound
from .guards import _ensure_open, _locked_report
from .reports import fill


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
        return fill(actor, report, expected_version, period, cumulative, physical_progress,
                    issues, submit=submit, at=None, action="report.record",
                    extra={"source": source})
