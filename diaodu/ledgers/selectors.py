"""Reads of the ledger import for users: scoped through core.scoping."""

from django.core.cache import cache
from django.db.models import QuerySet

from diaodu.core.errors import NotFound
from diaodu.core.scoping import scope_for

from .models import ImportJob, MappingProfile
from .services import kinds_for, progress_key


def import_job_list(*, user) -> QuerySet[ImportJob]:
    """Import jobs of the user's unit (the whole district for the DRC)."""
    if not kinds_for(user):
        return ImportJob.objects.none()
    return scope_for(user, ImportJob).select_related("created_by", "unit")


def import_job_get(*, user, pk) -> ImportJob:
    try:
        return import_job_list(user=user).get(pk=pk)
    except (ImportJob.DoesNotExist, ValueError, TypeError):
        raise NotFound from None


def import_job_progress(job: ImportJob) -> int:
    """The running job's progress: the cache during the one big transaction, else the row."""
    cached = cache.get(progress_key(job.pk))
    return int(cached) if cached is not None and job.busy else job.progress


def mapping_profile_list(*, user, kind: str = "") -> QuerySet[MappingProfile]:
    qs = scope_for(user, MappingProfile).select_related("unit")
    if user.unit_id:
        qs = qs.filter(unit_id=user.unit_id)
    return qs.filter(kind=kind) if kind else qs
