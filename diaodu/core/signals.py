"""Sign-in events for the audit log: login, logout, failed attempts and lockouts."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import audit


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender, request, user, **kwargs):
    audit.record(user, "auth.login", user)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record(user, "auth.logout", user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    # The password is never recorded; the username typed is, to see guessing. A wrong old
    # password on the change-password page counts the same (admin_site.py), named apart.
    action = "auth.password_change_failed" \
        if credentials.get("purpose") == "password_change" else "auth.login_failed"
    audit.record(None, action, None, {"username": str(credentials.get("username", ""))[:150]})
