from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class LedgersConfig(AppConfig):
    name = "diaodu.ledgers"
    label = "ledgers"
    verbose_name = _("台账")

    def ready(self) -> None:
        from diaodu.core import scoping

        from .models import ImportJob, MappingProfile

        # An import job is seen by its creator's unit (and the unit's head above it) and by
        # the roles that see the whole district.
        scoping.register(ImportJob, scoping.ScopeRule(unit_paths=("unit",)))
        scoping.register(MappingProfile, scoping.ScopeRule(unit_paths=("unit",)))
        # Each app's planner for its kind of ledger row (projects/imports.py …) registers
        # itself in core.imports when its module is imported.
        autodiscover_modules("imports")
