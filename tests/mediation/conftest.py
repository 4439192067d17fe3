"""Mediation fixtures: the district's committee in 区司法局, a committee in each street and in
community A, a mediator in each, and a builder for disputes."""

from datetime import date
from decimal import Decimal

import pytest

from diaodu.core.models import UnitKind
from diaodu.core.roles import Role
from diaodu.mediation import services
from diaodu.mediation.services import DisputeData, PartyData
from tests.factories import UserFactory, unit

TODAY = date(2022, 3, 31)


@pytest.fixture
def sfj(district):
    return unit("410102-SFJ", "区司法局", UnitKind.DEPARTMENT, district)


@pytest.fixture
def district_committee(sfj):
    return services.committee_create(actor=None, name="中原区人民调解委员会", level="district",
                                     unit=sfj)


@pytest.fixture
def committee_a(street_a, district_committee):
    return services.committee_create(actor=None, name="林山寨街道人民调解委员会",
                                     level="street", unit=street_a, parent=district_committee)


@pytest.fixture
def committee_b(street_b, district_committee):
    return services.committee_create(actor=None, name="须水街道人民调解委员会",
                                     level="street", unit=street_b, parent=district_committee)


@pytest.fixture
def community_committee_a(community_a, committee_a):
    return services.committee_create(actor=None, name="林山寨社区人民调解委员会",
                                     level="community", unit=community_a, parent=committee_a)


@pytest.fixture
def mediator_a(committee_a):
    return services.mediator_save(actor=None, committee=committee_a, name="王秀兰", gold=True,
                                  gold_since=date(2021, 6, 1), phone="13803711234")


@pytest.fixture
def sfj_reporter(sfj):
    return UserFactory(username="sfj_reporter", unit=sfj, role=Role.REPORTER)


def party_pair(applicant="张三丰", respondent="李四海"):
    return [PartyData("applicant", applicant, phone="13812345678", address="建设西路12号院3号楼"),
            PartyData("respondent", respondent, phone="13987654321", address="桐柏路88号")]


def register(committee, *, amount="1.50", received_on=date(2022, 3, 1), actor=None,
             category="neighbour", summary="楼上漏水引发邻里纠纷", **extra):
    return services.dispute_register(actor=actor, data=DisputeData(
        committee=committee, category=category, summary=summary, received_on=received_on,
        amount=Decimal(amount), parties=party_pair(), **extra), on=TODAY)


@pytest.fixture
def dispute_a(committee_a):
    return register(committee_a)


@pytest.fixture
def dispute_b(committee_b):
    return register(committee_b)
