"""Permission, state and version guards shared by the dispatch services."""

from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from diaodu.core import audit, bulk, rowread
from diaodu.core.errors import NotFound, UserError
from diaodu.core.history import history_write
from diaodu.core.locking import check_version
from diaodu.core.models import User
from diaodu.core.scoping import scope_for

from .. import policy
from ..models import (
    ProgressReport,
    ReportStatus,
)
from . import months
from .months import Before

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


# What a fill or a submission reads of a report: its round and project. Not the responsible
# unit (each joined table costs the database more to plan than the row costs to read): the
# policy compares a reporter's unit by its key and reads the unit only for a unit head.
FILL_RELATED = ("round", "project")


def _locked_to_fill(actor: User | None,
                    report: ProgressReport | int) -> tuple[ProgressReport, Before | None]:
    """The report under a row lock for its unit's save or submission (NotFound unless
    `actor` may fill it), and on PostgreSQL the months before it (months.with_the_lock; None
    where they were not read: the caller reads them if its round is monthly). The month-end
    surge is mostly this read, so it is the statement core/rowread.py builds once, not a
    compiled select_related query. Who may fill is policy.fills — the unit's own reports, a
    unit head's units' — always within what scope_for shows the same user
    (tests/investment/test_fill_path.py holds that)."""
    pk = report if isinstance(report, int) else report.pk
    if connection.vendor == "postgresql":
        report, column = rowread.read_one_with(ProgressReport, pk, FILL_RELATED,
                                               months.with_the_lock, for_update=True)
    else:
        report, column = rowread.read_one(ProgressReport, pk, FILL_RELATED,
                                          for_update=True), None
    if report is None:
        raise NotFound
    if actor is not None and not (actor.is_active and can_fill(actor, report.project)):
        raise NotFound
    return report, months.from_the_lock(column, report)


def _ensure_open(report: ProgressReport) -> None:
    if report.round.is_locked:
        raise UserError("round.locked",
                        _("“%(round)s”已锁定，不能再修改；如需更正请联系区发改委做数据更正。")
                        % {"round": report.round})


def _ensure_version(report: ProgressReport, expected_version: int | None) -> None:
    check_version(report, expected_version, code="report.version_conflict",
                  subject=_("该填报"))


def _write_filled(report: ProgressReport, actor: User | None, action: str,
                  changes: dict[str, Any]) -> ProgressReport:
    """`_save` for a fill or a submission, in statements built once and sent together (one
    round trip on PostgreSQL): the row, its history row and its audit event. Never for an
    approval, whose post_save re-evaluates the project's warnings (dashboard/signals.py):
    this sends no signal."""
    report.version += 1
    event = audit.record_write(actor, action, report, changes)
    bulk.write_together([bulk.update_one_write(report), history_write(report, actor),
                         *([event] if event is not None else [])])
    return report


def _save(report: ProgressReport, actor: User | None, action: str,
          changes: dict[str, Any]) -> ProgressReport:
    report.version += 1
    report._history_user = actor
    report.save()
    audit.record(actor, action, report, changes)
    return report
