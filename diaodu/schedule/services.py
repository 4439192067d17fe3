"""Writes to project schedules. Each function validates, writes, recomputes the schedule with
cpm.py and records audit in one transaction, so a refused change (a cycle, a bad date) leaves
nothing half-saved (DESIGN §4)."""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from diaodu.core import audit, clock
from diaodu.core.calendar import WorkCalendar, load_calendar
from diaodu.core.errors import UserError
from diaodu.core.locking import check_version, last_audit
from diaodu.core.models import User
from diaodu.core.scoping import scope_for
from diaodu.projects.models import Project

from . import cpm, policy, rules
from .models import (
    Activity,
    Baseline,
    BaselineEntry,
    ConstraintKind,
    Dependency,
    LinkKind,
    MilestoneType,
    ProjectSchedule,
    ScheduleTemplate,
)
from .reference import (  # noqa: F401  (milestone_type_save, template_save: callers' names)
    MAX_DURATION,
    cycle_error,
    milestone_type_save,
    template_save,
)

# Who may edit a schedule of a project in their scope (DESIGN §1: reporters keep milestones).
SCHEDULE_EDITORS = policy.SCHEDULE_EDITORS
BASELINE_EDITORS = policy.BASELINE_EDITORS
ACTIVITY_FIELDS = ("name", "duration", "milestone_type", "position", "is_key", "planned_start",
                   "planned_finish", "actual_start", "actual_finish", "percent",
                   "constraint_kind", "constraint_date")


def _in_scope(actor: User | None, project: Project) -> bool:
    return actor is None or scope_for(actor, Project).filter(pk=project.pk).exists()


def can_edit(actor: User | None, project: Project) -> bool:
    # The role first: a role that never edits costs no query.
    return policy.may_edit(actor, in_scope=True) and \
        policy.may_edit(actor, in_scope=_in_scope(actor, project))


def ensure_can_edit(actor: User | None, project: Project) -> None:
    policy.require_edit(actor, in_scope=can_edit(actor, project))




def _lock_project(project_id: int) -> Project:
    """Serialise the writes to one project's schedule: each recomputes (and rewrites) every
    activity's computed dates, so two at once would leave one of them stale."""
    return Project.objects.select_for_update().get(pk=project_id)


def _label(field: str) -> str:
    return str(Activity._meta.get_field(field).verbose_name)


def _as_date(value: Any, field: str, label: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise UserError("schedule.date_invalid", _("%(label)s不是有效日期：%(value)s")
                        % {"label": label, "value": value}, field) from None


def _working_day(calendar: WorkCalendar, day: date | None, *, field: str, label: str,
                 later: bool, notes: list[str]) -> date | None:
    """`day`, or the nearest working day (next for starts, previous for finishes) with a note."""
    if day is None:
        return None
    if not calendar.in_index_range(day):
        raise UserError("schedule.date_out_of_range",
                        _("%(label)s超出可排期范围（2000—2060年）：%(day)s")
                        % {"label": label, "day": day}, field)
    if calendar.is_workday(day):
        return day
    moved = calendar.next_workday(day) if later else calendar.previous_workday(day)
    notes.append(_("%(label)s %(old)s 为非工作日，已调整为 %(new)s。")
                 % {"label": label, "old": day.isoformat(), "new": moved.isoformat()})
    return moved


def _clean_activity(values: dict[str, Any], calendar: WorkCalendar,
                    today: date) -> tuple[dict[str, Any], list[str]]:
    """Validate an activity as it would be saved; returns the values and the date notes."""
    notes: list[str] = []
    v = dict(values)
    v["name"] = (v.get("name") or "").strip()
    if not v["name"]:
        raise UserError("schedule.name_required", _("请填写节点名称。"), "name")
    if len(v["name"]) > 100:
        raise UserError("schedule.name_too_long", _("节点名称不能超过100个字。"), "name")
    try:
        v["duration"] = int(v.get("duration"))
    except (TypeError, ValueError):
        raise UserError("schedule.duration_invalid", _("工期应为整数个工作日。"),
                        "duration") from None
    if v["duration"] < 0:
        raise UserError("schedule.duration_negative", _("工期不能为负数：%(name)s")
                        % {"name": v["name"]}, "duration")
    if v["duration"] > MAX_DURATION:
        raise UserError("schedule.duration_too_long", _("工期不能超过%(n)s个工作日。")
                        % {"n": MAX_DURATION}, "duration")
    try:
        v["percent"] = int(v.get("percent") or 0)
    except (TypeError, ValueError):
        raise UserError("schedule.percent_invalid", _("完成百分比应为0到100的整数。"),
                        "percent") from None
    if not 0 <= v["percent"] <= 100:
        raise UserError("schedule.percent_invalid", _("完成百分比应为0到100的整数。"), "percent")
    for field in ("planned_start", "planned_finish", "actual_start", "actual_finish",
                  "constraint_date"):
        v[field] = _as_date(v.get(field), field, _label(field))
    if v["planned_start"] and v["planned_finish"] and v["planned_finish"] < v["planned_start"]:
        raise UserError("schedule.finish_before_start",
                        _("%(name)s：计划完成日期不能早于计划开始日期。") % {"name": v["name"]},
                        "planned_finish")
    if v["actual_finish"] and not v["actual_start"]:
        raise UserError("schedule.finish_without_start",
                        _("%(name)s：填写实际完成日期前请先填写实际开始日期。")
                        % {"name": v["name"]}, "actual_start")
    if v["actual_start"] and v["actual_finish"] and v["actual_finish"] < v["actual_start"]:
        raise UserError("schedule.finish_before_start",
                        _("%(name)s：实际完成日期不能早于实际开始日期。") % {"name": v["name"]},
                        "actual_finish")
    for field in ("actual_start", "actual_finish"):
        if v[field] and v[field] > today:
            raise UserError("schedule.actual_in_future",
                            _("%(label)s不能晚于今天。") % {"label": _label(field)}, field)
        if v[field] and not calendar.in_index_range(v[field]):
            raise UserError("schedule.date_out_of_range",
                            _("%(label)s超出可排期范围（2000—2060年）：%(day)s")
                            % {"label": _label(field), "day": v[field]}, field)
    if v["actual_finish"]:
        v["percent"] = 100
    kind = v.get("constraint_kind") or ""
    if kind not in ConstraintKind.values:
        raise UserError("schedule.constraint_invalid", _("约束类型无效。"), "constraint_kind")
    v["constraint_kind"] = kind
    if kind and not v["constraint_date"]:
        raise UserError("schedule.constraint_date_required", _("请填写约束日期。"),
                        "constraint_date")
    if not kind:
        v["constraint_date"] = None
    # Planned days off move to the working day inside the plan, with a note the user sees.
    v["planned_start"] = _working_day(calendar, v["planned_start"], field="planned_start",
                                      label=_label("planned_start"), later=True, notes=notes)
    v["planned_finish"] = _working_day(calendar, v["planned_finish"], field="planned_finish",
                                       label=_label("planned_finish"), later=False, notes=notes)
    if v["planned_start"] and v["planned_finish"] and v["planned_finish"] < v["planned_start"]:
        # Both ends fell in the same days off: the activity keeps its start day.
        v["planned_finish"] = v["planned_start"]
    v["constraint_date"] = _working_day(calendar, v["constraint_date"], field="constraint_date",
                                        label=_label("constraint_date"),
                                        later=kind == ConstraintKind.SNET, notes=notes)
    return v, notes


def _network(activities: list[Activity], links: list[Dependency], calendar: WorkCalendar):
    items = []
    for a in activities:
        start = finish = None
        if a.actual_start:
            start = calendar.index_on_or_after(a.actual_start)
            if a.actual_finish:
                finish = max(start, calendar.index_on_or_before(a.actual_finish))
        constraint_day = None
        if a.constraint_kind and a.constraint_date:
            constraint_day = calendar.index_on_or_after(a.constraint_date) \
                if a.constraint_kind == ConstraintKind.SNET \
                else calendar.index_on_or_before(a.constraint_date)
        items.append(cpm.Activity(key=a.pk, duration=a.duration, actual_start=start,
                                  actual_finish=finish, percent=a.percent,
                                  constraint=a.constraint_kind, constraint_day=constraint_day))
    return items, [cpm.Link(d.predecessor_id, d.successor_id, d.kind, d.lag) for d in links]


def _schedule_for(project: Project, calendar: WorkCalendar, today: date,
                  activities: list[Activity]) -> ProjectSchedule:
    schedule = ProjectSchedule.objects.select_for_update().filter(project=project).first()
    if schedule is None:
        starts = [a.planned_start for a in activities if a.planned_start] + \
            [a.actual_start for a in activities if a.actual_start]
        start = min(starts, default=None) or project.actual_start or project.planned_start \
            or today
        schedule = ProjectSchedule.objects.create(
            project=project, start_on=calendar.next_workday(start))
    return schedule


def schedule_recompute(*, project: Project, today: date | None = None,
                       calendar: WorkCalendar | None = None,
                       fill_plan: bool = False) -> ProjectSchedule:
    """Run the critical-path method and store forecast, latest dates, floats and status.

    Called by the services below inside their transaction and by schedules_refresh each
    morning; raises UserError for a cycle, rolling back the change that made it. fill_plan:
    activities without planned dates take their forecast as plan.
    """
    today = today or clock.today()
    calendar = calendar or load_calendar()
    activities = list(Activity.objects.filter(project=project).order_by("position", "id"))
    links = list(Dependency.objects.filter(project=project))
    schedule = _schedule_for(project, calendar, today, activities)
    items, cpm_links = _network(activities, links, calendar)
    try:
        result = cpm.schedule(
            items, cpm_links, start=calendar.index_on_or_after(schedule.start_on),
            status=calendar.index_on_or_after(today),
            target_finish=calendar.index_on_or_before(schedule.target_finish)
            if schedule.target_finish else None)
    except cpm.CycleError as error:
        raise cycle_error(error, {a.pk: a.name for a in activities}) from None
    except cpm.ScheduleError as error:
        raise UserError(f"schedule.{error.code}", _("进度计划数据有误：%(detail)s")
                        % {"detail": error}) from None

    def finish_day(start: int, end: int) -> date:
        return calendar.day_at(end - 1 if end > start else start)

    try:
        for i, a in enumerate(activities):
            a.early_start = calendar.day_at(result.es[i])
            a.early_finish = finish_day(result.es[i], result.ef[i])
            a.late_start = calendar.day_at(result.ls[i])
            a.late_finish = finish_day(result.ls[i], result.lf[i])
            a.total_float = result.total_float[i]
            a.free_float = result.free_float[i]
            a.critical = result.critical[i]
            if fill_plan and a.planned_start is None and a.planned_finish is None:
                # The plan is committed once the network is complete (template applied, or
                # "用预测填写计划" after editing); later slips show against it.
                a.planned_start, a.planned_finish = a.early_start, a.early_finish
            a.rag = rules.activity_rag(
                finished=a.actual_finish is not None, started=a.actual_start is not None,
                planned_finish=a.planned_finish, late_start=a.late_start,
                # Float measures risk against a target (or a deadline constraint); without
                # one, the critical path has zero float by definition and is not "at risk".
                total_float=a.total_float if schedule.target_finish or a.total_float < 0
                else None, today=today, risk_float=schedule.risk_float)
        finish = calendar.day_at(result.finish - 1) if activities else None
    except ValueError:
        raise UserError("schedule.date_out_of_range",
                        _("排定的日期超出可排期范围（2000—2060年），请检查工期和间隔。")) from None
    Activity.objects.bulk_update(activities, [
        "early_start", "early_finish", "late_start", "late_finish", "total_float",
        "free_float", "critical", "rag", "planned_start", "planned_finish"], batch_size=500)
    schedule.finish_on = finish
    schedule.target_float = result.target_float if schedule.target_finish and activities \
        else None
    schedule.computed_on = today
    schedule.save(update_fields=["finish_on", "target_float", "computed_on"])
    return schedule


def schedules_refresh(*, today: date | None = None) -> int:
    """Recompute every schedule not yet computed today, so statuses follow the date (a planned
    finish passes, a latest start passes) and calendar changes (a stop-work day entered by an
    administrator) reach the forecasts. Only computed fields change: no audit row. Returns the
    number of schedules recomputed; running it twice a day does nothing the second time."""
    today = today or clock.today()
    calendar = load_calendar()
    done = 0
    pending = ProjectSchedule.objects.exclude(computed_on=today).select_related("project")
    for schedule in pending.order_by("pk").iterator():
        with transaction.atomic():
            schedule_recompute(project=schedule.project, today=today, calendar=calendar)
        done += 1
    return done


def ensure_version(activity: Activity, expected_version: int | None) -> None:
    check_version(activity, expected_version, code="schedule.version_conflict",
                  subject=_("节点“%(name)s”") % {"name": activity.name},
                  excluded_fields=("version", "note"))


def _snapshot(activity: Activity) -> dict[str, Any]:
    return {f: getattr(activity, f) for f in ACTIVITY_FIELDS}


def _resolve_type(value) -> MilestoneType | None:
    if value in (None, ""):
        return None
    pk = value.pk if isinstance(value, MilestoneType) else value
    try:
        return MilestoneType.objects.get(pk=pk)
    except (MilestoneType.DoesNotExist, ValueError, TypeError):
        raise UserError("schedule.milestone_type_unknown", _("节点类型不存在。"),
                        "milestone_type") from None


def activity_create(*, actor: User | None, project: Project, name: str = "",
                    duration: int | None = None, milestone_type: Any = None,
                    position: int | None = None, is_key: bool | None = None,
                    planned_start: Any = None, planned_finish: Any = None,
                    actual_start: Any = None, actual_finish: Any = None, percent: int = 0,
                    constraint_kind: str = "", constraint_date: Any = None,
                    today: date | None = None) -> Activity:
    """Add an activity (or a milestone, duration 0). Name, duration and key flag default to
    the milestone type's."""
    today = today or clock.today()
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        ensure_can_edit(actor, project)
        mtype = _resolve_type(milestone_type)
        calendar = load_calendar()
        values, notes = _clean_activity({
            "name": name or (mtype.name if mtype else ""),
            "duration": duration if duration not in (None, "") else
            (mtype.default_duration if mtype else None),
            "planned_start": planned_start, "planned_finish": planned_finish,
            "actual_start": actual_start, "actual_finish": actual_finish, "percent": percent,
            "constraint_kind": constraint_kind, "constraint_date": constraint_date,
        }, calendar, today)
        if position is None:
            last = Activity.objects.filter(project=project).order_by("-position").first()
            position = (last.position + 1) if last else 1
        activity = Activity(project=project, milestone_type=mtype, position=position,
                            is_key=bool(mtype.is_key if is_key is None and mtype else is_key),
                            note="".join(notes), **values)
        activity._history_user = actor
        activity.save()
        schedule_recompute(project=project, today=today, calendar=calendar)
        activity.refresh_from_db()
        audit.record(actor, "activity.create", activity, {**_snapshot(activity),
                                                         "notes": notes})
    return activity


def activity_update(*, actor: User | None, activity: Activity, expected_version: int | None,
                    today: date | None = None, **changes: Any) -> Activity:
    """Edit an activity; a stale `expected_version` is refused naming what changed."""
    today = today or clock.today()
    unknown = set(changes) - set(ACTIVITY_FIELDS)
    if unknown:
        raise UserError("schedule.field_unknown",
                        _("不能修改这些字段：%(f)s") % {"f": "、".join(sorted(unknown))})
    with transaction.atomic():
        _lock_project(activity.project_id)
        activity = Activity.objects.select_for_update().get(pk=activity.pk)
        ensure_can_edit(actor, activity.project)
        ensure_version(activity, expected_version)
        before = _snapshot(activity)
        if "milestone_type" in changes:
            changes["milestone_type"] = _resolve_type(changes["milestone_type"])
        calendar = load_calendar()
        merged = {**before, **changes}
        values, notes = _clean_activity(merged, calendar, today)
        for field in ACTIVITY_FIELDS:
            setattr(activity, field, values.get(field, merged[field]))
        activity.is_key = bool(activity.is_key)
        delta = audit.diff(before, _snapshot(activity))
        if not delta:
            return activity
        if notes:
            activity.note = "".join(notes)
        activity.version += 1
        activity._history_user = actor
        activity.save()
        schedule_recompute(project=activity.project, today=today, calendar=calendar)
        activity.refresh_from_db()
        audit.record(actor, "activity.update", activity, {**delta, "notes": notes})
    return activity


def activity_delete(*, actor: User | None, activity: Activity,
                    expected_version: int | None, today: date | None = None) -> None:
    """Remove an activity and its links; baselines keep their copy of it."""
    with transaction.atomic():
        _lock_project(activity.project_id)
        activity = Activity.objects.select_for_update().get(pk=activity.pk)
        project = activity.project
        ensure_can_edit(actor, project)
        ensure_version(activity, expected_version)
        audit.record(actor, "activity.delete", activity, _snapshot(activity))
        activity._history_user = actor
        activity.delete()
        schedule_recompute(project=project, today=today)


def dependency_add(*, actor: User | None, predecessor: Activity, successor: Activity,
                   kind: str = LinkKind.FS, lag: int = 0,
                   today: date | None = None) -> Dependency:
    """Link two activities of one project; refuses links across projects and cycles."""
    with transaction.atomic():
        predecessor = Activity.objects.select_related("project").get(pk=predecessor.pk)
        successor = Activity.objects.get(pk=successor.pk)
        if predecessor.project_id != successor.project_id:
            raise UserError("schedule.link_across_projects",
                            _("只能在同一项目的节点之间建立关系：“%(a)s”与“%(b)s”属于不同项目。")
                            % {"a": predecessor.name, "b": successor.name}, "successor")
        project = Project.objects.select_for_update().get(pk=predecessor.project_id)
        ensure_can_edit(actor, project)
        if predecessor.pk == successor.pk:
            raise UserError("schedule.link_to_itself", _("节点不能与自身建立关系。"), "successor")
        if kind not in LinkKind.values:
            raise UserError("schedule.link_kind_invalid", _("关系类型应为FS、SS、FF或SF。"),
                            "kind")
        try:
            lag = int(lag)
        except (TypeError, ValueError):
            raise UserError("schedule.lag_invalid", _("间隔应为整数个工作日。"), "lag") from None
        if abs(lag) > MAX_DURATION:
            raise UserError("schedule.lag_invalid", _("间隔应为整数个工作日。"), "lag")
        if Dependency.objects.filter(predecessor=predecessor, successor=successor,
                                     kind=kind).exists():
            raise UserError("schedule.link_duplicate", _("这条关系已存在。"), "successor")
        link = Dependency.objects.create(project=project, predecessor=predecessor,
                                         successor=successor, kind=kind, lag=lag)
        schedule_recompute(project=project, today=today)
        audit.record(actor, "dependency.add", link,
                     {"predecessor": predecessor.name, "successor": successor.name,
                      "kind": kind, "lag": lag})
    return link


def dependency_remove(*, actor: User | None, dependency: Dependency,
                      today: date | None = None) -> None:
    with transaction.atomic():
        _lock_project(dependency.project_id)
        dependency = Dependency.objects.select_related(
            "project", "predecessor", "successor").get(pk=dependency.pk)
        ensure_can_edit(actor, dependency.project)
        audit.record(actor, "dependency.remove", dependency,
                     {"predecessor": dependency.predecessor.name,
                      "successor": dependency.successor.name, "kind": dependency.kind,
                      "lag": dependency.lag})
        dependency.delete()
        schedule_recompute(project=dependency.project, today=today)


def schedule_update(*, actor: User | None, project: Project, expected_version: int | None,
                    start_on: Any, target_finish: Any = None, risk_float: int = 5,
                    fill_plan: bool = False, today: date | None = None) -> ProjectSchedule:
    """Set the schedule's start, the 倒排工期 target finish and the at-risk threshold;
    fill_plan gives activities without planned dates their forecast as plan."""
    today = today or clock.today()
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        ensure_can_edit(actor, project)
        calendar = load_calendar()
        notes: list[str] = []
        start = _as_date(start_on, "start_on", _("计划起始日"))
        if start is None:
            raise UserError("schedule.start_required", _("请填写计划起始日。"), "start_on")
        target = _as_date(target_finish, "target_finish", _("目标完成日期"))
        start = _working_day(calendar, start, field="start_on", label=_("计划起始日"),
                             later=True, notes=notes)
        target = _working_day(calendar, target, field="target_finish", label=_("目标完成日期"),
                              later=False, notes=notes)
        if target and target < start:
            raise UserError("schedule.finish_before_start",
                            _("目标完成日期不能早于计划起始日。"), "target_finish")
        try:
            risk = int(risk_float)
        except (TypeError, ValueError):
            risk = -1
        if not 0 <= risk <= 250:
            raise UserError("schedule.risk_float_invalid",
                            _("风险预警浮动时间应为0到250个工作日。"), "risk_float")
        schedule = ProjectSchedule.objects.select_for_update().filter(project=project).first()
        if schedule is None:
            schedule = ProjectSchedule(project=project, start_on=start)
        else:
            check_version(schedule, expected_version, code="schedule.version_conflict",
                          subject=_("进度计划设置"), last_change=lambda: last_audit(schedule))
        before = {"start_on": schedule.start_on, "target_finish": schedule.target_finish,
                  "risk_float": schedule.risk_float}
        schedule.start_on, schedule.target_finish, schedule.risk_float = start, target, risk
        schedule.note = "".join(notes)
        if schedule.pk:
            schedule.version += 1
        schedule.save()
        unplanned = list(Activity.objects.filter(project=project, planned_start=None,
                                                 planned_finish=None)
                         .values_list("name", flat=True)) if fill_plan else []
        schedule = schedule_recompute(project=project, today=today, calendar=calendar,
                                      fill_plan=fill_plan)
        changes = audit.diff(before, {"start_on": start, "target_finish": target,
                                      "risk_float": risk})
        if unplanned:
            changes["planned_from_forecast"] = unplanned
        audit.record(actor, "schedule.update", schedule, {**changes, "notes": notes})
    return schedule


def schedule_apply_template(*, actor: User | None, project: Project,
                            template: ScheduleTemplate, start_on: Any,
                            target_finish: Any = None,
                            today: date | None = None) -> ProjectSchedule:
    """Create a project's activities and links from a template in one step (empty schedule
    only)."""
    today = today or clock.today()
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        ensure_can_edit(actor, project)
        if Activity.objects.filter(project=project).exists():
            raise UserError("schedule.not_empty",
                            _("该项目已有进度计划，模板只能用于尚无节点的项目。"), "template")
        if not template.active:
            raise UserError("schedule.template_inactive", _("该模板已停用。"), "template")
        schedule = schedule_update(actor=actor, project=project, expected_version=None,
                                   start_on=start_on, target_finish=target_finish,
                                   today=today)
        items = list(template.items.select_related("milestone_type").order_by("position"))
        created = Activity.objects.bulk_create([
            Activity(project=project, milestone_type=item.milestone_type,
                     name=item.milestone_type.name, position=item.position,
                     duration=item.duration if item.duration is not None
                     else item.milestone_type.default_duration,
                     is_key=item.milestone_type.is_key)
            for item in items])
        by_position = {a.position: a for a in created}
        Dependency.objects.bulk_create([
            Dependency(project=project, predecessor=by_position[link.predecessor],
                       successor=by_position[link.successor], kind=link.kind, lag=link.lag)
            for link in template.links.all()])
        schedule = schedule_recompute(project=project, today=today, fill_plan=True)
        audit.record(actor, "schedule.apply_template", schedule,
                     {"template": template.name, "activities": len(created)})
    return schedule


def baseline_save(*, actor: User | None, project: Project, name: str,
                  today: date | None = None) -> Baseline:
    """Save the current plan (forecast dates) as a named, dated baseline."""
    today = today or clock.today()
    name = (name or "").strip()
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        policy.require_baseline(actor, in_scope=can_edit(actor, project))
        if not name:
            raise UserError("schedule.baseline_name_required", _("请填写基线名称。"), "name")
        if len(name) > 60:
            raise UserError("schedule.baseline_name_too_long", _("基线名称不能超过60个字。"),
                            "name")
        if Baseline.objects.filter(project=project, name=name).exists():
            raise UserError("schedule.baseline_duplicate",
                            _("基线“%(name)s”已存在。") % {"name": name}, "name")
        activities = list(Activity.objects.filter(project=project).order_by("position", "id"))
        if not activities:
            raise UserError("schedule.baseline_empty", _("该项目还没有进度节点，无法保存基线。"))
        schedule = ProjectSchedule.objects.get(project=project)
        baseline = Baseline.objects.create(project=project, name=name, taken_on=today,
                                           finish_on=schedule.finish_on, created_by=actor)
        BaselineEntry.objects.bulk_create([
            BaselineEntry(baseline=baseline, activity=a, name=a.name,
                          start=a.actual_start or a.early_start,
                          finish=a.actual_finish or a.early_finish, duration=a.duration)
            for a in activities])
        audit.record(actor, "baseline.save", baseline,
                     {"name": name, "activities": len(activities)})
    return baseline
