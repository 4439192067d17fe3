"""入库 evidence: dated, geotagged site photos on the project itself (core/photo_services.py).
The statistics bureau asks for them once the main works start, so they are checked against
the days from the actual start to today and against the project's point."""

from diaodu.core import clock, photo_services
from diaodu.core.models import User
from diaodu.core.scoping import scope_for

from . import policy
from .models import Project


def _visible(user: User):
    return scope_for(user, Project)


def _require_edit(user: User, project: Project) -> None:
    policy.require_evidence_keeper(user, project)


def evidence_context(project: Project) -> photo_services.PhotoContext:
    period = (project.actual_start, clock.today()) if project.actual_start else None
    return photo_services.PhotoContext(unit_id=project.responsible_unit_id, subject=project,
                                       period=period, point=project.point)


def register() -> None:
    photo_services.register_owner(Project, visible=_visible, require_edit=_require_edit,
                                  context=evidence_context)
