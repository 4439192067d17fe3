from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvestmentConfig(AppConfig):
    name = "diaodu.investment"
    label = "investment"
    verbose_name = _("投资调度")

    def ready(self) -> None:
        from diaodu.core import scoping
        from diaodu.core.roles import LEDGER_EDITORS, PROJECT_REACH, Reach, Role
        from diaodu.projects.signals import project_moved

        from . import models, photos, rollups

        photos.register()

        # A project moved to another unit, street, level or category: both buckets change.
        project_moved.connect(rollups.on_project_moved, dispatch_uid="investment.rollups")

        through_project = scoping.ScopeRule(
            unit_paths=("project__responsible_unit", "project__street"),
            taskforce_path="project__task_forces")
        scoping.register(models.AnnualPlan, through_project)
        scoping.register(models.ProgressReport, through_project)
        scoping.register(models.RegistrationPlan, through_project)
        scoping.register(models.ReportAdjustment, scoping.ScopeRule(
            unit_paths=("report__project__responsible_unit", "report__project__street"),
            taskforce_path="report__project__task_forces"))
        # Rounds and reminders are the DRC's working objects; units meet them via reports.
        scoping.register(models.ReportingRound, scoping.ScopeRule(public=True))
        scoping.register(models.Reminder, scoping.ScopeRule(unit_paths=("unit",)))
        scoping.register(models.PlanAdjustment, scoping.ScopeRule(
            readers=LEDGER_EDITORS | {Role.LEADER, Role.STATS}))
        scoping.register(models.DispatchSettings, scoping.ScopeRule(readers=LEDGER_EDITORS))
        scoping.register(models.MonthlyRollup, scoping.ScopeRule(
            unit_paths=("unit", "street")))
        # The summaries mix every unit's figures: only roles that see the whole district.
        scoping.register(models.MonthlySummary, scoping.ScopeRule(readers=frozenset(
            role for role, reach in PROJECT_REACH.items() if reach == Reach.ALL)))
