"""The 应用场景 registry: grid events, key-project supervision and flood-control posts are
registered by their own apps; a new scenario plugs into the consoles, the category list and
the ranking without a change to the engine."""

import pytest

from diaodu.cityops import selectors, services
from diaodu.cityops.models import EventCategory
from diaodu.core import scenarios
from diaodu.duty.models import FloodPost

from .conftest import at

pytestmark = pytest.mark.django_db


def test_the_three_scenarios_are_registered():
    codes = [s.code for s in scenarios.all_scenarios()]
    assert codes == ["grid_events", "key_projects", "flood_posts"]
    assert scenarios.scenario_of_category("S0502").code == "grid_events"
    assert scenarios.scenario_of_category("FX01").code == "flood_posts"


def test_flood_posts_bring_categories_and_a_widget(categories, worker_a, grid_a, street_a):
    category = EventCategory.objects.get(code="FX01")
    assert category.scenario == "flood_posts" and category.handle_hours == 1
    FloodPost.objects.create(street=street_a, name="林山寨低洼路段值守点")
    event = services.event_report(actor=worker_a, grid=grid_a, category="FX01",
                                  detail="值守点积水没过路沿", now=at("2023-07-20 09:00"))
    assert event.category == category
    console = selectors.console(streets=[street_a], now=at("2023-07-20 09:30"))
    widget = next(w for w in console.widgets if w["key"] == "flood_posts.posts")
    assert widget["rows"][0][1] == 1


def test_a_new_scenario_plugs_in_without_touching_the_engine(categories, worker_a, grid_a,
                                                           street_a, district_ops):
    """A fourth module (e.g. 垃圾分类督导) declares a category, a widget and a KPI."""
    test = scenarios.Scenario(
        code="sorting", title="垃圾分类督导", sort=90,
        categories=(scenarios.CategoryDef("LJ01", "垃圾混投", "01", "市容环境",
                                          handle_hours=4),),
        widgets=(scenarios.Widget("bins", "督导桶站", lambda *, streets, now: [("桶站", 7)]),),
        kpis=(scenarios.Kpi("sorting", "分类准确率", lambda year, month: {street_a.pk: 90}),))
    scenarios.register(test)
    try:
        assert services.categories_ensure() == 1
        event = services.event_report(actor=worker_a, grid=grid_a, category="LJ01",
                                      detail="混投", now=at("2023-03-13 09:00"))
        assert event.category.scenario == "sorting"
        console = selectors.console(streets=None, now=at("2023-03-13 09:10"))
        assert {"key": "sorting.bins", "rows": [("桶站", 7)]}.items() <= next(
            w for w in console.widgets if w["key"] == "sorting.bins").items()
        services.scheme_create(actor=district_ops, top_group_size=1,
                               weights={"on_time": 25, "verification": 25,
                                        "satisfaction": 25, "sorting": 25})
        assert services.ranking_compute(actor=district_ops, year=2023, month=3) == 1
    finally:
        scenarios.unregister("sorting")


def test_two_scenarios_cannot_claim_one_category():
    clash = scenarios.Scenario(code="dup", title="x", categories=(
        scenarios.CategoryDef("S0502", "占道", "05", "街面秩序"),))
    with pytest.raises(ValueError):
        scenarios.register(clash)
    assert scenarios.get("dup") is None
