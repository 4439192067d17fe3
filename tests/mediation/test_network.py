"""The legal-service network: places by unit kind, adviser assignments without double
periods, 法律明白人, the coverage check and the directory."""

from datetime import date

import pytest

from diaodu.core.errors import NotFound, UserError
from diaodu.core.models import AuditEvent
from diaodu.mediation import network, selectors
from diaodu.mediation.models import Assignment, LegalPlace

pytestmark = pytest.mark.django_db
LICENCE = "14101201510123456"


@pytest.fixture
def adviser(db):
    return network.adviser_save(actor=None, name="赵律师", firm="河南中原律师事务所",
                                licence_no=LICENCE, phone="0371-67961234")


def test_places_sit_in_units_of_their_kind(district, street_a, community_a):
    network.place_save(actor=None, kind="centre", name="中原区公共法律服务中心", unit=district)
    network.place_save(actor=None, kind="station", name="林山寨街道公共法律服务站",
                       unit=street_a)
    with pytest.raises(UserError, match="公共法律服务站不能设在"):
        network.place_save(actor=None, kind="station", name="错的", unit=community_a)
    with pytest.raises(UserError, match="已有公共法律服务站"):
        network.place_save(actor=None, kind="station", name="第二个站", unit=street_a)
    assert LegalPlace.objects.count() == 2


def test_only_reference_editors_write(street_a, street_a_reporter, dispatcher):
    with pytest.raises(NotFound):
        network.place_save(actor=street_a_reporter, kind="station", name="站", unit=street_a)
    assert network.place_save(actor=dispatcher, kind="station", name="站", unit=street_a).pk


def test_adviser_licence_is_17_digits(db):
    for bad in ("1410120151012345", "141012015101234567", "1410120151012345X"):
        with pytest.raises(UserError, match="17位数字"):
            network.adviser_save(actor=None, name="钱", firm="所", licence_no=bad)


def test_the_same_adviser_twice_in_one_community_for_the_same_period(adviser, community_a,
                                                                     street_a):
    network.assignment_create(actor=None, adviser=adviser, community=community_a,
                              starts_on=date(2022, 1, 1), ends_on=date(2022, 12, 31))
    events = AuditEvent.objects.count()
    with pytest.raises(UserError) as error:  # overlapping on the last day
        network.assignment_create(actor=None, adviser=adviser, community=community_a,
                                  starts_on=date(2022, 12, 31))
    assert error.value.code == "assignment.duplicate" and "不能重复聘任" in error.value.message
    assert Assignment.objects.count() == 1 and AuditEvent.objects.count() == events
    # The day after the first period ends is free.
    network.assignment_create(actor=None, adviser=adviser, community=community_a,
                              starts_on=date(2023, 1, 1))
    with pytest.raises(UserError, match="不是社区"):
        network.assignment_create(actor=None, adviser=adviser, community=street_a,
                                  starts_on=date(2023, 1, 1))
    with pytest.raises(UserError, match="不能早于起始日期"):
        network.assignment_create(actor=None, adviser=adviser, community=community_a,
                                  starts_on=date(2024, 1, 2), ends_on=date(2024, 1, 1))


def test_coverage_and_directory(district, street_a, street_b, community_a, adviser, leader):
    network.place_save(actor=None, kind="centre", name="中心", unit=district)
    network.place_save(actor=None, kind="station", name="林山寨站", unit=street_a)
    network.place_save(actor=None, kind="room", name="林山寨社区服务室", unit=community_a)
    network.assignment_create(actor=None, adviser=adviser, community=community_a,
                              starts_on=date(2022, 1, 1), ends_on=date(2022, 12, 31))
    network.liaison_save(actor=None, name="孙明白", community=community_a)
    on = date(2022, 12, 31)
    gaps = [(g.what, str(u)) for g, u in selectors.coverage(user=leader, on=on)]
    assert gaps == [("station", "须水街道")]
    # A day later the adviser's period has ended: the community has no adviser.
    gaps = [(g.what, str(u)) for g, u in selectors.coverage(user=leader, on=date(2023, 1, 1))]
    assert gaps == [("station", "须水街道"), ("adviser", "林山寨社区")]
    book = selectors.directory(user=leader, on=on)
    assert book.centre.name == "中心"
    assert book.counts == {"centre": 1, "station": 1, "room": 1, "advisers": 1, "liaisons": 1}
    entry = book.streets[0].communities[0]
    assert (entry.room.name, entry.advisers[0].name, entry.liaisons[0].name) == (
        "林山寨社区服务室", "赵律师", "孙明白")


def test_directory_queries_do_not_grow_with_the_network(django_assert_num_queries, district,
                                                        street_a, community_a, leader):
    network.place_save(actor=None, kind="station", name="站", unit=street_a)
    with django_assert_num_queries(4):
        selectors.directory(user=leader, on=date(2022, 1, 1))
