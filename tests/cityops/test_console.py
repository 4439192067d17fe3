"""The two-level console: counters from two aggregate queries, scoped to the street's centre
or the whole district, refreshed by htmx, with a wall mode."""

import pytest
from django.urls import reverse

from diaodu.cityops import selectors, services
from diaodu.core.errors import NotFound

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(categories, worker_a, worker_b, grid_a, grid_b, ops_a, city_dept):
    """Street A: one reported (09:00, overdue at 11:01), one closed and evaluated; street B:
    one reported at 10:50 (limit 14:50, near from 14:20)."""
    first = services.event_report(actor=worker_a, grid=grid_a, category="S0502",
                                  detail="占道经营", now=at("2023-03-13 09:00"))
    done = services.event_report(actor=worker_a, grid=grid_a, category="S0105",
                                 detail="垃圾堆放", now=at("2023-03-13 08:40"))
    services.event_accept(actor=None, event=done, now=at("2023-03-13 08:45"))
    services.event_dispatch(actor=None, event=done, lead_unit=city_dept,
                            now=at("2023-03-13 08:50"))
    services.event_handle(actor=None, event=done, result="已清运", now=at("2023-03-13 09:30"))
    services.event_verify(actor=None, event=done, passed=True, now=at("2023-03-13 09:40"))
    services.event_close(actor=None, event=done, now=at("2023-03-13 09:50"))
    services.event_evaluate(actor=None, event=done, satisfaction=2, now=at("2023-03-13 10:00"))
    other = services.event_report(actor=worker_b, grid=grid_b, category="S0505",
                                  detail="噪音扰民", now=at("2023-03-13 10:50"))
    return first, done, other


def test_district_counters(story, django_assert_num_queries):
    with django_assert_num_queries(2):
        console = selectors.console(streets=None, now=at("2023-03-13 14:25"), widgets=False)
    t = console.totals
    assert (t["today"], t["open"], t["overdue"], t["near"]) == (3, 2, 1, 1)
    assert t["closure_rate"] == 100 and t["on_time_rate"] == 100
    assert t["satisfaction_rate"] == 100
    assert {r["street__name"]: r["open"] for r in console.by_street} == {
        "林山寨街道": 1, "须水街道": 1}
    assert [r["category__name"] for r in console.by_category][:2] == ["占道经营", "噪音扰民"] \
        or [r["category__name"] for r in console.by_category][:2] == ["噪音扰民", "占道经营"]


def test_street_console_sees_its_own_street_only(story, ops_a, street_a, street_b):
    streets = selectors.console_streets(user=ops_a)
    assert streets == [street_a]
    console = selectors.console(streets=streets, now=at("2023-03-13 14:10"), widgets=False)
    assert console.totals["open"] == 1 and console.totals["overdue"] == 1
    with pytest.raises(NotFound):
        selectors.console_streets(user=ops_a, street=street_b.pk)


def test_boundary_of_overdue_and_near(story):
    first = story[0]
    at_limit = selectors.console(streets=None, now=first.step_due_at, widgets=False)
    assert at_limit.totals["overdue"] == 0
    over = selectors.console(streets=None, now=at("2023-03-13 11:01"), widgets=False)
    assert over.totals["overdue"] == 1


def test_page_polls_and_wall_mode(client, story, district_ops):
    client.force_login(district_ops)
    page = client.get(reverse("cityops:console"))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'hx-trigger="every 30s"' in body and "?part=counters" in body
    assert "<script>" not in body.split("</head>")[1]  # no inline script (CSP)
    part = client.get(reverse("cityops:console") + "?part=counters")
    assert part.status_code == 200 and b"<html" not in part.content
    wall = client.get(reverse("cityops:console") + "?wall=1")
    assert wall.status_code == 200 and b"co-wall" in wall.content
    assert b'every 15s' in wall.content


def test_the_refresh_intervals_are_settings(client, story, district_ops, settings):
    settings.CITYOPS_REFRESH_SECONDS, settings.CITYOPS_WALL_REFRESH_SECONDS = 5, 7
    client.force_login(district_ops)
    assert 'hx-trigger="every 5s"' in client.get(reverse("cityops:console")).content.decode()
    part = client.get(reverse("cityops:console") + "?part=counters").content.decode()
    assert 'hx-trigger="every 5s"' in part  # the swapped-in part keeps polling
    assert b"every 7s" in client.get(reverse("cityops:console") + "?wall=1").content


def test_other_roles_get_no_console(client, story, street_a_reporter):
    client.force_login(street_a_reporter)
    assert client.get(reverse("cityops:console")).status_code == 404
