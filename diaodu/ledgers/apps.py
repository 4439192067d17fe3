from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class LedgersConfig(AppConfig):
    name = "diaodu.ledgers"
    label = "ledgers"
    verbose_name = _("台账")

    def ready(self) -> None:
        from diaodu.core import scoping
        from diaodu.core.roles import Role

        from .models import ImportJob, MappingProfile, NameAlias

        # An import job is seen by its creator's unit (and the unit's head above it) and by
        # the roles that see the whole district.
        scoping.register(ImportJob, scoping.ScopeRule(unit_paths=("unit",)))
        scoping.register(MappingProfile, scoping.ScopeRule(unit_paths=("unit",)))
        # Aliases are shared by every unit's imports: kept by the DRC and the sysadmin.
        scoping.register(NameAlias, scoping.ScopeRule(
            readers=frozenset({Role.DISPATCHER, Role.SYSADMIN})))
        # Each app's planner for its kind of ledger row (projects/imports.py …) registers
        # itself in core.imports when its module is imported.
        autodiscover_modules("imports")
        from diaodu.core.imports import PLANNERS

        from .mapping import add_kind

        for kind, planner in PLANNERS.items():
            if planner.FIELDS:
                add_kind(kind, planner.FIELDS, planner.IDENTITY)
