"""A poll of street A's people (the 审计局's 民主评议 in the seeds is the model)."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from diaodu.votes import services
from tests.factories import UserFactory

OPENS = timezone.make_aware(datetime(2022, 1, 20, 9, 0))
CLOSES = OPENS + timedelta(hours=8)
DURING = OPENS + timedelta(hours=1)
AFTER = CLOSES + timedelta(minutes=1)


@pytest.fixture
def members(street_a):
    return [UserFactory(username=f"member{i}", unit=street_a, role="reporter")
            for i in range(4)]


def make_poll(unit, voters, *, title="2021年度优秀党员评选", names=("甲", "乙", "丙", "丁"),
              max_choices=2, opens=OPENS, closes=CLOSES):
    return services.poll_create(actor=None, unit=unit, title=title, candidates=list(names),
                                max_choices=max_choices, opens_at=opens, closes_at=closes,
                                voters=voters)


@pytest.fixture
def poll(street_a, members, street_a_reporter):
    return make_poll(street_a, [*members, street_a_reporter])


def ids(poll, *names):
    by_name = {c.name: c.pk for c in poll.candidates.all()}
    return [by_name[n] for n in names]
