"""查岗 in the unit ranking: the answer rate per unit and month, as the dashboard scores it."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from diaodu.dashboard import scoring
from diaodu.duty import services
from diaodu.duty.ranking import answer_rates

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def check(unit, dispatcher, called_at, answered_after=None):
    made = services.spot_check_create(actor=dispatcher, unit=unit, called_at=called_at,
                                      window_minutes=10)
    if answered_after is not None:
        services.spot_check_answer(actor=None, check=made, at=called_at + answered_after)
    return made


def test_answered_over_answered_and_missed(street_a, street_b, dispatcher):
    check(street_a, dispatcher, at(2022, 3, 5, 2), timedelta(minutes=10))  # at the deadline
    check(street_a, dispatcher, at(2022, 3, 6, 2))                          # missed
    check(street_a, dispatcher, at(2022, 3, 7, 2), timedelta(minutes=1))
    check(street_b, dispatcher, at(2022, 3, 7, 3))
    rates = answer_rates(2022, 3, "unit", now=at(2022, 4, 1))
    assert rates == {street_a.pk: Decimal("66.7"), street_b.pk: Decimal("0.0")}


def test_month_edges_are_shanghai_midnights(street_a, dispatcher):
    check(street_a, dispatcher, at(2022, 2, 28, 23, 59, 59, 999999))  # February's
    check(street_a, dispatcher, at(2022, 3, 1), timedelta(minutes=1))   # March's
    check(street_a, dispatcher, at(2022, 3, 31, 23, 59, 59, 999999))    # March's, missed
    check(street_a, dispatcher, at(2022, 4, 1))                          # April's
    now = at(2022, 5, 1)
    assert answer_rates(2022, 3, "unit", now=now) == {street_a.pk: Decimal("50.0")}
    assert answer_rates(2022, 2, "unit", now=now) == {street_a.pk: Decimal("0.0")}
    assert answer_rates(2022, 12, "unit", now=now) == {}


def test_a_check_inside_its_window_is_neither_answered_nor_missed(street_a, dispatcher):
    made = check(street_a, dispatcher, at(2022, 3, 5, 2))
    assert answer_rates(2022, 3, "unit", now=made.deadline_at) == {street_a.pk: None}
    later = made.deadline_at + timedelta(microseconds=1)
    assert answer_rates(2022, 3, "unit", now=later) == {street_a.pk: Decimal("0.0")}


def test_the_street_ranking_counts_streets_only(street_a, drc, dispatcher):
    check(street_a, dispatcher, at(2022, 3, 5, 2), timedelta(minutes=1))
    check(drc, dispatcher, at(2022, 3, 5, 3), timedelta(minutes=1))
    now = at(2022, 4, 1)
    assert set(answer_rates(2022, 3, "street", now=now)) == {street_a.pk}
    assert set(answer_rates(2022, 3, "unit", now=now)) == {street_a.pk, drc.pk}


def test_duty_registers_its_score_item():
    assert "duty_checks" in scoring.keys()
    assert str(scoring.LABELS["duty_checks"]) == "查岗按时应答率"
