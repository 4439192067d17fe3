"""Running an import job: every row through its app's planner (core/imports.py) and the
domain services inside one transaction, kept only for a commit in which no row was refused
(all or nothing). Rows upsert by project code, else by name and responsible unit; unchanged
rows call no service, so the same file twice changes nothing. Project rows are written a
batch at a time through the bulk services (docs/ledgers.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from diaodu.core import audit
from diaodu.core.errors import UserError
from diaodu.core.imports import EXTRAS, PLANNERS, Extra, Line, Pending, Planner
from diaodu.core.models import User

from .jobs import ensure_may_import, progress_key
from .models import ImportJob, JobStatus
from .names import Names
from .sheet import Sheet

# Created and updated rows beyond this are counted in the summary but not listed; every
# refused or warned row is listed.
ROWS_KEPT = 1000


def planner_for(kind: str) -> type[Planner]:
    """The planner an app registered for `kind` (its `imports` module, loaded on first use)."""
    if kind not in PLANNERS:
        autodiscover_modules("imports")
    return PLANNERS[kind]


def extra_for(kind: str, part: str) -> type[Extra]:
    """The planner an app registered for the `part` columns of `kind` rows."""
    planner_for(kind)
    if (kind, part) not in EXTRAS:
        autodiscover_modules("imports")
    return EXTRAS[(kind, part)]


def _follow(extras: list[Extra], lines: list[Line]) -> None:
    """The ticked parts of each row whose own record is planned (and, for a change,
    written): the plan and progress columns, through their apps' services. A row whose
    record is unchanged but whose plan or report changes counts as updated."""
    if not extras:
        return
    for line in lines:
        if line.errors or line.subject is None:
            continue
        for extra in extras:
            wrote = extra.handle(line)
            if line.errors:
                break
            if wrote and line.action == "unchanged":
                line.action = "update"


def _progress(job: ImportJob, percent: int) -> None:
    """Progress inside the one big transaction cannot be read from the database by anyone
    else, so it also goes to the cache the progress bar reads first."""
    cache.set(progress_key(job.pk), percent, 3600)


def _start(job: ImportJob) -> ImportJob:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status == JobStatus.DONE:
            raise UserError("import.already_done", _("该导入任务已完成。"))
        job.status = JobStatus.RUNNING
        job.progress = 0
        job.save(update_fields=["status", "progress"])
    return job


def import_job_run(*, actor: User | None, job: ImportJob, commit: bool,
                   on_progress: Callable[[int], None] | None = None) -> ImportJob:
    """Dry run (`commit=False`) or commit of a job. Every row goes through the domain services
    inside one transaction; the transaction is kept only for a commit in which no row was
    refused. The job keeps the per-row actions, the summary and the errors either way."""
    ensure_may_import(actor, job.kind)
    job = _start(job)
    sheet = Sheet(job)
    names = Names()
    # Rows are parsed as they are read and written a batch at a time: the file is streamed,
    # and only the batch's rows, every error row and the first ROWS_KEPT changes are held.
    # The progress counts sheet rows, section and total rows included.
    total = max(sheet.height, 1)
    seen = 0
    counts = {"create": 0, "update": 0, "unchanged": 0, "error": 0, "warning": 0}
    kept: list[dict[str, Any]] = []
    step = max(total // 50, 1)
    started = timezone.now()
    batch: list[Line] = []
    current = None

    def settle(lines: list[Line]) -> None:
        for line in lines:
            counts[line.action or "error"] += 1
            counts["warning"] += bool(line.warnings)
            if line.action == "error" or line.warnings or (
                    line.action != "unchanged"
                    and counts["create"] + counts["update"] <= ROWS_KEPT):
                kept.append(line.as_json())

    def flush() -> None:
        latest = sheet.focus(current or "")
        planner.apply_many(batch)
        _follow(extras, batch)
        settle(batch)
        sheet.part = latest
        batch.clear()

    # audit.deferred: the run's audit events and rollup totals are done in one step at its
    # end, so other users' saves wait for that step, not for the whole file.
    with transaction.atomic(), audit.deferred() as deferred:
        planner = planner_for(job.kind)(actor, job, sheet, names)
        extras = [extra_for(job.kind, part)(actor, job, sheet, names)
                  for part in sheet.with_parts]
        for line in sheet.lines():
            seen += 1
            if line.sheet != current:  # a refused row's cell is named in its own sheet
                flush()
                current = line.sheet
            if not line.errors:
                planner.want_diffs = counts["create"] + counts["update"] + len(batch) < ROWS_KEPT
                parsed = dict(line.values)
                try:
                    planner.plan(line)
                except Pending:  # an earlier row of the batch creates or changes it
                    flush()
                    line.values = parsed
                    planner.plan(line)
            if not line.errors and line.action in ("create", "update"):
                batch.append(line)
                if len(batch) >= planner.batch:
                    flush()
            else:
                _follow(extras, [line])
                settle([line])
            if seen % step == 0:
                percent = 5 + int(90 * min(seen, total) / total)
                _progress(job, percent)
                if on_progress:
                    on_progress(percent)
        flush()
        kept.sort(key=lambda row: (row.get("sheet", ""), row["row"]))
        refused = counts["error"] > 0
        if not commit or refused:
            deferred.discard()
            transaction.set_rollback(True)
    summary = {**counts, "rows": seen, "checks": sheet.checks, "notes": sheet.notes,
               "totals": sheet.totals, "sections": sheet.section_warnings,
               "unknown": names.report(),
               "committed": commit and not refused, "dry_run": not commit,
               "seconds": round((timezone.now() - started).total_seconds(), 2)}
    return _finish(actor, job, commit, refused, summary, kept, counts)


def _finish(actor, job, commit, refused, summary, kept, counts) -> ImportJob:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        job.summary, job.rows, job.progress = summary, kept, 100
        if commit:
            job.status = JobStatus.FAILED if refused else JobStatus.DONE
            job.finished_at = timezone.now()
            job.result = {"created": counts["create"], "updated": counts["update"]}
        else:
            job.status = JobStatus.CHECKED
        job.save()
        audit.record(actor, "import.commit" if commit else "import.dry_run", job,
                     {k: summary[k] for k in ("create", "update", "unchanged", "error",
                                               "rows", "committed")})
    _progress(job, 100)
    return job


__all__ = ["ROWS_KEPT", "extra_for", "import_job_run", "planner_for"]
