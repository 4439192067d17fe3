"""API writes for schedules, cases, plans and approvals: the same services as the pages, their
refusals as {code, message, field} with 400/409, and nothing changed by a refused call."""

import json

import pytest
from django.db import connection
from django.test import Client

from diaodu.cases.models import Approval, Case, CaseAction, CaseStatus
from diaodu.core.models import AuditEvent
from diaodu.investment.models import AnnualPlan, PlanAdjustment
from diaodu.schedule.models import Activity
from tests.test_api_matrix import _activity_of, _case_of, _plan_of

pytestmark = pytest.mark.django_db
V = "/api/v1"


def call(user, method, url, body=None):
    client = Client()
    client.force_login(user)
    response = client.generic(method, url, json.dumps(body) if body is not None else b"",
                              content_type="application/json")
    return response.status_code, response.json()


# ---------------------------------------------------------------- schedule

def test_activity_create_update_and_progress(street_a_reporter, project_a):
    status, body = call(street_a_reporter, "POST", f"{V}/projects/{project_a.pk}/activities",
                        {"name": "基础施工", "duration": 20, "planned_start": "2022-03-01"})
    assert status == 201 and body["name"] == "基础施工" and body["planned_start"] == "2022-03-01"
    url = f"{V}/projects/{project_a.pk}/activities/{body['id']}"
    status, body = call(street_a_reporter, "PATCH", url,
                        {"expected_version": body["version"], "duration": 30})
    assert status == 200 and body["duration"] == 30 and body["version"] == 2
    status, body = call(street_a_reporter, "POST", f"{url}/progress",
                        {"expected_version": 2, "percent": 60, "actual_start": "2022-03-01"})
    assert status == 200 and body["percent"] == 60 and body["actual_start"] == "2022-03-01"
    assert AuditEvent.objects.filter(action="activity.update").count() == 2


def test_stale_progress_is_409_naming_the_change_and_saves_nothing(street_a_reporter,
                                                                  dispatcher, project_a):
    activity = _activity_of(project_a)
    url = f"{V}/projects/{project_a.pk}/activities/{activity.pk}"
    assert call(dispatcher, "POST", f"{url}/progress",
                {"expected_version": activity.version, "percent": 30})[0] == 200
    status, body = call(street_a_reporter, "POST", f"{url}/progress",
                        {"expected_version": activity.version, "percent": 50})
    assert status == 409 and body["code"] == "schedule.version_conflict"
    assert body["field"] == "version" and "30" in body["message"]
    assert Activity.objects.get(pk=activity.pk).percent == 30


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"percent": 101}, 400, "percent"),
    ({"actual_finish": "2022-03-10"}, 400, "actual_start"),  # finish without a start
    ({"actual_start": "2099-01-01"}, 400, "actual_start"),  # outside the calendar
    ({"actual_start": "2060-01-03"}, 400, "actual_start"),  # in the future
    ({"status": "done"}, 400, "status"),  # not a field of the schema: no mass assignment
])
def test_bad_progress_is_refused_on_its_field(street_a_reporter, project_a, body, status,
                                              field):
    activity = _activity_of(project_a)
    code, answer = call(street_a_reporter, "POST",
                        f"{V}/projects/{project_a.pk}/activities/{activity.pk}/progress",
                        {"expected_version": activity.version, **body})
    assert (code, answer["field"]) == (status, field), answer
    assert Activity.objects.get(pk=activity.pk).version == activity.version


def test_activity_of_another_project_is_404(street_a_reporter, project_a, drc_project_in_a):
    foreign = _activity_of(drc_project_in_a)
    status, body = call(street_a_reporter, "PATCH",
                        f"{V}/projects/{project_a.pk}/activities/{foreign.pk}",
                        {"expected_version": 1, "duration": 1})
    assert status == 404 and body["code"] == "not_found"


# ---------------------------------------------------------------- cases

def test_case_steps_through_the_api(dispatcher, leader, street_a_reporter, street_a,
                                    project_a):
    status, case = call(dispatcher, "POST", f"{V}/cases",
                        {"title": "施工用地协调", "project": project_a.pk,
                         "lead_unit": street_a.pk, "due_workdays": 5})
    assert status == 201 and case["status"] == "assigned" and case["lead_unit"]["id"] == \
        street_a.pk
    url = f"{V}/cases/{case['id']}"
    status, case = call(street_a_reporter, "POST", f"{url}/reply", {"text": "已对接自然资源局"})
    assert status == 200 and case["status"] == "in_progress"
    status, case = call(street_a_reporter, "POST", f"{url}/resolve",
                        {"expected_version": case["version"], "text": "手续已办结"})
    assert status == 200 and case["status"] == "resolved"
    status, case = call(leader, "POST", f"{url}/verify",
                        {"expected_version": case["version"], "passed": True})
    assert status == 200 and case["status"] == "verified"
    status, case = call(dispatcher, "POST", f"{url}/close",
                        {"expected_version": case["version"], "note": "销号"})
    assert status == 200 and case["status"] == "closed"
    actions = set(AuditEvent.objects.filter(object_id=str(case["id"]), action__startswith="case.")
                  .values_list("action", flat=True))
    assert actions == {"case.create", "case.reply", "case.resolve", "case.verify", "case.close"}


def test_reporter_case_waits_for_a_dispatcher(street_a_reporter, project_a):
    status, body = call(street_a_reporter, "POST", f"{V}/cases",
                        {"title": "资金缺口", "project": project_a.pk, "source": "report"})
    assert status == 201 and body["status"] == "open" and body["lead_unit"] is None


@pytest.mark.parametrize(("body", "code", "field"), [
    ({"lead_unit": 999_999}, "case.unit_unknown", "lead_unit"),
    ({"co_units": [999_998]}, "case.unit_unknown", "co_units"),
    ({"due_workdays": 251}, "case.due_workdays_invalid", "due_workdays"),
    ({"due_on": "2021-01-04"}, "case.due_before_assignment", "due_on"),
    ({"due_on": "2061-01-01"}, "input.invalid", "due_on"),
])
def test_bad_assignment_is_refused(dispatcher, project_a, body, code, field):
    case = _case_of(project_a)
    status, answer = call(dispatcher, "POST", f"{V}/cases/{case.pk}/assign",
                          {"expected_version": case.version,
                           "lead_unit": project_a.responsible_unit_id, **body})
    assert (status, answer["code"], answer["field"]) == (400, code, field), answer
    assert Case.objects.get(pk=case.pk).version == case.version


def test_stale_assignment_is_409(dispatcher, project_a, street_b):
    case = _case_of(project_a)
    status, body = call(dispatcher, "POST", f"{V}/cases/{case.pk}/assign",
                        {"expected_version": case.version + 1, "lead_unit": street_b.pk})
    assert status == 409 and body["code"] == "case.conflict"
    assert Case.objects.get(pk=case.pk).lead_unit_id == project_a.responsible_unit_id


def test_reply_to_a_closed_step_is_400_and_logs_nothing(street_a_reporter, project_a):
    case = _case_of(project_a)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)
    before = CaseAction.objects.count()
    status, body = call(street_a_reporter, "POST", f"{V}/cases/{case.pk}/reply",
                        {"text": "补充"})
    assert status == 400 and body["code"] == "case.not_pending" and body["field"] == "text"
    assert CaseAction.objects.count() == before


# ---------------------------------------------------------------- plans

def test_plan_create_approve_adjust(dispatcher, project_a):
    status, plan = call(dispatcher, "POST", f"{V}/plans",
                        {"project": project_a.pk, "year": 2023, "planned_investment": "1200.00"})
    assert status == 201 and plan["status"] == "draft"
    assert plan["monthly_targets"][0] == "100.00" and plan["monthly_targets"][-1] == "1200.00"
    url = f"{V}/plans/{plan['id']}"
    status, plan = call(dispatcher, "POST", f"{url}/approve")
    assert status == 200 and plan["status"] == "approved"
    status, body = call(dispatcher, "POST", f"{url}/adjust",
                        {"expected_version": plan["version"], "planned_investment": "900.00"})
    assert status == 400 and body["field"] == "reason"
    status, body = call(dispatcher, "POST", f"{url}/adjust",
                        {"expected_version": plan["version"] - 1,
                         "planned_investment": "900.00", "reason": "资金调整"})
    assert status == 409 and body["code"] == "plan.version_conflict"
    status, plan = call(dispatcher, "POST", f"{url}/adjust",
                        {"expected_version": plan["version"], "planned_investment": "900.00",
                         "reason": "资金调整"})
    assert status == 200 and plan["planned_investment"] == "900.00"
    assert PlanAdjustment.objects.get().reason == "资金调整"


@pytest.mark.parametrize(("body", "code", "field"), [
    ({"planned_investment": "-1"}, "money.negative", "planned_investment"),
    ({"planned_investment": "1.234"}, "money.precision", "planned_investment"),
    ({"monthly_targets": ["1"] * 11}, "plan.targets_count", "monthly_targets"),
    ({"year": 2022}, "plan.duplicate", "year"),
    ({"year": 1999}, "input.invalid", "year"),
])
def test_bad_plan_is_refused(dispatcher, project_a, body, code, field):
    _plan_of(project_a)  # 2022 exists
    status, answer = call(dispatcher, "POST", f"{V}/plans", {
        "project": project_a.pk, "year": 2023, "planned_investment": "100", **body})
    assert status == 400 and answer["field"] == field
    if code != "input.invalid":
        assert answer["code"].endswith(code.split(".")[-1]), answer
    assert AnnualPlan.objects.count() == 1


# ---------------------------------------------------------------- approvals

def test_approval_create_and_complete(dispatcher, project_a):
    status, item = call(dispatcher, "POST", f"{V}/approvals",
                        {"item": "项目核准", "kind": "ratification",
                         "received_on": "2022-03-01", "project": project_a.pk})
    assert status == 201 and item["completed_on"] is None and item["time_limit"] > 0
    url = f"{V}/approvals/{item['id']}/complete"
    status, item = call(dispatcher, "POST", url,
                        {"completed_on": "2022-03-08", "result": "approved"})
    assert status == 200 and item["on_time"] is True and item["workdays_used"] == 5
    status, body = call(dispatcher, "POST", url,
                        {"completed_on": "2022-03-09", "result": "approved"})
    assert status == 400 and body["code"] == "approval.already_completed"


@pytest.mark.parametrize(("body", "field"), [
    ({"kind": "permit"}, "kind"), ({"item": " "}, "item"), ({"time_limit": 121}, "time_limit"),
    ({"received_on": "1999-12-31"}, "received_on"), ({"result": "maybe"}, "result"),
])
def test_bad_approval_is_refused(dispatcher, project_a, body, field):
    status, answer = call(dispatcher, "POST", f"{V}/approvals", {
        "item": "项目备案", "kind": "filing", "received_on": "2022-03-01", **body})
    assert status == 400 and answer["field"] == field, answer
    assert not Approval.objects.exists()


# ---------------------------------------------------------------- query counts

def test_report_read_and_submit_query_counts(street_a_reporter, project_a,
                                             django_assert_num_queries):
    """Pinned: a read is the token and the report; a save+submit is the token and the
    service's transaction (the report read under its lock, not read before it; the months
    around it — YTD figures, corrections, the previous report the checks compare with,
    whether later reports need their YTD refreshed, the settings' thresholds — in one query;
    update, history, audit event); the answer is the report the service stored, not read
    back; on PostgreSQL the months come with the locked read and the three writes are one
    statement (bulk.write_together): 5. Was 10 before the fill path read the report once,
    then 6. The audit event is one INSERT: it joins the chain after the commit
    (diaodu/core/audit_seal.py)."""
    from diaodu.api import services as token_services
    from tests.test_permission_matrix import _report_of

    report = _report_of(project_a)
    key = token_services.api_token_create(actor=street_a_reporter, name="计数", days=1)[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    client.get(f"{V}/reports/{report.pk}")  # the token's last use is written once
    with django_assert_num_queries(2):
        assert client.get(f"{V}/reports/{report.pk}").status_code == 200
    body = {"expected_version": report.version, "completed_in_period": "10.00",
            "cumulative_completed": "10.00", "physical_progress": "基础施工", "submit": True}

    with django_assert_num_queries(5 if connection.vendor == "postgresql" else 8):
        response = client.put(f"{V}/reports/{report.pk}", json.dumps(body),
                              content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    stored = type(report).objects.get(pk=report.pk)  # the answer is what was stored
    answer = response.json()
    assert (answer["version"], answer["ytd_completed"], answer["project"],
            answer["responsible_unit_id"]) == (stored.version, "10.00", project_a.name,
                                               project_a.responsible_unit_id)
    assert stored.version == report.version + 1
