"""Two-factor enrolment in a real browser: a dispatcher without an authenticator signs in,
is sent to enrolment, sees the QR code drawn (inline SVG) and the secret, types the code an
authenticator app would show for that secret, and reaches the page they asked for."""

from base64 import b32decode

import pytest

from diaodu.core import two_factor
from diaodu.core.roles import Role

from ..factories import TEST_PASSWORD, UserFactory
from .test_reporter_browser import page, screenshot  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def new_dispatcher(drc):
    return UserFactory(username="new_dispatcher", unit=drc, role=Role.DISPATCHER, totp=False)


def test_dispatcher_enrols_with_the_qr_page(live_server, new_dispatcher, project_a,
                                            page):  # noqa: F811
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/admin/login/?next=/projects/")
    page.fill("#id_username", new_dispatcher.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_url(f"{live_server.url}/account/two-factor/?next=%2Fprojects%2F")
    qr = page.locator("[data-testid=qr] svg")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["width"] >= 150 and box["height"] >= 150, box  # large enough to scan
    screenshot(page, "two-factor-enrol")
    secret = page.locator("[data-testid=secret]").inner_text().replace(" ", "")
    key = b32decode(secret).hex()
    page.fill("#id_code", two_factor.current_code(key))
    page.locator("#otp-form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/projects/")
    expect(page.locator("body")).to_contain_text(project_a.name)
