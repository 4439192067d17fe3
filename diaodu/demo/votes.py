"""无记名投票 demo: the 区审计局 party branch's 民主评议 — the seeds' "通过无记名投票的方式评选出
年度优秀党员" — as a closed and counted poll, and this quarter's poll still open on the demo's
business day with some members having voted. Members, candidates and choices are SAMPLE.
The demo accounts `sjj_head` (organiser) and `sjj_member1`…`sjj_member7` vote."""

import random
from datetime import datetime

from django.utils import timezone

from diaodu.core import services as core_services
from diaodu.core.models import OrgUnit, User
from diaodu.votes import services
from diaodu.votes.models import Poll

from . import data

MEMBERS = 7
CANDIDATES = ["王建国", "李秀兰", "张志强", "刘丽娟", "陈海涛"]


def _at(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


def _accounts(unit: OrgUnit) -> list[User]:
    people = [("sjj_head", "unit_head", "区审计局党支部书记")] + [
        (f"sjj_member{n}", "reporter", f"区审计局党员{n}") for n in range(1, MEMBERS + 1)]
    users = []
    for username, role, display in people:
        user = User.objects.filter(username=username).first() or core_services.user_create(
            actor=None, username=username, password=data.DEMO_PASSWORD, unit=unit, role=role,
            display_name=display, must_change_password=False)
        users.append(user)
    return users


def load() -> bool:
    if Poll.objects.exists():
        return False
    rng = random.Random(2021)
    unit = OrgUnit.objects.get(code="410102-SJJ")
    voters = _accounts(unit)
    year_poll = services.poll_create(
        actor=None, unit=unit, title="区审计局党支部2022年度优秀党员评选",
        description="民主评议党员，每人最多选2名，一人不选为弃权。", candidates=CANDIDATES,
        max_choices=2, opens_at=_at(2023, 1, 18, 9, 0), closes_at=_at(2023, 1, 18, 11, 30),
        voters=voters)
    ids = list(year_poll.candidates.values_list("pk", flat=True))
    weights = [5, 4, 2, 2, 1]
    for n, voter in enumerate(voters):
        picks = set(rng.choices(ids, weights, k=2)) if n != 3 else set()  # one abstains
        services.ballot_cast(actor=voter, poll=year_poll, choices=sorted(picks),
                             now=_at(2023, 1, 18, 9, 5 + n * 3))
    services.poll_close(actor=None, poll=year_poll, now=_at(2023, 1, 18, 11, 30))
    quarter = services.poll_create(
        actor=None, unit=unit, title="区审计局党支部2023年第一季度党员民主评议",
        description="评议本季度表现突出的党员，每人最多选1名。", candidates=CANDIDATES[:4],
        max_choices=1, opens_at=_at(2023, 3, 30, 9, 0), closes_at=_at(2023, 4, 3, 17, 0),
        voters=voters)
    ids = list(quarter.candidates.values_list("pk", flat=True))
    for n, voter in enumerate(voters[1:4]):
        services.ballot_cast(actor=voter, poll=quarter, choices=[rng.choice(ids)],
                             now=_at(2023, 3, 30, 10, 15 + n * 7))
    return True
