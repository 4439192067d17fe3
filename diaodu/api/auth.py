"""Who is calling: a session (browser, with CSRF on writes) or a bearer API token. Either way
the caller acts with the owner's current role and scope."""

from ninja.security import HttpBearer
from ninja.security.session import SessionAuth

from diaodu.core.errors import Forbidden
from diaodu.core.security import password_change_due, password_change_required_message

from .selectors import user_for_key


def may_use_api(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and getattr(user, "role", ""))


class RoleSessionAuth(SessionAuth):
    """The signed-in session, for accounts with a role (CSRF checked on unsafe methods)."""

    def _get_key(self, request):
        # No session: answer 401 rather than a CSRF failure.
        if not may_use_api(request.user):
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        user = request.user
        return user if may_use_api(user) else None


class TokenAuth(HttpBearer):
    """`Authorization: Bearer dd_…`: an active token of an active account."""

    def authenticate(self, request, token):
        user = user_for_key(token)
        if user is None:
            return None
        if password_change_due(user):  # first sign-in, reset or expiry: pages first
            raise Forbidden("auth.password_change_required", password_change_required_message())
        request.user = user
        return user
