"""The poll pages: set up, vote (the answer is the same whatever was chosen), close, results."""

import pytest
from django.urls import reverse

from diaodu.core import clock
from diaodu.votes.models import Ballot, Poll

from .conftest import ids, make_poll

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_poll(street_a, members, street_a_reporter):
    from datetime import timedelta

    now = clock.now()
    return make_poll(street_a, [*members, street_a_reporter], opens=now - timedelta(hours=1),
                     closes=now + timedelta(hours=1))


def test_the_answer_to_a_vote_does_not_depend_on_the_choice(client, live_poll, members):
    answers = []
    for voter, names in ((members[0], ("甲",)), (members[1], ("乙", "丙"))):
        client.force_login(voter)
        response = client.post(reverse("votes:cast", args=[live_poll.pk]),
                               {"choices": ids(live_poll, *names)}, follow=True)
        page = response.content.decode()
        answers.append((response.redirect_chain, response.status_code, "您已投票" in page))
        assert "甲" not in page.split("候选人：")[0]  # nothing before the candidate list
    assert answers[0] == answers[1] and answers[0][2]
    assert Ballot.objects.count() == 2


def test_second_vote_and_early_results_show_chinese_messages(client, live_poll, members):
    client.force_login(members[0])
    url = reverse("votes:cast", args=[live_poll.pk])
    client.post(url, {"choices": ids(live_poll, "甲")})
    response = client.post(url, {"choices": ids(live_poll, "乙")})
    assert response.status_code == 400 and "已经投过票" in response.content.decode()
    response = client.get(reverse("votes:results", args=[live_poll.pk]))
    assert response.status_code == 400 and "结束后才能查看结果" in response.content.decode()
    assert Ballot.objects.count() == 1


def test_organiser_sets_up_and_closes(client, street_a_head, members):
    client.force_login(street_a_head)
    response = client.post(reverse("votes:create"), {
        "title": "2021年度优秀党员评选", "candidates": "甲\n乙\n丙", "max_choices": 1,
        "opens_at": "2022-01-20T09:00", "closes_at": "2022-01-20T18:00",
        "voters": [m.pk for m in members]})
    poll = Poll.objects.get()
    assert response.url == poll.get_absolute_url() and poll.voters.count() == 4
    response = client.post(reverse("votes:close", args=[poll.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("votes:results", args=[poll.pk])
    page = response.content.decode()
    assert "应投票 4 人，实际投票 0 人，收回选票 0 张" in page and "一致" in page
    export = client.get(reverse("votes:export", args=[poll.pk]))
    assert export.status_code == 200 and export.content[:2] == b"PK"


def test_list_queries_are_pinned(client, street_a, members, street_a_head,
                                 django_assert_num_queries):
    client.force_login(street_a_head)
    make_poll(street_a, members)
    client.get(reverse("votes:list"))
    with django_assert_num_queries(6):
        client.get(reverse("votes:list"))
    make_poll(street_a, members, title="另一次")
    with django_assert_num_queries(6):
        client.get(reverse("votes:list"))
