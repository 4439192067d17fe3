"""System checks run at start-up (runserver, migrate, check, every management command)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register("diaodu")
def audit_retention(app_configs, **kwargs):
    from .audit_archive import MIN_RETENTION_DAYS

    days = getattr(settings, "AUDIT_RETENTION_DAYS", None)
    if not isinstance(days, int) or days < MIN_RETENTION_DAYS:
        return [Error(
            f"AUDIT_RETENTION_DAYS is {days!r}: audit events must be kept at least "
            f"{MIN_RETENTION_DAYS} days (网络安全法 第二十一条: network logs for no less than "
            "six months).",
            hint=f"Set AUDIT_RETENTION_DAYS to {MIN_RETENTION_DAYS} or more.",
            id="diaodu.E001")]
    return []


@register(Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith("LocMemCache"):
        return [Warning(
            "The cache is local to each process: with several app processes or a task worker, "
            "import progress and unread-case badges go stale.",
            hint="Set REDIS_URL (redis://host:6379/0) to share one Redis cache.",
            id="diaodu.W001")]
    return []
