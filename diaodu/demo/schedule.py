"""Demo schedules: every key project in 前期 or 在建 gets its category's template (SAMPLE dates),
planned around its real start and completion dates, with progress as of the demo's day —
so 挂图作战 shows every project, most on track (green), some at risk (amber: behind the pace
the 倒排工期 target needs) and some late (red: a planned finish has passed).

The approvals run in the months before the start; after the start the works fill the time
to the planned completion (主体封顶 about 55%, 竣工验收 the rest).
"""

import random
from datetime import timedelta

from diaodu.core import clock
from diaodu.core.calendar import load_calendar
from diaodu.projects.models import Project, Stage
from diaodu.schedule import services
from diaodu.schedule.models import Activity, ScheduleTemplate
from diaodu.schedule.progress import activities_update

from . import data

# Categories without a template of their own use the nearest kind of works.
TEMPLATE_FOR = {"education": "education", "health": "education", "culture": "education",
                "public_service": "education", "urban_village": "urban_village",
                "urban_renewal": "urban_renewal", "road": "road", "ecology": "road",
                "industry": "industry", "commerce": "industry"}
HEALTH = ["green"] * 11 + ["amber"] * 5 + ["red"] * 4
PRE_START_MONTHS = 10


def load() -> bool:
    """Idempotent: does nothing once a demo schedule exists."""
    if Activity.objects.exists():
        return False
    templates = {t.code: t for t in ScheduleTemplate.objects.all()}
    calendar = load_calendar()
    rng = random.Random(2023)
    projects = Project.objects.filter(stage__in=[Stage.PREPARATION, Stage.CONSTRUCTION]) \
        .select_related("category").order_by("id")
    for project in projects:
        template = templates.get(TEMPLATE_FOR.get(project.category.code, ""))
        if template is not None:
            _schedule(project, template, calendar, rng.choice(HEALTH), rng)
    return True


def _schedule(project, template, calendar, health, rng) -> None:
    start = project.actual_start or project.planned_start
    finish = project.planned_completion
    begin = calendar.next_workday(start - timedelta(days=PRE_START_MONTHS * 30))
    with clock.as_of(min(begin, data.DEMO_TODAY)):
        services.schedule_apply_template(actor=None, project=project, template=template,
                                         start_on=begin, target_finish=finish, today=begin)
    activities = list(Activity.objects.filter(project=project).select_related("milestone_type")
                      .order_by("position"))
    codes = [a.milestone_type.code for a in activities]
    kick = next(a for a in activities if a.milestone_type.code == "start")
    shift = start - kick.planned_start
    plan: dict[int, dict] = {}
    for a in activities:
        if a.planned_finish <= kick.planned_start and a.pk != kick.pk:
            plan[a.pk] = {"planned_start": a.planned_start + shift,
                          "planned_finish": min(a.planned_finish + shift, start)}
    plan[kick.pk] = {"planned_start": start, "planned_finish": start}
    _works(activities, codes, plan, start, finish, calendar, health, rng)
    # A 前期 project has not started, whatever its plan said (past its planned start: red).
    waiting = {kick.pk} | {a.pk for a in activities if a.milestone_type.code in (
        "topping_out", "completion", "operation")} if project.actual_start is None else set()
    changes = {}
    for pk, values in plan.items():
        if pk in waiting:
            changes[pk] = values
        elif project.actual_start and values["planned_finish"] <= start:
            # A started project finished its approvals before the start.
            changes[pk] = {**values, "actual_start": values["planned_start"],
                           "actual_finish": values["planned_finish"], "percent": 100}
        else:
            changes[pk] = {**values, **_progress(values, health, rng, calendar)}
    activities_update(actor=None, project=project, changes=changes, today=data.DEMO_TODAY)


def _works(activities, codes, plan, start, finish, calendar, health, rng) -> None:
    """主体封顶 and 竣工验收 fill the time from the start to the planned completion; a late
    project's plan had 主体封顶 done by now (it is not)."""
    works = [a for a in activities if a.milestone_type.code in ("topping_out", "completion")]
    # A project on track planned with a margin before its target; one at risk planned to the
    # day (and is behind that plan).
    margin = 0.88 if health == "green" else 1.0
    total = max(int(calendar.workdays_between(start, finish) * margin), 20)
    shares = [0.55, 0.45] if len(works) == 2 else [1.0]
    day = calendar.next_workday(start + timedelta(days=1))
    for a, share in zip(works, shares, strict=True):
        duration = max(int(total * share), 10)
        end = calendar.add_workdays(day, duration - 1)
        if health == "red" and a.milestone_type.code == "topping_out" and \
                day < data.DEMO_TODAY < end:
            end = data.DEMO_TODAY - timedelta(days=rng.randint(20, 60))
            end = max(end, day)
            duration = calendar.workdays_between(day, end) + 1
        plan[a.pk] = {"planned_start": day, "planned_finish": end, "duration": duration}
        day = calendar.next_workday(end + timedelta(days=1))
    if "operation" in codes:
        op = next(a for a in activities if a.milestone_type.code == "operation")
        plan[op.pk] = {"planned_start": day, "planned_finish": day}


def _progress(values: dict, health: str, rng, calendar) -> dict:
    """Actual dates and percent as of the demo's day."""
    today = data.DEMO_TODAY
    begin, end = values["planned_start"], values["planned_finish"]
    if begin > today:
        return {}
    if end < today and not (health == "red" and end > today - timedelta(days=90)):
        slip = timedelta(days=rng.randint(0, 6)) if health != "green" else timedelta(0)
        return {"actual_start": begin, "actual_finish": min(end + slip, today),
                "percent": 100}
    span = max((end - begin).days, 1)
    elapsed = min((today - begin).days / span, 1.0)
    pace = {"green": rng.uniform(1.0, 1.08), "amber": rng.uniform(0.6, 0.8),
            "red": rng.uniform(0.7, 0.9)}[health]
    return {"actual_start": begin, "percent": max(1, min(95, int(elapsed * pace * 100)))}
