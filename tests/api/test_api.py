"""The REST API: tokens, error shape, bad input, scope, versions, pagination, CSRF."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from diaodu.api import services as token_services
from diaodu.api.models import ApiToken
from diaodu.core.errors import UserError
from diaodu.core.models import AuditEvent
from tests.factories import ProjectFactory
from tests.test_permission_matrix import _report_of

pytestmark = pytest.mark.django_db


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def send(client, method, url, body=None, **extra):
    return client.generic(method, url, json.dumps(body) if body is not None else b"",
                          content_type="application/json", **extra)


# ---------------------------------------------------------------- tokens

def test_token_is_shown_once_and_stored_as_a_hash(street_a_reporter):
    token, key = token_services.api_token_create(actor=street_a_reporter, name="对接", days=30)
    assert key.startswith("dd_") and len(key) > 40
    assert key not in token.key_hash and token.prefix == key[:10]
    assert AuditEvent.objects.filter(action="api_token.create", object_id=str(token.pk)).exists()


def test_token_acts_as_its_owner_within_the_owner_scope(street_a_reporter, project_a,
                                                        project_b):
    _token, key = token_services.api_token_create(actor=street_a_reporter, name="对接", days=1)
    client = Client()
    response = client.get("/api/v1/projects", **bearer(key))
    assert response.status_code == 200
    assert [p["id"] for p in response.json()["items"]] == [project_a.pk]
    assert client.get(f"/api/v1/projects/{project_b.pk}", **bearer(key)).status_code == 404


@pytest.mark.parametrize("state", ["expired", "revoked", "inactive", "unknown", "no_prefix"])
def test_unusable_token_is_401(state, street_a_reporter, project_a):
    token, key = token_services.api_token_create(actor=street_a_reporter, name="对接", days=1)
    if state == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(1))
    elif state == "revoked":
        token_services.api_token_revoke(actor=street_a_reporter, token=token)
    elif state == "inactive":
        street_a_reporter.is_active = False
        street_a_reporter.save()
    elif state == "unknown":
        key = key[:-4] + "abcd"
    else:
        key = "x" + key
    response = Client().get("/api/v1/projects", **bearer(key))
    assert response.status_code == 401
    assert response.json()["code"] == "auth.required"


def test_token_write_needs_no_csrf_but_session_write_does(dispatcher, project_a):
    _token, key = token_services.api_token_create(actor=dispatcher, name="对接", days=1)
    body = {"expected_version": project_a.version, "owner_name": "某公司"}
    strict = Client(enforce_csrf_checks=True)
    assert send(strict, "PATCH", f"/api/v1/projects/{project_a.pk}", body,
                **bearer(key)).status_code == 200
    strict.force_login(dispatcher)
    response = send(strict, "PATCH", f"/api/v1/projects/{project_a.pk}",
                    {"expected_version": project_a.version + 1, "owner_name": "另一公司"})
    assert response.status_code == 403 and response.json()["code"] == "csrf.failed"


def test_anonymous_is_401_not_csrf(project_a):
    response = send(Client(enforce_csrf_checks=True), "POST", "/api/v1/projects", {})
    assert response.status_code == 401


def test_revoke_is_only_for_own_tokens(street_a_reporter, street_b_reporter):
    token, _key = token_services.api_token_create(actor=street_a_reporter, name="对接", days=1)
    client = Client()
    client.force_login(street_b_reporter)
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    client.force_login(street_a_reporter)
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_token_page_shows_the_new_key_once(client, street_a_reporter):
    client.force_login(street_a_reporter)
    response = client.post("/account/tokens/", {"name": "统计对接", "days": "30"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=street_a_reporter)
    assert token.prefix in response.content.decode()
    page = client.get("/account/tokens/").content.decode()
    assert token.prefix in page and "dd_" in page
    assert 'data-testid="new-key"' not in page


@pytest.mark.parametrize(("name", "days", "code"), [
    ("", 30, "token.name_required"), ("x" * 61, 30, "token.name_too_long"),
    ("对接", 0, "token.days_invalid"), ("对接", 91, "token.days_invalid"),
    ("对接", "30", "token.days_invalid"),
])
def test_bad_token_input_is_refused(street_a_reporter, name, days, code):
    with pytest.raises(UserError) as exc:
        token_services.api_token_create(actor=street_a_reporter, name=name, days=days)
    assert exc.value.code == code


def test_token_count_is_limited(street_a_reporter):
    for n in range(token_services.MAX_ACTIVE_TOKENS):
        token_services.api_token_create(actor=street_a_reporter, name=f"对接{n}", days=1)
    with pytest.raises(UserError) as exc:
        token_services.api_token_create(actor=street_a_reporter, name="再多一个", days=1)
    assert exc.value.code == "token.too_many"


def test_token_page_form_errors(client, street_a_reporter):
    client.force_login(street_a_reporter)
    response = client.post("/account/tokens/", {"name": "", "days": "400"})
    assert response.status_code == 200
    assert not ApiToken.objects.exists()


# ---------------------------------------------------------------- errors and bad input

@pytest.fixture
def api(client, dispatcher):
    client.force_login(dispatcher)
    return client


@pytest.mark.parametrize(("body", "status", "code", "field"), [
    ({"expected_version": 1, "total_investment": "-5"}, 400, "money.negative",
     "total_investment"),
    ({"expected_version": 1, "total_investment": "1.234"}, 400, "money.precision",
     "total_investment"),
    ({"expected_version": 1, "total_investment": "abc"}, 400, "money.invalid",
     "total_investment"),
    ({"expected_version": 1, "name": ""}, 400, "project.name_required", "name"),
    ({"expected_version": 1, "name": None}, 400, "project.name_required", "name"),
    ({"expected_version": 1, "level": "world"}, 400, "project.level_invalid", "level"),
    ({"expected_version": 1, "category": 999999}, 400, "project.category_unknown",
     "category"),
    ({"expected_version": 1, "planned_start": "2022-13-01"}, 400, "input.invalid",
     "planned_start"),
    ({"expected_version": 1, "stage": "completed"}, 400, "input.invalid", "stage"),
    ({"expected_version": 1, "version": 7}, 400, "input.invalid", "version"),
    ({"owner_name": "x"}, 400, "input.invalid", "expected_version"),
    ({"expected_version": 0}, 400, "input.invalid", "expected_version"),
    ({"expected_version": "a"}, 400, "input.invalid", "expected_version"),
    ({"expected_version": 1, "name": "x" * 201}, 400, "input.invalid", "name"),
    ({"expected_version": 1, "owner_name": None}, 200, None, None),
    ({"expected_version": 1, "name": "名\x00称"}, None, None, None),
])
def test_bad_project_update_is_400_with_code_and_field(api, project_a, body, status, code,
                                                       field):
    response = send(api, "PATCH", f"/api/v1/projects/{project_a.pk}", body)
    if status is None:  # NUL: stored on SQLite, refused by PostgreSQL; never a 500
        assert response.status_code in (200, 400)
        return
    assert response.status_code == status, response.content
    if code:
        assert response.json() == {"code": code, "message": response.json()["message"],
                                    "field": field}
        assert response.json()["message"]


def test_malformed_json_is_400(api, project_a):
    response = api.generic("PATCH", f"/api/v1/projects/{project_a.pk}", b"{not json",
                           content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "input.invalid"


@pytest.mark.parametrize("path", ["/api/v1/projects/0", "/api/v1/projects/abc",
                                  "/api/v1/projects/99999999999999999999999",
                                  "/api/v1/reports/-1"])
def test_bad_ids_are_400_or_404_never_500(api, path):
    assert api.get(path).status_code in (400, 404)


@pytest.mark.parametrize("query", ["page=0", "page=-1", "page=abc", "page_size=0",
                                   "page_size=1000", "page=1000001", "whitelist=maybe",
                                   "unit=abc", "q=" + "x" * 101])
def test_bad_list_parameters_are_400(api, project_a, query):
    response = api.get(f"/api/v1/projects?{query}")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "input.invalid"


def test_page_past_the_end_is_empty(api, project_a):
    response = api.get("/api/v1/projects?page=99999")
    assert response.status_code == 200 and response.json()["items"] == []


@pytest.mark.parametrize("query", ["", "year=2022", "year=1999&month=1", "year=2022&month=13"])
def test_kpis_need_a_valid_year_and_month(api, query):
    assert api.get(f"/api/v1/kpis?{query}").status_code == 400


def test_stale_version_is_409_naming_the_change(api, dispatcher, project_a):
    url = f"/api/v1/projects/{project_a.pk}"
    first = send(api, "PATCH", url, {"expected_version": 1, "owner_name": "甲公司"})
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = send(api, "PATCH", url, {"expected_version": 1, "owner_name": "乙公司"})
    assert stale.status_code == 409
    assert stale.json()["code"] == "project.version_conflict"
    assert "甲公司" in stale.json()["message"]


def test_create_project_through_the_service(api, project_a):
    body = {"name": "接口新建项目", "level": "city", "category": project_a.category_id,
            "responsible_unit": project_a.responsible_unit_id, "total_investment": "88000.10",
            "planned_start": "2022-05-01"}
    response = send(api, "POST", "/api/v1/projects", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["total_investment"] == "88000.10" and data["level"] == "city"
    assert AuditEvent.objects.filter(action="project.create", object_id=str(data["id"])).exists()


def test_create_refuses_unknown_fields(api, project_a):
    body = {"name": "x", "level": "city", "category": project_a.category_id,
            "responsible_unit": project_a.responsible_unit_id, "total_investment": "1",
            "stage": "completed"}
    response = send(api, "POST", "/api/v1/projects", body)
    assert response.status_code == 400 and response.json()["field"] == "stage"


# ---------------------------------------------------------------- the reporting loop

def test_report_save_submit_approve_through_the_api(client, street_a_reporter, dispatcher,
                                                    project_a):
    report = _report_of(project_a)
    client.force_login(street_a_reporter)
    url = f"/api/v1/reports/{report.pk}"
    saved = send(client, "PUT", url, {"expected_version": report.version,
                                      "completed_in_period": "120.50",
                                      "cumulative_completed": "120.50",
                                      "physical_progress": "基础施工"})
    assert saved.status_code == 200, saved.content
    assert saved.json()["completed_in_period"] == "120.50"
    version = saved.json()["version"]
    submitted = send(client, "POST", f"{url}/submit", {"expected_version": version})
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    client.force_login(dispatcher)
    stale = send(client, "POST", f"{url}/approve", {"expected_version": version})
    assert stale.status_code == 409 and stale.json()["code"] == "report.version_conflict"
    approved = send(client, "POST", f"{url}/approve",
                    {"expected_version": submitted.json()["version"]})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    kpis = client.get("/api/v1/kpis?year=2022&month=3").json()
    assert kpis["completed_ytd"] == "120.50"


@pytest.mark.parametrize(("body", "code"), [
    ({"completed_in_period": "-1", "cumulative_completed": "0"}, "money.negative"),
    ({"completed_in_period": "1e3", "cumulative_completed": "0"}, None),
    ({"completed_in_period": "NaN", "cumulative_completed": "0"}, "money.invalid"),
    ({"completed_in_period": "", "cumulative_completed": "0"}, "money.required"),
    ({"completed_in_period": 5, "cumulative_completed": "0"}, "input.invalid"),
])
def test_bad_report_figures_are_400(client, street_a_reporter, project_a, body, code):
    report = _report_of(project_a)
    client.force_login(street_a_reporter)
    response = send(client, "PUT", f"/api/v1/reports/{report.pk}",
                    {"expected_version": report.version, **body})
    if code is None:
        assert response.status_code in (200, 400)
        return
    assert response.status_code == 400, response.content
    assert response.json()["code"] == code


def test_return_needs_a_reason(client, dispatcher, project_a):
    report = _report_of(project_a)
    client.force_login(dispatcher)
    response = send(client, "POST", f"/api/v1/reports/{report.pk}/return",
                    {"expected_version": report.version, "reason": "  "})
    assert response.status_code == 400
    assert response.json() == {"code": "report.return_needs_reason",
                               "message": response.json()["message"], "field": "reason"}


# ---------------------------------------------------------------- lists

def test_project_list_query_count_is_constant(api, django_assert_max_num_queries, street_a):
    ProjectFactory.create_batch(30, responsible_unit=street_a, street=street_a)
    with django_assert_max_num_queries(6):
        response = api.get("/api/v1/projects?page_size=30")
    assert response.status_code == 200 and response.json()["count"] == 30
    assert len(response.json()["items"]) == 30


def test_three_administrators_see_no_project_data(client, sysadmin, project_a):
    client.force_login(sysadmin)
    assert client.get("/api/v1/projects").json() == {"items": [], "count": 0}
    assert client.get("/api/v1/reports").json()["count"] == 0


def test_openapi_schema_needs_login_and_lists_the_operations(client, street_a_reporter):
    assert client.get("/api/v1/openapi.json").status_code == 302
    client.force_login(street_a_reporter)
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/reports/{report_id}/submit" in schema["paths"]
    docs = client.get("/api/v1/docs").content.decode()
    assert "cdn.jsdelivr" not in docs
