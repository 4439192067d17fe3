"""Odd input is a 404, a default or a Chinese refusal — never a 500 (issue 16, finding 5); and
free text follows one rule on pages and API: no control characters, the same length cap."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from diaodu.cases import services as cases
from diaodu.cases.models import Case
from diaodu.core.text import LONG_TEXT_MAX
from tests.api.test_api_writes import call

pytestmark = pytest.mark.django_db
HUGE = "99999999999999999999999"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.parametrize("url", [
    "/admin/projects/project/abc/change/", "/admin/projects/project/abc/history/",
    "/admin/cases/approval/x/change/", "/admin/core/calendarday/0/change/",
    "/admin/core/calendaryear/abc/change/", f"/admin/projects/project/{HUGE}/change/",
])
def test_a_key_that_is_not_one_is_404_in_the_admin(client, dispatcher, sysadmin, url):
    client.force_login(sysadmin if "/core/" in url else dispatcher)
    assert client.get(url).status_code == 404


def test_bad_prefill_of_an_admin_form_is_left_out(client, dispatcher, project_a):
    client.force_login(dispatcher)
    for value in ("abc", HUGE, "-1"):
        response = client.get(f"/admin/cases/approval/add/?project={value}")
        assert response.status_code == 200, value


@pytest.mark.parametrize("url", [
    f"/investment/reports/?round={HUGE}", f"/investment/kpis/?year={HUGE}",
    f"/dashboard/?year={HUGE}&month=3", f"/dashboard/?year=2022&month={HUGE}",
    f"/ledgers/briefing.docx?year={HUGE}", f"/ledgers/exports/projects.xlsx?year={HUGE}",
    f"/cases/new/?project={HUGE}", f"/cases/approvals/?year={HUGE}",
    "/account/two-factor/verify/?next=abc",
])
def test_huge_numbers_in_the_query_fall_back_to_the_default(client, dispatcher, project_a, url):
    client.force_login(dispatcher)
    assert client.get(url).status_code in (200, 302)


def test_two_factor_next_stays_on_this_site(client, dispatcher, settings):
    from django.shortcuts import resolve_url

    client.force_login(dispatcher)
    home = resolve_url(settings.LOGIN_REDIRECT_URL)
    for target in ("abc", "https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.get("/account/two-factor/verify/", {"next": target})
        assert response["Location"] == home, target
    response = client.get("/account/two-factor/verify/", {"next": "/cases/"})
    assert response["Location"] == "/cases/"


def test_case_ledger_exports_a_case_without_lead_unit(client, dispatcher, street_a_reporter,
                                                      project_a):
    cases.case_create(actor=street_a_reporter, title="施工用电未接入", project=project_a,
                      today=date(2022, 3, 28))
    client.force_login(dispatcher)
    response = client.get("/ledgers/exports/cases.xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    row = next(r for r in rows if "施工用电未接入" in r)
    assert "待交办" in row


def test_notice_of_a_title_with_control_characters(client, dispatcher, project_a, street_a):
    case = cases.case_create(actor=dispatcher, title="用地报批", project=project_a,
                             lead_unit=street_a, today=date(2022, 3, 28))
    # Text stored before the rule (or brought in by an import) still makes a document.
    Case.objects.filter(pk=case.pk).update(title="用地\x01报批\x1b滞后")
    case.refresh_from_db()
    notice = cases.notice_issue(actor=dispatcher, case=case, kind="assign",
                                today=date(2022, 3, 28))
    client.force_login(dispatcher)
    response = client.get(reverse("cases:notice_docx", args=[notice.pk]))
    assert response.status_code == 200
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "用地报批滞后" in text


def test_pages_refuse_control_characters_and_overlong_text(client, street_a_reporter,
                                                           project_a):
    client.force_login(street_a_reporter)
    url = reverse("cases:create") + f"?project={project_a.pk}"
    base = {"kind": "problem", "detail": "", "category": "procedures", "source": "report",
            "priority": "normal"}
    response = client.post(url, {**base, "title": "施工\x01用电"})
    assert response.status_code == 200 and "控制字符" in response.content.decode()
    response = client.post(url, {**base, "title": "施工用电", "detail": "字" * (LONG_TEXT_MAX + 1)})
    assert response.status_code == 200 and not Case.objects.exists()
    response = client.post(url, {**base, "title": "施工用电", "detail": "字" * LONG_TEXT_MAX})
    assert response.status_code == 302 and Case.objects.get().detail == "字" * LONG_TEXT_MAX


def test_api_refuses_control_characters_on_the_field(street_a_reporter, project_a):
    status, body = call(street_a_reporter, "POST", "/api/v1/cases",
                        {"title": "资金\x1b缺口", "project": project_a.pk, "source": "report"})
    assert status == 400 and body["field"] == "title"
    status, body = call(street_a_reporter, "POST", "/api/v1/cases",
                        {"title": "资金缺口", "detail": "字" * (LONG_TEXT_MAX + 1),
                         "project": project_a.pk, "source": "report"})
    assert status == 400 and body["field"] == "detail"
    assert not Case.objects.exists()
