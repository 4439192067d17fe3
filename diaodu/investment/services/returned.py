"""The reporters hear that their report was returned: one inbox message (and its channels)
naming the project, the round and the reason, written once the return has committed — a return
that rolls back tells no one."""

from functools import partial

from django.db import transaction
from django.utils.translation import gettext_noop

from diaodu.core.models import User
from diaodu.core.notify import NotificationKind, notify
from diaodu.core.phrases import phrase

from .. import policy
from ..models import ProgressReport


def returned_recipients(report: ProgressReport, actor: User | None) -> list[User]:
    """Who submitted the report and the people who fill in for its unit (as 催报 reaches
    them), active, without the person who returned it."""
    people = User.objects.filter(unit_id=report.project.responsible_unit_id,
                                 role__in=policy.FILLERS, is_active=True)
    found = {u.pk: u for u in people}
    submitter = report.submitted_by
    if submitter is not None and submitter.is_active:
        found.setdefault(submitter.pk, submitter)
    if actor is not None:
        found.pop(actor.pk, None)
    return list(found.values())


def _send(report_pk: int, version: int, actor_pk: int | None) -> int:
    report = (ProgressReport.objects.select_related("project", "round", "submitted_by")
              .get(pk=report_pk))
    actor = User.objects.filter(pk=actor_pk).first() if actor_pk else None
    return notify(
        returned_recipients(report, actor), kind=NotificationKind.REPORT_RETURNED, about=report,
        title=phrase(gettext_noop("填报退回：%(project)s（%(round)s）"),
                     project=report.project.name, round=str(report.round)),
        body=phrase(gettext_noop("退回原因：%(reason)s。请修改后重新报送。"),
                    reason=report.return_reason),
        key=f"report-return:{report.pk}:{version}")


def report_returned_notify(report: ProgressReport, actor: User | None) -> None:
    """After the surrounding transaction commits, tell the reporters (see the module). The
    return has committed by then: a failure to write the message is logged, not raised."""
    transaction.on_commit(partial(_send, report.pk, report.version,
                                  actor.pk if actor is not None else None), robust=True)
