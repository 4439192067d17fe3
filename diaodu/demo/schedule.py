"""Demo schedules for seed projects (SAMPLE dates): each from its category's template, planned as
of its start, saved as a baseline, then brought up to date with actuals — so the demo shows
finished, late and on-track milestones, a re-planned project that slipped against its baseline,
and 郑州市实验中学 whose target (确保2026年底竣工) has negative float."""

from datetime import date

from diaodu.projects.models import Project
from diaodu.schedule import services
from diaodu.schedule.models import Activity, ScheduleTemplate

# project name → (template, schedule start, target finish, {milestone code: actuals})
# actuals: (actual start, actual finish or None, percent complete)
# Projects re-planned after their delays: the open activities' plan is cleared and filled
# from today's forecast, so they read against the new plan (and slip against the baseline).
REPLANNED = {"郑州黄河智谷中原企业总部港项目"}
SCHEDULES = {
    "郑州市实验中学建设项目": ("education", date(2021, 3, 1), date(2026, 12, 31), {
        "proposal": (date(2021, 3, 1), date(2021, 3, 26), 100),
        "feasibility": (date(2021, 3, 29), date(2021, 4, 30), 100),
        "site_selection": (date(2021, 3, 8), date(2021, 3, 31), 100),
        "land_prereview": (date(2021, 4, 1), date(2021, 4, 30), 100),
        "eia": (date(2021, 4, 6), date(2021, 6, 30), 100),
        "land_supply": (date(2021, 5, 6), date(2021, 7, 30), 100),
        "land_planning_permit": (date(2021, 8, 2), date(2021, 8, 13), 100),
        "works_planning_permit": (date(2021, 8, 16), date(2021, 9, 10), 100),
        "drawing_review": (date(2021, 8, 23), date(2021, 10, 22), 100),
        "construction_permit": (date(2021, 12, 20), date(2021, 12, 31), 100),
        "start": (date(2022, 1, 10), date(2022, 1, 10), 100),
        "topping_out": (date(2022, 1, 11), date(2025, 9, 30), 100),
        "completion": (date(2025, 10, 9), None, 35),
    }),
    "濮河路道路工程项目": ("road", date(2021, 1, 4), None, {
        "proposal": (date(2021, 1, 4), date(2021, 1, 29), 100),
        "feasibility": (date(2021, 2, 1), date(2021, 3, 12), 100),
        "site_selection": (date(2021, 1, 11), date(2021, 2, 5), 100),
        "land_prereview": (date(2021, 2, 8), date(2021, 3, 19), 100),
        "eia": (date(2021, 2, 22), date(2021, 5, 28), 100),
        "drawing_review": (date(2021, 6, 1), date(2021, 7, 16), 100),
        "construction_permit": (date(2021, 9, 27), date(2021, 9, 30), 100),
        "start": (date(2021, 10, 12), date(2021, 10, 12), 100),
        "completion": (date(2021, 10, 13), None, 85),
    }),
    "西站北街道路工程项目": ("road", date(2025, 9, 1), date(2026, 12, 31), {
        "proposal": (date(2025, 9, 1), date(2025, 9, 30), 100),
        "feasibility": (date(2025, 10, 9), date(2025, 11, 28), 100),
        "site_selection": (date(2025, 9, 8), date(2025, 12, 19), 100),
        "land_prereview": (date(2026, 3, 2), None, 40),
    }),
    "郑州黄河智谷中原企业总部港项目": ("industry", date(2021, 3, 1), None, {
        "proposal": (date(2021, 3, 1), date(2021, 3, 31), 100),
        "feasibility": (date(2021, 4, 1), date(2021, 4, 30), 100),
        "site_selection": (date(2021, 3, 8), date(2021, 4, 2), 100),
        "land_prereview": (date(2021, 4, 6), date(2021, 5, 14), 100),
        "eia": (date(2021, 4, 12), date(2021, 6, 25), 100),
        "land_supply": (date(2021, 5, 17), date(2021, 7, 16), 100),
        "land_planning_permit": (date(2021, 7, 19), date(2021, 7, 30), 100),
        "works_planning_permit": (date(2021, 8, 2), date(2021, 8, 27), 100),
        "drawing_review": (date(2021, 8, 9), date(2021, 10, 15), 100),
        "construction_permit": (date(2022, 2, 14), date(2022, 2, 18), 100),
        "start": (date(2022, 2, 26), date(2022, 2, 26), 100),
        "topping_out": (date(2022, 2, 28), None, 80),
    }),
    "新力热电厂城市更新项目": ("urban_renewal", date(2026, 3, 2), date(2027, 12, 31), {
        "proposal": (date(2026, 3, 2), date(2026, 3, 27), 100),
        "site_selection": (date(2026, 3, 9), date(2026, 4, 3), 100),
        "feasibility": (date(2026, 3, 30), None, 60),
    }),
}


def load() -> bool:
    """Idempotent: does nothing once the first demo schedule exists."""
    projects = {p.name: p for p in Project.objects.filter(name__in=SCHEDULES)}
    if not projects or Activity.objects.filter(project__in=projects.values()).exists():
        return False
    for name, (template_code, start, target, actuals) in SCHEDULES.items():
        project = projects.get(name)
        if project is None:
            continue
        template = ScheduleTemplate.objects.get(code=template_code)
        # The plan as it stood at the start, kept as the baseline to measure slip against.
        services.schedule_apply_template(actor=None, project=project, template=template,
                                         start_on=start, target_finish=target, today=start)
        services.baseline_save(actor=None, project=project, name="立项时计划", today=start)
        by_code = {a.milestone_type.code: a for a in
                   Activity.objects.filter(project=project).select_related("milestone_type")}
        for code, (actual_start, actual_finish, percent) in actuals.items():
            activity = by_code[code]
            services.activity_update(actor=None, activity=activity,
                                     expected_version=activity.version,
                                     actual_start=actual_start, actual_finish=actual_finish,
                                     percent=percent)
        if name in REPLANNED:
            for activity in Activity.objects.filter(project=project, actual_finish=None):
                services.activity_update(actor=None, activity=activity,
                                         expected_version=activity.version,
                                         planned_start=None, planned_finish=None)
            services.schedule_update(actor=None, project=project, expected_version=None,
                                     start_on=start, target_finish=target, fill_plan=True)
    return True
