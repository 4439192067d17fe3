"""Rosters, swaps, handover logs and spot checks through the services: rotation over the
database calendar, and every refused input changes nothing."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from diaodu.core.errors import UserError
from diaodu.core.models import AuditEvent
from diaodu.duty import selectors, services
from diaodu.duty.models import DutyAssignment, DutyShift, DutySwap, SpotCheck
from diaodu.duty.services.rosters import RosterRow

pytestmark = pytest.mark.django_db


def at(*args):
    return timezone.make_aware(datetime(*args))


def test_generate_a_year_rotates_over_the_calendar(street_a, a_people):
    made = services.roster_generate(actor=None, unit=street_a, start=date(2022, 1, 1),
                                    end=date(2022, 12, 31), staff_per_shift=2)
    assert made == 365
    shifts = DutyShift.objects.filter(unit=street_a)
    # 2022: 元旦 3, 春节 7, 清明 3, 劳动节 5, 端午 3, 中秋 3, 国庆 7, and 31 December (元旦 2023)
    assert shifts.filter(kind="holiday").count() == 32
    assert shifts.get(date=date(2022, 4, 2)).kind == "makeup"
    # Leaders take turns on ordinary days; every shift has one leader and two staff.
    assert DutyAssignment.objects.filter(role="leader").count() == 365
    assert DutyAssignment.objects.filter(role="staff").count() == 730
    leaders = [s.leader.name for s in shifts.filter(kind="workday").order_by("date")[:4]]
    assert leaders == ["甲领导1", "甲领导2", "甲领导1", "甲领导2"]


def test_generating_again_changes_nothing_and_halves_continue_the_turns(street_a, a_people):
    services.roster_generate(actor=None, unit=street_a, start=date(2022, 3, 1),
                             end=date(2022, 3, 15))
    services.roster_generate(actor=None, unit=street_a, start=date(2022, 3, 16),
                             end=date(2022, 3, 31))
    split = [(s.date, s.leader_id, tuple(a.person_id for a in s.assignments.order_by("id")))
             for s in DutyShift.objects.order_by("date")]
    assert services.roster_generate(actor=None, unit=street_a, start=date(2022, 3, 1),
                                    end=date(2022, 3, 31)) == 0
    DutyShift.objects.all().delete()
    services.roster_generate(actor=None, unit=street_a, start=date(2022, 3, 1),
                             end=date(2022, 3, 31))
    whole = [(s.date, s.leader_id, tuple(a.person_id for a in s.assignments.order_by("id")))
             for s in DutyShift.objects.order_by("date")]
    assert split == whole


def test_a_unit_without_leaders_stops_the_whole_generation(street_a, street_b, a_people):
    services.duty_person_create(actor=None, unit=street_b, name="乙干部", can_lead=False)
    with pytest.raises(UserError) as error:
        services.roster_generate_all(actor=None, units=[street_a, street_b],
                                     start=date(2022, 3, 28), end=date(2022, 3, 31),
                                     staff_per_shift=1)
    assert error.value.code == "duty.no_leader"
    assert "须水街道没有可带班的领导，2022-03-28 起无人带班" in error.value.message
    assert not DutyShift.objects.exists()


def test_too_few_staff_is_refused(street_a, a_people):
    with pytest.raises(UserError) as error:
        services.roster_generate(actor=None, unit=street_a, start=date(2022, 3, 28),
                                 end=date(2022, 3, 28), staff_per_shift=5)
    assert error.value.code == "duty.too_few_staff"
    assert services.roster_generate(actor=None, unit=street_a, start=date(2022, 3, 28),
                                    end=date(2022, 3, 28), staff_per_shift=4) == 1


def test_a_reporter_may_not_generate(street_a, a_people, street_a_reporter, street_a_head):
    with pytest.raises(UserError):
        services.roster_generate(actor=street_a_reporter, unit=street_a,
                                 start=date(2022, 3, 28), end=date(2022, 3, 28))
    assert services.roster_generate(actor=street_a_head, unit=street_a,
                                    start=date(2022, 3, 28), end=date(2022, 3, 28)) == 1


def _roster(street_a, a_people):
    services.roster_generate(actor=None, unit=street_a, start=date(2022, 3, 28),
                             end=date(2022, 3, 31), staff_per_shift=1)
    return DutyShift.objects.get(unit=street_a, date=date(2022, 3, 28))


def _state():
    return sorted(DutyAssignment.objects.values_list("date", "person_id", "role"))


def test_roster_row_without_leader_names_the_row_and_changes_nothing(street_a, a_people):
    _roster(street_a, a_people)
    before = _state()
    leader1, _l2, staff1, staff2, *_ = a_people
    rows = [RosterRow(date(2022, 3, 28), leader1, [staff1]),
            RosterRow(date(2022, 3, 29), None, [staff2])]
    with pytest.raises(UserError) as error:
        services.roster_save(actor=None, unit=street_a, rows=rows)
    assert error.value.message == "第2行：2022-03-29 没有带班领导。"
    assert error.value.row == 2
    assert _state() == before


def test_one_person_twice_on_a_day_is_refused(street_a, a_people):
    _roster(street_a, a_people)
    before = _state()
    leader1, *_ = a_people
    with pytest.raises(UserError) as error:
        services.roster_save(actor=None, unit=street_a,
                             rows=[RosterRow(date(2022, 3, 28), leader1, [leader1])])
    assert error.value.code == "duty.two_shifts"
    assert "甲领导1 在 2022-03-28 被安排了两个班次" in error.value.message
    assert _state() == before


def test_a_day_twice_names_the_second_row(street_a, a_people):
    leader1, leader2 = a_people[:2]
    rows = [RosterRow(date(2022, 3, 28), leader1), RosterRow(date(2022, 3, 29), leader2),
            RosterRow(date(2022, 3, 28), leader2)]
    with pytest.raises(UserError) as error:
        services.roster_save(actor=None, unit=street_a, rows=rows)
    assert error.value.message == "第3行：2022-03-28 与第1行重复。"
    assert not DutyShift.objects.exists()


def test_a_staff_member_as_leader_is_refused(street_a, a_people):
    with pytest.raises(UserError) as error:
        services.roster_save(actor=None, unit=street_a,
                             rows=[RosterRow(date(2022, 3, 28), a_people[2])])
    assert error.value.code == "duty.not_a_leader"


def test_roster_save_replaces_the_people_of_a_day(street_a, a_people):
    shift = _roster(street_a, a_people)
    leader2, staff3 = a_people[1], a_people[4]
    services.roster_save(actor=None, unit=street_a,
                         rows=[RosterRow(date(2022, 3, 28), leader2, [staff3])])
    shift.refresh_from_db()
    assert shift.leader == leader2
    assert sorted(a.person.name for a in shift.assignments.all()) == ["甲干部3", "甲领导2"]


def test_swap_with_someone_of_another_unit_is_refused(street_a, a_people, b_people):
    shift = _roster(street_a, a_people)
    staff = shift.assignments.get(role="staff").person
    with pytest.raises(UserError) as error:
        services.swap_request(actor=None, shift=shift, from_person=staff,
                              to_person=b_people[3], reason="家中有事")
    assert error.value.code == "duty.swap_other_unit"
    assert error.value.field == "to_person"
    assert "乙干部2 不是林山寨街道的在岗值班人员，不能跨单位换班" in error.value.message
    assert not DutySwap.objects.exists()


def test_swap_with_someone_already_on_duty_that_day_is_refused(street_a, a_people):
    shift = _roster(street_a, a_people)
    staff = shift.assignments.get(role="staff").person
    leader = shift.leader
    with pytest.raises(UserError) as error:
        services.swap_request(actor=None, shift=shift, from_person=staff, to_person=leader,
                              reason="家中有事")
    assert error.value.code == "duty.two_shifts"


def test_approved_swap_puts_the_colleague_on_the_shift(street_a, a_people, street_a_reporter,
                                                       street_a_head):
    shift = _roster(street_a, a_people)
    staff = shift.assignments.get(role="staff").person
    free = next(p for p in a_people if not p.can_lead and
                not DutyAssignment.objects.filter(person=p, date=shift.date).exists())
    swap = services.swap_request(actor=street_a_reporter, shift=shift, from_person=staff,
                                 to_person=free, reason="外出培训")
    with pytest.raises(UserError):
        services.swap_decide(actor=street_a_reporter, swap=swap, approve=True)
    services.swap_decide(actor=street_a_head, swap=swap, approve=True, note="同意")
    assert shift.assignments.filter(person=free).exists()
    assert not shift.assignments.filter(person=staff).exists()
    with pytest.raises(UserError) as error:
        services.swap_decide(actor=street_a_head, swap=swap, approve=False)
    assert error.value.code == "duty.swap_decided"


def test_handover_log_is_written_and_corrected(street_a, a_people, street_a_reporter,
                                               street_b_reporter):
    shift = _roster(street_a, a_people)
    services.handover_record(actor=street_a_reporter, shift=shift, events="夜间平稳", calls=3,
                             open_items="核实积水点")
    handover = services.handover_record(actor=street_a_reporter, shift=shift,
                                        events="夜间平稳，接报一起", calls=4)
    assert (handover.calls, handover.open_items) == (4, "")
    with pytest.raises(UserError):
        services.handover_record(actor=street_b_reporter, shift=shift, events="x", calls=1)
    with pytest.raises(UserError) as error:
        services.handover_record(actor=street_a_reporter, shift=shift, events="x", calls=-1)
    assert error.value.field == "calls"


def test_spot_check_answered_at_the_deadline_itself_is_in_time(street_a, a_people, dispatcher,
                                                               street_a_reporter):
    _roster(street_a, a_people)
    check = services.spot_check_create(actor=dispatcher, unit=street_a,
                                       called_at=at(2022, 3, 29, 2, 0), window_minutes=10)
    assert check.on_duty == "甲领导1"  # 02:00 on the 29th is the 28th's shift
    services.spot_check_answer(actor=street_a_reporter, check=check,
                               at=at(2022, 3, 29, 2, 10))
    check.refresh_from_db()
    assert check.answer_seconds == 600


def test_spot_check_answered_after_its_window_is_refused_and_counted_missed(
        street_a, a_people, dispatcher, street_a_reporter):
    check = services.spot_check_create(actor=dispatcher, unit=street_a,
                                       called_at=at(2022, 3, 29, 2, 0), window_minutes=10)
    events = AuditEvent.objects.count()
    with pytest.raises(UserError) as error:
        services.spot_check_answer(actor=street_a_reporter, check=check,
                                   at=at(2022, 3, 29, 2, 10) + timedelta(microseconds=1))
    assert error.value.code == "duty.check_late"
    assert "截止时间 02:10:00" in error.value.message
    check.refresh_from_db()
    assert check.answered_at is None and AuditEvent.objects.count() == events
    ranking = selectors.spot_check_ranking(user=dispatcher, start=at(2022, 3, 1),
                                           end=at(2022, 4, 1), now=at(2022, 3, 29, 2, 11))
    assert [(r.unit, r.checks, r.missed) for r in ranking] == [(street_a, 1, 1)]
    # Inside the window it is pending, not missed.
    ranking = selectors.spot_check_ranking(user=dispatcher, start=at(2022, 3, 1),
                                           end=at(2022, 4, 1), now=at(2022, 3, 29, 2, 10))
    assert (ranking[0].missed, ranking[0].pending) == (0, 1)


def test_ranking_puts_fewer_missed_first_then_faster(street_a, street_b, dispatcher):
    fast = services.spot_check_create(actor=dispatcher, unit=street_b,
                                      called_at=at(2022, 3, 29, 2, 0))
    services.spot_check_answer(actor=None, check=fast, at=at(2022, 3, 29, 2, 1))
    slow = services.spot_check_create(actor=dispatcher, unit=street_a,
                                      called_at=at(2022, 3, 29, 3, 0))
    services.spot_check_answer(actor=None, check=slow, at=at(2022, 3, 29, 3, 9))
    services.spot_check_create(actor=dispatcher, unit=street_a, called_at=at(2022, 3, 29, 4, 0))
    ranking = selectors.spot_check_ranking(user=dispatcher, start=at(2022, 3, 1),
                                           end=at(2022, 4, 1), now=at(2022, 3, 30))
    assert [(r.unit, r.missed, r.average_seconds) for r in ranking] == [
        (street_b, 0, 60), (street_a, 1, 540)]


def test_only_the_duty_office_calls_and_only_the_unit_answers(street_a, street_a_reporter,
                                                              street_b_reporter, dispatcher):
    with pytest.raises(UserError):
        services.spot_check_create(actor=street_a_reporter, unit=street_a)
    check = services.spot_check_create(actor=dispatcher, unit=street_a,
                                       called_at=at(2022, 3, 29, 2, 0))
    with pytest.raises(UserError):
        services.spot_check_answer(actor=street_b_reporter, check=check,
                                   at=at(2022, 3, 29, 2, 1))
    assert SpotCheck.objects.get().answered_at is None


def test_board_shows_every_unit_and_the_unrostered(street_a, street_b, a_people, b_people,
                                                   dispatcher, street_a_reporter,
                                                   django_assert_num_queries):
    _roster(street_a, a_people)
    with django_assert_num_queries(3):
        rows = selectors.duty_board(user=dispatcher, day=date(2022, 3, 28))
    assert [(r.unit, r.leader and r.leader.name, len(r.staff)) for r in rows] == [
        (street_a, "甲领导1", 1), (street_b, None, 0)]
    assert [r.unit for r in selectors.duty_board(user=street_a_reporter,
                                                 day=date(2022, 3, 28))] == [street_a]
