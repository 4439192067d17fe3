from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    name = "diaodu.duty"
    label = "duty"
    verbose_name = _("应急值守")

    def ready(self) -> None:
        from diaodu.core import scoping
        from diaodu.dashboard import scoring

        from . import models as m
        from .policy import BUSINESS_ROLES
        from .ranking import answer_rates

        unit = scoping.ScopeRule(unit_paths=("unit",))
        # Rosters, spot checks and people: the unit's own rows (a head also below).
        for model in (m.DutyPerson, m.DutyShift, m.SpotCheck):
            scoping.register(model, unit)
        for model in (m.DutyAssignment, m.DutySwap, m.Handover):
            scoping.register(model, scoping.ScopeRule(unit_paths=("shift__unit",)))
        # 防汛: a street's posts; plans, warnings and seasons concern everyone on duty.
        scoping.register(m.FloodPost, scoping.ScopeRule(unit_paths=("street",)))
        for model in (m.FloodPostMember, m.FloodMaterial):
            scoping.register(model, scoping.ScopeRule(unit_paths=("post__street",)))
        for model in (m.FloodPlan, m.FloodPlanUnit, m.FloodWarning, m.FloodSeason):
            scoping.register(model, scoping.ScopeRule(readers=BUSINESS_ROLES))
        # Drills: the organising unit and the units that took part.
        scoping.register(m.DrillPlan, scoping.ScopeRule(unit_paths=("unit", "units")))
        scoping.register(m.Drill, scoping.ScopeRule(unit_paths=("unit", "units")))
        scoping.register(m.DrillFinding, scoping.ScopeRule(
            unit_paths=("drill__unit", "drill__units", "unit")))
        # Tracing is the health commission's force: its unit sees it, the units that send
        # members see their own members; dispatchers and leaders see all.
        for model in (m.TracingTeam,):
            scoping.register(model, unit)
        for model in (m.TracingGroup, m.TracingActivation):
            scoping.register(model, scoping.ScopeRule(unit_paths=("team__unit",)))
        scoping.register(m.TracingMember, scoping.ScopeRule(unit_paths=("unit", "team__unit")))
        # Missed 查岗 count in the unit ranking (weight set in the scoring scheme).
        scoring.register("duty_checks", _("查岗按时应答率"), answer_rates)

        from diaodu.core import scenarios

        from .scenario import FLOOD_POSTS

        scenarios.register(FLOOD_POSTS)  # 防汛值守 on the operations centres' consoles
