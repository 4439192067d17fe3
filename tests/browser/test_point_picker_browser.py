"""The point picker in a real browser under the site's CSP: the dispatcher clicks the grid map
on a project's edit page and the latitude and longitude fields get the point under the click
(grids/mapsvg.Frame.lonlat), then saving stores it."""

from decimal import Decimal

import pytest

from diaodu.core import two_factor
from diaodu.core.models import UnitKind
from diaodu.grids import mapsvg, services

from ..factories import TEST_PASSWORD, TEST_TOTP_KEY, unit
from .test_reporter_browser import page, screenshot  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _square(lon, lat, size=0.02):
    return {"type": "Polygon", "coordinates": [[
        [lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]]}


def test_a_click_on_the_map_fills_the_point_and_saving_keeps_it(
        live_server, dispatcher, street_a, project_a, page):  # noqa: F811
    community = unit("410102001001", "阳光花苑社区", UnitKind.COMMUNITY, street_a)
    grid = services.grid_create(actor=None, parent=community, name="第一网格", households=420,
                                population=1200)
    services.grid_boundary_set(actor=None, unit=grid, geometry=_square(113.60, 34.75))
    violations = []
    page.on("pageerror", lambda error: violations.append(str(error)))
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    change = f"/admin/projects/project/{project_a.pk}/change/"
    page.goto(f"{live_server.url}/admin/login/?next={change}")
    page.fill("#id_username", dispatcher.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.fill("#id_code", two_factor.current_code(TEST_TOTP_KEY))
    page.locator("#otp-form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}{change}")

    picker = page.locator(".cursor-crosshair")
    data = picker.evaluate("el => ({...el.dataset})")
    frame = mapsvg.Frame(float(data["lon0"]), float(data["lat0"]), float(data["sx"]),
                         float(data["sy"]), float(data["height"]), float(data["pad"]))
    box = picker.bounding_box()
    # Click the middle of the grid, in screen pixels of the map as drawn.
    x, y = frame.xy(113.61, 34.76)
    scale_x, scale_y = box["width"] / float(data["width"]), box["height"] / float(data["height"])
    picker.click(position={"x": x * scale_x, "y": y * scale_y})
    lat = Decimal(page.input_value("#id_latitude"))
    lon = Decimal(page.input_value("#id_longitude"))
    assert abs(lat - Decimal("34.76")) < Decimal("0.0005"), lat
    assert abs(lon - Decimal("113.61")) < Decimal("0.0005"), lon
    screenshot(page, "project-point-picker")
    page.locator("input[name=_continue], button[name=_continue]").first.click()
    page.wait_for_load_state("networkidle")
    project_a.refresh_from_db()
    assert project_a.point == (lat, lon)
    assert violations == []
