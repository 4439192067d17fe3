"""Admin pages of the 督办 app write through the services: approvals and the policy."""

from datetime import date

import pytest
from django.urls import reverse

from diaodu.cases import services
from diaodu.cases.models import Approval, SupervisionPolicy

pytestmark = pytest.mark.django_db


def test_dispatcher_registers_and_completes_an_approval(client, dispatcher, project_a):
    client.force_login(dispatcher)
    response = client.post(reverse("admin:cases_approval_add"), {
        "item": "项目核准", "applicant": "", "project": project_a.pk, "kind": "ratification",
        "received_on": "2022-03-28", "time_limit": "", "completed_on": "", "result": "",
        "document_no": ""})
    assert response.status_code == 302
    approval = Approval.objects.get()
    assert (approval.time_limit, approval.due_on) == (20, date(2022, 4, 25))
    url = reverse("admin:cases_approval_change", args=[approval.pk])
    refused = client.post(url, {"completed_on": "2022-03-01", "result": "approved",
                                "document_no": ""})
    errors = refused.context["adminform"].form.errors
    assert refused.status_code == 200 and "早于受理日期" in str(errors), errors
    approval.refresh_from_db()
    assert approval.completed_on is None
    client.post(url, {"completed_on": "2022-04-22", "result": "approved", "document_no": "1号"})
    approval.refresh_from_db()
    assert (approval.workdays_used, approval.on_time) == (18, True)
    assert client.get(url).status_code == 200  # read-only once completed


def test_reporter_cannot_register_approvals(client, street_a_reporter):
    client.force_login(street_a_reporter)
    assert client.post(reverse("admin:cases_approval_add"), {
        "item": "越权", "kind": "filing", "received_on": "2022-03-28"}).status_code == 403
    assert not Approval.objects.exists()


def test_policy_page_edits_through_the_service(client, dispatcher, leader):
    policy = services.policy_get()
    client.force_login(leader)
    change = reverse("admin:cases_supervisionpolicy_change", args=[policy.pk])
    assert client.get(reverse("admin:cases_supervisionpolicy_changelist"))["Location"] == change
    assert client.post(change, {"remind_before": 9}).status_code == 403
    client.force_login(dispatcher)
    data = {"remind_before": 3, "escalate_unit_head_after": 1, "escalate_leader_after": 0,
            "escalate_district_after": 5, "default_due_workdays": 10,
            "expected_version": policy.version}
    refused = client.post(change, data)
    assert "依次为" in refused.content.decode()
    client.post(change, {**data, "escalate_leader_after": 2})
    policy = SupervisionPolicy.objects.get()
    assert (policy.remind_before, policy.escalate_leader_after, policy.version) == (3, 2, 2)
