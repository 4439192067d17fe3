"""Site photos on a progress report (core/photo_services.py): the report's scope, who may add
and remove them (the unit that fills the report in, while it can be edited), and what the
checks compare with (the round's period, the project's point)."""

from diaodu.core import photo_services
from diaodu.core.errors import NotFound
from diaodu.core.models import User
from diaodu.core.scoping import scope_for

from . import policy
from .models import ProgressReport
from .services.guards import _ensure_open


def _visible(user: User):
    return scope_for(user, ProgressReport)


def require_photo_edit(user: User, report: ProgressReport) -> None:
    """Photos are part of the filling in: the responsible unit, while the report is editable
    and its round open."""
    report = (ProgressReport.objects.select_related("round", "project__responsible_unit")
              .get(pk=report.pk))
    if not policy.fills(user, report.project):
        raise NotFound
    _ensure_open(report)
    policy.require_state(user, report, policy.FILL)


def _context(report: ProgressReport) -> photo_services.PhotoContext:
    project = report.project
    return photo_services.PhotoContext(
        unit_id=project.responsible_unit_id, subject=project,
        period=(report.round.period_start, report.round.period_end), point=project.point)


def register() -> None:
    photo_services.register_owner(ProgressReport, visible=_visible,
                                  require_edit=require_photo_edit, context=_context)
