"""Hardening of issue 16, finding 9: no-store on everything signed-in and every download, a
body limit, and a CSP without inline scripts."""

from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse

from diaodu.cases import services as cases

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_signed_in_pages_and_downloads_are_not_stored(client, dispatcher, auditor, project_a,
                                                      street_a):
    case = cases.case_create(actor=dispatcher, title="用地报批", project=project_a,
                             lead_unit=street_a, today=date(2022, 3, 28))
    notice = cases.notice_issue(actor=dispatcher, case=case, kind="assign",
                                today=date(2022, 3, 28))
    client.force_login(dispatcher)
    for url in ("/projects/", f"/projects/{project_a.pk}/", "/ledgers/exports/projects.xlsx",
                "/ledgers/exports/cases.xlsx", "/ledgers/briefing.docx",
                reverse("cases:notice_docx", args=[notice.pk]), "/api/v1/projects"):
        response = client.get(url)
        assert response.status_code == 200 and _no_store(response), url
    client.force_login(auditor)
    response = client.get("/admin/core/auditevent/export/")
    assert response.status_code == 200 and _no_store(response)


def test_a_token_call_is_not_stored(street_a_reporter, project_a):
    from django.test import Client

    from diaodu.api import services as tokens

    _token, key = tokens.api_token_create(actor=street_a_reporter, name="对接", days=1)
    response = Client().get("/api/v1/projects", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200 and _no_store(response)


def test_form_bodies_above_the_limit_are_refused(client, street_a_reporter, project_a):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 1024 * 1024
    client.force_login(street_a_reporter)
    url = reverse("cases:create") + f"?project={project_a.pk}"
    response = client.post(url, {"kind": "problem", "title": "大", "detail": "x" * 1_100_000,
                                 "category": "procedures", "source": "report"})
    assert response.status_code == 400


def test_csp_allows_no_inline_script(client, street_a_reporter):
    client.force_login(street_a_reporter)
    policy = client.get("/projects/")["Content-Security-Policy"]
    script = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script and "'self'" in script
