"""无记名投票 (secret ballot), e.g. a party branch's 民主评议 choosing the year's 优秀党员.

Secrecy is a property of what is stored, not of who may read it:
- `Voter` is the roll: who may vote and whether they have (a flag, no time).
- `Ballot` is a cast paper: the poll and the chosen candidates only — no voter, no time at
  all (a per-ballot day would give away the lone voter of a day), a random UUID key so the
  key order is no order of casting.
- Closing the poll seals it (services.poll_close): both tables are rewritten in an order that
  has nothing to do with casting (ballots by key, the roll by user), so neither the row
  positions (SQLite rowid, PostgreSQL ctid) nor the writing transaction (PostgreSQL xmin)
  can pair a ballot with a roll entry afterwards. docs/votes.md says what stays outside.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from diaodu.core.models import OrgUnit, User


class PollStatus(models.TextChoices):
    OPEN = "open", _("投票中")
    CLOSED = "closed", _("已结束")


class Poll(models.Model):
    """One vote: its title, candidates, how many each voter may choose, the roll and times."""

    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    unit = models.ForeignKey(OrgUnit, verbose_name=_("发起单位"), on_delete=models.PROTECT,
                             related_name="polls")
    max_choices = models.PositiveSmallIntegerField(_("每票最多可选"))
    opens_at = models.DateTimeField(_("投票开始时间"))
    closes_at = models.DateTimeField(_("投票截止时间"))
    status = models.CharField(_("状态"), max_length=16, choices=PollStatus.choices,
                              default=PollStatus.OPEN)
    # Filled when the poll is closed and counted.
    cast_count = models.PositiveIntegerField(_("收回选票"), null=True, blank=True)
    voted_count = models.PositiveIntegerField(_("已投票人数"), null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    class Meta:
        verbose_name = _("无记名投票")
        verbose_name_plural = _("无记名投票")
        ordering = ["-opens_at", "-id"]
        constraints = [models.CheckConstraint(
            condition=models.Q(closes_at__gt=models.F("opens_at")), name="votes_poll_period"),
                       models.CheckConstraint(condition=models.Q(max_choices__gte=1),
                                              name="votes_poll_max_choices")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("votes:detail", args=[self.pk])


class Candidate(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="candidates")
    name = models.CharField(_("候选人"), max_length=60)
    sort = models.PositiveSmallIntegerField(default=0)
    tally = models.PositiveIntegerField(_("得票"), null=True, blank=True)  # set at close

    class Meta:
        verbose_name = _("候选人")
        verbose_name_plural = _("候选人")
        ordering = ["poll", "sort", "id"]
        constraints = [models.UniqueConstraint(fields=["poll", "name"],
                                               name="votes_candidate_name")]

    def __str__(self) -> str:
        return self.name


class Voter(models.Model):
    """The roll: one row per eligible voter, written when the poll is set up; casting only
    sets `voted`. No time is kept."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="voters")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    voted = models.BooleanField(_("已投票"), default=False)

    class Meta:
        verbose_name = _("选民")
        verbose_name_plural = _("选民")
        constraints = [models.UniqueConstraint(fields=["poll", "user"],
                                               name="votes_voter_once")]

    def __str__(self) -> str:
        return str(self.user_id)


class Ballot(models.Model):
    """A cast ballot paper: which candidates it marks (sorted ids; empty = 弃权). Nothing else."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    choices = models.JSONField(_("所选候选人"), default=list)

    class Meta:
        verbose_name = _("选票")
        verbose_name_plural = _("选票")
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.pk)
