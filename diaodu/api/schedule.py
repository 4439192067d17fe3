"""Schedules: a project's activities with their CPM dates and float (read only here)."""

from datetime import date

from ninja import Path, Router, Schema

from diaodu.schedule import selectors

from .schemas import Error, Pk

router = Router(tags=["schedule"])


class ActivityOut(Schema):
    id: int
    name: str
    position: int
    duration: int
    is_key: bool
    planned_start: date | None
    planned_finish: date | None
    actual_start: date | None
    actual_finish: date | None
    percent: int
    early_start: date | None
    early_finish: date | None
    late_start: date | None
    late_finish: date | None
    total_float: int | None
    critical: bool
    rag: str
    version: int


@router.get("/projects/{project_id}/activities", response={200: list[ActivityOut], 404: Error},
            url_name="activity_list")
def activity_list(request, project_id: Path[Pk]):
    """The project's schedule in order (a project outside the caller's scope is 404)."""
    project = selectors.schedule_project_get(user=request.auth, pk=project_id)
    return list(selectors.activity_list(user=request.auth, project=project))
