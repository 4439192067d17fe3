"""Sign-in policy: lockout, password rules and history, forced changes, session timeouts,
and the first three administrators."""

import re
import time
from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from diaodu.core import security, services
from diaodu.core.errors import UserError
from diaodu.core.models import AuditEvent, PasswordHistory, User
from diaodu.core.roles import Role
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


def sign_in(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/projects/"})


# ---------------------------------------------------------------- lockout

def test_five_failures_lock_the_account_for_thirty_minutes(client, street_a_reporter):
    for _ in range(5):
        assert sign_in(client, "street_a_reporter", "wrong-password").status_code in (200, 429)
    locked = sign_in(client, "street_a_reporter", TEST_PASSWORD)
    assert locked.status_code == 429
    assert "30" in locked.content.decode() and "锁定" in locked.content.decode()
    assert AuditEvent.objects.filter(action="auth.lockout").exists()
    assert AuditEvent.objects.filter(action="auth.login_failed").count() >= 5
    assert not AuditEvent.objects.filter(action="auth.login").exists()


def test_four_failures_then_the_right_password_signs_in(client, street_a_reporter):
    for _ in range(4):
        sign_in(client, "street_a_reporter", "wrong-password")
    assert sign_in(client, "street_a_reporter", TEST_PASSWORD).status_code == 302


def test_lockout_expires_after_the_cool_off(client, street_a_reporter, settings):
    from axes.models import AccessAttempt

    for _ in range(5):
        sign_in(client, "street_a_reporter", "wrong-password")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))
    assert sign_in(client, "street_a_reporter", TEST_PASSWORD).status_code == 302


# ---------------------------------------------------------------- password rules

@pytest.mark.parametrize("password", ["alllowercase1", "ALLUPPERCASE", "short1A!",
                                      "1234567890123", "abcdefghijkl"])
def test_weak_passwords_are_refused(password, street_a):
    with pytest.raises(UserError) as exc:
        services.user_create(actor=None, username="newbie", password=password, unit=street_a,
                             role=Role.REPORTER)
    assert exc.value.code == "user.password_weak" and exc.value.field == "password"


def test_the_last_five_passwords_cannot_be_reused(street_a):
    user = services.user_create(actor=None, username="rotator", password="First-pass-001",
                                unit=street_a, role=Role.REPORTER)
    passwords = ["First-pass-001"] + [f"Next-pass-{n:03d}" for n in range(2, 7)]
    for new in passwords[1:]:
        user = services.user_change_password(actor=user, user=user, new_password=new)
    assert PasswordHistory.objects.filter(user=user).count() == 5
    for reused in passwords[-5:]:
        with pytest.raises(ValidationError):
            validate_password(reused, user)
    validate_password(passwords[0], user)  # six changes ago: allowed again


def test_password_change_through_the_page_clears_the_forced_change(client, street_a):
    user = services.user_create(actor=None, username="firsttimer", password="Initial-pass-1",
                                unit=street_a, role=Role.REPORTER)
    assert user.must_change_password
    assert sign_in(client, "firsttimer", "Initial-pass-1").status_code == 302
    response = client.get("/projects/")
    assert response.status_code == 302 and response["Location"] == reverse("admin:password_change")
    same = client.post(reverse("admin:password_change"), {
        "old_password": "Initial-pass-1", "new_password1": "Initial-pass-1",
        "new_password2": "Initial-pass-1"})
    assert same.status_code == 200  # reuse refused
    changed = client.post(reverse("admin:password_change"), {
        "old_password": "Initial-pass-1", "new_password1": "Better-pass-22",
        "new_password2": "Better-pass-22"})
    assert changed.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password
    assert client.get("/projects/").status_code == 200
    event = AuditEvent.objects.get(action="user.change_password")
    assert "Better" not in str(event.changes)


def test_password_older_than_ninety_days_must_change(client, street_a_reporter):
    User.objects.filter(pk=street_a_reporter.pk).update(
        password_changed_at=timezone.now() - timedelta(days=91))
    client.force_login(street_a_reporter)
    assert client.get("/projects/")["Location"] == reverse("admin:password_change")
    # The API cannot redirect: it refuses with the reason (issue 16, finding 3).
    assert client.get("/api/v1/projects").status_code == 403


def test_only_one_s_own_password_changes(street_a_reporter, street_b_reporter):
    with pytest.raises(UserError):
        services.user_change_password(actor=street_b_reporter, user=street_a_reporter,
                                      new_password="Another-pass-9")


# ---------------------------------------------------------------- sessions

def test_idle_session_is_signed_out(client, street_a_reporter):
    client.force_login(street_a_reporter)
    session = client.session
    session[security.SEEN_AT] = int(time.time()) - 31 * 60
    session.save()
    response = client.get("/projects/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert AuditEvent.objects.filter(action="auth.session_expired").exists()


def test_session_older_than_twelve_hours_is_signed_out(client, street_a_reporter):
    client.force_login(street_a_reporter)
    session = client.session
    session[security.AUTH_AT] = int(time.time()) - 12 * 3600 - 1
    session[security.SEEN_AT] = int(time.time())
    session.save()
    assert client.get("/projects/")["Location"].startswith(LOGIN)


def test_active_session_stays(client, street_a_reporter):
    client.force_login(street_a_reporter)
    session = client.session
    session[security.SEEN_AT] = int(time.time()) - 29 * 60
    session.save()
    assert client.get("/projects/").status_code == 200
    assert client.session[security.SEEN_AT] >= int(time.time()) - 5


# ---------------------------------------------------------------- 三员分立

def test_create_admins_makes_three_separate_administrators(capsys, drc):
    call_command("create_admins", "--unit", drc.code)
    out = capsys.readouterr().out
    admins = User.objects.filter(role__in=[Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR])
    assert sorted(admins.values_list("role", flat=True)) == sorted(
        [Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR])
    assert all(u.must_change_password and not u.is_superuser and not u.is_staff for u in admins)
    for user in admins:
        password = re.search(rf"{user.username}\s+\S+\s+(\S+)", out).group(1)
        assert user.check_password(password)
    with pytest.raises(CommandError, match="already exist"):
        call_command("create_admins")


def test_create_admins_needs_a_known_unit():
    with pytest.raises(CommandError, match="no unit"):
        call_command("create_admins", "--unit", "nowhere")


# ---------------------------------------------------------------- password-change guessing

def _change(client, old):
    return client.post(reverse("admin:password_change"), {
        "old_password": old, "new_password1": "Brand-new-pass-77",
        "new_password2": "Brand-new-pass-77"})


def test_wrong_old_passwords_count_toward_the_lockout(client, street_a_reporter):
    """Issue 16, finding 7: a borrowed session guessing the password is stopped and audited."""
    client.force_login(street_a_reporter)
    for _ in range(4):
        assert _change(client, "wrong-password").status_code == 200
    assert AuditEvent.objects.filter(action="auth.password_change_failed").count() == 4
    locked = _change(client, "wrong-password")  # the fifth
    assert locked.status_code == 429
    assert AuditEvent.objects.filter(action="auth.lockout").exists()
    # Signed out, and the right password does not sign in while locked.
    assert client.get("/projects/").status_code == 302
    assert sign_in(client, "street_a_reporter", TEST_PASSWORD).status_code == 429
    street_a_reporter.refresh_from_db()
    assert street_a_reporter.check_password(TEST_PASSWORD)


def test_four_wrong_old_passwords_then_the_right_one_changes_it(client, street_a_reporter):
    client.force_login(street_a_reporter)
    for _ in range(4):
        _change(client, "wrong-password")
    assert _change(client, TEST_PASSWORD).status_code == 302
    street_a_reporter.refresh_from_db()
    assert street_a_reporter.check_password("Brand-new-pass-77")
