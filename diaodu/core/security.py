"""Sign-in policy (等保2.0 level 3): session idle and absolute timeouts, the second factor,
forced password changes, and the lockout answer (django-axes counts the failures)."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import audit, two_factor

AUTH_AT, SEEN_AT = "diaodu_auth_at", "diaodu_seen_at"
# Set at sign-in: this session must pass the second factor (role, or a device enrolled by
# choice) — so a page view costs no device query for the many users who need none.
OTP_ASKED = "diaodu_otp_asked"
# Refresh the idle clock at most this often, so a page view does not always write the session.
SEEN_RESOLUTION = 60


@receiver(user_logged_in, dispatch_uid="session_policy_stamp")
def _stamp_session(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[AUTH_AT] = request.session[SEEN_AT] = now
        request.session[OTP_ASKED] = two_factor.asked_at_sign_in(user)


def _otp_page(path: str) -> bool:
    return path.startswith(("/static/", "/i18n/", "/account/two-factor/")) or path in (
        reverse("admin:login"), reverse("admin:logout"))


def _exempt(path: str) -> bool:
    # The API is not exempt: a session call gets a 403 (below), a token call is refused by
    # TokenAuth (api/auth.py) — the forced change cannot be skipped by changing door.
    return _otp_page(path) or path in (
        reverse("admin:password_change"), reverse("admin:password_change_done"))


def password_change_required_message() -> str:
    return _("请先修改密码：首次登录或密码已超过%(n)s天未修改。") \
        % {"n": settings.PASSWORD_MAX_AGE_DAYS}


class SessionPolicyMiddleware:
    """Sign a session out after SESSION_IDLE_SECONDS without a request, or
    SESSION_ABSOLUTE_SECONDS after sign-in, whichever comes first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if hasattr(request, "session") and AUTH_AT in request.session:
            now = int(time.time())
            auth_at = request.session.get(AUTH_AT, now)
            seen_at = request.session.get(SEEN_AT, auth_at)
            if (now - seen_at > settings.SESSION_IDLE_SECONDS
                    or now - auth_at > settings.SESSION_ABSOLUTE_SECONDS):
                user = request.user
                logout(request)
                audit.record(user if user.is_authenticated else None, "auth.session_expired",
                             None, {"idle": now - seen_at, "age": now - auth_at})
                if not request.path.startswith("/api/"):
                    messages.info(request, _("登录已超时，请重新登录。"))
                    return redirect(f"{reverse('admin:login')}?next={request.path}")
            elif now - seen_at > SEEN_RESOLUTION:
                request.session[SEEN_AT] = now
        return self.get_response(request)


class TwoFactorMiddleware:
    """A session whose user must give a TOTP code (dispatchers, administrators, anyone who
    enrolled) reaches only the two-factor pages and sign-out until the code is accepted; the
    API sees such a session as no session at all (401). Runs after django-otp's OTPMiddleware,
    which knows whether the session was verified with a device that still exists."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not _otp_page(request.path):
            session = request.session
            if OTP_ASKED not in session:  # a session from before two-factor sign-in existed
                session[OTP_ASKED] = two_factor.asked_at_sign_in(user)
            if session[OTP_ASKED] and not user.is_verified():
                if request.path.startswith("/api/"):
                    request.user = AnonymousUser()
                else:
                    query = urlencode({"next": request.get_full_path()})
                    return redirect(f"{reverse('two_factor:verify')}?{query}")
        return self.get_response(request)


def password_change_due(user) -> bool:
    if getattr(user, "must_change_password", False):
        return True
    changed = getattr(user, "password_changed_at", None)
    max_age = settings.PASSWORD_MAX_AGE_DAYS
    return bool(changed and max_age and (timezone.now() - changed).days >= max_age)


class PasswordPolicyMiddleware:
    """A user whose password must change (first sign-in, or older than PASSWORD_MAX_AGE_DAYS)
    reaches only the change-password page until it is changed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if not _exempt(request.path) and user is not None and user.is_authenticated \
                and password_change_due(user):
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "auth.password_change_required",
                                     "message": password_change_required_message(),
                                     "field": None}, status=403)
            messages.warning(request, password_change_required_message())
            return redirect("admin:password_change")
        return self.get_response(request)


def lockout_response(request, credentials, *args, **kwargs):
    """django-axes: the answer to a locked-out sign-in (the attempt is recorded by the signal)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    body = render_to_string("admin/locked_out.html", {"minutes": minutes}, request=request)
    return HttpResponse(body, status=429)


def _on_lockout(sender, request, username, ip_address, **kwargs):
    audit.record(None, "auth.lockout", None, {"username": str(username or "")[:150]})


def connect_lockout_signal() -> None:
    from axes.signals import user_locked_out

    user_locked_out.connect(_on_lockout, dispatch_uid="audit_lockout")
