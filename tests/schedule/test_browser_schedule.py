"""The Gantt chart and the 挂图作战 chart in a real browser (Debian chromium via Playwright):
the SVG draws, the critical path shows, and the chart prints on A3 landscape without the
sidebar."""

from datetime import date
from itertools import pairwise

import pytest

from diaodu.core.two_factor import current_code

from ..browser.test_reporter_browser import ARTIFACTS, page, screenshot  # noqa: F401
from ..factories import TEST_PASSWORD, TEST_TOTP_KEY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scheduled(project_a):
    from diaodu.schedule import services

    start = date(2026, 3, 2)
    services.schedule_update(actor=None, project=project_a, expected_version=None,
                             start_on=start, target_finish=date(2026, 6, 30), today=start)
    names = [("立项", 20), ("可研批复", 20), ("环评", 40), ("施工许可", 5), ("开工", 0),
             ("主体施工", 60)]
    made = [services.activity_create(actor=None, project=project_a, name=n, duration=d,
                                     is_key=True, today=start) for n, d in names]
    for before, after in pairwise(made):
        services.dependency_add(actor=None, predecessor=before, successor=after, today=start)
    services.dependency_add(actor=None, predecessor=made[1], successor=made[2], kind="SS",
                            lag=5, today=start)
    services.schedule_update(actor=None, project=project_a, expected_version=None,
                             start_on=start, target_finish=date(2026, 6, 30), fill_plan=True,
                             today=start)
    services.activity_update(actor=None, activity=made[0], expected_version=1,
                             actual_start=start, actual_finish=date(2026, 4, 3))
    return project_a


def test_gantt_and_board_in_a_browser(live_server, dispatcher, scheduled, page):  # noqa: F811
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/admin/login/?next=/schedule/{scheduled.pk}/")
    page.fill("#id_username", dispatcher.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    # A dispatcher signs in with the second factor: the code of the test authenticator.
    page.fill("#id_code", current_code(TEST_TOTP_KEY))
    page.locator("#otp-form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/schedule/{scheduled.pk}/")
    expect(page.locator("#gantt svg")).to_be_visible()
    assert page.locator("#gantt svg .forecast.critical").count() >= 3
    expect(page.locator("#gantt svg .today")).to_have_count(1)
    expect(page.locator("#activity-table")).to_contain_text("主体施工")
    screenshot(page, "schedule-gantt")

    page.goto(f"{live_server.url}/schedule/")
    board = page.locator("#board")
    expect(board).to_contain_text(scheduled.name)
    expect(board).to_contain_text("林山寨街道")
    screenshot(page, "schedule-board")
    page.emulate_media(media="print")
    expect(page.locator("#nav-sidebar, #page > :not(#main)").first).to_be_hidden()
    expect(board).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = page.pdf(path=ARTIFACTS / "schedule-board-a3.pdf", prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")
