"""Writes for API tokens: make one (the key is returned once) and revoke one."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diaodu.core import audit
from diaodu.core.errors import Forbidden, NotFound, UserError
from diaodu.core.models import User

from .models import ApiToken

KEY_PREFIX = "dd_"
MAX_ACTIVE_TOKENS = 10


def hash_key(key: str) -> str:
    # The key has 256 random bits, so a fast unsalted digest is enough (no dictionary to try).
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(*, actor: User, name: str, days: int) -> tuple[ApiToken, str]:
    """A new token for `actor` valid for `days`; returns it with the key (shown only now)."""
    if not (actor and actor.is_active and actor.role):
        raise Forbidden("permission.denied", _("该账号不能创建接口令牌。"))
    name = (name or "").strip()
    if not name:
        raise UserError("token.name_required", _("请填写令牌用途。"), "name")
    if len(name) > 60:
        raise UserError("token.name_too_long", _("令牌用途不能超过60个字。"), "name")
    max_days = settings.API_TOKEN_MAX_DAYS
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= max_days:
        raise UserError("token.days_invalid", _("有效期应为1至%(n)s天。") % {"n": max_days},
                        "days")
    now = timezone.now()
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        # Lock the owner's row so two requests cannot both pass the limit.
        User.objects.select_for_update().get(pk=actor.pk)
        active = ApiToken.objects.filter(user=actor, revoked_at__isnull=True,
                                         expires_at__gt=now).count()
        if active >= MAX_ACTIVE_TOKENS:
            raise UserError("token.too_many",
                            _("有效令牌最多%(n)s个，请先吊销不用的令牌。")
                            % {"n": MAX_ACTIVE_TOKENS}, "name")
        token = ApiToken.objects.create(
            user=actor, name=name, prefix=key[:10], key_hash=hash_key(key), created_at=now,
            expires_at=now + timedelta(days=days))
        audit.record(actor, "api_token.create", token,
                     {"name": name, "expires_at": token.expires_at})
    return token, key


def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke one of the actor's own tokens; revoking twice changes nothing."""
    with transaction.atomic():
        try:
            token = ApiToken.objects.select_for_update().get(pk=token.pk, user=actor)
        except ApiToken.DoesNotExist:
            raise NotFound from None
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit.record(actor, "api_token.revoke", token, {"revoked_at": token.revoked_at})
    return token
