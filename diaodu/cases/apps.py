from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "diaodu.cases"
    label = "cases"
    verbose_name = _("督办")

    def ready(self) -> None:
        from diaodu.core import scoping

        from .models import TaskForce

        # Task forces are visible to the roles that see all projects and to their members.
        scoping.register(TaskForce, scoping.ScopeRule(unit_paths=("lead_unit",), taskforce_path=""))
