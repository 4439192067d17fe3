from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "diaodu.projects"
    label = "projects"
    verbose_name = _("项目台账")

    def ready(self) -> None:
        from diaodu.core import scoping

        from . import photos
        from .models import Campaign, CampaignEntry, Category, Project

        photos.register()

        scoping.register(Project, scoping.ScopeRule(
            unit_paths=("responsible_unit", "street"), taskforce_path="task_forces"))
        scoping.register(CampaignEntry, scoping.ScopeRule(
            unit_paths=("project__responsible_unit", "project__street"),
            taskforce_path="project__task_forces"))
        scoping.register(Campaign, scoping.ScopeRule(public=True))
        scoping.register(Category, scoping.ScopeRule(public=True))
