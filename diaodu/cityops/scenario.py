"""The grid-events 应用场景: its categories (GB/T 30428.2), its console widget and the KPIs it
brings to the streets' ranking. Registered from CityopsConfig.ready."""

from datetime import datetime

from django.db.models import Count

from diaodu.core import scenarios
from diaodu.core.roles import gettext_noop

from . import policy
from .categories import EVENTS
from .models import Event


def _worst_grids(*, streets: list[int] | None, now: datetime) -> list[tuple[str, int]]:
    """The five grids with most events over their limit now."""
    qs = Event.objects.filter(stage__in=policy.OPEN_STAGES, step_due_at__lt=now)
    if streets is not None:
        qs = qs.filter(street__in=streets)
    rows = (qs.order_by().values("grid__name", "street__name").annotate(n=Count("pk"))
            .order_by("-n", "grid__name")[:5])
    return [(f"{r['street__name']} · {r['grid__name']}", r["n"]) for r in rows]


def _kpi(key: str):
    def compute(year: int, month: int) -> dict:
        from .services.ranking import event_kpis

        return event_kpis(year, month)[key]
    return compute


GRID_EVENTS = scenarios.Scenario(
    code="grid_events", title=gettext_noop("网格事件"), sort=10,
    description=gettext_noop("网格员上报、街道立案派遣、承办单位处置、网格员核查、结案评价。"),
    categories=tuple(scenarios.CategoryDef(code=code, name=name, major_code=major,
                                           major_name=major_name, kind=kind,
                                           handle_hours=handle)
                     for code, kind, major, major_name, name, handle in EVENTS),
    widgets=(scenarios.Widget("worst_grids", gettext_noop("超时事件最多的网格"), _worst_grids),),
    kpis=(scenarios.Kpi("on_time", gettext_noop("按时结案率"), _kpi("on_time")),
          scenarios.Kpi("verification", gettext_noop("核查率"), _kpi("verification")),
          scenarios.Kpi("satisfaction", gettext_noop("满意率"), _kpi("satisfaction"))),
)
