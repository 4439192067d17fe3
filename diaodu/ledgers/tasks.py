"""Background runs of the ledger import (django.tasks; workers: `diaodu db_worker`)."""

from django.tasks import task
from django.utils import timezone

from diaodu.core import workers
from diaodu.core.errors import UserError

from . import services
from .models import ImportJob, JobStatus


@task()
def run_import(job_id: int, commit: bool) -> dict:
    """Dry run or commit of one import job, as its creator."""
    job = ImportJob.objects.select_related("created_by", "created_by__unit").get(pk=job_id)
    try:
        job = services.import_job_run(actor=job.created_by, job=job, commit=commit)
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
    services.cache.set(services.progress_key(job.pk), 100, 3600)


@workers.on_lost(run_import)
def _worker_lost(job_id: int, commit: bool) -> None:
    # The worker died mid-run and the task has no attempts left: its transaction was rolled
    # back by the database, so the job is failed, not left "running".
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is not None and job.busy:
        _fail(job, "后台工作进程中断，未写入任何数据，请重新预检后导入。")
