"""Registering, referring, concluding and following up disputes; bad input changes nothing."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from diaodu.core.errors import ConflictError, NotFound, UserError
from diaodu.core.models import AuditEvent
from diaodu.mediation import selectors, services
from diaodu.mediation.models import Dispute, FollowUp, Party, Referral

from .conftest import TODAY, register

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("text", "expected"), [
    ("0", Decimal("0.00")), ("0.01", Decimal("0.01")), ("12.5万元", Decimal("12.50")),
    ("12.5万", Decimal("12.50")), ("5000.00", Decimal("5000.00")), ("1,234.56", Decimal("1234.56")),
])
def test_amounts_in_wan_are_read(text, expected):
    assert services.parse_amount(text) == expected


@pytest.mark.parametrize(("text", "code"), [
    ("-0.01", "money.negative"), ("5000.01", "dispute.amount_unit"),
    ("125000元", "dispute.amount_unit"), ("12.345", "money.precision"),
    ("十二万", "money.invalid"),
])
def test_bad_amounts_are_refused_in_chinese(text, code):
    with pytest.raises(UserError) as error:
        services.parse_amount(text)
    assert error.value.code == code and error.value.field == "amount"
    assert "金额" in error.value.message


def test_register_numbers_per_year_and_keeps_no_personal_data_in_the_audit(committee_a):
    first = register(committee_a)
    second = register(committee_a, received_on=date(2022, 3, 2))
    older = register(committee_a, received_on=date(2021, 12, 30))
    assert (first.serial, second.serial, older.serial) == (1, 2, 1)
    assert first.number == "调〔2022〕00001号" and older.year == 2021
    event = AuditEvent.objects.filter(action="dispute.register", object_id=str(first.pk)).get()
    text = str(event.changes) + event.object_repr
    assert event.changes["parties"] == 2
    assert "张" not in text and "138" not in text and "建设西路" not in text


def test_register_needs_both_sides_and_a_date_not_in_the_future(committee_a):
    from diaodu.mediation.services import DisputeData, PartyData

    before = (Dispute.objects.count(), AuditEvent.objects.count())
    with pytest.raises(UserError, match="申请人和被申请人"):
        services.dispute_register(actor=None, on=TODAY, data=DisputeData(
            committee=committee_a, category="family", summary="x", received_on=TODAY,
            amount=Decimal(0), parties=[PartyData("applicant", "张三")]))
    with pytest.raises(UserError, match="受理日期不能晚于今天"):
        register(committee_a, received_on=TODAY + timedelta(days=1))
    register(committee_a, received_on=TODAY)  # today itself is fine
    with pytest.raises(UserError, match="纠纷类型"):
        register(committee_a, category="weather")
    assert (Dispute.objects.count(), AuditEvent.objects.count()) == (before[0] + 1,
                                                                     before[1] + 1)


def test_only_the_committees_own_people_register_there(committee_a, street_b_reporter,
                                                       street_a_reporter, dispatcher):
    with pytest.raises(NotFound):
        register(committee_a, actor=street_b_reporter)
    with pytest.raises(NotFound):
        register(committee_a, actor=dispatcher)
    assert register(committee_a, actor=street_a_reporter).created_by == street_a_reporter


def fresh(user):
    from diaodu.core.models import User

    return User.objects.select_related("unit").get(pk=user.pk)


def _unchanged(dispute):
    fresh = Dispute.objects.get(pk=dispute.pk)
    return (fresh.committee_id, fresh.version, fresh.outcome) == (
        dispute.committee_id, dispute.version, dispute.outcome)


def test_referral_up_and_down(dispute_a, committee_a, district_committee,
                              community_committee_a):
    services.dispute_refer(actor=None, dispute=dispute_a, to_level="district", reason="案情复杂",
                           referred_on=TODAY, on=TODAY)
    dispute = Dispute.objects.get(pk=dispute_a.pk)
    assert dispute.committee == district_committee and dispute.received_by == committee_a
    services.dispute_refer(actor=None, dispute=dispute, to_level="street",
                           to_committee=committee_a, reason="属地化解", referred_on=TODAY,
                           on=TODAY)
    assert Dispute.objects.get(pk=dispute.pk).committee == committee_a
    assert Referral.objects.filter(dispute=dispute).count() == 2


@pytest.mark.parametrize(("to_level", "code"), [
    ("province", "referral.level"), ("street", "referral.level"),
    ("community", "referral.child"),
])
def test_referral_to_a_level_that_does_not_exist_changes_nothing(dispute_a, to_level, code):
    events = AuditEvent.objects.count()
    with pytest.raises(UserError) as error:
        services.dispute_refer(actor=None, dispute=dispute_a, to_level=to_level, reason="移交",
                               referred_on=TODAY, on=TODAY)
    assert error.value.code == code
    assert _unchanged(dispute_a) and not Referral.objects.exists()
    assert AuditEvent.objects.count() == events


def test_the_district_committee_has_no_level_above(district_committee):
    dispute = register(district_committee)
    with pytest.raises(UserError, match="下属的街道级调委会"):
        services.dispute_refer(actor=None, dispute=dispute, to_level="street", reason="x",
                               referred_on=TODAY, on=TODAY)  # down without a child named
    with pytest.raises(UserError) as error:
        services.dispute_refer(actor=None, dispute=dispute, to_level="district", reason="x",
                               referred_on=TODAY, on=TODAY)
    assert error.value.code == "referral.level"


def test_an_inactive_parent_takes_no_referral(dispute_a, district_committee):
    services.committee_update(actor=None, committee=district_committee,
                              name=district_committee.name, phone="", active=False)
    with pytest.raises(UserError, match="没有可接收的上一级"):
        services.dispute_refer(actor=None, dispute=dispute_a, to_level="district", reason="x",
                               referred_on=TODAY, on=TODAY)
    assert _unchanged(dispute_a)


def test_community_cannot_jump_to_the_district(community_committee_a):
    dispute = register(community_committee_a)
    with pytest.raises(UserError, match="相邻"):
        services.dispute_refer(actor=None, dispute=dispute, to_level="district", reason="x",
                               referred_on=TODAY, on=TODAY)


def test_conclude_settled_needs_terms_and_a_date_in_range(dispute_a):
    with pytest.raises(UserError, match="协议内容"):
        services.dispute_conclude(actor=None, dispute=dispute_a, outcome="settled",
                                  concluded_on=TODAY, on=TODAY)
    with pytest.raises(UserError, match="不能早于受理日期"):
        services.dispute_conclude(actor=None, dispute=dispute_a, outcome="failed",
                                  concluded_on=dispute_a.received_on - timedelta(days=1),
                                  on=TODAY)
    with pytest.raises(UserError, match="不能晚于今天"):
        services.dispute_conclude(actor=None, dispute=dispute_a, outcome="failed",
                                  concluded_on=TODAY + timedelta(days=1), on=TODAY)
    assert _unchanged(dispute_a)
    done = services.dispute_conclude(actor=None, dispute=dispute_a, outcome="settled",
                                     concluded_on=dispute_a.received_on, terms="赔偿修缮费3000元",
                                     on=TODAY, expected_version=1)
    assert done.outcome == "settled" and done.version == 2
    with pytest.raises(UserError, match="已办结"):
        services.dispute_conclude(actor=None, dispute=done, outcome="failed",
                                  concluded_on=TODAY, on=TODAY)


def test_a_stale_version_is_refused(dispute_a):
    with pytest.raises(ConflictError):
        services.dispute_conclude(actor=None, dispute=dispute_a, outcome="failed",
                                  concluded_on=TODAY, on=TODAY, expected_version=7)


def test_follow_up_only_of_settled_disputes(dispute_a):
    with pytest.raises(UserError, match="只有调成"):
        services.dispute_follow_up(actor=None, dispute=dispute_a, visited_on=TODAY,
                                   performance="done", on=TODAY)
    services.dispute_conclude(actor=None, dispute=dispute_a, outcome="settled",
                              concluded_on=date(2022, 3, 10), terms="赔偿", on=TODAY)
    with pytest.raises(UserError, match="回访日期"):
        services.dispute_follow_up(actor=None, dispute=dispute_a, visited_on=date(2022, 3, 9),
                                   performance="done", on=TODAY)
    services.dispute_follow_up(actor=None, dispute=dispute_a, visited_on=date(2022, 3, 10),
                               performance="partly", note="已付一半", on=TODAY)
    assert FollowUp.objects.get().performance == "partly"


def test_parties_are_masked_for_those_who_do_not_handle_the_case(
        dispute_a, street_a_reporter, street_a_head, dispatcher, leader, street_b_reporter):
    def names(user):
        user = fresh(user)  # units sort by code: later units moved this one's tree path
        return [p.name for p in selectors.dispute_get(user=user, pk=dispute_a.pk).party_list]

    assert names(street_a_reporter) == ["张三丰", "李四海"]
    assert names(street_a_head) == ["张三丰", "李四海"]
    assert names(dispatcher) == ["张**", "李**"]
    assert names(leader) == ["张**", "李**"]
    phones = [p.phone for p in selectors.dispute_get(user=leader, pk=dispute_a.pk).party_list]
    assert phones == ["138****5678", "139****4321"]
    with pytest.raises(NotFound):
        selectors.dispute_get(user=street_b_reporter, pk=dispute_a.pk)


def test_a_street_head_handles_its_communities_disputes(community_committee_a, street_a_head,
                                                        street_a_reporter):
    dispute = register(community_committee_a)
    street_a_head, street_a_reporter = fresh(street_a_head), fresh(street_a_reporter)
    assert selectors.dispute_get(user=street_a_head, pk=dispute.pk).handled
    with pytest.raises(NotFound):  # a street reporter works the street committee's only
        selectors.dispute_get(user=street_a_reporter, pk=dispute.pk)


def test_committees_for_agrees_with_the_policy(committee_a, committee_b, community_committee_a,
                                               street_a_reporter, street_a_head, dispatcher):
    from diaodu.mediation import policy
    from diaodu.mediation.models import Committee

    for user in map(fresh, (street_a_reporter, street_a_head, dispatcher)):
        expected = {c.pk for c in Committee.objects.select_related("unit")
                    if policy.handles(user, c.unit)}
        assert set(selectors.committees_for(user).values_list("pk", flat=True)) == expected
    assert Party.objects.count() == 0
