"""Permission, state and version guards shared by the dispatch services."""

from typing import Any

from django.utils.translation import gettext as _

from diaodu.core import audit
from diaodu.core.errors import NotFound, UserError
from diaodu.core.locking import check_version
from diaodu.core.models import User
from diaodu.core.scoping import scope_for

from .. import policy
from ..models import (
    ProgressReport,
    ReportStatus,
)

EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)


_require_dispatcher = policy.require_reviewer  # the name the services were written with


can_fill = policy.fills


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
    check_version(report, expected_version, code="report.version_conflict",
                  subject=_("该填报"))


def _save(report: ProgressReport, actor: User | None, action: str,
          changes: dict[str, Any]) -> ProgressReport:
    report.version += 1
    report._history_user = actor
    report.save()
    audit.record(actor, action, report, changes)
    return report
