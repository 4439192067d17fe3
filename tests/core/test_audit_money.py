from decimal import Decimal

import pytest

from diaodu.core import audit
from diaodu.core.errors import UserError
from diaodu.core.models import AuditEvent
from diaodu.core.money import parse_wan, sum_wan, wan_to_yi
from diaodu.projects.models import Project

from ..factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_audit_events_are_append_only(dispatcher, project_a):
    event = audit.record(dispatcher, "project.test", project_a, {"a": 1})
    event.action = "tampered"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    assert AuditEvent.objects.get().action == "project.test"


def test_audit_records_request_ip_and_id(client, dispatcher, project_a):
    client.force_login(dispatcher)
    client.post(f"/projects/{project_a.pk}/stage/",
                {"stage": "construction", "expected_version": 1, "actual_start": "2022-03-01"},
                REMOTE_ADDR="10.1.2.3", HTTP_X_REQUEST_ID="req-42")
    event = AuditEvent.objects.get(action="project.change_stage")
    assert event.ip == "10.1.2.3" and event.request_id == "req-42"
    assert event.unit_id == dispatcher.unit_id


def test_money_sums_are_exact_on_every_database(street_a):
    # Values whose binary floating-point sum drifts (…829.9699999 for …829.97).
    for value in ["1234567.89", "0.10", "0.20", "98765432.01", "0.07", "3.33"]:
        ProjectFactory(total_investment=Decimal(value), responsible_unit=street_a)
    total = sum_wan(Project.objects.all(), "total_investment")
    assert total == Decimal("100000003.60")
    assert wan_to_yi(total) == Decimal("10000.00")


def test_empty_sum_is_zero():
    assert sum_wan(Project.objects.none(), "total_investment") == Decimal("0.00")


def test_float_input_is_taken_at_its_shortest_text():
    assert parse_wan(0.1, field="x", label="金额") == Decimal("0.10")
    with pytest.raises(UserError):
        parse_wan(0.125, field="x", label="金额")
