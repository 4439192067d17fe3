from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CityopsConfig(AppConfig):
    name = "diaodu.cityops"
    label = "cityops"
    verbose_name = _("城运中心")

    def ready(self) -> None:
        from diaodu.cases.services import sweep as case_sweep
        from diaodu.core import scenarios, scoping
        from diaodu.core.scoping import scope_for

        from . import models as m
        from .policy import CENTRE_OPERATORS, DISTRICT_OPERATORS, DISTRICT_READERS
        from .scenario import GRID_EVENTS
        from .services.sweep import events_sweep

        # An event: its grid (the grid worker; the street centre through its subtree), the
        # units it was dispatched to; the district centre, dispatchers and leaders see all.
        scoping.register(m.Event, scoping.ScopeRule(
            unit_paths=("grid", "case__lead_unit", "case__co_units")))
        scoping.register(m.EventCategory, scoping.ScopeRule(public=True))
        scoping.register(m.OpsSettings, scoping.ScopeRule(readers=CENTRE_OPERATORS))
        scoping.register(m.GridScoringScheme, scoping.ScopeRule(readers=DISTRICT_OPERATORS))
        # Every street's centre sees the whole table: where it stands among the others.
        scoping.register(m.StreetRanking, scoping.ScopeRule(readers=DISTRICT_READERS
                                                            | CENTRE_OPERATORS))
        scenarios.register(GRID_EVENTS)
        # Photos on events (core photo checks); open events with a point on the grid map.
        from diaodu.core import photo_services
        from diaodu.grids import geo

        from .selectors import map_points
        from .services.events import require_photo_edit

        photo_services.register_owner(
            m.Event, visible=lambda user: scope_for(user, m.Event),
            require_edit=require_photo_edit,
            context=lambda ev: photo_services.PhotoContext(
                unit_id=ev.grid_id, point=(ev.lat, ev.lon) if ev.lat is not None else None))
        geo.register_points(map_points)
        # The daily 督办 sweep runs the events' marks too (counts only when something happened,
        # so the cases' own figures stay as they were).
        case_sweep.register("events", lambda today: {
            k: v for k, v in events_sweep(today=today).items() if v})

        from diaodu.api.main import api

        from .api import open311_router, router

        api.add_router("", router)
        api.add_router("/open311/v2", open311_router)
