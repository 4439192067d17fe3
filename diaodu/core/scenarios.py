"""应用场景 (application scenarios): the modules of the city-operations platform.

A scenario declares what it brings to the operations centre — its event categories (codes of
the managed category list), the widgets of the two consoles and its KPIs — and registers here
from its own app's `AppConfig.ready`, as import kinds register with core/imports.py. The
consoles and the ranking read this registry; they import no scenario's app, so a new scenario
(grid events, key-project supervision, flood-control posts …) plugs in without a change to
them.

Pure (no Django): labels are msgids, put into words where they are shown.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class CategoryDef:
    """An event category a scenario brings (loaded into the managed list once; administrators
    keep it from then on). `kind` "event" (事件) or "component" (部件); hours: the 处置 limit."""

    code: str
    name: str
    major_code: str
    major_name: str
    kind: str = "event"
    handle_hours: float = 24


@dataclass(frozen=True)
class Widget:
    """One block on a console: `key` unique within the scenario, `title` a msgid, `render`
    returns the block's rows for a scope (`user`, a street or None for the district) as
    plain data: a list of (label, value) pairs."""

    key: str
    title: str
    render: Callable[..., list[tuple[str, Any]]]


@dataclass(frozen=True)
class Kpi:
    """A measure the scenario contributes to the streets' ranking: `key` (the ScoringScheme
    weight's name), `title` a msgid, `compute(year, month)` → {street id: percentage or None}."""

    key: str
    title: str
    compute: Callable[[int, int], dict[int, Any]]


@dataclass(frozen=True)
class Scenario:
    code: str
    title: str  # msgid
    categories: tuple[CategoryDef, ...] = ()  # the event categories it files events under
    widgets: tuple[Widget, ...] = ()
    kpis: tuple[Kpi, ...] = ()
    sort: int = 100
    description: str = ""  # msgid
    extra: dict[str, Any] = field(default_factory=dict)


_SCENARIOS: dict[str, Scenario] = {}


def register(scenario: Scenario) -> Scenario:
    """Add or replace a scenario (re-registration on autoreload replaces the old entry).
    Refuses two scenarios that claim one category, or one scenario with two widgets or KPIs of
    one key: the consoles and the ranking would not know whose it is."""
    keys = [w.key for w in scenario.widgets]
    if len(keys) != len(set(keys)):
        raise ValueError(f"scenario {scenario.code}: two widgets with one key")
    kpis = [k.key for k in scenario.kpis]
    if len(kpis) != len(set(kpis)):
        raise ValueError(f"scenario {scenario.code}: two KPIs with one key")
    for other in _SCENARIOS.values():
        if other.code == scenario.code:
            continue
        shared = {c.code for c in other.categories} & {c.code for c in scenario.categories}
        if shared:
            raise ValueError(f"scenario {scenario.code}: categories {sorted(shared)} "
                             f"belong to {other.code}")
        clash = set(kpis) & {k.key for k in other.kpis}
        if clash:
            raise ValueError(f"scenario {scenario.code}: KPIs {sorted(clash)} "
                             f"belong to {other.code}")
    _SCENARIOS[scenario.code] = scenario
    return scenario


def unregister(code: str) -> None:
    _SCENARIOS.pop(code, None)


def all_scenarios() -> list[Scenario]:
    return sorted(_SCENARIOS.values(), key=lambda s: (s.sort, s.code))


def get(code: str) -> Scenario | None:
    return _SCENARIOS.get(code)


def scenario_of_category(code: str) -> Scenario | None:
    """The scenario that claims an event category code, or None."""
    for scenario in _SCENARIOS.values():
        if any(c.code == code for c in scenario.categories):
            return scenario
    return None


def kpis() -> list[tuple[Scenario, Kpi]]:
    return [(s, k) for s in all_scenarios() for k in s.kpis]


def widgets(codes: Iterable[str] | None = None) -> list[tuple[Scenario, Widget]]:
    chosen = None if codes is None else set(codes)
    return [(s, w) for s in all_scenarios() if chosen is None or s.code in chosen
            for w in s.widgets]
