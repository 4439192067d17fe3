"""The leaders' dashboard in a real browser (Debian chromium via Playwright): a leader logs in,
the charts draw (their canvases are not blank), and a red project opens its page with the
reason in words. Also readable at phone width."""

from datetime import date

import pytest

from ..browser.test_reporter_browser import page, screenshot  # noqa: F401
from ..factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAINTED = """(canvas) => {
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) painted++; }
  return painted;
}"""


@pytest.fixture
def evaluated(first_quarter, dispatcher):
    from diaodu.dashboard import services

    services.dashboard_refresh(actor=dispatcher, today=date(2022, 4, 10))
    return first_quarter


def test_leader_dashboard_in_a_browser(live_server, leader, evaluated, building,
                                       page):  # noqa: F811
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/admin/login/?next=/dashboard/")
    page.fill("#id_username", leader.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_url(f"{live_server.url}/dashboard/")
    expect(page.locator("#as-of")).to_contain_text("数据截至最近锁定的调度轮次")
    expect(page.locator("#big-numbers")).to_contain_text("12.5%")

    canvases = page.locator("canvas.chart")
    expect(canvases).to_have_count(3)
    page.wait_for_function("() => window.Chart && Object.keys(Chart.instances).length >= 3")
    for i in range(3):
        assert canvases.nth(i).evaluate(PAINTED) > 50, f"chart {i} is blank"
    # The sidebar lists the dashboard first.
    expect(page.locator("#nav-sidebar-inner, nav").first).to_contain_text("领导驾驶舱")
    screenshot(page, "dashboard")

    # htmx: regroup the unit table by street without leaving the page.
    page.get_by_role("button", name="按属地街道").click()
    expect(page.locator("#dd-group-table")).to_contain_text("须水街道")
    assert page.url == f"{live_server.url}/dashboard/"

    red = page.locator("#red-list").get_by_role("link", name="须水在建项目").first
    red.click()
    page.wait_for_url(f"{live_server.url}/projects/{building[1].pk}/")
    warnings = page.locator("#project-warnings")
    expect(warnings).to_contain_text("红色预警")
    expect(warnings).to_contain_text("年度投资完成率仅为应完成进度")
    expect(page.locator("#project-progress")).to_contain_text("进度条")
    screenshot(page, "dashboard-red-project")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/dashboard/")
    page.wait_for_function("() => window.Chart && Object.keys(Chart.instances).length >= 3")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"the dashboard scrolls sideways on a phone ({width}px)"
    screenshot(page, "dashboard-phone")
