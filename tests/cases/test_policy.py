"""cases/policy.py is the one answer to "who may take which step on a case now": every step the
case page offers, the service takes; every step the service takes, the page offers. Checked
for every role and place (lead unit, co-operating unit, the unit above, another street, the
DRC, no unit) against cases in every state, drawn by hypothesis; and the pure policy against
itself (allowed_steps and require never disagree)."""

from dataclasses import dataclass, field
from datetime import date

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diaodu.cases import policy, selectors, services
from diaodu.cases.models import PENDING_STATUSES, CaseStatus, NoticeKind
from diaodu.cases.models import Case as CaseModel
from diaodu.cases.views import _action_forms
from diaodu.core.errors import Forbidden, NotFound, UserError
from diaodu.core.roles import Role

from ..factories import UserFactory
from .conftest import ASSIGNED

STATE_CODES = {"case.not_assignable", "case.not_pending", "case.not_resolved",
               "case.not_verified", "notice.not_assigned"}
LATER = date(2022, 4, 6)


def test_the_policy_names_the_models_states():
    assert policy.PENDING == set(PENDING_STATUSES)
    assert {policy.OPEN, *policy.PENDING, policy.RESOLVED, policy.VERIFIED, policy.CLOSED} \
        == set(CaseStatus.values)


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
class Units:
    items: list = field(default_factory=list)

    def all(self):
        return self.items


@dataclass
class Case:
    status: str
    lead_unit: Unit | None
    co_units: Units

    @property
    def lead_unit_id(self):
        return self.lead_unit.pk if self.lead_unit else None

    def get_status_display(self):
        return self.status


UNITS = [Unit(1, "0001"), Unit(2, "00010001"), Unit(3, "000100010001"), Unit(4, "00010002")]
units = st.sampled_from(UNITS)
actors = st.one_of(st.none(), st.builds(Actor, st.sampled_from(list(Role)),
                                       st.one_of(st.none(), units)))
cases = st.builds(Case, st.sampled_from(CaseStatus.values), st.one_of(st.none(), units),
                  st.builds(Units, st.lists(units, max_size=2)))


@given(actor=actors, case=cases, step=st.sampled_from(policy.STEPS))
def test_allowed_steps_and_require_agree(actor, case, step):
    try:
        policy.require(actor, case, step)
    except UserError:
        refused = True
    else:
        refused = False
    assert (step in policy.allowed_steps(actor, case)) is not refused


# --- pages and services against real cases --------------------------------------------------


@pytest.fixture
def world(dispatcher, leader, street_a_reporter, street_a_head, street_b_reporter,
          street_b_head, drc_reporter, community_reporter, taskforce_member, stats_user,
          sysadmin, district, case_a, street_a, drc):
    """A case in every state, and people in every place relative to them."""
    people = {
        "dispatcher": dispatcher, "leader": leader, "lead_reporter": street_a_reporter,
        "lead_head": street_a_head, "other_reporter": street_b_reporter,
        "other_head": street_b_head, "co_reporter": drc_reporter,
        "below_reporter": community_reporter, "taskforce": taskforce_member,
        "stats": stats_user, "sysadmin": sysadmin,
        "district_head": UserFactory(username="district_head", unit=district,
                                     role=Role.UNIT_HEAD),
    }

    def fresh(title):
        return services.case_create(actor=dispatcher, title=title, lead_unit=street_a,
                                    co_units=[drc], due_workdays=10, today=ASSIGNED)

    in_progress = fresh("办理中")
    services.case_reply(actor=street_a_reporter, case=in_progress, text="推进中", today=LATER)
    resolved = fresh("已报办结")
    services.case_resolve(actor=street_a_reporter, case=resolved, text="已办结", today=LATER)
    verified = fresh("已核查")
    services.case_resolve(actor=street_a_reporter, case=verified, text="已办结", today=LATER)
    services.case_verify(actor=dispatcher, case=verified, passed=True, today=LATER)
    closed = fresh("已销号")
    services.case_resolve(actor=street_a_reporter, case=closed, text="已办结", today=LATER)
    services.case_verify(actor=dispatcher, case=closed, passed=True, today=LATER)
    services.case_close(actor=dispatcher, case=closed, today=LATER)
    returned = fresh("核查退回")
    services.case_resolve(actor=street_a_reporter, case=returned, text="已办结", today=LATER)
    services.case_verify(actor=dispatcher, case=returned, passed=False, note="材料不全",
                         today=LATER)
    opened = services.case_create(actor=dispatcher, title="待交办", today=ASSIGNED)
    states = {c.status: c for c in CaseModel.objects.filter(pk__in=[
        c.pk for c in (opened, case_a, in_progress, resolved, verified, closed, returned)])}
    assert set(states) == set(CaseStatus.values)
    return people, states, street_a


def _take(step, actor, case, lead):
    """Take `step` with valid input, as the page would."""
    version = case.version
    calls = {
        policy.ASSIGN: lambda: services.case_assign(
            actor=actor, case=case, lead_unit=lead, due_workdays=5, expected_version=version,
            today=LATER),
        policy.REPLY: lambda: services.case_reply(actor=actor, case=case, text="进展",
                                                  today=LATER),
        policy.RESOLVE: lambda: services.case_resolve(
            actor=actor, case=case, text="办结", expected_version=version, today=LATER),
        policy.VERIFY: lambda: services.case_verify(
            actor=actor, case=case, passed=True, expected_version=version, today=LATER),
        policy.CLOSE: lambda: services.case_close(actor=actor, case=case,
                                                  expected_version=version, today=LATER),
        policy.NOTICE: lambda: services.notice_issue(actor=actor, case=case,
                                                     kind=NoticeKind.ASSIGN, today=LATER),
        policy.COMMENT: lambda: services.case_comment(actor=actor, case=case, text="意见",
                                                      today=LATER),
    }
    calls[step]()


class _Undo(Exception):
    pass


def _service_takes(step, actor, case, lead) -> bool:
    try:
        with transaction.atomic():
            _take(step, actor, case, lead)
            raise _Undo  # the step went through; leave the case as it was for the next draw
    except _Undo:
        return True
    except (Forbidden, NotFound):
        return False
    except UserError as error:
        if error.code in STATE_CODES:
            return False
        # An input refusal (e.g. a unit the actor may not task): the step itself was allowed.
        return True


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_the_page_offers_exactly_what_the_service_takes(world, data):
    people, states, lead = world
    name = data.draw(st.sampled_from(sorted(people)), label="actor")
    status = data.draw(st.sampled_from(sorted(states)), label="state")
    step = data.draw(st.sampled_from(policy.STEPS), label="step")
    actor, case = people[name], states[status]
    try:
        seen = selectors.case_get(user=actor, pk=case.pk)
    except NotFound:
        offered = set()  # the page is 404
    else:
        offered = set(_action_forms(actor, seen))
    assert (step in offered) == _service_takes(step, actor, case, lead), (name, status, step)
