"""Warnings follow each approval: when a monthly report becomes approved, its project is
re-evaluated after the transaction commits (once per project per transaction, however many
reports were approved in it). About ten queries per project; a failure never undoes the
approval — the nightly run catches up."""

import threading

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from diaodu.investment.models import ProgressReport, ReportStatus

_pending = threading.local()


def _flush() -> None:
    ids = getattr(_pending, "ids", set())
    _pending.ids = set()
    if ids:
        from .services import warnings_evaluate

        warnings_evaluate(project_ids=sorted(ids))


@receiver(post_save, sender=ProgressReport, dispatch_uid="dashboard.report_approved")
def report_approved(sender, instance: ProgressReport, **kwargs) -> None:
    if instance.status != ReportStatus.APPROVED:
        return
    if not hasattr(_pending, "ids"):
        _pending.ids = set()
    _pending.ids.add(instance.project_id)
    # The first flush after commit handles every pending project; the later ones find none.
    # (A rolled-back transaction leaves its ids for the next flush: harmless extra work.)
    transaction.on_commit(_flush, robust=True)
