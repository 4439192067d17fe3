"""Reminders near the limit, the overdue mark and escalation street → district, in working
hours, through the 督办 sweep; idempotent."""

from datetime import date

import pytest

from diaodu.cases.models import ActionKind
from diaodu.cases.services import supervision_sweep
from diaodu.cityops import services
from diaodu.core.models import Notification

from .conftest import at

pytestmark = pytest.mark.django_db


def test_nothing_before_the_near_mark(event_a):
    assert services.events_sweep(now=at("2023-03-13 10:29")) == {
        "event_remind": 0, "event_overdue": 0, "event_escalate": 0}


def test_reminder_near_the_limit_once(event_a, ops_a):
    counts = services.events_sweep(now=at("2023-03-13 10:30"))
    assert counts["event_remind"] == 1
    assert services.events_sweep(now=at("2023-03-13 10:45"))["event_remind"] == 0
    assert event_a.case.actions.filter(kind=ActionKind.REMIND).count() == 1
    assert Notification.objects.filter(user=ops_a, case=event_a.case).count() == 2


def test_at_the_limit_still_a_reminder_one_minute_later_overdue(event_a):
    assert services.events_sweep(now=at("2023-03-13 11:00"))["event_overdue"] == 0
    assert services.events_sweep(now=at("2023-03-13 11:01"))["event_overdue"] == 1


def test_escalation_after_two_working_hours_over(event_a, district_ops):
    # Due 11:00; two working hours over = 14:00 + 1 h = 15:00 (lunch does not count).
    counts = services.events_sweep(now=at("2023-03-13 14:59"))
    assert counts["event_overdue"] == 1 and counts["event_escalate"] == 0
    counts = services.events_sweep(now=at("2023-03-13 15:00"))
    assert counts["event_escalate"] == 1
    event_a.refresh_from_db()
    assert event_a.escalation == 1
    assert Notification.objects.filter(user=district_ops, case=event_a.case).count() == 1
    assert services.events_sweep(now=at("2023-03-13 16:00"))["event_escalate"] == 0


def test_the_daily_case_sweep_runs_the_events(event_a):
    counts = supervision_sweep(today=date(2023, 3, 14))
    assert counts["event_overdue"] == 1 and counts["event_escalate"] == 1


def test_the_daily_sweep_without_events_keeps_its_own_counts(db):
    assert supervision_sweep(today=date(2023, 3, 14)) == {
        "remind": 0, "overdue": 0, "escalate": 0, "notifications": 0}


def test_command_runs_the_sweep(event_a):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("events_sweep", stdout=out)
    assert "event_overdue=" in out.getvalue()
