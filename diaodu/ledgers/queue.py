"""Handing import work to the background workers: the upload's reading and a job's run.
Apart from jobs.py and runner.py so that the tasks (which call them) and the code that
enqueues the tasks import each other in one direction only."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from diaodu.core import audit
from diaodu.core.errors import UserError
from diaodu.core.models import User

from . import jobs
from .models import ImportJob, JobStatus, MappingProfile
from .tasks import read_upload, run_import


def import_job_upload(*, actor: User | None, kind: str, filename: str, data: bytes,
                      profile: MappingProfile | None = None,
                      options: dict[str, Any] | None = None) -> ImportJob:
    """Keep an upload and hand its reading to a background task (a big or crafted file
    must not hold a web request); the page polls until the header is found or the file is
    refused."""
    jobs.ensure_may_import(actor, kind)
    jobs.check_upload(data)
    options = {**(options or {}), "profile": profile.pk if profile else None}
    with transaction.atomic():
        job = jobs.store(actor, kind, filename, data, options, JobStatus.READING)
        audit.record(actor, "import.upload", job,
                     {"kind": kind, "sha256": job.sha256, "size": job.size,
                      "profile": profile.name if profile else ""})
        transaction.on_commit(lambda: read_upload.enqueue(job_id=job.pk))
    cache.set(jobs.progress_key(job.pk), 0, 3600)
    return job


def import_job_queue(*, actor: User | None, job: ImportJob, commit: bool) -> ImportJob:
    """Hand the run to a background worker; the page polls the progress."""
    jobs.ensure_may_import(actor, job.kind)
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.busy:
            raise UserError("import.busy", _("该导入任务正在进行中。"))
        if job.status == JobStatus.DONE:
            raise UserError("import.already_done", _("该导入任务已完成。"))
        if commit and job.status != JobStatus.CHECKED:
            raise UserError("import.needs_dry_run", _("请先预检，确认结果后再导入。"))
        if commit and job.error_count:
            raise UserError("import.has_errors",
                            _("预检发现 %(n)s 行有错误，请修改文件后重新上传。")
                            % {"n": job.error_count})
        job.status, job.progress = JobStatus.QUEUED, 0
        job.options = {**job.options, "commit": commit}
        job.save(update_fields=["status", "progress", "options"])
        audit.record(actor, "import.queue", job, {"commit": commit})
        transaction.on_commit(lambda: run_import.enqueue(job_id=job.pk, commit=commit))
    cache.set(jobs.progress_key(job.pk), 0, 3600)
    return job
