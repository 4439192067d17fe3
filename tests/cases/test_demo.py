"""The 督办 demo: the city group's 2022 recommendations became cases that were reminded,
escalated, answered, verified and closed; the district leaders' 2023 instructions are cases in
progress on the demo's day; 44 approvals in 2022 Q1, all on time; task-force results."""

from datetime import date

import pytest

from diaodu.cases import selectors
from diaodu.cases.models import Approval, Case, CaseStatus, Notice, Visit
from diaodu.core import clock
from diaodu.core.models import Notification, User
from diaodu.demo import cases as demo_cases
from diaodu.demo import data
from diaodu.demo.loader import SECTIONS, _load_ledger

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path):
    # The ledger and this section only: the other sections are covered by tests/demo.
    settings.MEDIA_ROOT = tmp_path
    assert "diaodu.demo.cases" in SECTIONS
    with clock.as_of(data.DEMO_TODAY):
        assert _load_ledger() is True and demo_cases.load() is True


def test_the_seed_visits_and_their_cases(demo):
    assert Visit.objects.count() == 3
    secretary_visit = Visit.objects.get(visited_on=date(2023, 3, 30), kind="onsite_office")
    assert secretary_visit.projects.count() == 5 and secretary_visit.instructions.count() == 5
    city = Visit.objects.get(kind="inspection")
    assert city.instructions.count() == 3 and all(i.case for i in city.instructions.all())
    assert Case.objects.filter(visit__isnull=False).count() == 11


def test_the_walk_through_case(demo):
    """The city group's second recommendation: reminded, overdue, escalated up to the
    district leaders with a 督办函, answered, verified and closed (2022)."""
    case = Case.objects.get(visit__kind="inspection", title__startswith="开展重大项目实施情况")
    log = [(a.kind, a.on) for a in case.actions.order_by("at", "id")]
    assert ("remind", date(2022, 4, 20)) in log
    assert ("overdue", date(2022, 4, 23)) in log
    assert [on for kind, on in log if kind == "escalate"] == [
        date(2022, 4, 24), date(2022, 4, 26), date(2022, 4, 28)]
    assert log[-1] == ("close", date(2022, 5, 5))
    assert case.status == CaseStatus.CLOSED and case.escalation_level == 3
    assert sorted(case.notices.values_list("kind", flat=True)) == ["assign", "remind",
                                                                   "supervise"]
    returned = Case.objects.get(visit__kind="inspection", title__startswith="精准施策")
    assert [a.kind for a in returned.actions.order_by("at", "id")][-4:] == [
        "return", "resolve", "verify", "close"]


def test_the_2023_instructions_are_in_progress(demo):
    cases = Case.objects.filter(visit__visited_on__year=2023)
    assert cases.count() == 8
    assert {c.status for c in cases} <= {CaseStatus.ASSIGNED, CaseStatus.IN_PROGRESS}
    case = cases.get(project__name="三磨所华山路老厂区升级改造项目")
    assert case.raised_by.username == "leader_secretary"
    assert case.status == CaseStatus.IN_PROGRESS and case.due_on.month == 4
    assert Notification.objects.filter(case=case).exists()


def test_approvals_44_items_all_on_time(demo):
    leader = User.objects.get(username="leader")
    q1 = selectors.approval_list(user=leader, filters=selectors.ApprovalFilters(
        year=2022, quarter=1))
    kpis = selectors.approval_kpis(q1)
    assert (kpis["total"], kpis["approvals"], kpis["filings"], kpis["rate"]) == (
        44, 11, 33, 100.0)
    assert not Approval.objects.filter(on_time=False).exists()


def test_task_force_results(demo):
    results = Case.objects.filter(task_force__name="重点项目落地服务专班")
    assert results.count() == 4 and set(results.values_list("status", flat=True)) == {"closed"}
    assert set(results.values_list("category", flat=True)) == {"procedures", "planning",
                                                              "land_reserve"}


def test_loading_twice_changes_nothing(demo):
    counts = (Case.objects.count(), Notice.objects.count(), Notification.objects.count(),
              Approval.objects.count())
    assert demo_cases.load() is False
    assert (Case.objects.count(), Notice.objects.count(), Notification.objects.count(),
            Approval.objects.count()) == counts
