from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridsConfig(AppConfig):
    name = "diaodu.grids"
    label = "grids"
    verbose_name = _("网格治理")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from diaodu.core import scoping
        from diaodu.core.models import OrgUnit

        from . import models as m
        from .services import ensure_profile

        # A grid's profile, duties and people belong to the grid: a street centre (and a
        # street head) sees its street's grids, a grid worker their grid and its micro-grids.
        scoping.register(m.GridProfile, scoping.ScopeRule(unit_paths=("unit",)))
        scoping.register(m.GridDuty, scoping.ScopeRule(unit_paths=("grid",)))
        scoping.register(m.GridWorker, scoping.ScopeRule(unit_paths=("grid",)))
        scoping.register(m.TrainingRecord, scoping.ScopeRule(unit_paths=("worker__grid",)))
        # The duty list and the sizing standard are reference data every role may read.
        scoping.register(m.DutyType, scoping.ScopeRule(public=True))
        scoping.register(m.GridSettings, scoping.ScopeRule(public=True))
        # Every grid and micro-grid has its profile, however the unit was added (the org-unit
        # admin, a migration, the demo), so the register lists every grid.
        post_save.connect(ensure_profile, sender=OrgUnit, dispatch_uid="grids.profile")
        # A project's site is picked on the grid map (core/point_picker.py).
        from diaodu.core import point_picker

        from .picker import district_map

        point_picker.register(district_map)
