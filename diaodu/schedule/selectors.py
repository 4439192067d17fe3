"""Reads of schedules for users, scoped through core.scoping with constant query counts."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, QuerySet

from diaodu.core.calendar import WorkCalendar
from diaodu.core.errors import NotFound
from diaodu.core.scoping import scope_for
from diaodu.projects.models import Project
from diaodu.projects.selectors import ProjectFilters, project_list

from . import rules
from .models import Activity, Baseline, BaselineEntry, Dependency, ProjectSchedule

# The board's status filter for projects without key milestones (beside the Rag values).
UNSCHEDULED = "none"


def schedule_project_get(*, user, pk) -> Project:
    """A project the user may see, with its schedule settings (or NotFound)."""
    try:
        return (scope_for(user, Project)
                .select_related("category", "responsible_unit", "street", "schedule")
                .get(pk=pk))
    except (Project.DoesNotExist, ValueError, TypeError):
        raise NotFound from None


def project_schedule(project: Project) -> ProjectSchedule | None:
    try:
        return project.schedule
    except ProjectSchedule.DoesNotExist:
        return None


def activity_list(*, user, project: Project) -> QuerySet[Activity]:
    return (scope_for(user, Activity).filter(project=project)
            .select_related("milestone_type").order_by("position", "id"))


def activity_get(*, user, project: Project, pk) -> Activity:
    try:
        return activity_list(user=user, project=project).get(pk=pk)
    except (Activity.DoesNotExist, ValueError, TypeError):
        raise NotFound from None


def dependency_list(*, user, project: Project) -> QuerySet[Dependency]:
    return (scope_for(user, Dependency).filter(project=project)
            .select_related("predecessor", "successor")
            .order_by("predecessor__position", "successor__position", "kind"))


def baseline_list(*, user, project: Project) -> QuerySet[Baseline]:
    return scope_for(user, Baseline).filter(project=project).select_related("created_by")


def baseline_get(*, user, project: Project, pk) -> Baseline | None:
    """The baseline to compare against, or None (a bad or foreign id means no comparison)."""
    if not pk:
        return None
    return baseline_list(user=user, project=project).filter(pk=pk).first() \
        if str(pk).isdigit() else None


def _workdays(calendar: WorkCalendar, start: date, end: date) -> int:
    """Working days from start to end (negative when end is earlier), by index lookup."""
    return calendar.index_on_or_before(end) - calendar.index_on_or_before(start)


@dataclass
class Slip:
    """Current forecast against a baseline, in working days (positive = later)."""

    start: int | None
    finish: int | None
    entry: BaselineEntry | None


def baseline_slips(*, baseline: Baseline, activities: list[Activity],
                   calendar: WorkCalendar) -> tuple[dict[int, Slip], int | None]:
    """Slip per activity and for the project's finish."""
    entries = {e.activity_id: e for e in baseline.entries.all() if e.activity_id}
    slips = {}
    for a in activities:
        entry = entries.get(a.pk)
        current_start = a.actual_start or a.early_start
        current_finish = a.actual_finish or a.early_finish
        if entry is None or current_start is None or current_finish is None:
            slips[a.pk] = Slip(None, None, entry)
            continue
        slips[a.pk] = Slip(_workdays(calendar, entry.start, current_start),
                           _workdays(calendar, entry.finish, current_finish), entry)
    finishes = [a.actual_finish or a.early_finish for a in activities
                if (a.actual_finish or a.early_finish)]
    project_slip = None
    if baseline.finish_on and finishes:
        project_slip = _workdays(calendar, baseline.finish_on, max(finishes))
    return slips, project_slip


@dataclass
class BoardRow:
    project: Project
    milestones: dict[int, Activity] = field(default_factory=dict)  # milestone type id → activity
    others: list[Activity] = field(default_factory=list)  # key activities without a type
    rag: str = ""


@dataclass
class BoardGroup:
    name: str
    rows: list[BoardRow]


def board(*, user, filters: ProjectFilters | None = None, group_by: str = "unit",
          status: str = "", today: date | None = None) -> list[BoardGroup]:
    """挂图作战: every visible project with its key milestones, grouped by responsible unit or
    street; with `status`, only the projects in that state (a Rag value, or UNSCHEDULED for
    those without key milestones). Three queries whatever the number of projects."""
    projects = project_list(user=user, filters=filters).prefetch_related(
        Prefetch("activities", to_attr="key_activities",
                 queryset=Activity.objects.filter(is_key=True).order_by("position", "id")))
    groups: dict[str, list[BoardRow]] = defaultdict(list)
    order: dict[str, tuple] = {}
    for project in projects:
        row = BoardRow(project=project)
        for activity in project.key_activities:
            if activity.milestone_type_id and activity.milestone_type_id not in row.milestones:
                row.milestones[activity.milestone_type_id] = activity
            else:
                row.others.append(activity)
        row.rag = rules.worst(a.rag for a in project.key_activities)
        if status and (row.rag or UNSCHEDULED) != status:
            continue
        unit = project.street if group_by == "street" else project.responsible_unit
        name = unit.name if unit else "—"
        groups[name].append(row)
        order.setdefault(name, (unit.path if unit else "~",))
    return [BoardGroup(name, groups[name]) for name in sorted(groups, key=order.__getitem__)]
