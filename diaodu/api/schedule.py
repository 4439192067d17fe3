"""Schedules: a project's activities with their CPM dates and float, and their edits (add,
change, report progress) through the same version-checked schedule services as the pages."""

from datetime import date
from typing import Annotated

from ninja import Field, Path, Router, Schema, Status
from pydantic import StringConstraints

from diaodu.schedule import selectors, services

from .schemas import Day, Error, Pk, Strict, Version

router = Router(tags=["schedule"])
ERRORS = {400: Error, 403: Error, 404: Error, 409: Error}
Name = Annotated[str, StringConstraints(max_length=100)]
Duration = Annotated[int, Field(ge=0, le=services.MAX_DURATION)]
Percent = Annotated[int, Field(ge=0, le=100)]
Position = Annotated[int, Field(ge=0, le=100_000)]
Constraint = Annotated[str, StringConstraints(max_length=8)]


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


class ActivityCreate(Strict):
    name: Name = ""
    duration: Duration | None = None
    milestone_type: Pk | None = None
    position: Position | None = None
    is_key: bool | None = None
    planned_start: Day | None = None
    planned_finish: Day | None = None
    actual_start: Day | None = None
    actual_finish: Day | None = None
    percent: Percent = 0
    constraint_kind: Constraint = ""
    constraint_date: Day | None = None


class ActivityUpdate(Strict):
    expected_version: Version
    name: Name | None = None
    duration: Duration | None = None
    milestone_type: Pk | None = None
    position: Position | None = None
    is_key: bool | None = None
    planned_start: Day | None = None
    planned_finish: Day | None = None
    actual_start: Day | None = None
    actual_finish: Day | None = None
    percent: Percent | None = None
    constraint_kind: Constraint | None = None
    constraint_date: Day | None = None


class ActivityProgress(Strict):
    """What a unit reports from the site: percent done and the actual dates."""

    expected_version: Version
    percent: Percent | None = None
    actual_start: Day | None = None
    actual_finish: Day | None = None


# Fields whose null means "leave as is" rather than "clear" (they cannot be empty).
REQUIRED = ("name", "duration", "position", "is_key", "percent", "constraint_kind")


def _activity(request, project_id: int, activity_id: int):
    project = selectors.schedule_project_get(user=request.auth, pk=project_id)
    return project, selectors.activity_get(user=request.auth, project=project, pk=activity_id)


def _update(request, project_id: int, activity_id: int, payload: Strict):
    project, activity = _activity(request, project_id, activity_id)
    changes = payload.model_dump(exclude_unset=True)
    expected = changes.pop("expected_version")
    changes = {k: v for k, v in changes.items() if not (v is None and k in REQUIRED)}
    if "constraint_kind" in changes and not changes["constraint_kind"]:
        changes.setdefault("constraint_date", None)
    services.activity_update(actor=request.auth, activity=activity, expected_version=expected,
                             **changes)
    return selectors.activity_get(user=request.auth, project=project, pk=activity.pk)


@router.post("/projects/{project_id}/activities", response={201: ActivityOut, **ERRORS},
             url_name="activity_create")
def activity_create(request, project_id: Path[Pk], payload: ActivityCreate):
    """Add an activity or milestone (duration 0); name, duration and key flag default to the
    milestone type's. Dates on days off move to a working day (see `note` on the page)."""
    project = selectors.schedule_project_get(user=request.auth, pk=project_id)
    activity = services.activity_create(actor=request.auth, project=project,
                                        **payload.model_dump())
    return Status(201, selectors.activity_get(user=request.auth, project=project,
                                              pk=activity.pk))


@router.patch("/projects/{project_id}/activities/{activity_id}",
              response={200: ActivityOut, **ERRORS}, url_name="activity_update")
def activity_update(request, project_id: Path[Pk], activity_id: Path[Pk],
                    payload: ActivityUpdate):
    """Change an activity; a stale `expected_version` is 409 naming who changed what."""
    return _update(request, project_id, activity_id, payload)


@router.post("/projects/{project_id}/activities/{activity_id}/progress",
             response={200: ActivityOut, **ERRORS}, url_name="activity_progress")
def activity_progress(request, project_id: Path[Pk], activity_id: Path[Pk],
                      payload: ActivityProgress):
    """Report progress: percent and actual start/finish (a finish sets 100%)."""
    return _update(request, project_id, activity_id, payload)
