from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScheduleConfig(AppConfig):
    name = "diaodu.schedule"
    label = "schedule"
    verbose_name = _("进度计划")

    def ready(self) -> None:
        from diaodu.core import scoping

        from . import models as m

        project_rule = scoping.ScopeRule(
            unit_paths=("project__responsible_unit", "project__street"),
            taskforce_path="project__task_forces")
        for model in (m.ProjectSchedule, m.Activity, m.Dependency, m.Baseline):
            scoping.register(model, project_rule)
        scoping.register(m.BaselineEntry, scoping.ScopeRule(
            unit_paths=("baseline__project__responsible_unit", "baseline__project__street"),
            taskforce_path="baseline__project__task_forces"))
        for model in (m.MilestoneType, m.ScheduleTemplate, m.TemplateItem, m.TemplateLink):
            scoping.register(model, scoping.ScopeRule(public=True))
