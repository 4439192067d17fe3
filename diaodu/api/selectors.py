"""Reads of API tokens: a user sees only their own; a key finds its active owner."""

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from diaodu.core.errors import NotFound
from diaodu.core.models import User

from .models import ApiToken
from .services import KEY_PREFIX, hash_key

# Recording every use would write on every API call; once per interval says enough.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def api_token_list(*, user) -> QuerySet[ApiToken]:
    if not (user and user.is_authenticated):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def api_token_get(*, user, pk) -> ApiToken:
    try:
        return api_token_list(user=user).get(pk=pk)
    except (ApiToken.DoesNotExist, ValueError, TypeError):
        raise NotFound from None


def user_for_key(key: str | None) -> User | None:
    """The owner of an active token with this key, if the owner may still sign in."""
    if not key or not key.startswith(KEY_PREFIX) or len(key) > 100:
        return None
    now = timezone.now()
    token = (ApiToken.objects.select_related("user", "user__unit")
             .filter(key_hash=hash_key(key), revoked_at__isnull=True, expires_at__gt=now)
             .first())
    if token is None or not token.user.is_active or not token.user.role:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
