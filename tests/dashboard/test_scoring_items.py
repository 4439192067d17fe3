"""Score items other apps add to the unit ranking (duty's 查岗 answer rate)."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from diaodu.core.errors import UserError
from diaodu.dashboard import services
from diaodu.dashboard.models import UnitRanking
from diaodu.duty import services as duty


def at(*args):
    return datetime(*args, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_missed_spot_checks_lower_a_units_place(first_quarter, dispatcher, street_a, street_b,
                                                  drc):
    # February 2022: A is on plan (100%) but missed its 查岗; B is at 50% and answered.
    duty.spot_check_create(actor=dispatcher, unit=street_a, called_at=at(2022, 2, 10, 2))
    answered = duty.spot_check_create(actor=dispatcher, unit=street_b,
                                      called_at=at(2022, 2, 10, 3))
    duty.spot_check_answer(actor=None, check=answered,
                           at=answered.called_at + timedelta(minutes=1))
    duty.spot_check_create(actor=dispatcher, unit=drc, called_at=at(2022, 2, 10, 4))
    services.scheme_create(actor=dispatcher, top_group_size=1,
                           weights={"investment": 50, "duty_checks": 50})
    services.ranking_compute(actor=dispatcher, year=2022, month=2)
    rows = {r.unit_id: r for r in UnitRanking.objects.filter(month=2, kind="street")}
    assert rows[street_b.pk].score == Decimal("75.0") and rows[street_b.pk].rank == 1
    assert rows[street_a.pk].score == Decimal("50.0") and rows[street_a.pk].rank == 2
    assert rows[street_a.pk].metrics["duty_checks"] == "0.0"
    # A unit known to the ranking only through its duty roster is not ranked.
    assert not UnitRanking.objects.filter(unit=drc).exists()


def test_with_weight_zero_the_item_is_shown_but_does_not_score(first_quarter, dispatcher,
                                                                street_a):
    duty.spot_check_create(actor=dispatcher, unit=street_a, called_at=at(2022, 2, 10, 2))
    services.scheme_create(actor=dispatcher, top_group_size=1, weights={"investment": 100})
    services.ranking_compute(actor=dispatcher, year=2022, month=2)
    row = UnitRanking.objects.get(month=2, kind="street", unit=street_a)
    assert row.score == Decimal("100.0") and row.metrics["duty_checks"] == "0.0"


def test_a_scheme_names_only_known_items(dispatcher):
    with pytest.raises(UserError) as error:
        services.scheme_create(actor=dispatcher, top_group_size=1,
                               weights={"investment": 50, "duty_check": 50})
    assert error.value.field == "weights"
