"""A case due today is not overdue until tomorrow (issue 23, one rule: diaodu/core/overdue.py)
in the model, the case list's filter, the case KPIs and the dashboard's facts alike."""

from datetime import date, timedelta

import pytest

from diaodu.cases import selectors as case_selectors
from diaodu.cases.models import Case, CaseStatus
from diaodu.dashboard.facts import project_facts

pytestmark = pytest.mark.django_db


def test_a_case_due_today_is_not_overdue_until_tomorrow(case_a, dispatcher, project_a):
    due = case_a.due_on
    assert case_a.is_pending
    assert not case_a.is_overdue(due - timedelta(days=1))
    assert not case_a.is_overdue(due)
    assert case_a.is_overdue(due + timedelta(days=1))

    def listed(today, overdue):
        return [c.pk for c in case_selectors.case_list(
            user=dispatcher, filters=case_selectors.CaseFilters(overdue=overdue), today=today)]

    assert listed(due, True) == [] and listed(due, False) == [case_a.pk]
    assert listed(due + timedelta(days=1), True) == [case_a.pk]
    assert listed(due + timedelta(days=1), False) == []
    assert case_selectors.case_kpis(user=dispatcher, today=due)["overall"].overdue == 0
    assert case_selectors.case_kpis(user=dispatcher,
                                    today=due + timedelta(days=1))["overall"].overdue == 1
    assert project_facts(today=due)[project_a.pk]["case_overdue"] == 0
    assert project_facts(today=due + timedelta(days=1))[project_a.pk]["case_overdue"] == 1


def test_a_closed_case_is_never_overdue(case_a):
    closed = Case(status=CaseStatus.CLOSED, due_on=date(2022, 1, 1))
    assert not closed.is_overdue(date(2030, 1, 1))
    assert not Case(status=case_a.status, due_on=None).is_overdue(date(2030, 1, 1))
