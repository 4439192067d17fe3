"""Reads of 无记名投票 for users: the polls a user may see (scoped by unit, plus the polls they
are on the roll of), progress as counts only, results only after close."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from diaodu.core.errors import NotFound, UserError
from diaodu.core.scoping import scope_for

from .models import Poll, PollStatus, Voter


def poll_list(*, user) -> QuerySet[Poll]:
    """Polls of the user's scope and polls the user may vote in, with roll counts."""
    visible = scope_for(user, Poll).values("pk")
    mine = Voter.objects.filter(user=user).values("poll_id") if user.is_authenticated \
        else Voter.objects.none().values("poll_id")
    return Poll.objects.filter(Q(pk__in=visible) | Q(pk__in=mine)).select_related("unit") \
        .annotate(eligible=Count("voters"), voted=Count("voters", filter=Q(voters__voted=True)))


def poll_get(*, user, pk) -> Poll:
    """One poll the user may see, with `my_voter` (their roll entry or None)."""
    try:
        poll = poll_list(user=user).get(pk=pk)
    except (Poll.DoesNotExist, ValueError, TypeError):
        raise NotFound from None
    poll.my_voter = Voter.objects.filter(poll=poll, user=user).first()
    poll.candidate_list = list(poll.candidates.all())
    return poll


@dataclass
class Results:
    poll: Poll
    rows: list          # candidates, most votes first
    cast: int
    voted: int
    eligible: int

    @property
    def consistent(self) -> bool:
        return self.cast == self.voted


def poll_results(*, user, pk) -> Results:
    """The count of a closed poll; UserError before close (nobody, organiser included, sees a
    running count)."""
    poll = poll_get(user=user, pk=pk)
    if poll.status != PollStatus.CLOSED:
        raise UserError("poll.results_early", _("投票尚未结束，结束后才能查看结果。"), "status")
    rows = sorted(poll.candidate_list, key=lambda c: (-(c.tally or 0), c.sort, c.pk))
    return Results(poll, rows, poll.cast_count or 0, poll.voted_count or 0, poll.eligible)


def roll(*, user, poll: Poll) -> QuerySet[Voter]:
    """Who is on the roll and whether they have voted (参加投票名单): for the poll's scope."""
    if not scope_for(user, Poll).filter(pk=poll.pk).exists():
        raise NotFound
    return Voter.objects.filter(poll=poll).select_related("user", "user__unit") \
        .order_by("user__unit__path", "user__username")
