"""Per-user API tokens: only a hash is stored; the key is shown once, when it is made."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A bearer key that acts as its owner, with the owner's current role and scope."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("所有者"),
                             on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=60)
    # The first characters of the key, so its owner can tell tokens apart; not a secret.
    prefix = models.CharField(_("前缀"), max_length=12)
    key_hash = models.CharField(_("密钥摘要"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("到期时间"))
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now
