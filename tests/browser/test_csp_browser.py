"""The Content Security Policy without inline scripts (issue 16, finding 9) leaves the pages
working: no violation reported by the browser, every Alpine component initialised with its
data (unfold's Alpine still needs 'unsafe-eval': settings.py, docs/trust.md), htmx and
Chart.js loaded, and the two buttons that were inline handlers still act."""

import pytest

from ..factories import TEST_PASSWORD
from .test_reporter_browser import page, screenshot  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
    e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || e.sample)));
"""
# Alpine components whose x-data is an object literal but came up empty: what a refused
# `new Function` looks like.
EMPTY_COMPONENTS = """
() => [...document.querySelectorAll('[x-data]')]
  .filter(el => el.getAttribute('x-data').includes(':'))
  .filter(el => !el._x_dataStack || Object.keys(el._x_dataStack[0] || {}).length === 0)
  .map(el => el.getAttribute('x-data'))
"""


def _sign_in(tab, url, user):
    tab.goto(f"{url}/admin/login/?next=/projects/")
    tab.fill("#id_username", user.username)
    tab.fill("#id_password", TEST_PASSWORD)
    tab.locator("form button[type=submit], form input[type=submit]").first.click()
    tab.wait_for_url(f"{url}/projects/")


def _check(tab, url):
    tab.goto(url)
    tab.wait_for_load_state("networkidle")
    assert tab.evaluate("typeof window.Alpine") == "object", url
    assert tab.evaluate("typeof window.htmx") == "object", url
    assert tab.evaluate(EMPTY_COMPONENTS) == [], url
    assert tab.evaluate("window.__csp") == [], url


def test_pages_work_under_the_policy(live_server, street_a_reporter, leader, project_a,
                                     page):  # noqa: F811
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.context.add_init_script(WATCH)
    _sign_in(page, live_server.url, street_a_reporter)
    for path in ("/projects/", f"/projects/{project_a.pk}/", "/investment/reports/",
                 "/cases/", "/schedule/", f"/schedule/{project_a.pk}/"):
        _check(page, f"{live_server.url}{path}")
    # The cancel link of a form goes back with Alpine (was javascript: in the href).
    page.goto(f"{live_server.url}/projects/")
    page.goto(f"{live_server.url}/cases/new/?project={project_a.pk}")
    page.get_by_role("link", name="取消").click()
    page.wait_for_url(f"{live_server.url}/projects/")
    page.context.clear_cookies()
    _sign_in(page, live_server.url, leader)
    _check(page, f"{live_server.url}/dashboard/")
    assert page.evaluate("typeof window.Chart") == "function"
    screenshot(page, "csp-leader-dashboard")
    assert errors == []
