"""Setting up, casting and closing: one vote each, only on the roll, only while open, results
only after close, ballots cast equal voters marked; refusals change nothing."""

from datetime import timedelta

import pytest

from diaodu.core.errors import NotFound, UserError
from diaodu.core.models import AuditEvent
from diaodu.votes import rules, selectors, services
from diaodu.votes.models import Ballot, Poll, Voter

from .conftest import AFTER, CLOSES, DURING, OPENS, ids, make_poll

pytestmark = pytest.mark.django_db


def written():
    return (Ballot.objects.count(), Voter.objects.filter(voted=True).count(),
            AuditEvent.objects.filter(action="poll.vote").count())


def test_rules_boundaries():
    assert rules.accepting("open", OPENS, CLOSES, OPENS) == "open"
    assert rules.accepting("open", OPENS, CLOSES, OPENS - timedelta(microseconds=1)) == "not_yet"
    assert rules.accepting("open", OPENS, CLOSES, CLOSES - timedelta(microseconds=1)) == "open"
    assert rules.accepting("open", OPENS, CLOSES, CLOSES) == "closed"
    assert rules.accepting("closed", OPENS, CLOSES, DURING) == "closed"
    assert rules.ballot_problem([1, 2], {1, 2, 3}, 2) is None
    assert rules.ballot_problem([1, 2, 3], {1, 2, 3}, 2) == "too_many"
    assert rules.ballot_problem([], {1}, 1) is None  # 弃权
    assert rules.ballot_problem([1, 1], {1, 2}, 2) == "duplicate"
    assert rules.ballot_problem([9], {1, 2}, 2) == "unknown"
    assert rules.tally([[1, 2], [2], []], [1, 2, 3]) == {1: 1, 2: 2, 3: 0}


def test_poll_setup_bad_input(street_a, members):
    for kwargs, match in (({"names": ("甲",)}, "至少需要两名"),
                          ({"names": ("甲", "甲", "乙")}, "候选人重复：甲"),
                          ({"max_choices": 5}, "每票可选人数应在1到4之间"),
                          ({"max_choices": 0}, "每票可选人数"),
                          ({"closes": OPENS}, "截止时间须晚于开始时间")):
        with pytest.raises(UserError, match=match):
            make_poll(street_a, members, **kwargs)
    with pytest.raises(UserError, match="参加投票的人员"):
        make_poll(street_a, [])
    assert make_poll(street_a, members, max_choices=4).max_choices == 4
    assert Poll.objects.count() == 1


def test_only_unit_heads_organise_their_own_units(street_a, street_b, members,
                                                  street_a_head, street_a_reporter):
    from tests.mediation.test_disputes import fresh

    with pytest.raises(NotFound):
        services.poll_create(actor=street_a_reporter, unit=street_a, title="t",
                             candidates=["甲", "乙"], max_choices=1, opens_at=OPENS,
                             closes_at=CLOSES, voters=members)
    with pytest.raises(NotFound):
        services.poll_create(actor=fresh(street_a_head), unit=street_b, title="t",
                             candidates=["甲", "乙"], max_choices=1, opens_at=OPENS,
                             closes_at=CLOSES, voters=members)


def test_one_vote_each_only_while_open_only_on_the_roll(poll, members, street_b_reporter):
    voter = members[0]
    with pytest.raises(UserError, match="投票尚未开始"):
        services.ballot_cast(actor=voter, poll=poll, choices=ids(poll, "甲"),
                             now=OPENS - timedelta(seconds=1))
    with pytest.raises(UserError, match="不在本次投票的选民名单中"):
        services.ballot_cast(actor=street_b_reporter, poll=poll, choices=ids(poll, "甲"),
                             now=DURING)
    with pytest.raises(UserError, match="最多可选2人，您选了3人"):
        services.ballot_cast(actor=voter, poll=poll, choices=ids(poll, "甲", "乙", "丙"),
                             now=DURING)
    with pytest.raises(UserError, match="选票无效"):
        services.ballot_cast(actor=voter, poll=poll, choices=[-5], now=DURING)
    assert written() == (0, 0, 0)
    services.ballot_cast(actor=voter, poll=poll, choices=ids(poll, "甲", "乙"), now=OPENS)
    assert written() == (1, 1, 1)
    with pytest.raises(UserError, match="已经投过票"):
        services.ballot_cast(actor=voter, poll=poll, choices=ids(poll, "丙"), now=DURING)
    with pytest.raises(UserError, match="已经截止"):
        services.ballot_cast(actor=members[1], poll=poll, choices=ids(poll, "丙"), now=CLOSES)
    assert written() == (1, 1, 1)


def test_results_only_after_close_and_the_count_checks(poll, members, street_a_reporter,
                                                       street_a_head):
    from tests.mediation.test_disputes import fresh

    head = fresh(street_a_head)
    for voter, names in zip(members, (("甲", "乙"), ("甲",), ("乙", "丙"), ()), strict=True):
        services.ballot_cast(actor=voter, poll=poll, choices=ids(poll, *names), now=DURING)
    with pytest.raises(UserError, match="结束后才能查看结果"):
        selectors.poll_results(user=head, pk=poll.pk)
    with pytest.raises(UserError, match="尚有1人未投票"):
        services.poll_close(actor=head, poll=poll, now=DURING)
    assert Poll.objects.get(pk=poll.pk).status == "open"
    services.poll_close(actor=head, poll=poll, now=CLOSES)
    results = selectors.poll_results(user=head, pk=poll.pk)
    assert [(c.name, c.tally) for c in results.rows] == [("甲", 2), ("乙", 2), ("丙", 1),
                                                         ("丁", 0)]
    assert (results.eligible, results.voted, results.cast, results.consistent) == (5, 4, 4, True)
    with pytest.raises(UserError, match="投票已经结束"):
        services.poll_close(actor=head, poll=poll, now=AFTER)
    # The voter who did not vote sees the results too; the roll says who voted, not how.
    assert selectors.poll_results(user=fresh(street_a_reporter), pk=poll.pk).cast == 4


def test_close_early_once_everyone_voted(street_a, members):
    poll = make_poll(street_a, members[:2])
    for voter in members[:2]:
        services.ballot_cast(actor=voter, poll=poll, choices=ids(poll, "丁"), now=DURING)
    assert services.poll_close(actor=None, poll=poll, now=DURING).cast_count == 2


def test_a_ballot_added_behind_the_applications_back_stops_the_count(poll, members):
    services.ballot_cast(actor=members[0], poll=poll, choices=ids(poll, "甲"), now=DURING)
    Ballot.objects.create(poll=poll, choices=ids(poll, "乙"))  # stuffed
    with pytest.raises(UserError, match="收回选票2张与已投票人数1人不符"):
        services.poll_close(actor=None, poll=poll, now=AFTER)
    assert Poll.objects.get(pk=poll.pk).status == "open"


def test_the_daily_task_closes_due_polls(poll, members):
    services.ballot_cast(actor=members[0], poll=poll, choices=ids(poll, "甲"), now=DURING)
    assert services.polls_close_due(now=CLOSES - timedelta(seconds=1)) == 0
    assert services.polls_close_due(now=CLOSES) == 1
    assert Poll.objects.get(pk=poll.pk).status == "closed"


def test_voters_from_elsewhere_see_the_poll_they_are_on(street_b, members, street_b_reporter,
                                                        street_a_reporter):
    poll = make_poll(street_b, [street_a_reporter, street_b_reporter])
    assert selectors.poll_get(user=street_a_reporter, pk=poll.pk).my_voter is not None
    with pytest.raises(NotFound):
        selectors.poll_get(user=members[0], pk=poll.pk)


def test_the_command_closes_due_polls(poll, members):
    from io import StringIO

    from django.core.management import call_command

    services.ballot_cast(actor=members[0], poll=poll, choices=ids(poll, "甲"), now=DURING)
    out = StringIO()
    call_command("polls_close", stdout=out)  # the real clock is long past 2022
    assert out.getvalue().strip() == "closed=1"
