"""Writes of 无记名投票: set a poll up, cast a ballot, close and count. Casting records that
the actor voted (roll flag, audit event with no content) and, separately, an anonymous ballot
(models.py); nothing written links the two, and closing seals the tables so that row order
and writing transaction do not either (docs/votes.md)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diaodu.core import audit, clock
from diaodu.core.errors import NotFound, UserError
from diaodu.core.models import OrgUnit, User

from . import policy, rules
from .models import Ballot, Candidate, Poll, PollStatus, Voter

MAX_CANDIDATES = 200


def poll_create(*, actor: User | None, unit: OrgUnit, title: str, candidates: Iterable[str],
                max_choices: int, opens_at: datetime, closes_at: datetime,
                voters: Iterable[User], description: str = "") -> Poll:
    """Set up a poll with its candidates and its roll of eligible voters."""
    if not policy.may_organise(actor, unit):
        raise NotFound
    title = title.strip()
    if not title:
        raise UserError("poll.title", _("请填写投票标题。"), "title")
    names = [n.strip() for n in candidates if n and n.strip()]
    if len(names) < 2:
        raise UserError("poll.candidates", _("至少需要两名候选人。"), "candidates")
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise UserError("poll.candidate_duplicate", _("候选人重复：%(n)s") %
                        {"n": "、".join(duplicates)}, "candidates")
    if len(names) > MAX_CANDIDATES:
        raise UserError("poll.candidates", _("候选人不能超过%(n)s名。") % {"n": MAX_CANDIDATES},
                        "candidates")
    if not 1 <= max_choices <= len(names):
        raise UserError("poll.max_choices", _("每票可选人数应在1到%(n)s之间。")
                        % {"n": len(names)}, "max_choices")
    if closes_at <= opens_at:
        raise UserError("poll.period", _("截止时间须晚于开始时间。"), "closes_at")
    roll = sorted({u.pk: u for u in voters}.values(), key=lambda u: u.pk)
    if not roll:
        raise UserError("poll.voters", _("请选择参加投票的人员。"), "voters")
    with transaction.atomic():
        poll = Poll.objects.create(title=title, description=description.strip(), unit=unit,
                                   max_choices=max_choices, opens_at=opens_at,
                                   closes_at=closes_at, created_by=actor)
        Candidate.objects.bulk_create([Candidate(poll=poll, name=n[:60], sort=i)
                                       for i, n in enumerate(names)])
        Voter.objects.bulk_create([Voter(poll=poll, user=u) for u in roll])
        audit.record(actor, "poll.create", poll,
                     {"title": title, "candidates": len(names), "voters": len(roll),
                      "max_choices": max_choices, "opens_at": opens_at,
                      "closes_at": closes_at})
    return poll


def ballot_cast(*, actor: User, poll: Poll, choices: Iterable[int],
                now: datetime | None = None) -> None:
    """Cast the actor's ballot. Returns nothing: not even the caller learns the ballot's key.
    Refused (nothing written) for someone not on the roll, a second vote, a vote outside the
    poll's times, or an invalid set of choices."""
    now = now or clock.now()
    chosen = [int(c) for c in choices]
    with transaction.atomic():
        poll = Poll.objects.select_for_update().get(pk=poll.pk)
        state = rules.accepting(poll.status, poll.opens_at, poll.closes_at, now)
        if state == "not_yet":
            opens = f"{timezone.localtime(poll.opens_at):%Y-%m-%d %H:%M}"
            raise UserError("vote.not_open", _("投票尚未开始（%(t)s开始）。") % {"t": opens},
                            "choices")
        if state == "closed":
            raise UserError("vote.closed", _("投票已经截止，不能再投票。"), "choices")
        voter = Voter.objects.select_for_update().filter(poll=poll, user=actor).first()
        if voter is None:
            raise UserError("vote.not_eligible", _("您不在本次投票的选民名单中。"), "choices")
        if voter.voted:
            raise UserError("vote.twice", _("您已经投过票，每人只能投一次。"), "choices")
        candidates = set(poll.candidates.values_list("pk", flat=True))
        problem = rules.ballot_problem(chosen, candidates, poll.max_choices)
        if problem == "too_many":
            raise UserError("vote.too_many", _("每票最多可选%(n)s人，您选了%(m)s人。")
                            % {"n": poll.max_choices, "m": len(chosen)}, "choices")
        if problem is not None:
            raise UserError("vote.invalid", _("选票无效：所选候选人有误。"), "choices")
        Voter.objects.filter(pk=voter.pk).update(voted=True)
        Ballot.objects.create(poll=poll, choices=sorted(chosen))
        # That the actor voted, in which poll — never what, and not the ballot's key.
        audit.record(actor, "poll.vote", poll, {})


def poll_close(*, actor: User | None, poll: Poll, now: datetime | None = None) -> Poll:
    """Close the poll and count it: at or after its closing time, or earlier once everyone on
    the roll has voted. Checks that ballots cast equal voters marked, stores the tallies and
    seals the tables."""
    now = now or clock.now()
    with transaction.atomic():
        poll = Poll.objects.select_for_update().select_related("unit").get(pk=poll.pk)
        if not policy.may_organise(actor, poll.unit):
            raise NotFound
        if poll.status == PollStatus.CLOSED:
            raise UserError("poll.closed", _("投票已经结束。"), "status")
        voted = Voter.objects.filter(poll=poll, voted=True).count()
        eligible = Voter.objects.filter(poll=poll).count()
        if now < poll.closes_at and voted < eligible:
            raise UserError("poll.too_early",
                            _("截止时间未到且尚有%(n)s人未投票，不能提前结束。")
                            % {"n": eligible - voted}, "status")
        ballots = list(Ballot.objects.filter(poll=poll).values_list("id", "choices"))
        if len(ballots) != voted:
            # Cannot happen through ballot_cast (one transaction writes both); a count that
            # differs means rows were changed behind the application: refuse to publish.
            raise UserError("poll.mismatch",
                            _("收回选票%(b)s张与已投票人数%(v)s人不符，不能计票，请联系安全审计员。")
                            % {"b": len(ballots), "v": voted}, "status")
        counts = rules.tally((c for _id, c in ballots),
                             poll.candidates.values_list("pk", flat=True))
        for candidate in poll.candidates.all():
            candidate.tally = counts[candidate.pk]
            candidate.save(update_fields=["tally"])
        poll.status, poll.cast_count, poll.voted_count = PollStatus.CLOSED, len(ballots), voted
        poll.save(update_fields=["status", "cast_count", "voted_count"])
        _seal(poll, ballots)
        audit.record(actor, "poll.close", poll, {"cast": len(ballots), "voted": voted,
                                                 "eligible": eligible})
        transaction.on_commit(_compact)
    return poll


def _seal(poll: Poll, ballots: list) -> None:
    """Rewrite the poll's ballots in key order and its roll in user order, in this one
    transaction: afterwards no row's position or writing transaction tells when it was
    written, so none pairs a ballot with a voter."""
    Ballot.objects.filter(poll=poll).delete()
    Ballot.objects.bulk_create([Ballot(id=key, poll=poll, choices=choices)
                                for key, choices in sorted(ballots, key=lambda b: b[0].int)])
    roll = list(Voter.objects.filter(poll=poll).order_by("user_id")
                .values_list("user_id", "voted"))
    Voter.objects.filter(poll=poll).delete()
    Voter.objects.bulk_create([Voter(poll=poll, user_id=user, voted=voted)
                               for user, voted in roll])


def _compact() -> None:
    """PostgreSQL keeps the replaced rows as dead tuples until vacuumed; VACUUM FULL rewrites
    both tables so the old versions (with their casting transactions) leave the table files.
    Runs after commit, outside any transaction (VACUUM cannot run inside one)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (FULL) {Ballot._meta.db_table}, {Voter._meta.db_table}")


def polls_close_due(*, now: datetime | None = None) -> int:
    """Close every open poll past its closing time (the daily task); returns how many."""
    now = now or clock.now()
    closed = 0
    for poll in Poll.objects.filter(status=PollStatus.OPEN, closes_at__lte=now):
        poll_close(actor=None, poll=poll, now=now)
        closed += 1
    return closed
