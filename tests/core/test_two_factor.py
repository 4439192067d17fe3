"""Two-factor sign-in (TOTP): asked of dispatchers and administrators, not of a reporter who
has not enrolled; enrolment with a QR code; wrong codes refused, throttled and audited; no page
or API call before the code; the security administrator's reset; tokens unaffected; the demo's
public authenticator."""

import re
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from diaodu.api import services as token_services
from diaodu.core import two_factor
from diaodu.core.errors import UserError
from diaodu.core.models import AuditEvent
from diaodu.core.roles import Role
from tests.factories import TEST_PASSWORD, TEST_TOTP_KEY, UserFactory
from tests.permissions import MATRIX
from tests.test_permission_matrix import _args

pytestmark = pytest.mark.django_db

LOGIN, NEXT = "/admin/login/", "/projects/"
VERIFY = reverse("two_factor:verify")
SETUP = reverse("two_factor:setup")


def sign_in(client, user, next_url=NEXT):
    """The real first step: the password through the sign-in form."""
    response = client.post(LOGIN, {"username": user.username, "password": TEST_PASSWORD,
                                   "next": next_url})
    assert response.status_code == 302, response.content[:300]
    return response


def code_now(key=TEST_TOTP_KEY) -> str:
    return two_factor.current_code(key)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


@pytest.mark.parametrize("role", ["dispatcher", "sysadmin", "secadmin", "auditor"])
def test_dispatcher_and_administrators_must_give_the_code(client, request, role):
    user = request.getfixturevalue(role)
    response = sign_in(client, user)
    # Every page leads to the code page first, keeping where the user was going.
    assert client.get(response.url).url == f"{VERIFY}?next=%2Fprojects%2F"
    assert client.get("/admin/").url.startswith(VERIFY)
    done = client.post(VERIFY, {"code": code_now(), "next": NEXT})
    assert done.status_code == 302 and done.url == NEXT
    assert client.get("/admin/").status_code == 200
    assert AuditEvent.objects.filter(action="otp.verify", actor=user).count() == 1


def test_a_reporter_without_a_device_is_not_asked(client, street_a_reporter):
    assert sign_in(client, street_a_reporter).url == NEXT
    assert client.get(NEXT).status_code == 200


def test_a_reporter_who_enrolled_by_choice_is_asked(client, street_a):
    reporter = UserFactory(unit=street_a, role=Role.REPORTER, totp=True)
    sign_in(client, reporter)
    assert client.get(NEXT).url.startswith(VERIFY)
    assert client.post(VERIFY, {"code": code_now(), "next": NEXT}).url == NEXT
    assert client.get(NEXT).status_code == 200


def test_enrolment_with_qr_code_then_sign_in(client, drc):
    dispatcher = UserFactory(unit=drc, role=Role.DISPATCHER, totp=False)
    sign_in(client, dispatcher)
    assert client.get(NEXT).url.startswith(VERIFY)
    assert client.get(f"{VERIFY}?next=/projects/").url == f"{SETUP}?next=%2Fprojects%2F"
    page = client.get(f"{SETUP}?next=/projects/")
    body = page.content.decode()
    assert page.status_code == 200 and "<svg" in body and "<script" not in body.split("<svg")[1]
    secret = re.search(r'data-testid="secret">([A-Z2-7 ]+)<', body).group(1).replace(" ", "")
    key = client.session["diaodu_otp_pending_key"]
    assert secret == two_factor.base32(key)
    # A wrong code binds nothing and is recorded.
    refused = client.post(SETUP, {"code": wrong(code_now(key)), "next": NEXT})
    assert refused.status_code == 200 and "验证码不正确" in refused.content.decode()
    assert not TOTPDevice.objects.filter(user=dispatcher).exists()
    assert AuditEvent.objects.filter(action="otp.failed", object_id=str(dispatcher.pk)).exists()
    # The right one binds the device and completes this sign-in.
    done = client.post(SETUP, {"code": code_now(key), "next": NEXT})
    assert done.status_code == 302 and done.url == NEXT
    device = TOTPDevice.objects.get(user=dispatcher)
    assert device.confirmed and device.key == key
    assert AuditEvent.objects.filter(action="otp.enrol", object_id=str(dispatcher.pk)).exists()
    assert client.get(NEXT).status_code == 200
    # The next sign-in asks for the code.
    other = Client()
    sign_in(other, dispatcher)
    assert other.get(NEXT).url.startswith(VERIFY)


def test_wrong_code_refused_throttled_and_audited(client, dispatcher, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # one wrong code: a minute before the next try
    sign_in(client, dispatcher)
    refused = client.post(VERIFY, {"code": wrong(code_now()), "next": NEXT})
    assert refused.status_code == 200 and "验证码不正确" in refused.content.decode()
    assert client.get(NEXT).url.startswith(VERIFY)
    # Even the right code waits out the throttle, which a new password sign-in does not clear.
    sign_in(client, dispatcher)
    throttled = client.post(VERIFY, {"code": code_now(), "next": NEXT})
    assert throttled.status_code == 200 and "秒后再试" in throttled.content.decode()
    assert client.get(NEXT).url.startswith(VERIFY)
    failed = AuditEvent.objects.filter(action="otp.failed", actor=dispatcher)
    assert failed.count() == 1 and failed.get().changes == {"stage": "sign_in", "failures": 1}
    TOTPDevice.objects.filter(user=dispatcher).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=61))
    assert client.post(VERIFY, {"code": code_now(), "next": NEXT}).url == NEXT
    assert TOTPDevice.objects.get(user=dispatcher).throttling_failure_count == 0


@pytest.mark.parametrize("code", ["", "abcdef", "12345", "1234567"])
def test_malformed_code_is_refused_on_the_field(client, dispatcher, code):
    sign_in(client, dispatcher)
    response = client.post(VERIFY, {"code": code, "next": NEXT})
    assert response.status_code == 200 and response.context["form"].errors["code"]
    assert client.get(NEXT).url.startswith(VERIFY)


def test_a_code_is_accepted_once(dispatcher):
    code = code_now()
    two_factor.otp_verify(actor=dispatcher, code=code)
    with pytest.raises(UserError) as refused:
        two_factor.otp_verify(actor=dispatcher, code=code)  # replayed within its 30 s
    assert refused.value.code in {"otp.code_wrong", "otp.throttled"}


def test_no_page_and_no_api_call_before_the_code(client, dispatcher, project_a, project_b):
    sign_in(client, dispatcher)
    args = {}  # one object per builder (the matrix's builders create them)
    for name, (build, _expect) in sorted(MATRIX.items()):
        # The sign-in flow itself (signed in already, the login page sends on; sign-out and
        # the JavaScript catalogue and the language switch stay open; the API's root is no page)
        # is not behind the code.
        if name.startswith("two_factor:") or name in ("admin:login", "admin:logout",
                                                       "admin:jsi18n", "api:api-root",
                                                       "set_language"):
            continue
        if build not in args:
            args[build] = _args(build, project_a)
        url = reverse(name, args=args[build])
        response = client.get(url)
        # Under /api/ the session counts as none, so its docs pages ask for a sign-in.
        gate = LOGIN if url.startswith("/api/") else VERIFY
        assert response.status_code == 302 and response.url.startswith(gate), (name, url)
        posted = client.post(url)
        assert posted.status_code in (302, 403) and (
            posted.status_code == 403 or posted.url.startswith(gate)), (name, url)
    # The API sees no session: 401, no data.
    api = client.get("/api/v1/projects")
    assert api.status_code == 401 and project_a.name not in api.content.decode()
    # Sign-out stays open.
    assert client.post(reverse("admin:logout")).status_code in (200, 302)
    assert client.get(NEXT).url.startswith(LOGIN)


def test_security_admin_resets_a_device(client, secadmin, sysadmin, dispatcher):
    verified = Client()
    verified.force_login(dispatcher)
    assert verified.get(NEXT).status_code == 200
    # The system administrator is not offered the action and the service refuses them.
    client.force_login(sysadmin)
    changelist = reverse("admin:core_user_changelist")
    assert "reset_two_factor" not in client.get(changelist).content.decode()
    with pytest.raises(UserError):
        two_factor.otp_device_reset(actor=sysadmin, user=dispatcher)
    client.force_login(secadmin)
    response = client.post(changelist, {"action": "reset_two_factor",
                                        "_selected_action": [dispatcher.pk]})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=dispatcher).exists()
    reset = AuditEvent.objects.get(action="otp.reset")
    assert reset.actor == secadmin and reset.object_id == str(dispatcher.pk)
    assert reset.changes == {"devices": 1}
    # The open session loses its second factor at once and must enrol again.
    assert verified.get(NEXT).url.startswith(VERIFY)
    assert verified.get(f"{VERIFY}?next=/projects/").url.startswith(SETUP)


def test_security_admin_cannot_reset_their_own_device(secadmin):
    with pytest.raises(UserError) as refused:
        two_factor.otp_device_reset(actor=secadmin, user=secadmin)
    assert refused.value.code == "otp.reset_self"
    assert TOTPDevice.objects.filter(user=secadmin).exists()


def test_otp_reset_command_for_the_last_security_admin(secadmin, capsys):
    call_command("otp_reset", "secadmin")
    assert not TOTPDevice.objects.filter(user=secadmin).exists()
    assert AuditEvent.objects.get(action="otp.reset").actor is None
    with pytest.raises(CommandError):
        call_command("otp_reset", "nobody")


def test_api_tokens_are_not_asked_for_a_code(dispatcher, project_a):
    _token, key = token_services.api_token_create(actor=dispatcher, name="对接", days=1)
    response = Client().get("/api/v1/projects", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert [p["name"] for p in response.json()["items"]] == [project_a.name]


def test_demo_accounts_use_the_public_demo_secret(client, drc, settings):
    demo = UserFactory(username="demo_dispatcher", unit=drc, role=Role.DISPATCHER, totp=False)
    two_factor.otp_device_enrol(actor=None, user=demo, key=two_factor.DEMO_KEY)
    call_command("otp_code", "demo_dispatcher")
    sign_in(client, demo)
    page = client.get(f"{VERIFY}?next=/projects/")
    assert 'data-testid="demo-hint"' in page.content.decode()
    # Only the demo secret, never a real account's, and not in production.
    real = UserFactory(username="real_dispatcher", unit=drc, role=Role.DISPATCHER)
    with pytest.raises(CommandError):
        call_command("otp_code", real.username)
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("otp_code", "demo_dispatcher")
    refused = client.post(VERIFY, {"code": two_factor.current_code(two_factor.DEMO_KEY),
                                   "next": NEXT})
    assert "演示密钥不能在生产环境使用" in refused.content.decode()
    assert client.get(NEXT).url.startswith(VERIFY)


def test_demo_loader_enrols_the_accounts_that_need_it(street_a, drc):
    from diaodu.demo.loader import _two_factor_devices

    UserFactory(username="dispatcher", role=Role.DISPATCHER, unit=drc, totp=False)
    UserFactory(username="reporter", role=Role.REPORTER, unit=street_a, totp=False)
    assert _two_factor_devices() is True
    assert _two_factor_devices() is False  # idempotent
    assert two_factor.is_demo_device(two_factor.device_of(
        TOTPDevice.objects.get(user__username="dispatcher").user))
    assert not TOTPDevice.objects.filter(user__username="reporter").exists()
