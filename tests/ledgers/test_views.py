"""The import wizard in the shell: upload, confirm mapping, dry run, progress, commit."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from diaodu.ledgers import services
from diaodu.ledgers.models import ImportJob, JobStatus
from diaodu.ledgers.tasks import run_import
from diaodu.projects.models import Project

from .conftest import project_ledger
from .test_import import ROWS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _run_tasks_at_once(settings):
    settings.TASKS = {"default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def upload(client, data, name="台账.xlsx", kind="projects"):
    """Post the file; its reading (a background task) runs when the request commits."""
    from django.test.testcases import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("ledgers:imports"), {
            "kind": kind, "file": SimpleUploadedFile(name, data), "submit": "on"})


def test_wizard_from_upload_to_commit(client, dispatcher, street_a, street_b, categories,
                                      django_capture_on_commit_callbacks):
    client.force_login(dispatcher)
    response = upload(client, project_ledger(ROWS))
    job = ImportJob.objects.get()
    assert response.url == reverse("ledgers:import", args=[job.pk])
    page = client.get(response.url)
    assert "表头在第 3 行" in page.text and 'value="total_investment" selected' in page.text
    post = {f"col-{i}": key for key, i in job.mapping["fields"].items()}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response.url, {**post, "action": "dry_run", "save_as": "发改委台账"})
    job.refresh_from_db()
    assert job.status == JobStatus.CHECKED and job.summary["create"] == 2
    page = client.get(response.url)
    assert "新增 2" in page.text and "确认导入" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response.url, {"action": "commit"})
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and Project.objects.count() == 2
    progress = client.get(reverse("ledgers:import_progress", args=[job.pk]),
                          HTTP_HX_REQUEST="true")
    assert progress["HX-Refresh"] == "true" and 'aria-valuenow="100"' in progress.text


def test_progress_polls_while_the_job_runs(client, dispatcher, street_a, categories,
                                           django_capture_on_commit_callbacks):
    client.force_login(dispatcher)
    job = services.import_job_create(actor=dispatcher, kind="projects", filename="a.xlsx",
                                     data=project_ledger(ROWS[:1]))
    with django_capture_on_commit_callbacks(execute=False):  # the worker has not started
        services.import_job_queue(actor=dispatcher, job=job, commit=False)
    page = client.get(reverse("ledgers:import_progress", args=[job.pk]))
    assert 'hx-trigger="every 1s"' in page.text and "HX-Refresh" not in page
    run_import.call(job_id=job.pk, commit=False)
    assert 'hx-trigger' not in client.get(
        reverse("ledgers:import_progress", args=[job.pk])).text


def test_bad_upload_is_read_in_the_task_and_shows_the_message(client, dispatcher):
    client.force_login(dispatcher)
    response = upload(client, project_ledger([]))
    job = ImportJob.objects.get()
    assert job.status == JobStatus.FAILED and not job.mapping
    page = client.get(response.url)
    assert "只有表头" in page.text and 'id="mapping-form"' not in page.text


def test_empty_upload_is_refused_in_the_request(client, dispatcher):
    client.force_login(dispatcher)
    response = upload(client, b"   ")
    assert response.status_code == 200 and "文件是空的" in response.text
    assert ImportJob.objects.count() == 0


def test_upload_page_does_not_read_the_file(client, dispatcher, street_a, categories,
                                             django_capture_on_commit_callbacks):
    """Issue 16 §4: a big or crafted file is read by the worker, not the web request."""
    client.force_login(dispatcher)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(reverse("ledgers:imports"), {
            "kind": "projects", "file": SimpleUploadedFile("a.xlsx", project_ledger(ROWS))})
    job = ImportJob.objects.get()
    assert job.status == JobStatus.READING and not job.mapping and len(queued) == 1
    page = client.get(response.url)
    assert 'hx-trigger="every 1s"' in page.text


def test_reporter_is_offered_reports_only(client, street_a_reporter):
    client.force_login(street_a_reporter)
    page = client.get(reverse("ledgers:imports"))
    assert 'value="reports"' in page.text and 'value="projects"' not in page.text
    assert upload(client, project_ledger(ROWS)).status_code == 200
    assert ImportJob.objects.count() == 0


def test_import_list_query_count_is_flat(client, dispatcher, street_a, categories,
                                         django_assert_num_queries):
    client.force_login(dispatcher)
    for n in range(3):
        services.import_job_create(actor=dispatcher, kind="projects", filename=f"{n}.xlsx",
                                   data=project_ledger(ROWS[:1]))
    client.get(reverse("ledgers:imports"))  # the unread badge is cached from here on
    # the shell (session, user, permissions ×2), the profiles, the rounds, the jobs
    with django_assert_num_queries(8):  # 7 + django-otp re-checking the 2FA device
        page = client.get(reverse("ledgers:imports"))
    assert page.text.count("ledgers/imports/") >= 3
