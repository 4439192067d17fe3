"""A street reporter in a real browser: logs in, sees only the own street's projects, opens one,
and gets 404 for another street's project. Drives Debian's /usr/bin/chromium through Playwright.

Without chromium the test is skipped on a developer machine and fails when CI is set, so CI can
never pass with the browser test silently skipped."""

import os
from pathlib import Path

import pytest

from ..factories import TEST_PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TIMEOUT_MS = 15_000

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(monkeypatch, transactional_db, live_server):
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: apt-get install -y chromium"
        if os.environ.get("CI"):
            pytest.fail(f"browser test cannot run in CI: {reason}", pytrace=False)
        pytest.skip(reason)
    # Playwright's sync API keeps an event loop running in this thread; Django would otherwise
    # refuse ORM calls made while it runs as "async unsafe".
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        # Reporters' browsers ask for Chinese; the site also offers English.
        context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()
            # While the loop runs, Django keeps this thread's connections in a separate
            # (context-local) slot; close them here, or PostgreSQL refuses to drop the test
            # database at the end ("being accessed by other users").
            connections.close_all()


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


def test_street_reporter_sees_own_street_only(live_server, street_a_reporter, project_a,
                                              project_b, page):
    # The data fixtures come before `page`, so they are written outside Playwright's loop.
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/admin/login/?next=/projects/")
    page.fill("#id_username", street_a_reporter.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_url(f"{live_server.url}/projects/")

    table = page.locator("#project-table")
    expect(table).to_contain_text("林山寨更新项目")
    expect(table).not_to_contain_text("须水道路项目")
    screenshot(page, "reporter-project-list")

    table.get_by_role("link", name="林山寨更新项目").click()
    page.wait_for_url(f"{live_server.url}/projects/{project_a.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    body = page.locator("body")
    expect(body).to_contain_text("林山寨更新项目")
    expect(body).to_contain_text("基本信息")
    expect(body).to_contain_text("责任单位")
    expect(body).to_contain_text("林山寨街道")
    screenshot(page, "reporter-project-detail")
    page.set_viewport_size({"width": 390, "height": 844})  # reporters fill in from a phone
    screenshot(page, "reporter-project-detail-phone")

    response = page.goto(f"{live_server.url}/projects/{project_b.pk}/")
    assert response is not None and response.status == 404
    expect(page.locator("body")).not_to_contain_text("须水道路项目")
