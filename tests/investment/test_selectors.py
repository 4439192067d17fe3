"""The 入库 duty at its boundary (issue 23): 500.00 万元 started is owed, 499.99 is not; the
registration page, the dashboard and the rankings count the same projects."""

from datetime import date
from decimal import Decimal

import pytest

from diaodu.dashboard import selectors as dashboard_selectors
from diaodu.investment import selectors
from diaodu.projects.models import Stage

from ..factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sizes(street_a, street_b):
    def make(name, amount, start=date(2022, 3, 1), registered=None, street=street_a):
        return ProjectFactory(name=name, responsible_unit=street, street=street,
                              stage=Stage.CONSTRUCTION if start else Stage.PREPARATION,
                              total_investment=Decimal(amount), actual_start=start,
                              stats_registered_on=registered)
    return {
        "below": make("差一分", "499.99"),
        "at": make("正好五百万", "500.00"),
        "above": make("五百万零一分", "500.01", registered=date(2022, 4, 1)),
        "unstarted": make("未开工大项目", "90000.00", start=None),
        "other_street": make("须水大项目", "800.00", street=street_b),
    }


def names(qs):
    return sorted(p.name for p in qs)


def test_must_register_from_500_wan_started_only(sizes, dispatcher):
    assert names(selectors.must_register(user=dispatcher)) == sorted(
        ["正好五百万", "五百万零一分", "须水大项目"])
    assert names(selectors.unregistered(user=dispatcher)) == ["正好五百万", "须水大项目"]
    done, total, rate = selectors.registration_rate(user=dispatcher)
    assert (done, total, rate) == (1, 3, Decimal("33.3"))


def test_the_duty_is_scoped_to_the_unit(sizes, street_a_reporter, street_b_reporter):
    assert names(selectors.must_register(user=street_a_reporter)) == ["五百万零一分", "正好五百万"]
    assert names(selectors.must_register(user=street_b_reporter)) == ["须水大项目"]
    assert selectors.registration_rate(user=street_b_reporter)[:2] == (0, 1)


def test_started_by_counts_projects_started_on_or_before_the_day(sizes):
    from diaodu.projects.models import Project

    duty = selectors.registration_duty(started_by=date(2022, 3, 1))
    assert Project.objects.filter(duty).count() == 3
    assert not Project.objects.filter(selectors.registration_duty(
        started_by=date(2022, 2, 28))).exists()


def test_the_dashboard_counts_the_same_duty(sizes, dispatcher):
    board = dashboard_selectors.dashboard(user=dispatcher,
                                          period=dashboard_selectors.Period(2022, 4),
                                          today=date(2022, 4, 30))
    assert (board.projects["duty"], board.projects["registered"]) == (3, 1)
