"""Try to link a ballot to its voter from everything stored — rows, keys, row positions,
writing transactions, the audit log, the logs, timing — and show it cannot be done.

The argument: two worlds in which the same people vote at the same moments in the same order
but for different candidates (A→甲, B→乙 versus A→乙, B→甲). If, after the poll is closed,
everything stored is the same in both worlds once each world's random ballot keys are put
in the other order — an equally likely draw of uuid4 — then nothing stored tells who voted
for whom. Before closing, the same comparison tells the worlds apart (row positions and, on
PostgreSQL, writing transactions), which shows the comparison sees what it claims to see."""

import json
import logging
import uuid
from datetime import timedelta

import pytest
from django.db import connection

from diaodu.core.models import AuditEvent
from diaodu.votes import services
from diaodu.votes.models import Ballot, Voter

from .conftest import CLOSES, DURING, OPENS, make_poll

pytestmark = pytest.mark.django_db(transaction=True)
PG = connection.vendor == "postgresql"


def physical(table: str, poll_id: int, columns: str) -> list[tuple]:
    """Rows in storage order, with the writing transaction on PostgreSQL."""
    position = "ctid" if PG else "rowid"
    extra = ", xmin::text" if PG else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}{extra} FROM {table} WHERE poll_id = %s "
                       f"ORDER BY {position}", [poll_id])
        return cursor.fetchall()


def snapshot(poll) -> dict:
    """Everything stored about the poll's voting, with the poll's own ids replaced by names
    and ranks, so two polls can be compared."""
    names = {c.pk: c.name for c in poll.candidates.all()}
    ballots = physical("votes_ballot", poll.pk, "id, choices")
    keys = sorted(str(b[0]) for b in ballots)
    def decode(value):  # Django reads JSON columns as text on both databases
        return json.loads(value) if isinstance(value, str) else value

    rows = [(keys.index(str(b[0])), sorted(names[c] for c in decode(b[1]))) for b in ballots]
    voters = physical("votes_voter", poll.pk, "user_id, voted")
    events = list(AuditEvent.objects.filter(object_type="votes.poll", object_id=str(poll.pk))
                  .order_by("seq").values_list("action", "actor_id", "changes"))
    xmins = {}
    if PG:
        # Which rows share a writing transaction with a ballot: a link if any is a voter's.
        ballot_x = [b[-1] for b in ballots]
        voter_x = [v[-1] for v in voters]
        xmins = {"ballot_groups": len(set(ballot_x)),
                 "ballot_shares_with_voter": [voter_x.index(x) if x in voter_x else None
                                              for x in ballot_x]}
    return {"ballots": rows, "voters": [(v[0], v[1]) for v in voters], "audit": events,
            "xmin": xmins}


def keys_in(order):
    """Ballot keys handed out in cast order, rising ("up") or falling ("down"); each world
    has its own keys (they are the table's primary key)."""
    world = 1 if order == "up" else 2
    base = [uuid.UUID(int=world << 120 | (i + 1) << 100 | 4 << 76 | 2 << 62) for i in range(3)]
    return iter(base if order == "up" else base[::-1])


def run_world(unit, voters, choices, order, monkeypatch):
    poll = make_poll(unit, voters, opens=OPENS, closes=CLOSES)
    by_name = {c.name: c.pk for c in poll.candidates.all()}
    keys = keys_in(order)
    # The field caches its default callable (Field._get_default): replace that.
    monkeypatch.setattr(Ballot._meta.get_field("id"), "_get_default", lambda: next(keys))
    for voter, name in zip(voters, choices, strict=True):
        services.ballot_cast(actor=voter, poll=poll, choices=[by_name[name]], now=DURING)
    before = snapshot(poll)
    services.poll_close(actor=None, poll=poll, now=CLOSES + timedelta(seconds=1))
    return before, snapshot(poll)


def test_nothing_stored_links_a_ballot_to_its_voter(street_a, members, monkeypatch, caplog):
    voters = members[:3]
    caplog.set_level(logging.DEBUG)
    before_1, after_1 = run_world(street_a, voters, ["甲", "乙", "丙"], "up", monkeypatch)
    before_2, after_2 = run_world(street_a, voters, ["丙", "乙", "甲"], "down", monkeypatch)
    # Closed: the same stored state, though A chose 甲 in one world and 丙 in the other.
    assert after_1 == after_2
    assert after_1["ballots"] == [(0, ["甲"]), (1, ["乙"]), (2, ["丙"])]
    assert [a for a, _actor, _c in after_1["audit"]] == ["poll.create", "poll.vote",
                                                         "poll.vote", "poll.vote", "poll.close"]
    assert all(changes == {} for action, _actor, changes in after_1["audit"]
               if action == "poll.vote")
    if PG:
        assert after_1["xmin"]["ballot_groups"] == 1  # one sealing transaction for all
    # Open: the storage order (and on PostgreSQL the writing transaction) gave voters away.
    assert before_1["ballots"] != before_2["ballots"]
    if PG:
        assert before_1["xmin"]["ballot_shares_with_voter"] == [0, 1, 2]
    # The logs of the whole run name no candidate and no ballot key.
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert not any(word in logged for word in ("甲", "乙", "丙"))
    assert not any(str(b.pk) in logged for b in Ballot.objects.all())


def test_a_ballot_row_has_nothing_but_its_poll_and_choices():
    fields = {f.name: f for f in Ballot._meta.concrete_fields}
    assert set(fields) == {"id", "poll", "choices"}
    assert fields["id"].default is uuid.uuid4  # random (v4), not time-ordered (v1/v7)
    voter_fields = {f.name for f in Voter._meta.concrete_fields}
    assert voter_fields == {"id", "poll", "user", "voted"}  # no time of voting
    assert Ballot._meta.ordering == ["id"]


def test_the_roll_is_rewritten_in_user_order(street_a, members):
    poll = make_poll(street_a, members)
    for voter in reversed(members):
        services.ballot_cast(actor=voter, poll=poll, choices=[], now=DURING)
    services.poll_close(actor=None, poll=poll, now=CLOSES)
    users = [row[0] for row in physical("votes_voter", poll.pk, "user_id")]
    assert users == sorted(m.pk for m in members)
    ids = list(Voter.objects.filter(poll=poll).order_by("pk").values_list("user_id", flat=True))
    assert ids == sorted(m.pk for m in members)
