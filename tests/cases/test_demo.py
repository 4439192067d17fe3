"""The 督办 demo: the seeds' visits became cases that were reminded, escalated, answered,
verified and closed on schedule; 44 approvals in 2022 Q1, all on time; task-force results."""

from datetime import date

import pytest

from diaodu.cases import selectors
from diaodu.cases.models import Approval, Case, CaseStatus, Notice, Notification, Visit
from diaodu.core.models import User
from diaodu.demo import cases as demo_cases
from diaodu.demo.loader import SECTIONS, _load_ledger

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path):
    # The ledger and this section only: the other sections are covered by tests/demo.
    settings.MEDIA_ROOT = tmp_path
    assert "diaodu.demo.cases" in SECTIONS
    assert _load_ledger() is True and demo_cases.load() is True


def test_the_seed_visits_and_their_cases(demo):
    assert Visit.objects.count() == 3
    secretary_visit = Visit.objects.get(visited_on=date(2022, 3, 30), kind="onsite_office")
    assert secretary_visit.projects.count() == 5 and secretary_visit.instructions.count() == 5
    city = Visit.objects.get(kind="inspection")
    assert city.instructions.count() == 3 and all(i.case for i in city.instructions.all())
    assert Case.objects.filter(visit__isnull=False).count() == 11


def test_the_walk_through_case(demo):
    """Raised by the party secretary on the visit, reminded, escalated to the unit head and
    the leader in charge, answered, returned once, verified and closed."""
    case = Case.objects.get(project__name="三磨所华山路老厂区升级改造项目", visit__isnull=False)
    assert case.raised_by.username == "leader_secretary"
    log = [(a.kind, a.on) for a in case.actions.order_by("at", "id")]
    assert ("remind", date(2022, 4, 13)) in log
    assert ("overdue", date(2022, 4, 16)) in log
    assert [on for kind, on in log if kind == "escalate"] == [date(2022, 4, 18),
                                                               date(2022, 4, 20)]
    assert ("reply", date(2022, 4, 12)) in log and ("return", date(2022, 4, 22)) in log
    assert log[-1] == ("close", date(2022, 4, 25))
    assert case.status == CaseStatus.CLOSED
    head = User.objects.get(username="unit_head")
    assert Notification.objects.filter(user=head, case=case,
                                       title__startswith="升级督办（单位负责人）").exists()
    assert Notification.objects.filter(user__username="leader_secretary", case=case,
                                       title__startswith="升级督办（包联领导）").exists()
    assert sorted(case.notices.values_list("kind", flat=True)) == ["assign", "remind",
                                                                   "supervise"]


def test_one_case_is_left_open_and_escalated_to_district_leaders(demo):
    case = Case.objects.get(project__name="金水河“一河两岸”城市更新项目")
    assert case.status == CaseStatus.IN_PROGRESS and case.escalation_level == 3


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
