"""Background work of the ledger import (django.tasks; workers: `diaodu db_worker`): reading
an upload and the dry run or commit of a job."""

from django.core.cache import cache
from django.tasks import task
from django.utils import timezone

from diaodu.core import workers
from diaodu.core.errors import UserError

from . import jobs, runner
from .models import ImportJob, JobStatus, MappingProfile


@task()
def read_upload(job_id: int) -> dict:
    """Read a stored upload: find its sheets and header, propose the mapping."""
    job = ImportJob.objects.select_related("created_by", "created_by__unit").get(pk=job_id)
    profile_id = job.options.get("profile")
    profile = MappingProfile.objects.filter(pk=profile_id).first() if profile_id else None
    try:
        jobs.import_job_read(actor=job.created_by, job=job, profile=profile)
    except UserError as problem:  # the job is failed with the reason by import_job_read
        return {"error": problem.message}
    except Exception:
        _fail(job, "读取文件时发生系统错误，请联系管理员。")
        raise
    return {"read": job.pk}


@task()
def run_import(job_id: int, commit: bool) -> dict:
    """Dry run or commit of one import job, as its creator."""
    job = ImportJob.objects.select_related("created_by", "created_by__unit").get(pk=job_id)
    try:
        job = runner.import_job_run(actor=job.created_by, job=job, commit=commit)
    except UserError as problem:
        _fail(job, problem.message)
        return {"error": problem.message}
    except Exception:
        _fail(job, "导入过程中发生系统错误，未写入任何数据，请联系管理员。")
        raise
    return job.summary


def _fail(job: ImportJob, message: str) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.FAILED, progress=100, finished_at=timezone.now(),
        summary={**job.summary, "failure": message})
    cache.set(jobs.progress_key(job.pk), 100, 3600)


@workers.on_lost(run_import)
def _worker_lost(job_id: int, commit: bool) -> None:
    # The worker died mid-run and the task has no attempts left: its transaction was rolled
    # back by the database, so the job is failed, not left "running".
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is not None and job.busy:
        _fail(job, "后台工作进程中断，未写入任何数据，请重新预检后导入。")


@workers.on_lost(read_upload)
def _reader_lost(job_id: int) -> None:
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is not None and job.status == JobStatus.READING:
        _fail(job, "后台工作进程中断，文件未读取，请重新上传。")
