"""The score items of the monthly unit ranking (单位排名).

The dashboard's own five come from projects, plans, reports and cases. Apps above the dashboard
add items of their own with `register` from their `AppConfig.ready` — duty adds the 查岗 answer
rate — so the dashboard names none of them and imports none of them. A scheme gives each item a
weight; an item with weight 0 is shown in the ranking's details but does not move the score.
"""

from collections.abc import Callable
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import kpis

# (year, month, ranking kind "unit"/"street") → {unit id: percentage or None}
Provider = Callable[[int, int, str], dict[int, Decimal | None]]

LABELS: dict[str, Promise] = {
    "investment": _("投资完成（对月度计划）"),
    "starts": _("计划开工项目开工率"),
    "registration": _("应入库项目入库率"),
    "closure": _("督办事项办结率"),
    "punctuality": _("月度填报按时率"),
}
assert tuple(LABELS) == kpis.SCORE_METRICS
_providers: dict[str, Provider] = {}


def register(key: str, label: Promise, provider: Provider) -> None:
    """Add a score item (a percentage per unit, 0–100, capped like the others)."""
    if key in kpis.SCORE_METRICS:
        raise ValueError(f"score item {key!r} is the dashboard's own")
    LABELS[key] = label
    _providers[key] = provider


def keys() -> tuple[str, ...]:
    return tuple(LABELS)


def contributed(year: int, month: int, kind: str) -> dict[int, dict[str, Decimal | None]]:
    """The registered items' values by unit id for one month and ranking kind."""
    values: dict[int, dict[str, Decimal | None]] = {}
    for key, provider in _providers.items():
        for unit_id, value in provider(year, month, kind).items():
            values.setdefault(unit_id, {})[key] = value
    return values
