"""investment/policy.py is the one answer to "who may do what to a progress report now": the
report page offers exactly the steps the services take, for every role and place against
reports in every state and in a locked round (drawn by hypothesis); and the pure policy's
halves never disagree."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import RequestFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diaodu.core.errors import Forbidden, NotFound, UserError
from diaodu.core.roles import Role
from diaodu.investment import policy, selectors, services
from diaodu.investment.models import ProgressReport, ReportStatus
from diaodu.investment.views import ReportDetailView
from diaodu.projects.models import Stage

from ..factories import ProjectFactory
from .conftest import fill_and_submit, open_month

STATE_CODES = {"round.locked", "report.not_editable", "report.not_submitted",
               "report.not_approvable", "report.not_returnable", "report.no_issues"}


def test_the_policy_names_the_models_states():
    assert {policy.DRAFT, policy.SUBMITTED, policy.UNIT_APPROVED, policy.RETURNED,
            policy.APPROVED} == set(ReportStatus.values)


# --- the pure policy against itself ---------------------------------------------------------


@dataclass
class Unit:
    pk: int
    path: str


@dataclass
class Actor:
    role: str
    unit: Unit | None

    @property
    def unit_id(self):
        return self.unit.pk if self.unit else None


@dataclass
class Project:
    responsible_unit: Unit

    @property
    def responsible_unit_id(self):
        return self.responsible_unit.pk


@dataclass
class Round:
    is_locked: bool


@dataclass
class Report:
    status: str
    round: Round
    project: Project
    issues: str

    def get_status_display(self):
        return self.status


UNITS = [Unit(1, "0001"), Unit(2, "00010001"), Unit(3, "00010002")]
actors = st.one_of(st.none(), st.builds(Actor, st.sampled_from(list(Role)),
                                       st.one_of(st.none(), st.sampled_from(UNITS))))
reports = st.builds(Report, st.sampled_from(ReportStatus.values), st.builds(Round, st.booleans()),
                    st.builds(Project, st.sampled_from(UNITS)), st.sampled_from(["", "缺资金"]))


@given(actor=actors, report=reports, step=st.sampled_from(policy.STEPS))
def test_the_halves_make_the_whole(actor, report, step):
    allowed = step in policy.allowed_steps(actor, report)
    assert allowed == (policy.may_take(actor, report, step) and policy._when(actor, report, step))
    if policy.may_take(actor, report, step) and not allowed and not (
            report.round.is_locked and step != policy.RAISE_CASE):
        with pytest.raises(UserError):
            policy.require_state(actor, report, step)


# --- the page and the services against real reports ----------------------------------------


@pytest.fixture
def world(dispatcher, leader, street_a_reporter, street_a_head, street_b_reporter, stats_user,
          taskforce_member, street_a):
    """A report of street A in every state of an open round, and one in a locked round."""
    projects = {status: ProjectFactory(name=f"项目{status}", responsible_unit=street_a,
                                       street=street_a, stage=Stage.CONSTRUCTION,
                                       total_investment=Decimal("10000.00"))
                for status in [*ReportStatus.values, "locked"]}
    february = open_month(dispatcher, 2022, 2)
    locked = february.reports.get(project=projects["locked"])
    fill_and_submit(street_a_reporter, locked, "10", "10")
    services.round_lock(actor=dispatcher, round_=february, at=february.due_at + timedelta(1))
    march = open_month(dispatcher, 2022, 3)
    states = {}
    for status, project in projects.items():
        if status == "locked":
            states[status] = ProgressReport.objects.get(pk=locked.pk)
            continue
        report = march.reports.get(project=project)
        if status != ReportStatus.DRAFT:
            report = services.report_save(
                actor=street_a_reporter, report=report, expected_version=report.version,
                completed_in_period="20", cumulative_completed="30", issues="征地未完成",
                physical_progress="主体施工")
            report = services.report_submit(actor=street_a_reporter, report=report,
                                            expected_version=report.version)
        if status == ReportStatus.UNIT_APPROVED:
            services.report_unit_approve(actor=street_a_head, report=report,
                                         expected_version=report.version)
        if status == ReportStatus.RETURNED:
            services.report_return(actor=dispatcher, report=report, reason="补充材料",
                                   expected_version=report.version)
        if status == ReportStatus.APPROVED:
            services.report_approve(actor=dispatcher, report=report,
                                    expected_version=report.version)
        states[status] = ProgressReport.objects.get(pk=report.pk)
    assert {r.status for s, r in states.items() if s != "locked"} == set(ReportStatus.values)
    people = {"dispatcher": dispatcher, "leader": leader, "reporter": street_a_reporter,
              "head": street_a_head, "other_reporter": street_b_reporter, "stats": stats_user,
              "taskforce": taskforce_member}
    return people, states


def _offered(actor, report) -> set[str]:
    """The steps the report page shows buttons for."""
    try:
        seen = selectors.report_get(user=actor, pk=report.pk)
    except NotFound:
        return set()
    view = ReportDetailView()
    view.request, view.report = RequestFactory().get("/"), seen
    view.request.user = actor
    can = view._can()
    offered = {step for step, key in ((policy.FILL, "fill"), (policy.UNIT_APPROVE, "unit_review"),
                                      (policy.APPROVE, "review"),
                                      (policy.RAISE_CASE, "raise_case")) if can[key]}
    if can["unit_review"] or can["review"]:
        offered.add(policy.RETURN)
    return offered


class _Undo(Exception):
    pass


def _service_takes(step, actor, report) -> bool:
    version = report.version
    calls = {
        policy.FILL: lambda: services.report_save(
            actor=actor, report=report, expected_version=version, completed_in_period="5",
            cumulative_completed="40"),
        policy.UNIT_APPROVE: lambda: services.report_unit_approve(
            actor=actor, report=report, expected_version=version),
        policy.APPROVE: lambda: services.report_approve(actor=actor, report=report,
                                                        expected_version=version),
        policy.RETURN: lambda: services.report_return(actor=actor, report=report, reason="核实",
                                                      expected_version=version),
        policy.RAISE_CASE: lambda: services.report_raise_case(actor=actor, report=report),
    }
    try:
        with transaction.atomic():
            calls[step]()
            raise _Undo  # taken; leave the report as it was for the next draw
    except _Undo:
        return True
    except (Forbidden, NotFound):
        return False
    except UserError as error:
        return error.code not in STATE_CODES  # an input refusal: the step was allowed


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_the_page_offers_exactly_what_the_services_take(world, data):
    people, states = world
    name = data.draw(st.sampled_from(sorted(people)), label="actor")
    state = data.draw(st.sampled_from(sorted(states)), label="state")
    step = data.draw(st.sampled_from(policy.STEPS), label="step")
    actor, report = people[name], states[state]
    assert (step in _offered(actor, report)) == _service_takes(step, actor, report), (
        name, state, step)
