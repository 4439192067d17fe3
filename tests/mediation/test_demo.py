"""The mediation and vote demo reproduce the seeds' figures exactly, and load once."""

from datetime import date
from decimal import Decimal

import pytest

from diaodu.core.models import OrgUnit, UnitKind, User
from diaodu.demo import loader
from diaodu.demo import mediation as demo_mediation
from diaodu.demo import votes as demo_votes
from diaodu.mediation import selectors
from diaodu.mediation.models import Dispute, LegalPlace, Mediator
from diaodu.votes import selectors as vote_selectors
from diaodu.votes.models import Ballot, Poll, Voter


@pytest.mark.django_db
def test_demo_reproduces_the_seeds_figures():
    from django.db import transaction

    from diaodu.core import audit, clock
    from diaodu.demo import data

    with clock.as_of(data.DEMO_TODAY):  # as the loader runs its sections
        loader._load_ledger()
        for section in (demo_mediation, demo_votes):
            with transaction.atomic(), audit.deferred():
                assert section.load() is True
    leader = User.objects.get(username="leader")

    # 2021: 5,650 disputes by the three levels, 5,493 settled, 6,023.47万元 ("6000万余元").
    stats = selectors.dispute_stats(user=leader, year=2021)
    assert (stats.total.total, stats.total.settled) == (5650, 5493)
    assert stats.total.failed + stats.total.litigation == 157 and stats.total.pending == 0
    assert stats.total.amount == Decimal("6023.47")
    assert {r.key for r in stats.by_level} == {"district", "street", "community"}
    assert len(stats.by_street) == 15  # 区级 and the 14 streets
    assert sum(r.amount for r in stats.by_category) == Decimal("6023.47")
    assert Mediator.objects.filter(gold=True, active=True).count() == 28 == stats.gold_mediators
    # 1 centre, 14 stations, 151 rooms; every community but one has an adviser today.
    counts = {kind: LegalPlace.objects.filter(kind=kind).count()
              for kind in ("centre", "station", "room")}
    assert counts == {"centre": 1, "station": 14, "room": 151}
    assert OrgUnit.objects.filter(kind=UnitKind.COMMUNITY).count() == 151
    gaps = selectors.coverage(user=leader, on=date(2023, 3, 31))
    assert [g.what for g, _unit in gaps] == ["adviser"]
    # The current year has cases to work on.
    assert Dispute.objects.filter(year=2023, outcome="pending").exists()

    # Votes: the year's poll counted, the quarter's open with three ballots.
    closed, open_ = Poll.objects.order_by("opens_at")
    results = vote_selectors.poll_results(user=User.objects.get(username="sjj_head"),
                                          pk=closed.pk)
    assert (results.eligible, results.voted, results.cast) == (8, 8, 8)
    assert open_.status == "open" and Ballot.objects.filter(poll=open_).count() == 3
    assert Voter.objects.filter(poll=open_, voted=True).count() == 3

    # Loading again changes nothing.
    assert demo_mediation.load() is False and demo_votes.load() is False
    assert Dispute.objects.count() == 5650 + demo_mediation.Q1_2023
