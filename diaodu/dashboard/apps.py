from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "diaodu.dashboard"
    label = "dashboard"
    verbose_name = _("领导驾驶舱")

    def ready(self) -> None:
        from diaodu.core import scoping
        from diaodu.core.roles import LEDGER_EDITORS, Role

        from . import models, signals  # noqa: F401 (connects the approval hook)

        scoping.register(models.Warning, scoping.ScopeRule(
            unit_paths=("project__responsible_unit", "project__street"),
            taskforce_path="project__task_forces"))
        # Rules and schemes are the DRC's settings; leaders and statistics read them.
        readers = LEDGER_EDITORS | {Role.LEADER, Role.STATS}
        scoping.register(models.WarningRuleSet, scoping.ScopeRule(readers=readers))
        scoping.register(models.ScoringScheme, scoping.ScopeRule(readers=readers))
        # A ranking compares units with each other: whoever sees the district sees all of it.
        scoping.register(models.UnitRanking, scoping.ScopeRule(readers=readers))
