"""Several activities of one project edited in one step (a unit entering its schedule's plan
and progress at once, the demo loading a schedule): each activity checked as activity_update
checks it, one recompute, one audit event per changed activity."""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from diaodu.core import audit, clock
from diaodu.core.calendar import load_calendar
from diaodu.core.errors import UserError
from diaodu.core.models import User
from diaodu.projects.models import Project

from .models import Activity, ProjectSchedule
from .services import (
    ACTIVITY_FIELDS,
    _clean_activity,
    _lock_project,
    _snapshot,
    ensure_can_edit,
    schedule_recompute,
)


def activities_update(*, actor: User | None, project: Project,
                      changes: dict[int, dict[str, Any]],
                      today: date | None = None) -> ProjectSchedule:
    """Apply {activity id: {field: value}} to the project's activities, all or nothing."""
    today = today or clock.today()
    with transaction.atomic():
        _lock_project(project.pk)
        ensure_can_edit(actor, project)
        calendar = load_calendar()
        activities = {a.pk: a for a in Activity.objects.select_for_update()
                      .filter(project=project, pk__in=list(changes))}
        changed, events = [], []
        for pk, values in changes.items():
            unknown = set(values) - set(ACTIVITY_FIELDS)
            if unknown or pk not in activities:
                raise UserError("schedule.field_unknown",
                                _("不能修改这些字段：%(f)s") % {"f": "、".join(sorted(unknown))
                                                         or str(pk)})
            activity = activities[pk]
            before = _snapshot(activity)
            cleaned, notes = _clean_activity({**before, **values}, calendar, today)
            for field in ACTIVITY_FIELDS:
                setattr(activity, field, cleaned.get(field, before[field]))
            delta = audit.diff(before, _snapshot(activity))
            if not delta:
                continue
            activity.note = "".join(notes) or activity.note
            activity.version += 1
            activity._history_user = actor
            changed.append(activity)
            events.append(("activity.update", activity, {**delta, "notes": notes}))
        bulk_update_with_history(changed, Activity, [*ACTIVITY_FIELDS, "note", "version"],
                                 batch_size=500, default_user=actor)
        schedule = schedule_recompute(project=project, today=today, calendar=calendar)
        audit.record_many(actor, events)
    return schedule
