"""城运中心 in a real browser (issue 18): the street console's counters follow new events by
htmx polling, without a reload; a grid worker reports an event with a site photo on a
390-px phone screen and finds it listed, its photo's capture time read from EXIF."""

from datetime import datetime

import pytest

from diaodu.cityops import services
from diaodu.cityops.models import Event

from ..cityops.conftest import categories, grid_a, ops_a, worker_a  # noqa: F401  (fixtures)
from ..factories import TEST_PASSWORD
from ..photo_images import jpeg
from .test_reporter_browser import page, screenshot  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _sign_in(tab, url, user, target):
    tab.goto(f"{url}/admin/login/?next={target}")
    tab.fill("#id_username", user.username)
    tab.fill("#id_password", TEST_PASSWORD)
    tab.locator("form button[type=submit], form input[type=submit]").first.click()
    tab.wait_for_url(f"{url}{target}")


def _open_count(tab) -> str:
    return tab.locator("#co-totals .co-tile", has_text="在办").locator("b").inner_text()


def test_the_street_console_counts_a_new_event_without_a_reload(
        live_server, settings, categories, grid_a, ops_a, worker_a, page):  # noqa: F811
    from playwright.sync_api import expect

    # The console polls every CITYOPS_REFRESH_SECONDS; one second here instead of 30.
    settings.CITYOPS_REFRESH_SECONDS = 1
    _sign_in(page, live_server.url, ops_a, "/cityops/")
    console = page.locator("#co-console")
    expect(console).to_have_attribute("hx-trigger", "every 1s")
    assert _open_count(page) == "0"
    # A mark on the loaded document: a reload would lose it.
    page.evaluate("window.__loaded_once = true")
    polled = []
    page.on("request", lambda r: polled.append(r.url) if "part=counters" in r.url else None)

    services.event_report(actor=worker_a, grid=grid_a, category="S0502",
                          detail="商户在人行道摆摊", address="建设西路与桐柏路口")

    # Within a few polling intervals (not the default 30 s), the tile shows the event.
    expect(page.locator("#co-totals .co-tile", has_text="在办").locator("b")).to_have_text(
        "1", timeout=6_000)
    assert polled, "the counters came without a polling request"
    assert page.evaluate("window.__loaded_once") is True  # the same document, not reloaded
    expect(page.locator("#co-console")).to_have_attribute("hx-trigger", "every 1s")
    screenshot(page, "cityops-console-refreshed")


def test_a_grid_worker_reports_with_a_photo_on_a_phone(
        live_server, categories, grid_a, worker_a, page, tmp_path):  # noqa: F811
    from playwright.sync_api import expect

    page.set_viewport_size(PHONE)
    _sign_in(page, live_server.url, worker_a, "/cityops/events/new/")
    form = page.locator("#event-report")
    # Nothing wider than the phone, and a submit button a thumb can hit (44 px).
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    submit = form.locator("button[type=submit]")
    box = submit.bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= PHONE["width"] * 0.7

    form.locator("select[name=grid]").select_option(str(grid_a.pk))
    form.locator("select[name=category]").select_option("S0105")
    form.locator("textarea[name=detail]").fill("楼道口垃圾堆放三天未清运")
    form.locator("input[name=address]").fill("桐柏路12号院3号楼")
    photo = jpeg(taken=datetime(2023, 3, 13, 8, 50), lat=34.755, lon=113.605,
                 text="site")
    form.locator("input[name=photos]").set_input_files(
        [{"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": photo}])
    submit.click()
    page.wait_for_url(f"{live_server.url}/cityops/events/*/")

    event = Event.objects.select_related("case").get()
    assert event.grid_id == grid_a.pk and not event.exif_missing
    assert float(event.lat) == pytest.approx(34.755, abs=1e-5)  # the point from the photo
    photos = page.locator("#photo-list li")
    expect(photos).to_have_count(1)
    expect(photos.first).to_contain_text("拍摄于 2023-03-13 08:50")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "cityops-phone-event")

    page.goto(f"{live_server.url}/cityops/events/")
    row = page.locator("#events tbody tr", has_text=event.case.number)
    expect(row).to_contain_text("垃圾堆放")
    expect(row).to_contain_text("待立案")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "cityops-phone-events")
